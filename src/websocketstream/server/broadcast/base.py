"""The :class:`Broadcaster` interface and the bounded :class:`Subscription` both
implementations hand out."""

from __future__ import annotations

import abc
import asyncio
from collections import deque
from collections.abc import Callable
from types import TracebackType
from typing import Final, Self

__all__ = [
    "DEFAULT_SUBSCRIPTION_QUEUE",
    "BroadcastError",
    "BroadcastOverflow",
    "Broadcaster",
    "Subscription",
]

#: Messages a subscription holds for a slow consumer before it is cut off.
DEFAULT_SUBSCRIPTION_QUEUE: Final = 1024


class BroadcastError(ConnectionError):
    """The broadcaster's backend (Redis) cannot be reached; ``__cause__`` says why."""


class BroadcastOverflow(Exception):
    """A subscription's consumer fell more than its queue bound behind; it was ended rather
    than let memory grow or silently lose messages in the middle of the sequence."""


class Subscription:
    """Messages of one channel, in order, as an async iterator (``async for``); close it (or
    use ``async with``) to unsubscribe. At most ``max_queue`` messages wait for the consumer:
    past that the subscription ends with :class:`BroadcastOverflow` after the queued ones.

    With a Redis Streams broadcaster, ``last_id`` is the id of the last message yielded (pass
    it as ``since`` to resume after a reconnect).
    """

    def __init__(
        self,
        channel: str,
        *,
        max_queue: int = DEFAULT_SUBSCRIPTION_QUEUE,
        on_close: Callable[[Subscription], None] | None = None,
    ) -> None:
        if max_queue < 1:
            raise ValueError("max_queue must be at least 1")
        self.channel = channel
        #: Id of the last message yielded (Redis Streams), else None.
        self.last_id: str | None = None
        self._max_queue = max_queue
        self._queue: deque[tuple[str | bytes, str | None]] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self._error: BaseException | None = None
        self._closed = False
        self._on_close = on_close
        self._ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    # --- the broadcaster's side

    def _push(self, message: str | bytes, message_id: str | None = None) -> None:
        if self._closed or self._error is not None:
            return
        if len(self._queue) >= self._max_queue:
            self._end(BroadcastOverflow(f"subscriber of {self.channel!r} fell behind"))
            return
        self._queue.append((message, message_id))
        self._wake()

    def _end(self, error: BaseException) -> None:
        if self._error is None:
            self._error = error
        if not self._ready.done():
            self._ready.set_exception(error)
            self._ready.exception()  # retrieved: also reported by the iterator
        self._wake()
        self._detach()

    def _set_ready(self) -> None:
        if not self._ready.done():
            self._ready.set_result(None)

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _detach(self) -> None:
        on_close, self._on_close = self._on_close, None
        if on_close is not None:
            on_close(self)

    # --- the consumer's side

    async def ready(self) -> None:
        """Wait until the subscription is live: messages published from now on arrive."""
        await asyncio.shield(self._ready)

    def close(self) -> None:
        """Unsubscribe; the iterator ends (messages still queued are dropped)."""
        if self._closed:
            return
        self._closed = True
        self._queue.clear()
        if not self._ready.done():
            self._ready.cancel()
        self._wake()
        self._detach()

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> str | bytes:
        if not self._ready.done():
            await self.ready()
        while not self._queue:
            if self._closed:
                raise StopAsyncIteration
            if self._error is not None:
                raise self._error
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        message, message_id = self._queue.popleft()
        if message_id is not None:
            self.last_id = message_id
        return message

    async def __aenter__(self) -> Subscription:
        try:
            await self.ready()
        except BaseException:
            self.close()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class Broadcaster(abc.ABC):
    """Publish messages to named channels; subscribe to a channel's messages.

    Every subscriber of a channel receives each message published to it once, in the order
    published (per publisher, and in one total order when the backend is one Redis server).
    """

    @abc.abstractmethod
    async def publish(self, channel: str, message: str | bytes) -> None:
        """Publish ``message`` (``str`` or ``bytes``; the type is kept) to ``channel``.

        Raises :class:`BroadcastError` when the backend cannot be reached."""

    @abc.abstractmethod
    def subscribe(self, channel: str, *, since: str | None = None) -> Subscription:
        """A new :class:`Subscription` to ``channel`` (``since``: Redis Streams only, resume
        after that message id)."""

    async def aclose(self) -> None:
        """Release the backend's resources; subscriptions end."""
        return None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
