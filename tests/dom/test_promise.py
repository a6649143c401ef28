"""The Web IDL promise vocabulary in websocketstream._promise."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from websocketstream._promise import (
    Promise,
    RejectionReason,
    get_loop,
    is_promise,
    mark_promise_as_handled,
    new_promise,
    perform_microtask_checkpoint,
    promise_call,
    promise_rejected_with,
    promise_resolved_with,
    queue_microtask,
    react,
    reject_promise,
    resolve_promise,
    set_promise_is_handled_to_true,
    spawn,
    transform_promise_with,
    upon_fulfillment,
    upon_promise,
    upon_rejection,
    wait_for_all,
)

NEVER_RETRIEVED = "exception was never retrieved"


@pytest.fixture
async def loop_errors() -> AsyncIterator[list[dict[str, Any]]]:
    """Contexts passed to the running loop's exception handler."""
    loop = asyncio.get_running_loop()
    contexts: list[dict[str, Any]] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: contexts.append(context))
    yield contexts
    gc.collect()
    loop.set_exception_handler(previous)


def never_retrieved(contexts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in contexts if NEVER_RETRIEVED in c.get("message", "")]


class Signal:
    """A one-shot notification for a reaction: ``await signal`` resumes after it ran."""

    def __init__(self) -> None:
        self.future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    def __call__(self, value: Any = None) -> None:
        if not self.future.done():
            self.future.set_result(value)

    def __await__(self) -> Any:
        return self.future.__await__()


# --- get_loop ------------------------------------------------------------------------------------


def test_get_loop_without_running_loop() -> None:
    with pytest.raises(RuntimeError, match="needs a running asyncio event loop") as info:
        get_loop()
    assert "asyncio.run" in str(info.value)
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__


def test_promise_helpers_need_a_loop() -> None:
    with pytest.raises(RuntimeError, match="running asyncio event loop"):
        new_promise()
    with pytest.raises(RuntimeError, match="running asyncio event loop"):
        promise_resolved_with(1)


async def test_get_loop_in_a_coroutine() -> None:
    assert get_loop() is asyncio.get_running_loop()


# --- Creating and settling -----------------------------------------------------------------------


async def test_new_promise_is_pending() -> None:
    p = new_promise()
    assert isinstance(p, Promise)
    assert isinstance(p, asyncio.Future)
    assert not p.done()
    assert p.get_loop() is asyncio.get_running_loop()
    resolve_promise(p, 5)
    assert await p == 5


async def test_promise_resolved_with() -> None:
    p = promise_resolved_with("v")
    assert isinstance(p, Promise)
    assert p.done()
    assert p.result() == "v"
    assert await p == "v"


async def test_promise_resolved_with_a_promise_returns_it() -> None:
    p = promise_resolved_with(1)
    assert promise_resolved_with(p) is p


async def test_promise_resolved_with_a_plain_future_follows_it() -> None:
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    p = promise_resolved_with(future)
    assert isinstance(p, Promise)
    assert p is not future
    future.set_result(3)
    assert await p == 3


async def test_promise_resolved_with_a_coroutine_adopts_it() -> None:
    async def compute() -> int:
        return 7

    p = promise_resolved_with(compute())
    assert await p == 7


async def test_promise_rejected_with() -> None:
    error = ValueError("no")
    p = promise_rejected_with(error)
    assert isinstance(p, Promise)
    assert p.exception() is error
    with pytest.raises(ValueError):
        await p


async def test_promise_rejected_with_non_exception() -> None:
    p = promise_rejected_with("reason")  # type: ignore[arg-type]
    exc = p.exception()
    assert isinstance(exc, RejectionReason)
    assert exc.value == "reason"


async def test_promise_rejected_with_stop_iteration_is_wrapped() -> None:
    stop = StopIteration()
    p = promise_rejected_with(stop)
    exc = p.exception()
    assert isinstance(exc, RuntimeError)
    assert exc.__cause__ is stop


async def test_resolve_and_reject_leave_settled_promises_alone() -> None:
    p = new_promise()
    resolve_promise(p, 1)
    resolve_promise(p, 2)
    reject_promise(p, ValueError())
    assert p.result() == 1
    q = new_promise()
    reject_promise(q, KeyError("k"))
    resolve_promise(q, 1)
    with pytest.raises(KeyError):
        q.result()
    r = new_promise()
    r.cancel()
    resolve_promise(r)
    reject_promise(r, ValueError())
    assert r.cancelled()


async def test_resolve_default_value_is_none() -> None:
    p = new_promise()
    resolve_promise(p)
    assert p.result() is None


async def test_is_promise() -> None:
    assert is_promise(new_promise())
    assert is_promise(asyncio.get_running_loop().create_future())
    assert not is_promise(1)

    async def coroutine() -> None:
        pass

    c = coroutine()
    assert not is_promise(c)
    c.close()


# --- Reactions ----------------------------------------------------------------------------------


async def test_reactions_are_never_synchronous() -> None:
    log: list[Any] = []
    ran = Signal()
    p = promise_resolved_with(1)
    upon_fulfillment(p, lambda v: (log.append(v), ran()))
    assert log == []
    q = new_promise()
    upon_fulfillment(q, log.append)
    resolve_promise(q, 2)
    assert log == []  # settling does not run reactions synchronously either
    await ran
    assert log[0] == 1


async def test_reactions_run_in_settlement_order() -> None:
    log: list[str] = []
    done = Signal()
    first, second, third = new_promise(), new_promise(), new_promise()
    upon_fulfillment(third, lambda _: (log.append("third"), done()))
    upon_fulfillment(second, lambda _: log.append("second"))
    upon_fulfillment(first, lambda _: log.append("first"))
    resolve_promise(first)
    resolve_promise(second)
    resolve_promise(third)
    await done
    assert log == ["first", "second", "third"]


async def test_reactions_on_one_promise_run_in_registration_order() -> None:
    log: list[int] = []
    done = Signal()
    p = new_promise()
    for i in range(3):

        def note(_: object, i: int = i) -> None:
            log.append(i)

        upon_fulfillment(p, note)
    upon_fulfillment(p, done)
    resolve_promise(p)
    await done
    assert log == [0, 1, 2]


async def test_upon_rejection_and_upon_promise() -> None:
    error = ValueError("x")
    got = Signal()
    upon_rejection(promise_rejected_with(error), got)
    assert await got is error
    fulfilled, rejected = Signal(), Signal()
    upon_promise(promise_resolved_with(4), fulfilled, rejected)
    assert await fulfilled == 4
    assert not rejected.future.done()


async def test_react_with_optional_steps(loop_errors: list[dict[str, Any]]) -> None:
    got = Signal()
    react(promise_rejected_with(ValueError()), None, got)
    react(promise_resolved_with(1))
    react(promise_rejected_with(KeyError()))  # counts as handled
    await got
    gc.collect()
    assert never_retrieved(loop_errors) == []


async def test_upon_cancelled_promise_gives_cancelled_error() -> None:
    got = Signal()
    p = new_promise()
    upon_rejection(p, got)
    p.cancel()
    assert isinstance(await got, asyncio.CancelledError)


async def test_raising_reaction_goes_to_the_loop(loop_errors: list[dict[str, Any]]) -> None:
    boom = RuntimeError("boom")
    after = Signal()

    def bad(_: object) -> None:
        raise boom

    p = promise_resolved_with(1)
    upon_fulfillment(p, bad)
    upon_fulfillment(p, after)
    await after
    assert [c.get("exception") for c in loop_errors] == [boom]


# --- transform_promise_with --------------------------------------------------------------------


async def test_transform_chaining() -> None:
    p = promise_resolved_with(1)
    q = transform_promise_with(p, lambda v: v + 1)
    r = transform_promise_with(q, lambda v: v * 10)
    assert isinstance(r, Promise)
    assert not q.done()  # never synchronous
    assert await r == 20


async def test_transform_pass_through() -> None:
    assert await transform_promise_with(promise_resolved_with("x")) == "x"
    error = KeyError("k")
    with pytest.raises(KeyError) as info:
        await transform_promise_with(promise_rejected_with(error), lambda v: v)
    assert info.value is error


async def test_transform_rejection_can_recover() -> None:
    p = promise_rejected_with(ValueError("bad"))
    q = transform_promise_with(p, None, lambda e: f"recovered from {e}")
    assert await q == "recovered from bad"


async def test_transform_step_exception_rejects() -> None:
    boom = ValueError("boom")

    def step(_: object) -> None:
        raise boom

    with pytest.raises(ValueError) as info:
        await transform_promise_with(promise_resolved_with(1), step)
    assert info.value is boom
    with pytest.raises(ValueError):
        await transform_promise_with(promise_rejected_with(KeyError()), None, step)


async def test_transform_step_stop_iteration_rejects() -> None:
    def step(_: object) -> Any:
        return next(iter(()))

    with pytest.raises(RuntimeError) as info:
        await transform_promise_with(promise_resolved_with(1), step)
    assert isinstance(info.value.__cause__, StopIteration)


async def test_transform_adopts_returned_pending_future() -> None:
    inner = new_promise()
    q = transform_promise_with(promise_resolved_with(1), lambda _: inner)
    seen = Signal()
    upon_fulfillment(promise_resolved_with(None), seen)
    await seen  # the step has run by now
    assert not q.done()
    resolve_promise(inner, "inner")
    assert await q == "inner"


async def test_transform_adopts_returned_rejected_future(
    loop_errors: list[dict[str, Any]],
) -> None:
    def rejected_plain_future(_: object) -> asyncio.Future[Any]:
        plain: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        plain.set_exception(KeyError("k"))
        return plain

    q = transform_promise_with(promise_resolved_with(1), rejected_plain_future)
    with pytest.raises(KeyError):
        await q
    gc.collect()
    assert never_retrieved(loop_errors) == []


async def test_transform_adopts_returned_coroutine() -> None:
    async def later(value: int) -> int:
        return value * 3

    assert await transform_promise_with(promise_resolved_with(2), later) == 6


async def test_transform_of_cancelled_promise() -> None:
    p = new_promise()
    q = transform_promise_with(p, None, lambda e: type(e).__name__)
    p.cancel()
    assert await q == "CancelledError"


async def test_transform_steps_run_even_if_the_result_was_cancelled(
    loop_errors: list[dict[str, Any]],
) -> None:
    # asyncio.wait_for() cancels the future it waits on when it times out.
    p = new_promise()
    ran = Signal()
    q = transform_promise_with(p, ran)
    q.cancel()
    resolve_promise(p, "value")
    assert await ran == "value"
    assert q.cancelled()
    r = transform_promise_with(promise_rejected_with(ValueError()), None, None)
    r.cancel()
    s = transform_promise_with(promise_resolved_with(1))
    s.cancel()
    done = Signal()
    upon_fulfillment(promise_resolved_with(None), done)
    await done
    assert loop_errors == []


# --- [[PromiseIsHandled]] -----------------------------------------------------------------------


async def test_unhandled_rejection_is_logged(loop_errors: list[dict[str, Any]]) -> None:
    # The control for the tests below: an unhandled rejected promise is reported when collected.
    p = promise_rejected_with(ValueError("unhandled"))
    del p
    gc.collect()
    assert len(never_retrieved(loop_errors)) == 1
    loop_errors.clear()


@pytest.mark.parametrize("make", [new_promise, lambda: asyncio.get_running_loop().create_future()])
async def test_handled_before_rejection_is_not_logged(
    loop_errors: list[dict[str, Any]], make: Callable[[], asyncio.Future[Any]]
) -> None:
    p = make()
    set_promise_is_handled_to_true(p)
    reject_promise(p, ValueError("handled"))
    done = Signal()
    upon_fulfillment(promise_resolved_with(None), done)
    await done  # a done callback of a plain future has run by now
    del p
    gc.collect()
    assert never_retrieved(loop_errors) == []


@pytest.mark.parametrize("make", [new_promise, lambda: asyncio.get_running_loop().create_future()])
async def test_handled_after_rejection_is_not_logged(
    loop_errors: list[dict[str, Any]], make: Callable[[], asyncio.Future[Any]]
) -> None:
    p = make()
    reject_promise(p, ValueError("handled"))
    set_promise_is_handled_to_true(p)
    del p
    gc.collect()
    assert never_retrieved(loop_errors) == []


async def test_handled_rejected_promise_still_rejects_when_awaited() -> None:
    p = promise_rejected_with(ValueError("still"))
    mark_promise_as_handled(p)
    with pytest.raises(ValueError, match="still"):
        await p


async def test_handled_cancelled_promise(loop_errors: list[dict[str, Any]]) -> None:
    p = new_promise()
    p.cancel()
    set_promise_is_handled_to_true(p)
    q: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    set_promise_is_handled_to_true(q)
    q.cancel()
    done = Signal()
    upon_fulfillment(promise_resolved_with(None), done)
    await done
    assert loop_errors == []


def test_mark_promise_as_handled_is_the_same_function() -> None:
    assert mark_promise_as_handled is set_promise_is_handled_to_true


# --- promise_call --------------------------------------------------------------------------------


async def test_promise_call_none() -> None:
    p = promise_call(None)
    assert p.done()
    assert await p is None


async def test_promise_call_plain_function_with_args() -> None:
    calls: list[tuple[Any, ...]] = []

    def method(*args: Any) -> str:
        calls.append(args)
        return "ok"

    p = promise_call(method, 1, 2)
    assert calls == [(1, 2)]  # called synchronously
    assert p.done()
    assert await p == "ok"


async def test_promise_call_raising_function() -> None:
    boom = ValueError("boom")

    def method() -> None:
        raise boom

    p = promise_call(method)
    assert p.exception() is boom


async def test_promise_call_async_function() -> None:
    gate = new_promise()

    async def method(x: int) -> int:
        await gate
        return x + 1

    p = promise_call(method, 1)
    assert not p.done()
    resolve_promise(gate)
    assert await p == 2


async def test_promise_call_raising_async_function() -> None:
    async def method() -> None:
        raise KeyError("async")

    with pytest.raises(KeyError):
        await promise_call(method)


async def test_promise_call_returning_a_future() -> None:
    inner = new_promise()
    p = promise_call(lambda: inner)
    assert p is inner


# --- wait_for_all --------------------------------------------------------------------------------


async def test_wait_for_all_values_in_order() -> None:
    ps = [new_promise() for _ in range(3)]
    success, failure = Signal(), Signal()
    wait_for_all(ps, success, failure)
    resolve_promise(ps[2], "c")
    resolve_promise(ps[0], "a")
    resolve_promise(ps[1], "b")
    assert await success == ["a", "b", "c"]
    assert not failure.future.done()


async def test_wait_for_all_empty_is_asynchronous() -> None:
    success, failure = Signal(), Signal()
    wait_for_all([], success, failure)
    assert not success.future.done()
    assert await success == []


async def test_wait_for_all_first_rejection_only() -> None:
    ps = [new_promise() for _ in range(3)]
    failures: list[BaseException] = []
    done = Signal()
    wait_for_all(ps, lambda values: failures.append(AssertionError()), failures.append)
    first, second = ValueError("first"), ValueError("second")
    reject_promise(ps[1], first)
    reject_promise(ps[0], second)
    resolve_promise(ps[2], 1)
    upon_fulfillment(ps[2], done)
    await done
    assert failures == [first]


# --- spawn ---------------------------------------------------------------------------------------


async def test_spawn_runs_the_awaitable() -> None:
    async def work() -> int:
        return 5

    task = spawn(work())
    assert await task == 5


def test_microtask_checkpoint_runs_queued_reactions_now() -> None:
    # HTML "perform a microtask checkpoint": what an I/O callback settled runs before the
    # callback returns (the session calls it at the end of its network callbacks, which run
    # outside any task).  A plain loop callback plays the network callback here.
    log: list[str] = []

    def network_callback() -> None:
        p = new_promise()
        upon_fulfillment(p, lambda _: log.append("reaction"))
        resolve_promise(p)
        log.append("settled")
        perform_microtask_checkpoint(loop)
        log.append("callback ends")
        loop.call_soon(loop.stop)

    loop = asyncio.new_event_loop()
    try:
        loop.call_soon(network_callback)
        loop.run_forever()
    finally:
        loop.close()
    assert log == ["settled", "reaction", "callback ends"]


def test_microtask_checkpoint_wakes_a_waiting_task_at_once() -> None:
    # A task awaiting a promise resumes inside the checkpoint (its wake-up is a microtask).
    log: list[str] = []

    async def waiter(p: Promise[None]) -> None:
        await p
        log.append("resumed")

    def network_callback(p: Promise[None]) -> None:
        resolve_promise(p)
        perform_microtask_checkpoint(loop)
        log.append("callback ends")

    async def main() -> None:
        p: Promise[None] = new_promise()
        task = loop.create_task(waiter(p))
        await asyncio.sleep(0)  # the task now waits on p
        loop.call_soon(network_callback, p)
        await task

    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(main())
    finally:
        loop.close()
    assert log == ["resumed", "callback ends"]


async def test_microtask_checkpoint_waits_while_a_task_runs() -> None:
    # Called from inside a task (here, this test's), the checkpoint leaves the microtasks to
    # the drain: a task woken by one could not start its step inside this one's.
    log: list[str] = []
    p = new_promise()
    upon_fulfillment(p, lambda _: log.append("reaction"))
    resolve_promise(p)
    perform_microtask_checkpoint(asyncio.get_running_loop())
    assert log == []
    await p
    await asyncio.sleep(0)
    assert log == ["reaction"]


async def test_microtask_checkpoint_does_not_nest() -> None:
    # Inside a drain a checkpoint does nothing: the job queued by a microtask runs after it,
    # in FIFO order, not in the middle of it.
    log: list[str] = []
    done = new_promise()
    loop = asyncio.get_running_loop()

    def first() -> None:
        queue_microtask(lambda: log.append("second"))
        perform_microtask_checkpoint(loop)
        log.append("first ends")

    queue_microtask(first)
    queue_microtask(lambda: resolve_promise(done))
    await done
    assert log == ["first ends", "second"]
