"""Fast paths in websocketstream._promise that must not change what a caller can observe."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from websocketstream._promise import (
    get_loop,
    new_promise,
    promise_resolved_with,
    queue_microtask,
    transform_promise_with,
    upon_fulfillment,
)


@pytest.mark.parametrize("value", [None, 5])
async def test_pass_through_of_a_fulfilled_promise_keeps_the_reaction_order(value: Any) -> None:
    # transform_promise_with(p) with p already fulfilled queues the resolution of its result
    # at once, as the reaction it replaces would be: after the reactions queued before it,
    # before those queued after it.
    log: list[Any] = []
    done = new_promise()
    upon_fulfillment(promise_resolved_with(None), lambda _: log.append("before"))
    result = transform_promise_with(promise_resolved_with(value))
    upon_fulfillment(promise_resolved_with(None), lambda _: log.append("after"))
    upon_fulfillment(result, log.append)
    queue_microtask(lambda: log.append("queued after the result settled"))
    upon_fulfillment(result, done.set_result)
    await done
    assert log == ["before", "after", "queued after the result settled", value]


async def test_promises_made_in_a_reaction_belong_to_the_running_loop() -> None:
    loop = asyncio.get_running_loop()
    made = new_promise()
    upon_fulfillment(promise_resolved_with(None), lambda _: made.set_result(new_promise()))
    promise = await made
    assert promise.get_loop() is loop
    assert get_loop() is loop


async def test_a_loop_in_another_thread_during_a_reaction_gets_its_own_promises() -> None:
    # The loop known while a thread drains its microtasks is per thread.
    seen: dict[str, Any] = {}

    async def in_thread() -> None:
        seen["running"] = asyncio.get_running_loop()
        seen["promise_loop"] = new_promise().get_loop()
        seen["get_loop"] = get_loop()

    def reaction(_: Any) -> None:
        thread = threading.Thread(target=asyncio.run, args=(in_thread(),))
        thread.start()
        thread.join()
        seen["here"] = new_promise().get_loop()

    done = new_promise()
    upon_fulfillment(promise_resolved_with(None), reaction)
    upon_fulfillment(promise_resolved_with(None), done.set_result)
    await done
    assert seen["promise_loop"] is seen["running"]
    assert seen["get_loop"] is seen["running"]
    assert seen["here"] is asyncio.get_running_loop()


def test_consecutive_loops_each_get_their_own_promises() -> None:
    loops: list[tuple[asyncio.AbstractEventLoop, asyncio.AbstractEventLoop]] = []

    async def main() -> None:
        made = new_promise()
        upon_fulfillment(promise_resolved_with(None), lambda _: made.set_result(new_promise()))
        promise = await made
        loops.append((asyncio.get_running_loop(), promise.get_loop()))

    asyncio.run(main())
    asyncio.run(main())
    assert [running is own for running, own in loops] == [True, True]
    assert loops[0][0] is not loops[1][0]
