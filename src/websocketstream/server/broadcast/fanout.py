"""``broadcast()``: one message to many connections, never waiting for a slow one."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from ..serve import ServerWebSocketStream

__all__ = ["BroadcastResult", "broadcast"]

logger = logging.getLogger("websocketstream.server")


@dataclass(frozen=True, slots=True)
class BroadcastResult:
    """What one :func:`broadcast` did."""

    #: Connections the message was handed to.
    sent: int
    #: Slow connections that did not get it (``slow="skip"``).
    skipped: int
    #: Slow connections closed with 1013 (``slow="close"``).
    closed: int


def broadcast(
    connections: Iterable[ServerWebSocketStream],
    message: str | bytes,
    *,
    slow: Literal["skip", "close"] = "skip",
) -> BroadcastResult:
    """Send ``message`` (``str``: text, ``bytes``: binary) to every open connection at once.

    Never waits: a connection whose write buffer is full (above its write limit, 64 KiB by
    default) does not get the message. ``slow="skip"`` drops the message for it (counted in
    ``ws.broadcast_skipped``); ``slow="close"`` closes it with 1013 ("try again later").
    Memory per connection therefore stays within its write limit plus one message. Connections
    not open are ignored. Skips and closes are counted in the result and logged (DEBUG and
    INFO on the ``websocketstream.server`` logger).
    """
    if slow not in ("skip", "close"):
        raise ValueError("slow must be 'skip' or 'close'")
    if not isinstance(message, (str, bytes, bytearray, memoryview)):
        raise TypeError("message must be str or bytes")
    if not isinstance(message, (str, bytes)):
        message = bytes(message)
    sent = skipped = closed = 0
    for ws in list(connections):
        outcome = ws._send_now(message)
        if outcome:
            sent += 1
        elif outcome is None:
            continue
        elif slow == "skip":
            ws.broadcast_skipped += 1
            skipped += 1
        else:
            ws._fail(1013, "too slow for the broadcast")
            closed += 1
    if skipped:
        logger.debug("broadcast: %d slow connection(s) skipped", skipped)
    if closed:
        logger.info("broadcast: %d slow connection(s) closed with 1013", closed)
    return BroadcastResult(sent, skipped, closed)
