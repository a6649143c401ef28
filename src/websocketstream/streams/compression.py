"""The Compression Standard's streams: ``CompressionStream`` and ``DecompressionStream``.

Formats ``"deflate"`` (RFC 1950, zlib), ``"deflate-raw"`` (RFC 1951) and ``"gzip"`` (RFC 1952),
with the stdlib's :mod:`zlib`.

Memory is bounded on the decompression side: one chunk's output is produced and enqueued in
pieces of at most :data:`OUTPUT_PIECE_SIZE` bytes, and between pieces the transform waits for
the readable side to want more (its backpressure), so a small input that inflates to gigabytes
(a "decompression bomb") is inflated only as fast as the reader reads.
"""

from __future__ import annotations

import zlib
from functools import partial
from typing import Any, Final

from .._promise import Promise, transform_promise_with
from .generic_transform import GenericTransformStream, buffer_source_view
from .transform import (
    TransformStream,
    TransformStreamDefaultController,
    transform_stream_readable_demand,
)

__all__ = ["OUTPUT_PIECE_SIZE", "CompressionStream", "DecompressionStream"]

#: The largest ``bytes`` chunk either stream enqueues (the spec's "split buffer into one or
#: more non-empty pieces").
OUTPUT_PIECE_SIZE: Final = 64 * 1024

# The zlib window bits of each CompressionFormat (the header it writes or expects).
_WBITS: Final[dict[str, int]] = {
    "deflate": zlib.MAX_WBITS,
    "deflate-raw": -zlib.MAX_WBITS,
    "gzip": 16 + zlib.MAX_WBITS,
}

_Controller = TransformStreamDefaultController[bytes]


def _check_format(format: Any, who: str) -> str:
    # Web IDL conversion to the CompressionFormat enum.
    if not isinstance(format, str) or format not in _WBITS:
        raise TypeError(f"{who} format must be 'deflate', 'deflate-raw' or 'gzip', not {format!r}")
    return format


def _enqueue_in_pieces(output: bytes, controller: _Controller) -> None:
    # "Split buffer into one or more non-empty pieces" and enqueue each.
    if len(output) <= OUTPUT_PIECE_SIZE:
        if output:
            controller.enqueue(output)
        return
    view = memoryview(output)
    for start in range(0, len(output), OUTPUT_PIECE_SIZE):
        controller.enqueue(bytes(view[start : start + OUTPUT_PIECE_SIZE]))


class _CompressorState:
    __slots__ = ("compressor",)

    def __init__(self, format: str) -> None:
        self.compressor = zlib.compressobj(wbits=_WBITS[format])

    # Compression §"compress and enqueue a chunk"
    def compress_and_enqueue_a_chunk(self, chunk: Any, controller: _Controller) -> None:
        view = buffer_source_view(chunk, "CompressionStream")
        _enqueue_in_pieces(self.compressor.compress(view), controller)

    # Compression §"compress flush and enqueue"
    def compress_flush_and_enqueue(self, controller: _Controller) -> None:
        _enqueue_in_pieces(self.compressor.flush(zlib.Z_FINISH), controller)


class CompressionStream(GenericTransformStream[bytes | bytearray | memoryview, bytes]):
    """``CompressionStream(format)``: bytes-like chunks in, the compressed ``bytes`` out.

    ``format`` is ``"deflate"``, ``"deflate-raw"`` or ``"gzip"`` (else ``TypeError``).  A chunk
    that is not bytes-like errors the stream with ``TypeError``.
    """

    __slots__ = ("_format",)

    def __init__(self, format: str) -> None:
        self._format = _check_format(format, "CompressionStream")
        state = _CompressorState(self._format)
        self._transform = TransformStream(
            {
                "transform": state.compress_and_enqueue_a_chunk,
                "flush": state.compress_flush_and_enqueue,
            }
        )

    def __repr__(self) -> str:
        return f"<CompressionStream format={self._format!r}>"


class _DecompressorState:
    __slots__ = ("decompressor", "format")

    def __init__(self, format: str) -> None:
        self.format = format
        self.decompressor = zlib.decompressobj(wbits=_WBITS[format])

    # Compression §"decompress and enqueue a chunk"
    def decompress_and_enqueue_a_chunk(
        self, chunk: Any, controller: _Controller
    ) -> Promise[Any] | None:
        view = buffer_source_view(chunk, "DecompressionStream")
        if self.decompressor.eof:
            if view.nbytes:
                raise self._trailing_data_error()
            return None
        return self._inflate_and_enqueue(view, controller)

    def _inflate_and_enqueue(
        self, data: bytes | memoryview, controller: _Controller
    ) -> Promise[Any] | None:
        # Decompress ``data`` in pieces; while the readable side has backpressure, wait for
        # its next pull before the next piece (the rest of the input waits in ``data``).
        decompressor = self.decompressor
        while True:
            try:
                output = decompressor.decompress(data, OUTPUT_PIECE_SIZE)
            except zlib.error as exc:
                raise TypeError(f"The {self.format} data is invalid: {exc}") from exc
            data = decompressor.unconsumed_tail
            if output:
                controller.enqueue(output)
            if decompressor.eof or (not data and len(output) < OUTPUT_PIECE_SIZE):
                break  # the input is consumed and zlib holds no more output
            demand = transform_stream_readable_demand(controller)
            if demand is not None:
                return transform_promise_with(
                    demand, partial(self._resume_inflate, data, controller)
                )
        # "If the end of the compressed input has been reached, and ds's context has not fully
        # consumed chunk, then throw a TypeError."
        if decompressor.eof and decompressor.unused_data:
            raise self._trailing_data_error()
        return None

    def _resume_inflate(
        self, data: bytes, controller: _Controller, _: object
    ) -> Promise[Any] | None:
        return self._inflate_and_enqueue(data, controller)

    # Compression §"decompress flush and enqueue"
    def decompress_flush_and_enqueue(self, controller: _Controller) -> None:
        decompressor = self.decompressor
        try:
            output = decompressor.flush()
        except zlib.error as exc:
            raise TypeError(f"The {self.format} data is invalid: {exc}") from exc
        if not decompressor.eof:
            raise TypeError(f"The {self.format} data is truncated (its end is missing)")
        _enqueue_in_pieces(output, controller)

    def _trailing_data_error(self) -> TypeError:
        return TypeError(f"Junk found after the end of the compressed {self.format} data")


class DecompressionStream(GenericTransformStream[bytes | bytearray | memoryview, bytes]):
    """``DecompressionStream(format)``: compressed bytes-like chunks in, the data out.

    ``format`` is ``"deflate"``, ``"deflate-raw"`` or ``"gzip"`` (else ``TypeError``).  Invalid
    input, input that goes on after the compressed data ends, and input that ends before it
    does (when the writable side closes) error the stream with ``TypeError``.  Output is
    enqueued in pieces of at most :data:`OUTPUT_PIECE_SIZE` bytes, and only as fast as the
    readable side is read (see the module docstring).
    """

    __slots__ = ("_format",)

    def __init__(self, format: str) -> None:
        self._format = _check_format(format, "DecompressionStream")
        state = _DecompressorState(self._format)
        self._transform = TransformStream(
            {
                "transform": state.decompress_and_enqueue_a_chunk,
                "flush": state.decompress_flush_and_enqueue,
            }
        )

    def __repr__(self) -> str:
        return f"<DecompressionStream format={self._format!r}>"
