"""websocketstream: the web platform's WebSocket APIs on asyncio.

``WebSocketStream`` (promise- and stream-based, with backpressure both ways), the classic
event-based ``WebSocket``, the WHATWG Streams they stand on (``ReadableStream``,
``WritableStream``, ``TransformStream``, ...), the DOM objects around them (``DOMException``
and its names, ``WebSocketError``, ``AbortController``/``AbortSignal``,
``Event``/``EventTarget``, ``Blob``) and a server whose connections have the same stream API.
"""

import logging as _logging

from .dom import (
    AbortController,
    AbortError,
    AbortSignal,
    Blob,
    CloseEvent,
    DataCloneError,
    DOMException,
    DOMSyntaxError,
    DOMTimeoutError,
    Event,
    EventHandler,
    EventTarget,
    InvalidAccessError,
    InvalidStateError,
    MessageEvent,
    NetworkError,
    NotSupportedError,
    RangeError,
    SecurityError,
    WebSocketError,
)
from .endpoint import WebSocketCloseInfo, WebSocketOpenInfo
from .net import ProxyError
from .protocol.errors import InvalidHandshake, InvalidStatus
from .protocol.handshake import HandshakeRequest, HandshakeResponse
from .server import Server, ServerWebSocketStream, serve
from .streams import (
    ByteLengthQueuingStrategy,
    CompressionStream,
    CountQueuingStrategy,
    DecompressionStream,
    ReadableByteStreamController,
    ReadableStream,
    ReadableStreamAsyncIterator,
    ReadableStreamBYOBReader,
    ReadableStreamBYOBRequest,
    ReadableStreamDefaultController,
    ReadableStreamDefaultReader,
    ReadResult,
    TextDecoderStream,
    TextEncoderStream,
    TransformStream,
    TransformStreamDefaultController,
    WritableStream,
    WritableStreamDefaultController,
    WritableStreamDefaultWriter,
)
from .websocket import WebSocket
from .websocketstream import HeadersLike, WebSocketStream

__version__ = "0.1.0.dev0"

# Silent unless the application configures logging: without a handler of its own, the
# "websocketstream" hierarchy would reach logging's last-resort handler (stderr, WARNING+).
_logging.getLogger("websocketstream").addHandler(_logging.NullHandler())

__all__ = [
    "AbortController",
    "AbortError",
    "AbortSignal",
    "Blob",
    "ByteLengthQueuingStrategy",
    "CloseEvent",
    "CompressionStream",
    "CountQueuingStrategy",
    "DOMException",
    "DOMSyntaxError",
    "DOMTimeoutError",
    "DataCloneError",
    "DecompressionStream",
    "Event",
    "EventHandler",
    "EventTarget",
    "HandshakeRequest",
    "HandshakeResponse",
    "HeadersLike",
    "InvalidAccessError",
    "InvalidHandshake",
    "InvalidStateError",
    "InvalidStatus",
    "MessageEvent",
    "NetworkError",
    "NotSupportedError",
    "ProxyError",
    "RangeError",
    "ReadResult",
    "ReadableByteStreamController",
    "ReadableStream",
    "ReadableStreamAsyncIterator",
    "ReadableStreamBYOBReader",
    "ReadableStreamBYOBRequest",
    "ReadableStreamDefaultController",
    "ReadableStreamDefaultReader",
    "SecurityError",
    "Server",
    "ServerWebSocketStream",
    "TextDecoderStream",
    "TextEncoderStream",
    "TransformStream",
    "TransformStreamDefaultController",
    "WebSocket",
    "WebSocketCloseInfo",
    "WebSocketError",
    "WebSocketOpenInfo",
    "WebSocketStream",
    "WritableStream",
    "WritableStreamDefaultController",
    "WritableStreamDefaultWriter",
    "__version__",
    "serve",
]
