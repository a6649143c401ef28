"""Why a connection failed, in one line: the summaries that ``WebSocketError`` messages carry.

The client keeps the browser-shaped error (``WebSocketError`` with its ``close_code`` and
``reason``) and chains the real cause as ``__cause__``; :func:`describe_failure` turns that
cause into the message's summary ("connection refused by 127.0.0.1:9", "server answered HTTP
404 Not Found", ...).  :func:`connection_failed_error` builds the error itself.
"""

from __future__ import annotations

import socket
import ssl

from .dom.websocket_error import WebSocketError

__all__ = ["connection_failed_error", "describe_failure"]

# OpenSSL reasons seen when the other end does not speak TLS at all.
_NOT_TLS = frozenset(
    {"WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "PACKET_LENGTH_TOO_LONG", "HTTP_REQUEST"}
)


def describe_failure(cause: BaseException, host: str, port: int, *, in_tls: bool = False) -> str:
    """A one-line summary of ``cause``, the error that ended a connection to ``host:port``
    (``in_tls``: while the TLS handshake was in progress)."""
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    if in_tls and type(cause) in (ConnectionResetError, ConnectionAbortedError, OSError):
        # The server dropped the connection on seeing a TLS ClientHello.
        detail = "connection reset" if isinstance(cause, ConnectionResetError) else str(cause)
        return f"TLS handshake with {where} failed ({detail}): is it a TLS (wss://) server?"
    if isinstance(cause, ssl.SSLCertVerificationError):
        detail = cause.verify_message or str(cause)
        return f"TLS certificate of {where} not trusted: {detail}"
    if isinstance(cause, ssl.SSLError):
        reason = cause.reason or str(cause)
        if reason in _NOT_TLS:
            return f"TLS handshake with {where} failed ({reason}): is it a TLS (wss://) server?"
        return f"TLS handshake with {where} failed: {reason}"
    if isinstance(cause, socket.gaierror):
        return f"could not resolve host {host!r}: {cause.strerror or cause}"
    if isinstance(cause, ConnectionRefusedError):
        return f"connection refused by {where}"
    if isinstance(cause, ConnectionResetError):
        return f"connection reset by {where}"
    if isinstance(cause, TimeoutError | ConnectionError) or not isinstance(cause, OSError):
        # Our own errors (ProxyError, the open_timeout TimeoutError, InvalidHandshake) already
        # say what happened.
        return str(cause) or type(cause).__name__
    return f"could not connect to {where}: {cause.strerror or cause}"


def connection_failed_error(
    url: str, summary: str, close_code: int | None = 1006, reason: str = ""
) -> WebSocketError:
    """The ``WebSocketError`` for a connection to ``url`` that never opened."""
    return WebSocketError._unvalidated(
        f"WebSocket connection to {url} failed: {summary}", close_code=close_code, reason=reason
    )
