"""The chunk type variables the stream classes are generic in.

They default to ``Any`` (PEP 696) for the type checker, so an unparameterised ``ReadableStream()``
means ``ReadableStream[Any]`` as before; at run time they are plain :class:`typing.TypeVar`\\ s
(Python 3.11's has no ``default``), which costs nothing per call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["I_contra", "R_co", "T", "W_contra"]

if TYPE_CHECKING:
    from typing_extensions import TypeVar

    T = TypeVar("T", default=Any)
    R_co = TypeVar("R_co", covariant=True, default=Any)  # what a readable side gives
    W_contra = TypeVar("W_contra", contravariant=True, default=Any)  # what a writable side takes
    I_contra = TypeVar("I_contra", contravariant=True, default=Any)  # a transform's input
else:
    from typing import TypeVar

    T = TypeVar("T")
    R_co = TypeVar("R_co", covariant=True)
    W_contra = TypeVar("W_contra", contravariant=True)
    I_contra = TypeVar("I_contra", contravariant=True)
