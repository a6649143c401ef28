"""WPT streams/transform-streams/general.any.js, constructor.any.js, properties.any.js and
strategies.any.js."""

from __future__ import annotations

import asyncio
import math
from typing import Any

import pytest

from tests.streams.helpers import assert_rejects, flush_callbacks
from websocketstream.dom import RangeError
from websocketstream.streams.readable import ReadableStream
from websocketstream.streams.transform import TransformStream, TransformStreamDefaultController
from websocketstream.streams.writable import WritableStream


async def test_constructible_with_no_arguments() -> None:
    ts = TransformStream()
    assert isinstance(ts.readable, ReadableStream)
    assert isinstance(ts.writable, WritableStream)
    TransformStream({})
    TransformStream(None, None, None)


async def test_identity_transform_passes_chunks() -> None:
    ts = TransformStream()
    writer = ts.writable.get_writer()
    reader = ts.readable.get_reader()
    write_promise = writer.write("a")
    assert (await reader.read()) == ("a", False)
    await write_promise
    writer.close()
    assert (await reader.read()).done


async def test_identity_transform_default_strategies() -> None:
    ts = TransformStream()
    writer = ts.writable.get_writer()
    assert writer.desired_size == 1, "writable HWM defaults to 1"
    await flush_callbacks()
    writer.write("a")
    assert writer.desired_size == 0
    await flush_callbacks()
    assert writer.desired_size == 0, "readable HWM 0: the chunk waits on the readable side"


async def test_sync_transform_enqueue() -> None:
    ts = TransformStream({"transform": lambda chunk, c: c.enqueue(chunk.upper())})
    writer = ts.writable.get_writer()
    writer.write("a")
    assert (await ts.readable.get_reader().read()) == ("A", False)


async def test_async_transform_enqueue_later() -> None:
    async def transform(chunk: Any, c: Any) -> None:
        await flush_callbacks(2)
        c.enqueue(chunk * 2)
        c.enqueue(chunk * 3)

    ts = TransformStream({"transform": transform})
    writer = ts.writable.get_writer()
    reader = ts.readable.get_reader()
    writer.write(1)
    writer.close()
    got = [(await reader.read()).value for _ in range(2)]
    assert got == [2, 3]
    assert (await reader.read()).done


async def test_transform_called_as_method() -> None:
    class Transformer:
        def __init__(self) -> None:
            self.seen: list[Any] = []

        def start(self, controller: Any) -> None:
            self.seen.append(("start", controller))

        def transform(self, chunk: Any, controller: Any) -> None:
            self.seen.append(("transform", chunk))
            controller.enqueue(chunk)

        def flush(self, controller: Any) -> None:
            self.seen.append(("flush", None))

    t = Transformer()
    ts = TransformStream(t)
    writer = ts.writable.get_writer()
    reader = ts.readable.get_reader()
    writer.write("x")
    writer.close()
    assert (await reader.read()).value == "x"
    assert (await reader.read()).done
    assert [name for name, _ in t.seen] == ["start", "transform", "flush"]
    assert isinstance(t.seen[0][1], TransformStreamDefaultController)


async def test_start_rejection_errors_both_sides(error1: Exception) -> None:
    async def start(c: Any) -> None:
        raise error1

    ts = TransformStream({"start": start})
    await assert_rejects(ts.writable.get_writer().closed, error1)
    await assert_rejects(ts.readable.get_reader().closed, error1)


async def test_start_exception_raises_from_constructor(error1: Exception) -> None:
    def start(c: Any) -> None:
        raise error1

    with pytest.raises(type(error1)):
        TransformStream({"start": start})


async def test_writes_wait_for_async_start() -> None:
    start = asyncio.get_running_loop().create_future()
    calls: list[Any] = []

    def transform(chunk: Any, c: Any) -> None:
        calls.append(chunk)
        c.enqueue(chunk)

    ts = TransformStream({"start": lambda c: start, "transform": transform})
    writer = ts.writable.get_writer()
    reader = ts.readable.get_reader()
    read = reader.read()
    writer.write("a")
    await flush_callbacks()
    assert calls == []
    start.set_result(None)
    assert (await read).value == "a"


async def test_enqueue_in_start() -> None:
    ts = TransformStream({"start": lambda c: c.enqueue("a")})
    assert (await ts.readable.get_reader().read()).value == "a"


async def test_desired_size_of_controller() -> None:
    holder: dict[str, Any] = {}
    TransformStream({"start": lambda c: holder.setdefault("c", c)}, None, {"high_water_mark": 3})
    assert holder["c"].desired_size == 3
    holder["c"].enqueue("a")
    assert holder["c"].desired_size == 2


async def test_closing_writable_closes_readable_after_flush() -> None:
    ts = TransformStream()
    writer = ts.writable.get_writer()
    reader = ts.readable.get_reader()
    close_promise = writer.close()
    await close_promise
    await reader.closed


async def test_enqueue_after_readable_closed_raises() -> None:
    holder: dict[str, Any] = {}
    ts = TransformStream({"start": lambda c: holder.setdefault("c", c)})
    await ts.writable.get_writer().close()
    with pytest.raises(TypeError):
        holder["c"].enqueue("a")


async def test_readable_size_throwing_errors_stream(error1: Exception) -> None:
    def size(chunk: Any) -> int:
        raise error1

    ts = TransformStream({}, None, {"size": size, "high_water_mark": 4})
    writer = ts.writable.get_writer()
    await assert_rejects(writer.write("a"), error1)
    await assert_rejects(writer.closed, error1)
    await assert_rejects(ts.readable.get_reader().closed, error1)


# -- constructor / properties -------------------------------------------------------------------


@pytest.mark.parametrize("member", ["readable_type", "writable_type"])
async def test_type_members_must_be_none(member: str) -> None:
    with pytest.raises(RangeError):
        TransformStream({member: "bytes"})


@pytest.mark.parametrize("member", ["start", "transform", "flush", "cancel"])
async def test_non_callable_transformer_member_raises(member: str) -> None:
    with pytest.raises(TypeError, match=member):
        TransformStream({member: 42})


async def test_camel_case_transformer_member_raises() -> None:
    with pytest.raises(TypeError, match="readable_type"):
        TransformStream({"readableType": "bytes"})


async def test_controller_cannot_be_constructed() -> None:
    with pytest.raises(TypeError):
        TransformStreamDefaultController()


def test_docstrings() -> None:
    assert TransformStream.__doc__
    for name in ("readable", "writable"):
        assert getattr(TransformStream, name).__doc__
    for name in ("desired_size", "enqueue", "error", "terminate"):
        assert getattr(TransformStreamDefaultController, name).__doc__


# -- strategies.any.js --------------------------------------------------------------------------


async def test_writable_strategy_hwm() -> None:
    ts = TransformStream({}, {"high_water_mark": 17})
    assert ts.writable.get_writer().desired_size == 17


async def test_readable_strategy_hwm() -> None:
    holder: dict[str, Any] = {}
    TransformStream({"start": lambda c: holder.setdefault("c", c)}, None, {"high_water_mark": 9})
    assert holder["c"].desired_size == 9


@pytest.mark.parametrize("which", [1, 2])
@pytest.mark.parametrize("hwm", [-1, math.nan])
async def test_invalid_strategy_hwm_raises(which: int, hwm: float) -> None:
    strategies: list[Any] = [None, None]
    strategies[which - 1] = {"high_water_mark": hwm}
    with pytest.raises(RangeError):
        TransformStream({}, *strategies)


async def test_writable_size_is_used() -> None:
    ts = TransformStream({}, {"size": len, "high_water_mark": 10})
    writer = ts.writable.get_writer()
    await flush_callbacks()
    writer.write("abc")
    assert writer.desired_size == 7
