"""Read-path benchmark (not a test): 200k queued chunks read with ``await reader.read()`` and
with ``async for``, against ``asyncio.Queue.get()``.

    .venv/bin/python -m tests.streams.readable_streams.bench_read_loop [rounds]

Prints the best of ``rounds`` (default 7) runs of each loop, interleaved, and the ratios.
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any

from websocketstream.streams.readable import ReadableStream, ReadableStreamDefaultReader
from websocketstream.streams.strategies import CountQueuingStrategy

N = 200_000


def full_stream() -> ReadableStream:
    holder: list[Any] = []
    rs = ReadableStream({"start": holder.append}, CountQueuingStrategy(high_water_mark=N + 1))
    controller = holder[0]
    for i in range(N):
        controller.enqueue(i)
    controller.close()
    return rs


async def queue_loop() -> float:
    q: asyncio.Queue[int] = asyncio.Queue()
    for i in range(N):
        q.put_nowait(i)
    get = q.get
    start = time.perf_counter()
    for _ in range(N):
        await get()
    return time.perf_counter() - start


async def reader_loop() -> float:
    reader = full_stream().get_reader()
    assert isinstance(reader, ReadableStreamDefaultReader)
    start = time.perf_counter()
    while True:
        r = await reader.read()
        if r.done:
            break
    return time.perf_counter() - start


async def aiter_loop() -> float:
    rs = full_stream()
    start = time.perf_counter()
    async for _ in rs:
        pass
    return time.perf_counter() - start


async def main(rounds: int) -> None:
    best = {"queue": float("inf"), "reader": float("inf"), "aiter": float("inf")}
    loops = {"queue": queue_loop, "reader": reader_loop, "aiter": aiter_loop}
    for _ in range(rounds):
        for name, loop in loops.items():
            best[name] = min(best[name], await loop())
    for name, seconds in best.items():
        print(f"{name:7s} {N / seconds / 1e6:6.3f} M reads/s  {seconds / N * 1e6:6.3f} us/read")
    print(f"reader.read() / Queue.get(): {best['queue'] / best['reader']:.2f}x")
    print(f"async for     / Queue.get(): {best['queue'] / best['aiter']:.2f}x")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 7))
