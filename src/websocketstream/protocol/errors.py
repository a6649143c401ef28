"""Exceptions of the protocol layer.

Only *user* errors escape the layer: :class:`InvalidState` (an operation not allowed in the
current state) and the built-in ``ValueError``/``TypeError`` for bad arguments.
:class:`ProtocolViolation` is internal: raised deep in the codec when the peer breaks a rule,
caught by the connection and turned into "fail the WebSocket connection" with its close code.
"""

from __future__ import annotations

from http import HTTPStatus

__all__ = [
    "HandshakeError",
    "HandshakeRejected",
    "InvalidHandshake",
    "InvalidState",
    "InvalidStatus",
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


_PHRASES = {status.value: status.phrase for status in HTTPStatus}


class InvalidHandshake(Exception):
    """The server's answer to the opening handshake was not a valid WebSocket upgrade (public).

    The client chains it as the ``__cause__`` of the :class:`~websocketstream.WebSocketError`
    that rejects ``opened``; its message says what was wrong.
    """


class InvalidStatus(InvalidHandshake):
    """The server answered the opening handshake with an HTTP status other than 101 (public).

    ``status`` is the status code, ``headers`` the response's ``(name, value)`` pairs and
    ``body`` the first bytes of the response body: what arrived with the status line, at most
    ``MAX_BODY`` bytes (the connection fails at once, as Chromium's does; nothing more is
    waited for).  A redirect (3xx) is not followed (WHATWG WebSockets): its ``Location`` is in
    ``headers``.
    """

    #: The most body bytes kept (and waited for) after a non-101 status.
    MAX_BODY = 4096

    def __init__(
        self, status: int, headers: tuple[tuple[str, str], ...] = (), body: bytes = b""
    ) -> None:
        self.status = status
        self.headers = headers
        self.body = body
        super().__init__(self._describe())

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or None."""
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None

    def _describe(self) -> str:
        text = f"server answered HTTP {self.status}"
        if self.status in _PHRASES:
            text += f" {_PHRASES[self.status]}"
        location = self.header("location")
        if 300 <= self.status < 400 and location is not None:
            text += f" (redirect to {location}: redirects are not followed)"
        return text

    def __repr__(self) -> str:
        return f"InvalidStatus({self.status}, headers=<{len(self.headers)}>, body={self.body!r})"
