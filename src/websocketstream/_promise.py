"""Web IDL's promise vocabulary on :class:`asyncio.Future`.

Every promise in the library is a :class:`Promise` (a subclass of :class:`asyncio.Future`) made
here, so the spec's phrases map one to one onto functions: "a new promise", "a promise resolved
with", "a promise rejected with", "resolve", "reject", "upon fulfillment", "upon rejection",
"react", "transform ... with" and "set promise.[[PromiseIsHandled]] to true".

As in JavaScript, reactions never run synchronously: when a promise settles, its callbacks (the
spec's reactions, and the wake-up of a task that awaits it) join a per-loop *microtask queue*
(:func:`queue_microtask`), which one event-loop callback drains in FIFO order, including the
microtasks queued while it runs, as JavaScript's microtask checkpoint does.  A chain of reactions
therefore costs one loop iteration, not one per hop; callbacks of other futures and handles
scheduled with ``loop.call_soon`` run when the drain is over (or after a batch of
``MICROTASK_BUDGET`` microtasks, so that a run-away chain cannot starve I/O).  Awaiting a promise
that is already settled does not yield to the loop, so a read of a queued chunk completes at once.

A promise marked as handled never logs "Future exception was never retrieved".
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import threading
import weakref
from asyncio.events import _get_running_loop
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Final, Self, TypeVar

__all__ = [
    "MICROTASK_BUDGET",
    "Promise",
    "get_loop",
    "is_promise",
    "mark_promise_as_handled",
    "new_promise",
    "perform_microtask_checkpoint",
    "promise_call",
    "promise_rejected_with",
    "promise_resolved_with",
    "queue_microtask",
    "react",
    "reject_promise",
    "rejection_reason",
    "resolve_promise",
    "running_loop",
    "set_promise_is_handled_to_true",
    "spawn",
    "transform_promise_with",
    "upon_fulfillment",
    "upon_promise",
    "upon_rejection",
    "wait_for_all",
]

T = TypeVar("T")
U = TypeVar("U")


_future_set_result: Final = asyncio.Future.set_result
_copy_context: Final = contextvars.copy_context
_current_task: Final = asyncio.current_task

# A microtask: the callback, its argument (the settled promise) and the context it runs in.
_Job = tuple[Callable[[Any], object], Any, contextvars.Context]

#: Microtasks one drain runs before it lets the event loop take a turn (I/O, timers, other
#: callbacks); the rest run, still in order, in the next drain.
MICROTASK_BUDGET: Final = 1000


class _MicrotaskQueue:
    """One event loop's microtask queue and its drain (a single ``call_soon`` callback)."""

    __slots__ = ("jobs", "loop_ref", "scheduled")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop_ref = weakref.ref(loop)  # the loop owns its queue, not the other way round
        self.jobs: deque[_Job] = deque()
        self.scheduled = False

    def drain(self) -> None:
        loop = self.loop_ref()
        if loop is None:
            return
        jobs = self.jobs
        popleft = jobs.popleft
        budget = MICROTASK_BUDGET
        draining = _draining
        outer_loop = draining.loop  # None: drains do not nest (loop callbacks do not)
        draining.loop = loop
        try:
            while jobs:
                callback, arg, context = popleft()
                try:
                    context.run(callback, arg)
                except (SystemExit, KeyboardInterrupt):
                    raise
                except BaseException as exc:  # reported as asyncio.Handle._run does
                    loop.call_exception_handler(
                        {
                            "message": f"Exception in callback {callback!r}({arg!r})",
                            "exception": exc,
                        }
                    )
                budget -= 1
                if not budget:
                    break
        finally:
            draining.loop = outer_loop
            if jobs:
                loop.call_soon(self.drain)
            else:
                self.scheduled = False


class _Draining(threading.local):
    """The loop whose microtasks this thread is draining (None outside a drain)."""

    loop: asyncio.AbstractEventLoop | None = None


# While a drain runs, the running loop is known without asking asyncio, whose
# _get_running_loop() makes a getpid() system call (a fork check) every time: a few hundred
# nanoseconds, paid for every promise the stream algorithms make.
_draining: Final = _Draining()


def _running_loop() -> asyncio.AbstractEventLoop | None:
    # asyncio's _get_running_loop(), cheaper inside a microtask drain.
    loop = _draining.loop
    if loop is None:
        return _get_running_loop()
    return loop


def running_loop() -> asyncio.AbstractEventLoop | None:
    """The running event loop, or None (asyncio's ``_get_running_loop()``, cheaper inside a
    microtask drain)."""
    return _running_loop()


def perform_microtask_checkpoint(loop: asyncio.AbstractEventLoop) -> None:
    """HTML "perform a microtask checkpoint": run ``loop``'s queued microtasks now.

    The HTML event loop does this after every task; the session does it at the end of its
    network callbacks (bytes arrived, buffer space freed), so a reader or writer waiting on a
    promise those callbacks settled resumes in the same loop iteration instead of the next.
    Does nothing inside a drain (checkpoints do not nest) or while a task runs (a task
    woken by a microtask could not start its step inside another task's).
    """
    if _draining.loop is not None or _current_task(loop) is not None:
        return
    queue = _queues.get(loop)
    if queue is not None and queue.jobs:
        queue.drain()


_queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _MicrotaskQueue] = (
    weakref.WeakKeyDictionary()
)
# The loop used last and its queue (almost always the only loop): saves the look-up.
_last_loop: asyncio.AbstractEventLoop | None = None
_last_queue: _MicrotaskQueue | None = None


def _microtask_queue(loop: asyncio.AbstractEventLoop) -> _MicrotaskQueue:
    global _last_loop, _last_queue
    queue = _queues.get(loop)
    if queue is None:
        queue = _queues[loop] = _MicrotaskQueue(loop)
    _last_loop = loop
    _last_queue = queue
    return queue


def _enqueue(
    loop: asyncio.AbstractEventLoop,
    callback: Callable[[Any], object],
    arg: Any,
    context: contextvars.Context,
) -> None:
    # "Queue a microtask" that runs callback(arg) in context.
    queue = _last_queue if loop is _last_loop else _microtask_queue(loop)
    assert queue is not None
    queue.jobs.append((callback, arg, context))
    if not queue.scheduled:
        queue.scheduled = True
        loop.call_soon(queue.drain)


def queue_microtask(callback: Callable[[], object]) -> None:
    """HTML's "queue a microtask": run ``callback`` after the microtasks already queued on the
    running loop, before the loop's other callbacks."""
    _enqueue(get_loop(), _call_no_arg, callback, contextvars.copy_context())


def _call_no_arg(callback: Callable[[], object]) -> None:
    callback()


class Promise(asyncio.Future[T]):
    """An :class:`asyncio.Future` that plays the part of a Web IDL promise.

    It behaves exactly like a future (``await`` it, ``add_done_callback``, ``result()``); it
    additionally remembers whether the spec marked it as handled, in which case a rejection is
    never reported as "exception was never retrieved", and its done callbacks run as
    microtasks (see the module docstring), in the order they were added.
    """

    # Class-level defaults keep construction on the C fast path (no Python __init__).
    _handled: bool = False
    # Callbacks waiting for settlement, with their contexts (None: none yet).
    _reactions: list[tuple[Callable[[Any], object], contextvars.Context]] | None = None

    def add_done_callback(
        self, fn: Callable[[Self], object], /, *, context: contextvars.Context | None = None
    ) -> None:
        """Run ``fn(self)`` as a microtask once settled (at once queued if already settled)."""
        if context is None:
            context = contextvars.copy_context()
        if self.done():
            _enqueue(self.get_loop(), fn, self, context)
            return
        reactions = self._reactions
        if reactions is None:
            self._reactions = [(fn, context)]
        else:
            reactions.append((fn, context))

    def remove_done_callback(self, fn: Callable[[Self], object], /) -> int:
        """Remove every pending ``fn``; return how many were removed."""
        reactions = self._reactions
        if not reactions:
            return 0
        kept = [reaction for reaction in reactions if reaction[0] != fn]
        removed = len(reactions) - len(kept)
        if removed:
            reactions[:] = kept
        return removed

    def _schedule_reactions(self) -> None:
        reactions = self._reactions
        if reactions:
            self._reactions = None
            loop = self.get_loop()
            for fn, context in reactions:
                _enqueue(loop, fn, self, context)

    def set_result(self, result: T, /) -> None:
        """Fulfil; the reactions are queued as microtasks."""
        _future_set_result(self, result)
        if self._reactions is not None:
            self._schedule_reactions()

    def set_exception(self, exception: type | BaseException, /) -> None:
        """Reject; a handled promise does not log its exception when it is never retrieved.

        A future cannot hold :class:`StopIteration`; it is carried by a :class:`RuntimeError`
        (its ``__cause__``), as PEP 479 does for generators.
        """
        if isinstance(exception, type):
            exception = exception()
        if isinstance(exception, StopIteration):
            wrapper = RuntimeError("a promise was rejected with StopIteration")
            wrapper.__cause__ = exception
            exception = wrapper
        super().set_exception(exception)
        if self._handled:
            self._log_traceback = False
        if self._reactions is not None:
            self._schedule_reactions()

    def cancel(self, msg: Any | None = None) -> bool:
        """Cancel (asyncio only: JavaScript promises cannot be cancelled)."""
        if not super().cancel(msg):
            return False
        self._schedule_reactions()
        return True


_NO_LOOP_MESSAGE: Final = (
    "websocketstream needs a running asyncio event loop: create streams and "
    "sockets inside a coroutine (for example under asyncio.run())"
)


def get_loop() -> asyncio.AbstractEventLoop:
    """Return the running event loop, or raise a clear :class:`RuntimeError`."""
    loop = _running_loop()
    if loop is None:
        raise RuntimeError(_NO_LOOP_MESSAGE) from None
    return loop


def new_promise() -> Promise[Any]:
    """Web IDL "a new promise": a pending :class:`Promise` on the running loop."""
    loop = _draining.loop  # _running_loop(), inlined
    if loop is None:
        loop = _get_running_loop()
        if loop is None:
            raise RuntimeError(_NO_LOOP_MESSAGE) from None
    return Promise(loop=loop)


def promise_resolved_with(value: T) -> Promise[T]:
    """Web IDL "a promise resolved with" ``value`` (an awaitable is adopted)."""
    loop = _running_loop()
    if loop is None:
        raise RuntimeError(_NO_LOOP_MESSAGE) from None
    if value is None:  # the common case, first
        p: Promise[T] = Promise(loop=loop)
        _future_set_result(p, value)  # Promise.set_result: no reactions yet
        return p
    if isinstance(value, asyncio.Future):
        return adopt(value)
    p = Promise(loop=loop)
    if inspect.isawaitable(value):
        _adopt_awaitable(p, value)
    else:
        p.set_result(value)
    return p


def promise_rejected_with(reason: BaseException) -> Promise[Any]:
    """Web IDL "a promise rejected with" ``reason``."""
    p: Promise[Any] = Promise(loop=get_loop())
    p.set_exception(_as_exception(reason))
    return p


def resolve_promise(p: asyncio.Future[T], value: T | None = None) -> None:
    """Web IDL "resolve ``p`` with ``value``"; a settled (or cancelled) promise is left alone."""
    if not p.done():
        if type(p) is Promise:  # Promise.set_result, inlined
            _future_set_result(p, value)
            if p._reactions:
                p._schedule_reactions()
        else:
            p.set_result(value)  # type: ignore[arg-type]


def reject_promise(p: asyncio.Future[Any], reason: BaseException) -> None:
    """Web IDL "reject ``p`` with ``reason``"; a settled (or cancelled) promise is left alone."""
    if not p.done():
        p.set_exception(_as_exception(reason))


def set_promise_is_handled_to_true(p: asyncio.Future[Any]) -> None:
    """Web IDL "set ``p``.[[PromiseIsHandled]] to true": never log its rejection."""
    if isinstance(p, Promise):
        p._handled = True
    if p.done():
        if not p.cancelled():
            p._log_traceback = False
    elif not isinstance(p, Promise):
        p.add_done_callback(_retrieve)


mark_promise_as_handled = set_promise_is_handled_to_true


def _retrieve(p: asyncio.Future[Any]) -> None:
    if not p.cancelled():
        p.exception()


def is_promise(value: object) -> bool:
    """True for an :class:`asyncio.Future` (the library's promise type)."""
    return isinstance(value, asyncio.Future)


def _as_exception(reason: object) -> BaseException:
    # Futures can only be rejected with exceptions; any other reason is carried by a wrapper.
    if isinstance(reason, BaseException):
        return reason
    return RejectionReason(reason)


class RejectionReason(Exception):  # a carrier, not an error kind
    """Carries a non-exception rejection reason (JavaScript can reject with any value)."""

    def __init__(self, value: object) -> None:
        super().__init__(value)
        self.value = value


def rejection_reason(error: BaseException) -> Any:
    """The raw reason carried by a rejection: unwraps a :class:`RejectionReason`."""
    return error.value if type(error) is RejectionReason else error


def _settle_from(p: asyncio.Future[Any], source: asyncio.Future[Any]) -> None:
    if p.done():
        return
    if source.cancelled():
        p.set_exception(asyncio.CancelledError())
        return
    exc = source.exception()
    if exc is not None:
        p.set_exception(exc)
    else:
        p.set_result(source.result())


def adopt(source: asyncio.Future[T]) -> Promise[T]:
    """Return ``source`` if it is already a :class:`Promise`, else a promise that follows it."""
    if isinstance(source, Promise):
        return source
    p: Promise[T] = Promise(loop=get_loop())
    source.add_done_callback(lambda s: _settle_from(p, s))
    return p


# The event loop keeps only weak references to tasks: hold each task the library starts until
# it is done, so it cannot be garbage-collected mid-run.
_running_tasks: set[asyncio.Future[Any]] = set()


def spawn(awaitable: Awaitable[T]) -> asyncio.Future[T]:
    """Run ``awaitable`` as a task on the running loop, holding a strong reference to it."""
    task = asyncio.ensure_future(awaitable, loop=get_loop())
    _running_tasks.add(task)
    task.add_done_callback(_running_tasks.discard)
    return task


def _adopt_awaitable(p: Promise[Any], value: Awaitable[Any]) -> None:
    task = spawn(value)
    task.add_done_callback(lambda s: _settle_from(p, s))


def upon_promise(
    p: asyncio.Future[T],
    on_fulfilled: Callable[[T], object] | None,
    on_rejected: Callable[[BaseException], object] | None,
) -> None:
    """Web IDL "react to ``p``": run one of the steps once ``p`` settles (never synchronously).

    The steps' return values are ignored and ``p`` counts as handled.
    """

    def reaction(settled: asyncio.Future[T]) -> None:
        try:
            exc = settled.exception()  # also marks a rejection as retrieved
        except asyncio.CancelledError:
            if on_rejected is not None:
                on_rejected(asyncio.CancelledError())
            return
        if exc is None:
            if on_fulfilled is not None:
                on_fulfilled(settled.result())
        elif on_rejected is not None:
            on_rejected(exc)

    p.add_done_callback(reaction)  # a Promise queues it as a microtask


def upon_fulfillment(p: asyncio.Future[T], steps: Callable[[T], object]) -> None:
    """Web IDL "upon fulfillment of ``p``, run ``steps``"."""
    upon_promise(p, steps, None)


def upon_rejection(p: asyncio.Future[Any], steps: Callable[[BaseException], object]) -> None:
    """Web IDL "upon rejection of ``p`` with reason r, run ``steps``"."""
    upon_promise(p, None, steps)


def react(
    p: asyncio.Future[T],
    on_fulfilled: Callable[[T], object] | None = None,
    on_rejected: Callable[[BaseException], object] | None = None,
) -> None:
    """Alias of :func:`upon_promise` with optional steps."""
    upon_promise(p, on_fulfilled, on_rejected)


def transform_promise_with(
    p: asyncio.Future[T],
    on_fulfilled: Callable[[T], Any] | None = None,
    on_rejected: Callable[[BaseException], Any] | None = None,
) -> Promise[Any]:
    """Web IDL "transforming ``p`` with" the steps: like JavaScript's ``then``.

    A step's return value resolves the new promise (a returned future is adopted); an
    exception raised by a step rejects it.  A missing step passes the outcome through.
    """
    if (
        on_fulfilled is None
        and type(p) is Promise
        and p.done()
        and not p.cancelled()
        and p.exception() is None
    ):
        # Fast path for an already fulfilled promise and no fulfilment steps (a passed-through
        # value): the reaction below would be queued now and would resolve ``result`` with
        # ``p``'s value; queuing just that resolution keeps the same order, without the
        # closures.
        result: Promise[Any] = Promise(loop=get_loop())
        value = p.result()
        if value is None:
            _enqueue(p.get_loop(), resolve_promise, result, _copy_context())
        else:
            _enqueue(p.get_loop(), _resolve_pair, (result, value), _copy_context())
        return result
    result = Promise(loop=get_loop())

    # The steps always run (their side effects matter), even if the consumer has cancelled
    # ``result`` meanwhile (asyncio.wait_for does on timeout); a cancelled result is left alone.
    def settle_with(steps: Callable[[Any], Any], arg: Any) -> None:
        try:
            value = steps(arg)
        except (Exception, asyncio.CancelledError) as exc:  # a rejection, as in JavaScript
            reject_promise(result, exc)
            return
        if isinstance(value, asyncio.Future):
            value.add_done_callback(lambda s: _settle_from(result, s))
        elif inspect.isawaitable(value):
            _adopt_awaitable(result, value)
        else:
            resolve_promise(result, value)

    def reaction(settled: asyncio.Future[T]) -> None:
        if settled.cancelled():
            exc: BaseException | None = asyncio.CancelledError()
        else:
            exc = settled.exception()
        if exc is None:
            if on_fulfilled is None:
                resolve_promise(result, settled.result())
            else:
                settle_with(on_fulfilled, settled.result())
        elif on_rejected is None:
            reject_promise(result, exc)
        else:
            settle_with(on_rejected, exc)

    p.add_done_callback(reaction)
    return result


def _resolve_pair(pair: tuple[asyncio.Future[Any], Any]) -> None:
    resolve_promise(pair[0], pair[1])


def promise_call(method: Callable[..., Any] | None, *args: Any) -> Promise[Any]:
    """Call an underlying source/sink/transformer method and return a promise of its outcome.

    ``None`` gives a promise resolved with ``None``; a plain return value resolves; an exception
    rejects; a coroutine (``async def``) or other awaitable is run and adopted.
    """
    if method is None:
        return promise_resolved_with(None)
    try:
        value = method(*args)
    except Exception as exc:  # the spec turns it into a rejection
        return promise_rejected_with(exc)
    return promise_resolved_with(value)


def wait_for_all(
    promises: Sequence[asyncio.Future[Any]],
    success_steps: Callable[[list[Any]], object],
    failure_steps: Callable[[BaseException], object],
) -> None:
    """Web IDL "wait for all": success with every value in order, or the first rejection."""
    total = len(promises)
    if total == 0:
        get_loop().call_soon(success_steps, [])
        return
    values: list[Any] = [None] * total
    state = {"remaining": total, "rejected": False}

    def fulfilled_at(index: int) -> Callable[[Any], None]:
        def on_fulfilled(value: Any) -> None:
            values[index] = value
            state["remaining"] -= 1
            if state["remaining"] == 0:
                success_steps(values)

        return on_fulfilled

    def on_rejected(reason: BaseException) -> None:
        if not state["rejected"]:
            state["rejected"] = True
            failure_steps(reason)

    for index, p in enumerate(promises):
        upon_promise(p, fulfilled_at(index), on_rejected)
