"""Throughput of websocketstream.streams beside asyncio.Queue doing the same job, in one run.

    python benchmarks/streams.py [--n 100000] [--repeat 5]

Each row is chunks per second (median of the repeats) for:
  read loop      ``await reader.read()`` over a ReadableStream with N chunks already queued,
                 beside ``queue.get()`` over an asyncio.Queue holding N items;
  async for      ``async for`` over the same stream, beside the same Queue loop;
  pipe chain     ``pipe_through`` three identity TransformStreams into a counting
                 WritableStream, beside three tasks forwarding items through four Queues.
The ratio column is streams / Queue (higher is better).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from websocketstream.streams.readable import ReadableStream
from websocketstream.streams.transform import TransformStream
from websocketstream.streams.writable import WritableStream

_DONE = object()


def queued_stream(n: int) -> ReadableStream:
    """A ReadableStream whose start enqueues ``n`` chunks (large high-water mark) and closes."""

    def start(controller: Any) -> None:
        enqueue = controller.enqueue
        for i in range(n):
            enqueue(i)
        controller.close()

    return ReadableStream({"start": start}, {"high_water_mark": n + 1})


async def streams_read_loop(n: int) -> float:
    stream = queued_stream(n)
    reader = stream.get_reader()
    count = 0
    t0 = time.perf_counter()
    while True:
        _, done = await reader.read()
        if done:
            break
        count += 1
    elapsed = time.perf_counter() - t0
    assert count == n
    return elapsed


async def streams_async_for(n: int) -> float:
    stream = queued_stream(n)
    count = 0
    t0 = time.perf_counter()
    async for _ in stream:
        count += 1
    elapsed = time.perf_counter() - t0
    assert count == n
    return elapsed


async def queue_put_get(n: int) -> float:
    t0 = time.perf_counter()
    queue: asyncio.Queue[Any] = asyncio.Queue()
    for i in range(n):
        queue.put_nowait(i)
    queue.put_nowait(_DONE)
    count = 0
    while True:
        item = await queue.get()
        if item is _DONE:
            break
        count += 1
    elapsed = time.perf_counter() - t0
    assert count == n
    return elapsed


async def streams_pipe_chain(n: int) -> float:
    count = 0

    def write(chunk: Any, controller: Any) -> None:
        nonlocal count
        count += 1

    t0 = time.perf_counter()
    readable = queued_stream(n)
    for _ in range(3):
        readable = readable.pipe_through(TransformStream())
    await readable.pipe_to(WritableStream({"write": write}))
    elapsed = time.perf_counter() - t0
    assert count == n
    return elapsed


async def queue_chain(n: int) -> float:
    t0 = time.perf_counter()
    queues: list[asyncio.Queue[Any]] = [asyncio.Queue(maxsize=16) for _ in range(4)]

    async def forward(source: asyncio.Queue[Any], dest: asyncio.Queue[Any]) -> None:
        while True:
            item = await source.get()
            await dest.put(item)
            if item is _DONE:
                return

    async def produce() -> None:
        for i in range(n):
            await queues[0].put(i)
        await queues[0].put(_DONE)

    tasks = [asyncio.ensure_future(forward(queues[i], queues[i + 1])) for i in range(3)]
    producer = asyncio.ensure_future(produce())
    count = 0
    while True:
        item = await queues[3].get()
        if item is _DONE:
            break
        count += 1
    await asyncio.gather(producer, *tasks)
    elapsed = time.perf_counter() - t0
    assert count == n
    return elapsed


def median_rate(job: Callable[[int], Awaitable[float]], n: int, repeat: int) -> float:
    rates = [n / asyncio.run(job(n)) for _ in range(repeat)]  # type: ignore[arg-type]
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=100_000, help="chunks per run")
    parser.add_argument("--repeat", type=int, default=5, help="runs per case (median)")
    args = parser.parse_args()
    rows = [
        ("read loop", streams_read_loop, queue_put_get),
        ("async for", streams_async_for, queue_put_get),
        ("pipe chain (3 transforms)", streams_pipe_chain, queue_chain),
    ]
    print(f"n={args.n} repeat={args.repeat} (chunks/s, median)")
    print(f"{'case':<28}{'streams':>14}{'asyncio.Queue':>16}{'ratio':>9}")
    for name, ours, theirs in rows:
        a = median_rate(ours, args.n, args.repeat)
        b = median_rate(theirs, args.n, args.repeat)
        print(f"{name:<28}{a:>14,.0f}{b:>16,.0f}{a / b:>8.2f}x")


if __name__ == "__main__":
    main()
