"""Broadcast: ``broadcast()`` sends one message to many connections at once."""

from __future__ import annotations

from .fanout import BroadcastResult, broadcast

__all__ = ["BroadcastResult", "broadcast"]
