"""The :class:`~.base.Broadcaster` across processes and machines, through a Redis server.

Two modes:

* **pub/sub** (default): ``publish`` is Redis ``PUBLISH``; the process holds ONE Redis
  subscription per channel however many local subscribers it has (one connection for all of
  them), and fans each message out to its subscribers. Live only: a message published while
  this process is disconnected from Redis is not delivered to it.
* **Redis Streams** (``streams=True``): ``publish`` is ``XADD`` (the stream trimmed to about
  ``stream_maxlen`` entries); one reader per process follows every subscribed stream with
  ``XREAD``, so a reconnection (to Redis, or of a client that passes ``since=last_id``)
  resumes after the last message seen, within what the stream keeps.

Either way each local subscriber receives every message once, in the order Redis received it.
Redis down: ``publish`` raises :class:`~.base.BroadcastError` (nothing is buffered); the
subscribing side reconnects by itself (backoff from ``reconnect_delay[0]`` to
``reconnect_delay[1]`` seconds) and resubscribes; a subscriber that falls ``max_queue``
messages behind is ended with :class:`~.base.BroadcastOverflow`, so nothing grows without
bound. The message type is kept: a ``str`` arrives as ``str``, ``bytes`` as ``bytes``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, Final

from .base import DEFAULT_SUBSCRIPTION_QUEUE, Broadcaster, BroadcastError, Subscription

__all__ = ["RedisBroadcaster"]

logger = logging.getLogger("websocketstream.server.broadcast")

_TEXT: Final = b"t"
_BINARY: Final = b"b"
#: Milliseconds an XREAD blocks; a channel subscribed meanwhile joins the next one.
_BLOCK_MS: Final = 100


def _encode(message: str | bytes) -> bytes:
    if isinstance(message, str):
        return _TEXT + message.encode("utf-8")
    if isinstance(message, (bytes, bytearray, memoryview)):
        return _BINARY + bytes(message)
    raise TypeError("message must be str or bytes")


def _decode(data: bytes) -> str | bytes:
    if data[:1] == _TEXT:
        return data[1:].decode("utf-8")
    return bytes(data[1:])


def _id_key(message_id: str) -> tuple[int, int]:
    ms, _, seq = message_id.partition("-")
    return int(ms), int(seq or 0)


def _text(value: Any) -> str:
    return value.decode("ascii") if isinstance(value, bytes) else str(value)


class _Follower:
    """Streams mode: what one local subscriber has received (by id), and the live messages
    held back while it catches up from ``since``."""

    __slots__ = ("held", "last", "subscription")

    def __init__(self, subscription: Subscription, last: tuple[int, int]) -> None:
        self.subscription = subscription
        self.last = last
        self.held: list[tuple[str | bytes, str]] | None = None

    def deliver(self, message: str | bytes, message_id: str) -> None:
        key = _id_key(message_id)
        if key <= self.last:
            return  # already delivered (catch-up and live overlap)
        if self.held is not None:
            if len(self.held) >= self.subscription._max_queue:
                self.subscription._push(message, message_id)  # ends it with an overflow
                return
            self.held.append((message, message_id))
            return
        self.last = key
        self.subscription._push(message, message_id)


class RedisBroadcaster(Broadcaster):
    """Channels shared by every process connected to the Redis server at ``url``.

    ``key_prefix`` is put before channel names in Redis. See the module documentation.
    """

    def __init__(
        self,
        url: str = "redis://127.0.0.1:6379",
        *,
        streams: bool = False,
        stream_maxlen: int = 10_000,
        max_queue: int = DEFAULT_SUBSCRIPTION_QUEUE,
        key_prefix: str = "websocketstream:",
        reconnect_delay: tuple[float, float] = (0.05, 2.0),
    ) -> None:
        import redis.asyncio as aioredis  # noqa: PLC0415 -- the optional dependency

        self._url = url
        # Typed Any: the client's stubs describe RESP replies too loosely to be useful.
        self._client: Any = aioredis.Redis.from_url(
            url, socket_connect_timeout=2.0, socket_keepalive=True
        )
        self._streams = streams
        self._stream_maxlen = stream_maxlen
        self._max_queue = max_queue
        self._prefix = key_prefix
        self._delays = reconnect_delay
        self._channels: dict[str, dict[Subscription, _Follower]] = {}
        self._live: set[str] = set()  # pub/sub: channels Redis confirmed on this connection
        self._cursors: dict[str, str] = {}  # streams: last id read per channel
        self._pubsub: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False

    # ----------------------------------------------------------------- publishing

    async def publish(self, channel: str, message: str | bytes) -> None:
        if not isinstance(channel, str):
            raise TypeError("channel must be str")
        data = _encode(message)
        key = self._prefix + channel
        try:
            if self._streams:
                await self._client.xadd(
                    key, {b"d": data}, maxlen=self._stream_maxlen, approximate=True
                )
            else:
                await self._client.publish(key, data)
        except (OSError, self._errors()) as exc:
            raise BroadcastError(f"cannot publish to Redis at {self._url}: {exc}") from exc

    @staticmethod
    def _errors() -> type[Exception]:
        import redis.exceptions  # noqa: PLC0415 -- the optional dependency

        return redis.exceptions.RedisError

    # ----------------------------------------------------------------- subscribing

    def subscribe(self, channel: str, *, since: str | None = None) -> Subscription:
        if not isinstance(channel, str):
            raise TypeError("channel must be str")
        if self._closed:
            raise RuntimeError("the broadcaster is closed")
        if since is not None:
            if not self._streams:
                raise ValueError("since= needs streams=True")
            _id_key(since)  # ValueError if it is not a stream id
        subscription = Subscription(channel, max_queue=self._max_queue, on_close=self._leave)
        follower = _Follower(subscription, _id_key(since) if since is not None else (0, 0))
        members = self._channels.get(channel)
        new = members is None
        if members is None:
            members = self._channels[channel] = {}
        members[subscription] = follower
        if self._reader is None:
            self._reader = asyncio.get_running_loop().create_task(self._run())
        if self._streams:
            self._spawn(self._join_stream(channel, follower, since))
        elif channel in self._live:
            subscription._set_ready()
        elif new and self._pubsub is not None:
            self._spawn(self._command("subscribe", self._prefix + channel))
        return subscription

    def _leave(self, subscription: Subscription) -> None:
        channel = subscription.channel
        members = self._channels.get(channel)
        if members is None:
            return
        members.pop(subscription, None)
        if members:
            return
        del self._channels[channel]
        self._cursors.pop(channel, None)
        if not self._streams and channel in self._live:
            self._live.discard(channel)
            if self._pubsub is not None and not self._closed:
                self._spawn(self._command("unsubscribe", self._prefix + channel))

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _command(self, name: str, key: str) -> None:
        # The reply arrives on the reader's connection (a confirmation message).
        pubsub = self._pubsub
        if pubsub is None:
            return  # the reader subscribes every channel when it reconnects
        with contextlib.suppress(OSError, self._errors()):
            await getattr(pubsub, name)(key)

    def _dispatch(self, channel: str, message: str | bytes, message_id: str | None) -> None:
        members = self._channels.get(channel)
        if not members:
            return
        if message_id is None:
            for subscription in list(members):
                subscription._push(message)
        else:
            for follower in list(members.values()):
                follower.deliver(message, message_id)

    # ----------------------------------------------------------------- the reader

    async def _run(self) -> None:
        delay = self._delays[0]
        while not self._closed:
            try:
                if self._streams:
                    await self._follow_streams()
                else:
                    await self._follow_pubsub()
            except asyncio.CancelledError:
                raise
            except (OSError, self._errors()) as exc:
                logger.warning("Redis connection lost (%s); reconnecting in %.2f s", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._delays[1])
                continue
            except Exception:  # a bug: reported, and the reader goes on rather than die
                logger.exception("Redis reader failed; reconnecting in %.2f s", delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._delays[1])
                continue
            delay = self._delays[0]

    async def _follow_pubsub(self) -> None:
        pubsub = self._client.pubsub()
        self._live.clear()
        try:
            # Connected before anyone else may send on it: two concurrent first commands
            # would each open a connection (redis-py), and one subscription would be lost.
            await pubsub.connect()
            self._pubsub = pubsub
            channels = [self._prefix + c for c in self._channels]
            if channels:
                await pubsub.subscribe(*channels)
            while not self._closed:
                if not pubsub.subscribed:
                    # Nothing subscribed: wait until a subscriber comes.
                    await asyncio.sleep(0.05)
                    continue
                message = await pubsub.get_message(timeout=1.0)
                if message is None:
                    continue
                kind = message["type"]
                channel = _text(message["channel"])[len(self._prefix) :]
                if kind == "message":
                    self._dispatch(channel, _decode(message["data"]), None)
                elif kind == "subscribe" and channel in self._channels:
                    self._live.add(channel)
                    for subscription in list(self._channels[channel]):
                        subscription._set_ready()
        finally:
            self._pubsub = None
            self._live.clear()
            with contextlib.suppress(Exception):
                await pubsub.aclose()

    async def _join_stream(self, channel: str, follower: _Follower, since: str | None) -> None:
        key = self._prefix + channel
        subscription = follower.subscription
        delay = self._delays[0]
        while not subscription._closed and not self._closed:
            try:
                if channel not in self._cursors:
                    last = await self._client.xrevrange(key, "+", "-", count=1)
                    if channel in self._channels and channel not in self._cursors:
                        self._cursors[channel] = _text(last[0][0]) if last else "0-0"
                if since is None:
                    follower.last = _id_key(self._cursors[channel])
                    subscription._set_ready()
                    return
                # Resume: what came after ``since``, then the live messages held meanwhile.
                follower.held = []
                start = "(" + since
                while True:
                    entries = await self._client.xrange(key, start, "+", count=256)
                    for entry_id, fields in entries:
                        held, follower.held = follower.held, None
                        follower.deliver(_decode(fields[b"d"]), _text(entry_id))
                        follower.held = held
                    if len(entries) < 256:
                        break
                    start = "(" + _text(entries[-1][0])
                held, follower.held = follower.held or [], None
                for message, message_id in held:
                    follower.deliver(message, message_id)
                subscription._set_ready()
                return
            except (OSError, self._errors()) as exc:
                follower.held = None
                logger.warning("Redis unreachable for %r (%s); retrying", channel, exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._delays[1])

    async def _follow_streams(self) -> None:
        client = self._client
        await self._check_streams()
        while not self._closed:
            cursors = {self._prefix + c: i for c, i in self._cursors.items() if c in self._channels}
            if not cursors:
                await asyncio.sleep(_BLOCK_MS / 1000)
                continue
            response = await client.xread(cursors, count=512, block=_BLOCK_MS)
            for stream, entries in response or ():
                channel = _text(stream)[len(self._prefix) :]
                for entry_id, fields in entries:
                    message_id = _text(entry_id)
                    if channel in self._cursors:
                        self._cursors[channel] = message_id
                    self._dispatch(channel, _decode(fields[b"d"]), message_id)

    async def _check_streams(self) -> None:
        # After a reconnection: a stream whose last id is below our cursor was lost (Redis
        # restarted without persistence); follow it from its start again.
        for channel, cursor in list(self._cursors.items()):
            last = await self._client.xrevrange(self._prefix + channel, "+", "-", count=1)
            newest = _id_key(_text(last[0][0])) if last else (0, 0)
            if newest < _id_key(cursor):
                logger.warning("Redis stream %r was reset; following it from its start", channel)
                self._cursors[channel] = "0-0"
                for follower in self._channels.get(channel, {}).values():
                    follower.last = (0, 0)

    # ----------------------------------------------------------------- closing

    async def aclose(self) -> None:
        """Stop the reader, end every subscription and close the Redis connections."""
        self._closed = True
        tasks = [t for t in (self._reader, *self._tasks) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for members in list(self._channels.values()):
            for subscription in list(members):
                subscription.close()
        await self._client.aclose()
