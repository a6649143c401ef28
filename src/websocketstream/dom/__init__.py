"""The web platform's base objects the library stands on: DOMException and its names,
``WebSocketError``, ``Event``/``EventTarget`` and ``AbortController``/``AbortSignal``."""

from .abort import AbortController, AbortSignal
from .blob import Blob
from .events import CloseEvent, Event, EventHandler, EventTarget, MessageEvent
from .exceptions import (
    AbortError,
    DataCloneError,
    DOMException,
    DOMSyntaxError,
    DOMTimeoutError,
    InvalidAccessError,
    InvalidStateError,
    NetworkError,
    NotSupportedError,
    RangeError,
    SecurityError,
)
from .websocket_error import WebSocketError

__all__ = [
    "AbortController",
    "AbortError",
    "AbortSignal",
    "Blob",
    "CloseEvent",
    "DOMException",
    "DOMSyntaxError",
    "DOMTimeoutError",
    "DataCloneError",
    "Event",
    "EventHandler",
    "EventTarget",
    "InvalidAccessError",
    "InvalidStateError",
    "MessageEvent",
    "NetworkError",
    "NotSupportedError",
    "RangeError",
    "SecurityError",
    "WebSocketError",
]
