"""A WebSocket server whose connections have the WebSocketStream stream API.

``serve()`` (TCP, TLS) and ``unix_serve()`` listen and hand each accepted connection, a
:class:`ServerWebSocketStream`, to a handler; ``route()`` dispatches on the path;
``broadcast()`` sends one message to many connections without waiting for slow ones.
"""

from __future__ import annotations

from .broadcast import BroadcastResult, broadcast
from .http import Address, Headers, Request, Response
from .routing import Router, route
from .serve import (
    Handler,
    ProcessRequest,
    ProcessResponse,
    SelectSubprotocol,
    Server,
    ServerWebSocketStream,
    echo_handler,
    serve,
    unix_serve,
)

__all__ = [
    "Address",
    "BroadcastResult",
    "Handler",
    "Headers",
    "ProcessRequest",
    "ProcessResponse",
    "Request",
    "Response",
    "Router",
    "SelectSubprotocol",
    "Server",
    "ServerWebSocketStream",
    "broadcast",
    "echo_handler",
    "route",
    "serve",
    "unix_serve",
]
