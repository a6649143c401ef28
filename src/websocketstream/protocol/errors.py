"""Exceptions of the protocol layer.

Only *user* errors escape the layer: :class:`InvalidState` (an operation not allowed in the
current state) and the built-in ``ValueError``/``TypeError`` for bad arguments.
:class:`ProtocolViolation` is internal: raised deep in the codec when the peer breaks a rule,
caught by the connection and turned into "fail the WebSocket connection" with its close code.
"""

from __future__ import annotations

__all__ = [
    "HandshakeError",
    "HandshakeRejected",
    "InvalidState",
    "NegotiationError",
    "ProtocolViolation",
]


class InvalidState(Exception):
    """The operation is not allowed in the connection's current state (a user error).

    The session layer maps it to ``InvalidStateError``.
    """


class ProtocolViolation(Exception):
    """The peer broke a protocol rule; the connection must fail with ``code``.

    Never escapes the protocol layer: the connection catches it and fails itself.
    """

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(code, reason)
        self.code = code
        self.reason = reason


class NegotiationError(Exception):
    """An extension negotiation parameter is invalid (handshake failure, internal)."""


class HandshakeError(Exception):
    """The opening handshake failed because of the peer (internal to the layer).

    The connection catches it, records the message in ``failure`` and ends the connection.
    """


class HandshakeRejected(HandshakeError):
    """A server refuses a client's handshake request with an HTTP error response."""

    def __init__(
        self, status: int, message: str, headers: tuple[tuple[str, str], ...] = ()
    ) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers
