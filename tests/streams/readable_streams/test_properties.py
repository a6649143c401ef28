"""Property tests: any interleaving of enqueue/read/close/cancel/error keeps the queue
accounting right and delivers every chunk exactly once, in order."""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from websocketstream.streams.readable import ReadableStream, ReadResult
from websocketstream.streams.strategies import CountQueuingStrategy

OPS = st.lists(
    st.sampled_from(["enqueue", "enqueue", "enqueue", "read", "read", "close", "cancel", "error"]),
    max_size=40,
)


async def run_scenario(ops: list[str], hwm: int) -> None:
    holder: list[Any] = []
    rs = ReadableStream({"start": holder.append}, CountQueuingStrategy(high_water_mark=hwm))
    c = holder[0]
    reader = rs.get_reader()
    sent: list[int] = []
    received: list[int] = []
    pending: list[asyncio.Future[ReadResult]] = []
    state = "readable"  # what the model expects
    close_requested = False
    next_chunk = 0
    for op in ops:
        if op == "enqueue":
            if state == "readable" and not close_requested:
                c.enqueue(next_chunk)
                sent.append(next_chunk)
                next_chunk += 1
        elif op == "read":
            pending.append(reader.read())
        elif op == "close":
            if state == "readable" and not close_requested:
                c.close()
                close_requested = True
        elif op == "cancel":
            if state == "errored":
                try:
                    await reader.cancel()
                except ValueError:
                    pass
                else:
                    raise AssertionError("cancel() of an errored stream rejects")
            else:
                await reader.cancel()
                state = "closed"
        elif op == "error" and state == "readable" and not close_requested:
            c.error(ValueError("e"))
            state = "errored"
        # Collect what the reads delivered so far (all synchronous).
        still_pending = []
        for p in pending:
            if not p.done():
                still_pending.append(p)
                continue
            if p.exception() is not None:
                continue
            value, done = p.result()
            if not done:
                received.append(value)
        pending = still_pending
        queued = len(c._queue)
        if state == "errored":
            assert c.desired_size is None
        elif rs._state == "closed":
            assert c.desired_size == 0
        else:
            assert c.desired_size == hwm - queued
        assert received == sent[: len(received)], "in order, exactly once"
        if pending:
            assert queued == 0, "a pending read means nothing is queued"
    if state == "readable":
        # Drain: everything sent and not yet received is still delivered.
        if not close_requested:
            c.close()
        for p in pending:
            result = await p
            if not result.done:
                received.append(result.value)
        while True:
            value, done = await reader.read()
            if done:
                break
            received.append(value)
        assert received == sent


@settings(max_examples=150, deadline=None)
@given(ops=OPS, hwm=st.integers(min_value=0, max_value=4))
def test_default_stream_accounting_and_order(ops: list[str], hwm: int) -> None:
    asyncio.run(run_scenario(ops, hwm))


@settings(max_examples=60, deadline=None)
@given(chunks=st.lists(st.integers(), max_size=30), split=st.integers(min_value=0, max_value=30))
def test_tee_branches_see_the_same_chunks(chunks: list[int], split: int) -> None:
    async def scenario() -> None:
        rs = ReadableStream.from_(chunks)
        b1, b2 = rs.tee()
        r1 = b1.get_reader()
        got1 = []
        for _ in range(min(split, len(chunks))):
            got1.append((await r1.read()).value)
        got2 = [c async for c in b2]
        while True:
            value, done = await r1.read()
            if done:
                break
            got1.append(value)
        assert got1 == chunks
        assert got2 == chunks

    asyncio.run(scenario())
