"""Sans-I/O WebSocket protocol layer: bytes in, events out (RFC 6455, RFC 7692, WHATWG).

No asyncio, no sockets. Peer input never raises: violations fail the connection with the RFC
close code and are reported through the connection's state. User errors raise at the call
(:class:`InvalidState`, ``ValueError``, ``TypeError``).

Modules: :mod:`.frames` (codec), :mod:`.messages` (assembly, UTF-8), :mod:`.close` (close
codes), :mod:`.deflate` (permessage-deflate), :mod:`.headers` (header value parsers),
:mod:`.handshake` (h11-based opening handshake), :mod:`.state` (the lifecycle table),
:mod:`.connection` (the state machine; its docstring documents the event shapes and the
session loop).
"""

from .close import CloseFrame, is_receivable_code, is_user_code
from .connection import (
    BINARY,
    CLOSE,
    DEFAULT_MAX_SIZE,
    HANDSHAKE,
    PING,
    PONG,
    REQUEST,
    TEXT,
    ClientConnection,
    Connection,
    Event,
    ServerConnection,
)
from .deflate import PerMessageDeflate
from .errors import InvalidState
from .handshake import HandshakeRequest, HandshakeResponse
from .state import Phase, State, ready_state

__all__ = [
    "BINARY",
    "CLOSE",
    "DEFAULT_MAX_SIZE",
    "HANDSHAKE",
    "PING",
    "PONG",
    "REQUEST",
    "TEXT",
    "ClientConnection",
    "CloseFrame",
    "Connection",
    "Event",
    "HandshakeRequest",
    "HandshakeResponse",
    "InvalidState",
    "PerMessageDeflate",
    "Phase",
    "ServerConnection",
    "State",
    "is_receivable_code",
    "is_user_code",
    "ready_state",
]
