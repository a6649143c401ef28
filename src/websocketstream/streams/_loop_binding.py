"""Streams made outside a running event loop, bound to the loop that first uses them.

As :class:`asyncio.Queue` has done since Python 3.10, a ``ReadableStream``, ``WritableStream`` or
``TransformStream`` (and the Encoding and Compression streams, made of one) may be constructed
in synchronous code.  Its constructor runs as the spec says, the underlying source's or sink's
``start()`` included, except for one step that needs a loop: "upon fulfillment of a promise
resolved with startResult" (the reaction that marks the controller started).  That step waits
here until the stream is *bound*: when a reader or writer is acquired, or ``cancel()``,
``abort()`` or ``close()`` is called, inside a running loop.  Nothing can observe the stream
in between (no loop, no microtask), so the order of events is the one a construction inside
that loop would give.

A stream bound to one loop and used under another raises ``RuntimeError`` at that use, as
``asyncio.Queue`` does, instead of waiting forever on a loop that no longer runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Protocol

from .._promise import (
    Promise,
    get_loop,
    new_promise,
    promise_resolved_with,
    reject_promise,
    resolve_promise,
    running_loop,
    upon_promise,
)

__all__ = ["DeferredPromise", "LoopBound", "bind_to_running_loop", "react_to_start"]

#: The deferred reaction: startResult, then the fulfilment and rejection steps.
PendingStart = tuple[Any, Callable[[Any], object], Callable[[BaseException], object]]


class LoopBound(Protocol):
    """A stream's two slots for this: its loop (None until bound) and the deferred reaction."""

    _loop: asyncio.AbstractEventLoop | None
    _pending_start: PendingStart | None


class DeferredPromise:
    """A promise made outside a loop (a TransformStream's startPromise): it records how it is
    resolved, and becomes a real :class:`Promise` on the loop that first asks for it."""

    __slots__ = ("_outcome", "_promise")

    def __init__(self) -> None:
        self._outcome: tuple[bool, Any] | None = None  # (fulfilled?, value or reason)
        self._promise: Promise[Any] | None = None

    def resolve(self, value: Any) -> None:
        """Resolve with ``value`` (an awaitable is adopted once on a loop)."""
        if self._outcome is None:
            self._outcome = (True, value)

    def reject(self, reason: BaseException) -> None:
        """Reject with ``reason``."""
        if self._outcome is None:
            self._outcome = (False, reason)

    def promise(self) -> Promise[Any]:
        """The real promise, on the running loop (made and settled on first call)."""
        if self._promise is None:
            self._promise = new_promise()
            if self._outcome is not None:
                fulfilled, value = self._outcome
                if not fulfilled:
                    reject_promise(self._promise, value)
                elif value is None:
                    resolve_promise(self._promise, None)
                else:
                    adopted = promise_resolved_with(value)
                    target = self._promise
                    upon_promise(
                        adopted,
                        lambda v: resolve_promise(target, v),
                        lambda r: reject_promise(target, r),
                    )
        return self._promise


def react_to_start(
    stream: LoopBound,
    start_result: Any,
    on_started: Callable[[Any], object],
    on_start_rejected: Callable[[BaseException], object],
) -> None:
    """ "Upon fulfillment / rejection of a promise resolved with ``start_result``": now when
    the stream is bound to a loop, else when it is bound (see the module docstring)."""
    if stream._loop is None:
        stream._pending_start = (start_result, on_started, on_start_rejected)
        return
    if type(start_result) is DeferredPromise:
        start_result = start_result.promise()
    upon_promise(promise_resolved_with(start_result), on_started, on_start_rejected)


def bind_to_running_loop(stream: LoopBound) -> None:
    """Bind ``stream`` to the running loop on first use (running its deferred start
    reaction); ``RuntimeError`` without a running loop, or when it is bound to another."""
    loop = stream._loop
    running = running_loop()
    if loop is running and loop is not None:
        return
    if running is None:
        get_loop()  # raises the library's "needs a running event loop" error
    if loop is not None:
        raise RuntimeError(
            f"{stream!r} is bound to a different event loop: it was first used under another "
            "asyncio.run() (or thread); make a new stream for this loop"
        )
    stream._loop = running
    pending = stream._pending_start
    if pending is not None:
        stream._pending_start = None
        react_to_start(stream, *pending)
