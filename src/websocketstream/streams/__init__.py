"""The WHATWG Streams Standard on asyncio: readable, writable and transform streams, byte
streams, piping, tee and queuing strategies; the Encoding and Compression Standards' streams.

Names follow the standard (interfaces verbatim, members in snake_case); every promise is an
:class:`asyncio.Future` that is already running.
"""

# ruff: noqa: I001 -- the load order below is deliberate
# Load order.  Importing any streams module runs this file first, so this is the order for
# every importer.  The readable side's algorithms call each other across its modules (the spec's
# mutual recursion), so:
#   1. readable.py: ReadableStream and the reader operations; at its end it imports the other
#      readable-side modules as module objects (_dc, _bc, _byob, _tee, _iteration), which its
#      functions use only when called;
#   2. those modules (default_controller, byte_controller, byob_reader, tee, iteration), each
#      importing names from readable.py, which is complete by then;
#   3. strategies, then transform.py (importing writable.py) and writable.py, which import
#      the readable side's names.
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
from .compression import CompressionStream, DecompressionStream
from .encoding import TextDecoderStream, TextEncoderStream

__all__ = [
    "ByteLengthQueuingStrategy",
    "CompressionStream",
    "CountQueuingStrategy",
    "DecompressionStream",
    "ReadResult",
    "ReadableByteStreamController",
    "ReadableStream",
    "ReadableStreamAsyncIterator",
    "ReadableStreamBYOBReader",
    "ReadableStreamBYOBRequest",
    "ReadableStreamDefaultController",
    "ReadableStreamDefaultReader",
    "TextDecoderStream",
    "TextEncoderStream",
    "TransformStream",
    "TransformStreamDefaultController",
    "WritableStream",
    "WritableStreamDefaultController",
    "WritableStreamDefaultWriter",
]
