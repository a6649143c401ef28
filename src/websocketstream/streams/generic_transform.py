"""Streams §"GenericTransformStream": the ``readable``/``writable`` pair that the Encoding and
Compression streams expose, each backed by a :class:`TransformStream` ("transform").

Also the Web IDL conversion of a chunk to a ``BufferSource`` that their transforms share.
"""

from __future__ import annotations

from typing import Any, Generic

from .._naming import SnakeCaseHint
from ._typevars import I_contra, R_co
from .readable import ReadableStream
from .transform import TransformStream
from .writable import WritableStream

__all__ = ["GenericTransformStream", "buffer_source_view"]


class GenericTransformStream(SnakeCaseHint, Generic[I_contra, R_co]):
    """The mixin's two members, read from the object's transform (a :class:`TransformStream`
    whose transformer holds the object's state, not the object: no reference cycle)."""

    __slots__ = ("_transform",)

    _transform: TransformStream[I_contra, R_co]

    @property
    def readable(self) -> ReadableStream[R_co]:
        """The readable side (the transform's readable)."""
        return self._transform.readable

    @property
    def writable(self) -> WritableStream[I_contra]:
        """The writable side (the transform's writable)."""
        return self._transform.writable


def buffer_source_view(chunk: Any, who: str) -> memoryview:
    """Web IDL conversion to ``BufferSource``: a flat byte view of any object with the buffer
    protocol (``bytes``, ``bytearray``, ``memoryview``, ``array``, NumPy arrays, ...);
    ``TypeError`` for anything else, ``str`` included."""
    if isinstance(chunk, str):
        raise TypeError(f"{who} takes bytes-like chunks, not str")
    try:
        view = memoryview(chunk)
    except TypeError:
        raise TypeError(f"{who} takes bytes-like chunks, not {type(chunk).__name__}") from None
    if view.format != "B" or view.ndim != 1:
        view = view.cast("B") if view.c_contiguous else memoryview(view.tobytes())
    return view
