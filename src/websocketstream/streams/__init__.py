"""The WHATWG Streams Standard on asyncio: readable, writable and transform streams, byte
streams, piping, tee and queuing strategies.

Names follow the standard (interfaces verbatim, members in snake_case); every promise is an
:class:`asyncio.Future` that is already running.
"""

# ruff: noqa: I001 -- readable must be imported first (the modules import each other)
from .readable import ReadableStream, ReadableStreamDefaultReader, ReadResult
from .byob_reader import ReadableStreamBYOBReader
from .byte_controller import ReadableByteStreamController, ReadableStreamBYOBRequest
from .default_controller import ReadableStreamDefaultController
from .iteration import ReadableStreamAsyncIterator
from .strategies import ByteLengthQueuingStrategy, CountQueuingStrategy
from .transform import TransformStream, TransformStreamDefaultController
from .writable import (
    WritableStream,
    WritableStreamDefaultController,
    WritableStreamDefaultWriter,
)

__all__ = [
    "ByteLengthQueuingStrategy",
    "CountQueuingStrategy",
    "ReadResult",
    "ReadableByteStreamController",
    "ReadableStream",
    "ReadableStreamAsyncIterator",
    "ReadableStreamBYOBReader",
    "ReadableStreamBYOBRequest",
    "ReadableStreamDefaultController",
    "ReadableStreamDefaultReader",
    "TransformStream",
    "TransformStreamDefaultController",
    "WritableStream",
    "WritableStreamDefaultController",
    "WritableStreamDefaultWriter",
]
