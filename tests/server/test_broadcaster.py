"""Broadcasters (issue #11 item 5): the in-process one, and Redis (pub/sub with one Redis
subscription per channel per process, and Streams that resume from the last id) against a
real redis-server, including Redis going down and coming back."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from tests.client.helpers import wait
from tests.server.redis_server import RedisServer
from websocketstream.server import (
    Broadcaster,
    BroadcastError,
    BroadcastOverflow,
    LocalBroadcaster,
    RedisBroadcaster,
    Subscription,
)


async def take(subscription: Subscription, count: int) -> list[str | bytes]:
    received: list[str | bytes] = []
    async for message in subscription:
        received.append(message)
        if len(received) == count:
            break
    return received


# ----------------------------------------------------------------- in-process


async def test_local_broadcaster_delivers_in_order_to_every_subscriber() -> None:
    hub = LocalBroadcaster()
    async with hub.subscribe("a") as one, hub.subscribe("a") as two, hub.subscribe("b") as other:
        for i in range(100):
            await hub.publish("a", f"m{i}")
        await hub.publish("a", b"\x00bin")
        expected = [f"m{i}" for i in range(100)] + [b"\x00bin"]
        assert await wait(take(one, 101)) == expected
        assert await wait(take(two, 101)) == expected
        await hub.publish("b", "only b")
        assert await wait(take(other, 1)) == ["only b"]
    assert hub._channels == {}  # every subscription closed: nothing kept


async def test_local_subscription_overflow_ends_it_after_the_queued_messages() -> None:
    hub = LocalBroadcaster(max_queue=3)
    subscription = hub.subscribe("a")
    for i in range(5):
        hub.publish_nowait("a", str(i))
    assert await wait(take(subscription, 3)) == ["0", "1", "2"]
    with pytest.raises(BroadcastOverflow):
        await wait(subscription.__anext__())
    assert hub._channels == {}  # an overflowed subscription is dropped


async def test_local_subscription_close_ends_the_iterator_and_checks_arguments() -> None:
    hub = LocalBroadcaster()
    subscription = hub.subscribe("a")
    reading = asyncio.ensure_future(take(subscription, 10))
    await asyncio.sleep(0)
    subscription.close()
    assert await wait(reading) == []
    with pytest.raises(ValueError):
        hub.subscribe("a", since="0-1")
    with pytest.raises(TypeError):
        await hub.publish("a", 42)  # type: ignore[arg-type]
    await hub.aclose()
    with pytest.raises(RuntimeError):
        hub.subscribe("a")


# ----------------------------------------------------------------- Redis


@pytest.fixture
async def redis_client(redis_server: RedisServer) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(redis_server.url)
    try:
        yield client
    finally:
        await client.aclose()


async def numsub(client: aioredis.Redis, channel: str) -> int:
    counts = await client.pubsub_numsub("websocketstream:" + channel)
    return int(counts[0][1])


@pytest.mark.parametrize("streams", [False, True], ids=["pubsub", "streams"])
async def test_redis_two_processes_share_channels_exactly_once_in_order(
    redis_server: RedisServer, streams: bool
) -> None:
    # Two broadcasters stand for two processes: each has its own Redis connections.
    async with (
        RedisBroadcaster(redis_server.url, streams=streams) as first,
        RedisBroadcaster(redis_server.url, streams=streams) as second,
        first.subscribe("room") as a,
        second.subscribe("room") as b1,
        second.subscribe("room") as b2,
        second.subscribe("other") as elsewhere,
    ):
        messages: list[str | bytes] = [*(f"{i}" for i in range(500)), b"\xffbinary", "é"]
        for message in messages[:250]:
            await first.publish("room", message)
        for message in messages[250:]:
            await second.publish("room", message)
        for subscription in (a, b1, b2):
            assert await wait(take(subscription, len(messages))) == messages
        await second.publish("other", "x")
        assert await wait(take(elsewhere, 1)) == ["x"]
        # Nothing more: exactly once.
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(a.__anext__(), 0.2)


async def test_redis_one_subscription_per_channel_per_process(
    redis_server: RedisServer, redis_client: aioredis.Redis
) -> None:
    async with RedisBroadcaster(redis_server.url) as hub:
        subscriptions = [hub.subscribe("lobby") for _ in range(50)]
        for subscription in subscriptions:
            await wait(subscription.ready())
        assert await numsub(redis_client, "lobby") == 1
        await hub.publish("lobby", "hi")
        for subscription in subscriptions:
            assert await wait(take(subscription, 1)) == ["hi"]
        for subscription in subscriptions:
            subscription.close()
        # The last local subscriber gone: the Redis subscription goes too.
        for _ in range(200):
            if await numsub(redis_client, "lobby") == 0:
                break
            await asyncio.sleep(0.01)
        assert await numsub(redis_client, "lobby") == 0


async def test_redis_down_publish_raises_and_subscribers_come_back(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    async with (
        RedisBroadcaster(redis_server.url, reconnect_delay=(0.02, 0.1)) as publisher,
        RedisBroadcaster(redis_server.url, reconnect_delay=(0.02, 0.1)) as other,
    ):
        subscription = other.subscribe("ch")
        await wait(subscription.ready())
        redis_server.stop()
        with pytest.raises(BroadcastError) as info:
            await wait(publisher.publish("ch", "lost"))
        assert info.value.__cause__ is not None
        assert "Redis" in str(info.value)
        redis_server.start()
        # The subscriber resubscribes by itself; publish works again.
        received = asyncio.ensure_future(take(subscription, 1))
        for _ in range(500):
            try:
                await publisher.publish("ch", "back")
            except BroadcastError:
                await asyncio.sleep(0.02)
                continue
            await asyncio.wait([received], timeout=0.05)
            if received.done():
                break
        assert await wait(received) == ["back"]
        assert any("reconnecting" in r.getMessage() for r in caplog.records)
        assert len(other._tasks) <= 1  # nothing piles up while Redis was down


async def test_redis_streams_resume_from_the_last_id(redis_server: RedisServer) -> None:
    async with (
        RedisBroadcaster(redis_server.url, streams=True) as publisher,
        RedisBroadcaster(redis_server.url, streams=True) as subscriber,
    ):
        first = subscriber.subscribe("feed")
        await wait(first.ready())
        for i in range(5):
            await publisher.publish("feed", f"m{i}")
        assert await wait(take(first, 3)) == ["m0", "m1", "m2"]
        last_id = first.last_id
        assert last_id is not None
        first.close()  # the client goes away after m2 ...
        for i in range(5, 8):
            await publisher.publish("feed", f"m{i}")
        # ... and comes back with its last id: m3..m7, then the live ones, once each.
        async with subscriber.subscribe("feed", since=last_id) as resumed:
            await publisher.publish("feed", "m8")
            assert await wait(take(resumed, 6)) == [f"m{i}" for i in range(3, 9)]
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(resumed.__anext__(), 0.2)
        with pytest.raises(ValueError):
            subscriber.subscribe("feed", since="not-an-id")


async def test_redis_streams_lose_nothing_when_the_connection_drops(
    redis_server: RedisServer, redis_client: aioredis.Redis
) -> None:
    async with (
        RedisBroadcaster(redis_server.url, streams=True) as publisher,
        RedisBroadcaster(redis_server.url, streams=True, reconnect_delay=(0.02, 0.1)) as subscriber,
        subscriber.subscribe("ch") as subscription,
    ):
        await publisher.publish("ch", "before")
        assert await wait(take(subscription, 1)) == ["before"]
        # Every other client's connection is cut (as a Redis failover would).
        await redis_client.client_kill_filter(_type="normal", skipme=True)
        for i in range(20):
            try:
                await publisher.publish("ch", f"after{i}")
            except BroadcastError:
                await publisher.publish("ch", f"after{i}")  # one retry after the cut
        assert await wait(take(subscription, 20)) == [f"after{i}" for i in range(20)]


def test_broadcaster_is_the_common_interface() -> None:
    assert issubclass(LocalBroadcaster, Broadcaster)
    assert issubclass(RedisBroadcaster, Broadcaster)
    with pytest.raises(ValueError):
        RedisBroadcaster("redis://127.0.0.1:1").subscribe("x", since="1-0")


@pytest.fixture(autouse=True)
def _quiet(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="websocketstream.server.broadcast")


@pytest.mark.parametrize("yields", [0, 1, 2, 3, 5, 8])
async def test_redis_channels_subscribed_while_the_reader_connects_all_work(
    redis_server: RedisServer, yields: int
) -> None:
    # A second channel subscribed while the reader is still connecting (a race that lost
    # one of the two subscriptions when both opened their own connection).
    async with (
        RedisBroadcaster(redis_server.url) as publisher,
        RedisBroadcaster(redis_server.url) as hub,
    ):
        first = hub.subscribe("a")
        for _ in range(yields):
            await asyncio.sleep(0)
        second = hub.subscribe("b")
        await wait(first.ready())
        await wait(second.ready())
        for i in range(3):
            await publisher.publish("a", f"a{i}")
            await publisher.publish("b", f"b{i}")
        assert await wait(take(first, 3)) == ["a0", "a1", "a2"]
        assert await wait(take(second, 3)) == ["b0", "b1", "b2"]


async def test_redis_streams_follow_a_stream_reset_by_a_restart(
    redis_server: RedisServer,
) -> None:
    # Redis restarted without persistence: the stream is gone; the subscriber reconnects by
    # itself and follows the new stream (its ids are checked against the old cursor).
    delays = (0.02, 0.1)
    async with (
        RedisBroadcaster(redis_server.url, streams=True, reconnect_delay=delays) as pub,
        RedisBroadcaster(redis_server.url, streams=True, reconnect_delay=delays) as sub,
        sub.subscribe("ch") as subscription,
    ):
        for i in range(3):
            await pub.publish("ch", f"old{i}")
        assert await wait(take(subscription, 3)) == ["old0", "old1", "old2"]
        redis_server.stop()
        redis_server.start()
        received = asyncio.ensure_future(take(subscription, 1))
        for _ in range(500):
            with contextlib.suppress(BroadcastError):
                await pub.publish("ch", "new")
            await asyncio.wait([received], timeout=0.05)
            if received.done():
                break
        assert await wait(received) == ["new"]
