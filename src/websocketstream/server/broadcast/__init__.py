"""Broadcast: ``broadcast()`` to many connections at once, and :class:`Broadcaster`s that
carry messages between connections, in one process (:class:`LocalBroadcaster`) or across
processes and machines through Redis (:class:`RedisBroadcaster`, which needs the ``redis``
package: ``pip install websocketstream[redis]``)."""

from __future__ import annotations

from .base import Broadcaster, BroadcastError, BroadcastOverflow, Subscription
from .fanout import BroadcastResult, broadcast
from .local import LocalBroadcaster
from .redis import RedisBroadcaster

__all__ = [
    "BroadcastError",
    "BroadcastOverflow",
    "BroadcastResult",
    "Broadcaster",
    "LocalBroadcaster",
    "RedisBroadcaster",
    "Subscription",
    "broadcast",
]
