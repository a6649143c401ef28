"""A WebSocket server whose connections have the WebSocketStream stream API.

``serve()`` listens and hands each accepted connection, a :class:`ServerWebSocketStream`, to
a handler; see :mod:`websocketstream.server.serve`.
"""

from __future__ import annotations

from .serve import Handler, Server, ServerWebSocketStream, echo_handler, serve

__all__ = ["Handler", "Server", "ServerWebSocketStream", "echo_handler", "serve"]
