"""WPT streams/transform-streams/backpressure.any.js."""

from __future__ import annotations

from typing import Any

from tests.streams.helpers import flush_callbacks, then
from websocketstream.streams.transform import TransformStream


def recording_transform() -> tuple[TransformStream, list[Any]]:
    calls: list[Any] = []

    def transform(chunk: Any, c: Any) -> None:
        calls.append(chunk)
        c.enqueue(chunk)

    return TransformStream({"transform": transform}), calls


async def test_backpressure_holds_second_transform_until_read() -> None:
    ts, calls = recording_transform()
    writer = ts.writable.get_writer()
    await then(writer.ready)
    writer.write("a")
    writer.write("b")
    await flush_callbacks()
    assert calls == [], "readable HWM 0: no transform() until the readable is pulled"
    reader = ts.readable.get_reader()
    assert (await reader.read()).value == "a"
    await flush_callbacks()
    assert calls == ["a"], "the queue is empty but HWM 0: no pull until the next read"
    assert (await reader.read()).value == "b"
    assert calls == ["a", "b"]


async def test_writer_ready_pending_under_backpressure() -> None:
    ts, _ = recording_transform()
    writer = ts.writable.get_writer()
    await then(writer.ready)
    writer.write("a")
    await flush_callbacks()
    assert writer.desired_size == 0
    assert not writer.ready.done(), "the readable side has HWM 0, so writes back up"
    reader = ts.readable.get_reader()
    await reader.read()
    await writer.ready
    assert writer.desired_size == 1


async def test_read_before_write_releases_backpressure() -> None:
    ts, _calls = recording_transform()
    reader = ts.readable.get_reader()
    read = reader.read()
    writer = ts.writable.get_writer()
    await then(writer.ready)
    write = writer.write("a")
    assert (await read).value == "a"
    await write
    assert writer.desired_size == 1


async def test_readable_hwm_lets_transforms_run_ahead() -> None:
    calls: list[Any] = []

    def transform(chunk: Any, c: Any) -> None:
        calls.append(chunk)
        c.enqueue(chunk)

    ts = TransformStream({"transform": transform}, {"high_water_mark": 10}, {"high_water_mark": 2})
    writer = ts.writable.get_writer()
    for ch in "abcd":
        writer.write(ch)
    await flush_callbacks()
    assert calls == ["a", "b"], "two fill the readable queue, the third waits"
    reader = ts.readable.get_reader()
    assert [(await reader.read()).value for _ in range(4)] == ["a", "b", "c", "d"]


async def test_enqueue_many_in_one_transform_then_backpressure() -> None:
    calls: list[Any] = []

    def transform(chunk: Any, c: Any) -> None:
        calls.append(chunk)
        for i in range(3):
            c.enqueue((chunk, i))

    ts = TransformStream({"transform": transform})
    writer = ts.writable.get_writer()
    writer.write("a")
    writer.write("b")
    await flush_callbacks()
    assert calls == []
    reader = ts.readable.get_reader()
    got = [(await reader.read()).value for _ in range(4)]
    assert got == [("a", 0), ("a", 1), ("a", 2), ("b", 0)]


async def test_close_waits_for_queued_writes() -> None:
    ts, _calls = recording_transform()
    writer = ts.writable.get_writer()
    writer.write("a")
    close_promise = writer.close()
    await flush_callbacks()
    assert not close_promise.done()
    reader = ts.readable.get_reader()
    assert (await reader.read()).value == "a"
    await close_promise
    assert (await reader.read()).done
