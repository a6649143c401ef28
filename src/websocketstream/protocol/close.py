"""Close codes and Close frame bodies (RFC 6455 §5.5.1, §7.4).

All the rules about which status codes may be sent and which may be received live in the tables
below, so they can be read (and changed) in one place.
"""

from __future__ import annotations

from typing import Final, NamedTuple

from .errors import ProtocolViolation

__all__ = [
    "ABNORMAL_CLOSURE",
    "GOING_AWAY",
    "INTERNAL_ERROR",
    "INVALID_PAYLOAD",
    "LIBRARY_CODES",
    "MANDATORY_EXTENSION",
    "MAX_REASON_BYTES",
    "MESSAGE_TOO_BIG",
    "NORMAL_CLOSURE",
    "NO_STATUS_RECEIVED",
    "POLICY_VIOLATION",
    "PROTOCOL_ERROR",
    "PROTOCOL_ERROR_REASON",
    "UNSUPPORTED_DATA",
    "CloseFrame",
    "is_receivable_code",
    "is_user_code",
    "parse_close",
    "serialize_close",
]

NORMAL_CLOSURE: Final = 1000
GOING_AWAY: Final = 1001
PROTOCOL_ERROR: Final = 1002
#: The Close reason sent for a protocol error that has no more specific one (Chromium's words:
#: the reasons a failing endpoint sends follow Chromium, see docs/deviations.md).
PROTOCOL_ERROR_REASON: Final = "WebSocket Protocol Error"
UNSUPPORTED_DATA: Final = 1003
NO_STATUS_RECEIVED: Final = 1005  # never on the wire: reported for an empty Close body
ABNORMAL_CLOSURE: Final = 1006  # never on the wire: reported when no Close frame arrived
INVALID_PAYLOAD: Final = 1007
POLICY_VIOLATION: Final = 1008
MESSAGE_TOO_BIG: Final = 1009
MANDATORY_EXTENSION: Final = 1010
INTERNAL_ERROR: Final = 1011

# RFC 6455 §5.5.1: the Close body is a 2-byte code plus a reason; control payloads are
# ≤ 125 bytes, so the reason is ≤ 123 bytes of UTF-8.
MAX_REASON_BYTES: Final = 123

# Codes this library itself may send when it closes or fails a connection (RFC 6455 §7.4.1;
# 1012 and 1013 from the IANA registry, for a server restarting or shedding a slow client).
LIBRARY_CODES: Final = frozenset({1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013})

# RFC 6455 §7.4.1 defines 1000-1011 (1004-1006 reserved, never sent); the IANA registry
# (RFC 6455 §11.7) adds 1012 Service Restart, 1013 Try Again Later, 1014 Bad Gateway, which
# browsers and python-websockets accept and Autobahn (case 7.9.x) does not treat as invalid.
# 1015 (TLS failure) must never be sent. 3000-4999 are for libraries and applications (§7.4.2).
_RECEIVABLE_BELOW_3000: Final = frozenset(
    {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014}
)


class CloseFrame(NamedTuple):
    """A Close frame's content: ``code`` (1005 for an empty body) and ``reason``."""

    code: int
    reason: str


def is_user_code(code: int) -> bool:
    """Whether the API lets an application send ``code``: 1000 or 3000-4999 (WHATWG close())."""
    return code == NORMAL_CLOSURE or 3000 <= code <= 4999


def is_receivable_code(code: int) -> bool:
    """Whether ``code`` is valid in a received Close frame (RFC 6455 §7.4)."""
    return code in _RECEIVABLE_BELOW_3000 or 3000 <= code <= 4999


def parse_close(payload: bytes) -> CloseFrame:
    """Decode a received Close body; raise :class:`ProtocolViolation` if it is invalid."""
    n = len(payload)
    if n == 0:
        # RFC 6455 §7.1.5: no status code → report 1005.
        return CloseFrame(NO_STATUS_RECEIVED, "")
    if n == 1:
        # RFC 6455 §5.5.1: if there is a body, its first two bytes are the status code.
        raise ProtocolViolation(PROTOCOL_ERROR, "")
    code = (payload[0] << 8) | payload[1]
    if not is_receivable_code(code):
        # RFC 6455 §7.4: reserved or undefined status codes are a protocol error.
        raise ProtocolViolation(PROTOCOL_ERROR, "")
    try:
        reason = payload[2:].decode("utf-8")
    except UnicodeDecodeError:
        # RFC 6455 §5.5.1: the reason is UTF-8 (invalid → §8.1 fail with 1007).
        raise ProtocolViolation(INVALID_PAYLOAD, "Invalid UTF-8 in Close frame") from None
    return CloseFrame(code, reason)


def serialize_close(code: int | None, reason: str = "") -> bytes:
    """Encode a Close body to send: empty when ``code`` is None.

    Raises ``ValueError`` for a reason without a code, a code that may not be sent, or a reason
    longer than 123 UTF-8 bytes; ``TypeError`` for wrong types.
    """
    if not isinstance(reason, str):
        raise TypeError(f"reason must be str, not {type(reason).__name__}")
    if code is None:
        if reason:
            # RFC 6455 §5.5.1: a reason may only follow a status code.
            raise ValueError("a close reason requires a close code")
        return b""
    if not isinstance(code, int) or isinstance(code, bool):
        raise TypeError(f"close code must be int or None, not {type(code).__name__}")
    if not (is_user_code(code) or code in LIBRARY_CODES):
        raise ValueError(f"close code {code} may not be sent")
    data = reason.encode("utf-8")
    if len(data) > MAX_REASON_BYTES:
        raise ValueError(f"close reason is {len(data)} bytes of UTF-8; at most 123 allowed")
    return code.to_bytes(2, "big") + data
