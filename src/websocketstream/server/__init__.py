"""A WebSocket server whose connections have the WebSocketStream stream API.

``serve()`` (TCP, TLS) and ``unix_serve()`` listen and hand each accepted connection, a
:class:`ServerWebSocketStream`, to a handler; ``route()`` dispatches on the path;
``broadcast()`` sends one message to many connections without waiting for slow ones;
a :class:`Broadcaster` (in-process, or through Redis) carries messages between connections
and processes.
"""

from __future__ import annotations

from .broadcast import (
    Broadcaster,
    BroadcastError,
    BroadcastOverflow,
    BroadcastResult,
    LocalBroadcaster,
    RedisBroadcaster,
    Subscription,
    broadcast,
)
from .http import Address, Headers, Request, Response
from .routing import Router, route
from .serve import (
    Handler,
    ProcessRequest,
    ProcessResponse,
    SelectSubprotocol,
    Server,
    ServerOptions,
    ServerWebSocketStream,
    echo_handler,
    serve,
    unix_serve,
)

__all__ = [
    "Address",
    "BroadcastError",
    "BroadcastOverflow",
    "BroadcastResult",
    "Broadcaster",
    "Handler",
    "Headers",
    "LocalBroadcaster",
    "ProcessRequest",
    "ProcessResponse",
    "RedisBroadcaster",
    "Request",
    "Response",
    "Router",
    "SelectSubprotocol",
    "Server",
    "ServerOptions",
    "ServerWebSocketStream",
    "Subscription",
    "broadcast",
    "echo_handler",
    "route",
    "serve",
    "unix_serve",
]
