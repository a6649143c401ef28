"""Event, EventTarget, event handler attributes, MessageEvent and CloseEvent."""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import AsyncIterator
from typing import Any

import pytest

from websocketstream.dom import (
    AbortController,
    CloseEvent,
    Event,
    EventHandler,
    EventTarget,
    InvalidStateError,
    MessageEvent,
)


class Socket(EventTarget):
    onopen = EventHandler["Socket"]()
    onmessage = EventHandler["Socket"]()


@pytest.fixture
async def errors() -> AsyncIterator[list[dict[str, Any]]]:
    """Exceptions reported to the running loop's exception handler."""
    loop = asyncio.get_running_loop()
    contexts: list[dict[str, Any]] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: contexts.append(context))
    yield contexts
    loop.set_exception_handler(previous)


def recorder(log: list[Any], tag: Any) -> Any:
    def listener(event: Event) -> None:
        log.append(tag)

    return listener


# --- add / remove / dispatch ---------------------------------------------------------------------


def test_add_dispatch_remove() -> None:
    target = Socket()
    log: list[Any] = []
    listener = recorder(log, "a")
    target.add_event_listener("open", listener)
    assert target.dispatch_event(Event("open"))
    assert log == ["a"]
    target.dispatch_event(Event("other"))
    assert log == ["a"]
    target.remove_event_listener("open", listener)
    target.dispatch_event(Event("open"))
    assert log == ["a"]


def test_duplicates_are_ignored() -> None:
    target = Socket()
    log: list[Any] = []
    listener = recorder(log, "a")
    target.add_event_listener("open", listener)
    target.add_event_listener("open", listener)
    target.add_event_listener("open", listener, once=True)
    target.dispatch_event(Event("open"))
    assert log == ["a"]
    target.dispatch_event(Event("open"))
    assert log == ["a", "a"]  # the first registration (not once) wins


def test_same_callback_for_different_types() -> None:
    target = Socket()
    log: list[Any] = []
    listener = recorder(log, "x")
    target.add_event_listener("open", listener)
    target.add_event_listener("message", listener)
    target.remove_event_listener("open", listener)
    target.dispatch_event(Event("open"))
    target.dispatch_event(Event("message"))
    assert log == ["x"]


def test_remove_unknown_listener_is_a_no_op() -> None:
    target = Socket()
    target.remove_event_listener("open", lambda e: None)
    target.remove_event_listener("open", None)


def test_none_callback_is_ignored() -> None:
    target = Socket()
    target.add_event_listener("open", None)
    assert target.dispatch_event(Event("open"))


def test_once() -> None:
    target = Socket()
    log: list[Any] = []
    target.add_event_listener("open", recorder(log, 1), once=True)
    target.dispatch_event(Event("open"))
    target.dispatch_event(Event("open"))
    assert log == [1]


def test_once_listener_is_removed_before_it_runs() -> None:
    target = Socket()
    log: list[Any] = []

    def listener(event: Event) -> None:
        log.append(len(log))
        if len(log) < 3:
            target.dispatch_event(Event("open"))  # re-entrant dispatch of a new event

    target.add_event_listener("open", listener, once=True)
    target.dispatch_event(Event("open"))
    assert log == [0]


def test_listeners_run_in_registration_order() -> None:
    target = Socket()
    log: list[Any] = []
    for i in range(5):
        target.add_event_listener("open", recorder(log, i))
    target.dispatch_event(Event("open"))
    assert log == [0, 1, 2, 3, 4]


def test_listener_added_during_dispatch_does_not_run() -> None:
    target = Socket()
    log: list[Any] = []

    def first(event: Event) -> None:
        log.append("first")
        target.add_event_listener("open", recorder(log, "late"))

    target.add_event_listener("open", first)
    target.dispatch_event(Event("open"))
    assert log == ["first"]
    target.dispatch_event(Event("open"))
    assert log == ["first", "first", "late"]


def test_listener_removed_during_dispatch_does_not_run() -> None:
    target = Socket()
    log: list[Any] = []
    second = recorder(log, "second")

    def first(event: Event) -> None:
        log.append("first")
        target.remove_event_listener("open", second)

    target.add_event_listener("open", first)
    target.add_event_listener("open", second)
    target.dispatch_event(Event("open"))
    assert log == ["first"]


def test_handle_event_object() -> None:
    target = Socket()
    seen: list[Event] = []

    class Handler:
        def handle_event(self, event: Event) -> None:
            seen.append(event)

    event = Event("open")
    target.add_event_listener("open", Handler())
    target.dispatch_event(event)
    assert seen == [event]


def test_listener_removed_by_abort_signal() -> None:
    target = Socket()
    log: list[Any] = []
    controller = AbortController()
    target.add_event_listener("open", recorder(log, "a"), signal=controller.signal)
    target.dispatch_event(Event("open"))
    controller.abort()
    target.dispatch_event(Event("open"))
    assert log == ["a"]


def test_already_aborted_signal_adds_nothing() -> None:
    target = Socket()
    log: list[Any] = []
    controller = AbortController()
    controller.abort()
    target.add_event_listener("open", recorder(log, "a"), signal=controller.signal)
    target.dispatch_event(Event("open"))
    assert log == []


def test_abort_signal_removes_only_its_registration() -> None:
    target = Socket()
    log: list[Any] = []
    listener = recorder(log, "a")
    controller = AbortController()
    target.add_event_listener("open", listener, signal=controller.signal)
    target.remove_event_listener("open", listener)
    target.add_event_listener("open", listener)  # a new registration, without the signal
    controller.abort()
    target.dispatch_event(Event("open"))
    assert log == ["a"]


# --- Event handler attributes (WPT websockets/interfaces/WebSocket/events) -----------------------


def test_handler_position_wpt_events_016() -> None:
    target = Socket()
    log: list[Any] = []
    target.add_event_listener("open", recorder(log, 1))
    target.onopen = recorder(log, 2)
    target.add_event_listener("open", recorder(log, 3))
    target.dispatch_event(Event("open"))
    assert log == [1, 2, 3]


def test_reassigning_handler_keeps_its_position() -> None:
    target = Socket()
    log: list[Any] = []
    target.onopen = recorder(log, "old")
    target.add_event_listener("open", recorder(log, "listener"))
    target.onopen = recorder(log, "new")
    target.dispatch_event(Event("open"))
    assert log == ["new", "listener"]


def test_handler_set_to_none_is_removed_and_readded_at_the_end() -> None:
    target = Socket()
    log: list[Any] = []
    target.onopen = recorder(log, "handler")
    target.add_event_listener("open", recorder(log, "listener"))
    target.onopen = None
    assert target.onopen is None
    target.dispatch_event(Event("open"))
    assert log == ["listener"]
    target.onopen = recorder(log, "handler")
    target.dispatch_event(Event("open"))
    assert log == ["listener", "listener", "handler"]


def test_handler_getter_returns_the_callback() -> None:
    target = Socket()
    assert target.onopen is None

    def handler(event: Event) -> None:
        pass

    target.onopen = handler
    assert target.onopen is handler
    assert target.onmessage is None


@pytest.mark.parametrize("value", [1, "code", object()])
def test_non_callable_handler_becomes_none(value: Any) -> None:
    target = Socket()
    log: list[Any] = []
    target.onopen = recorder(log, "a")
    target.onopen = value
    assert target.onopen is None
    target.dispatch_event(Event("open"))
    assert log == []


def test_handler_cannot_be_removed_with_remove_event_listener() -> None:
    target = Socket()
    log: list[Any] = []
    handler = recorder(log, "h")
    target.onopen = handler
    target.remove_event_listener("open", handler)
    target.add_event_listener("open", handler)  # a listener distinct from the handler
    target.dispatch_event(Event("open"))
    assert log == ["h", "h"]


def test_handlers_are_per_instance_and_per_type() -> None:
    a, b = Socket(), Socket()
    log: list[Any] = []
    a.onopen = recorder(log, "a-open")
    b.onmessage = recorder(log, "b-message")
    a.dispatch_event(Event("message"))
    b.dispatch_event(Event("open"))
    assert log == []
    a.dispatch_event(Event("open"))
    b.dispatch_event(Event("message"))
    assert log == ["a-open", "b-message"]


def test_descriptor_on_class() -> None:
    assert isinstance(Socket.onopen, EventHandler)


# --- Event state during dispatch -----------------------------------------------------------------


def test_event_state_during_and_after_dispatch() -> None:
    target = Socket()
    event = Event("open")
    seen: dict[str, Any] = {}

    def listener(e: Event) -> None:
        seen.update(
            target=e.target,
            current_target=e.current_target,
            phase=e.event_phase,
            src=e.src_element,
            path=e.composed_path(),
        )

    assert event.event_phase == Event.NONE
    assert event.target is None
    target.add_event_listener("open", listener)
    target.dispatch_event(event)
    assert seen == {
        "target": target,
        "current_target": target,
        "phase": Event.AT_TARGET,
        "src": target,
        "path": [target],
    }
    assert event.target is target
    assert event.current_target is None
    assert event.event_phase == Event.NONE
    assert event.composed_path() == []


def test_event_defaults() -> None:
    event = Event("x")
    assert event.type == "x"
    assert not event.bubbles
    assert not event.cancelable
    assert not event.composed
    assert not event.default_prevented
    assert not event.is_trusted
    assert event.time_stamp > 0
    assert (Event.NONE, Event.CAPTURING_PHASE, Event.AT_TARGET, Event.BUBBLING_PHASE) == (
        0,
        1,
        2,
        3,
    )
    assert repr(event) == "Event('x')"


def test_dispatch_event_is_untrusted_and_internal_dispatch_is_trusted() -> None:
    target = Socket()
    event = Event("open")
    target.dispatch_event(event)
    assert not event.is_trusted
    trusted = Event("open")
    target._dispatch(trusted)
    assert trusted.is_trusted


def test_dispatch_returns_not_default_prevented() -> None:
    target = Socket()
    target.add_event_listener("open", lambda e: e.prevent_default())
    assert target.dispatch_event(Event("open")) is True  # not cancelable
    event = Event("open", cancelable=True)
    assert target.dispatch_event(event) is False
    assert event.default_prevented


def test_stop_immediate_propagation() -> None:
    target = Socket()
    log: list[Any] = []

    def first(event: Event) -> None:
        log.append(1)
        event.stop_immediate_propagation()

    target.add_event_listener("open", first)
    target.add_event_listener("open", recorder(log, 2))
    target.dispatch_event(Event("open"))
    assert log == [1]


def test_stop_propagation_does_not_stop_other_listeners() -> None:
    target = Socket()
    log: list[Any] = []
    target.add_event_listener("open", lambda e: e.stop_propagation())
    target.add_event_listener("open", recorder(log, 2))
    target.dispatch_event(Event("open"))
    assert log == [2]


def test_redispatching_during_dispatch_is_invalid_state() -> None:
    target = Socket()
    caught: list[BaseException] = []
    event = Event("open")

    def listener(e: Event) -> None:
        try:
            target.dispatch_event(e)
        except InvalidStateError as exc:
            caught.append(exc)

    target.add_event_listener("open", listener)
    target.dispatch_event(event)
    assert len(caught) == 1
    # Once dispatch finishes the same event can be dispatched again.
    target.dispatch_event(event)
    assert len(caught) == 2


# --- Errors and async listeners ------------------------------------------------------------------


async def test_raising_listener_does_not_stop_the_others(errors: list[dict[str, Any]]) -> None:
    target = Socket()
    log: list[Any] = []
    boom = ValueError("boom")

    def bad(event: Event) -> None:
        raise boom

    target.add_event_listener("open", recorder(log, 1))
    target.add_event_listener("open", bad)
    target.onopen = bad
    target.add_event_listener("open", recorder(log, 2))
    assert target.dispatch_event(Event("open"))
    assert log == [1, 2]
    assert [c["exception"] for c in errors] == [boom, boom]
    assert all("listener" in c["message"] for c in errors)


def test_raising_listener_without_loop_prints_the_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = Socket()
    log: list[Any] = []

    def bad(event: Event) -> None:
        raise ValueError("no loop here")

    target.add_event_listener("open", bad)
    target.add_event_listener("open", recorder(log, 2))
    target.dispatch_event(Event("open"))
    assert log == [2]
    assert "ValueError: no loop here" in capsys.readouterr().err


def test_async_listener_without_loop_is_reported_and_closed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # filterwarnings=error turns a "coroutine was never awaited" warning into a failure.
    target = Socket()
    ran: list[bool] = []

    async def listener(event: Event) -> None:
        ran.append(True)

    target.add_event_listener("open", listener)
    target.dispatch_event(Event("open"))
    assert ran == []
    assert "RuntimeError" in capsys.readouterr().err


async def test_async_listener_runs_as_a_task() -> None:
    target = Socket()
    done = asyncio.Event()
    log: list[Any] = []

    async def listener(event: Event) -> None:
        log.append(("start", event.type))
        await asyncio.sleep(0)
        log.append("end")
        done.set()

    target.add_event_listener("open", listener)
    target.add_event_listener("open", recorder(log, "sync"))
    target.dispatch_event(Event("open"))
    # The coroutine has not started yet: it runs as a task, after the synchronous listeners.
    assert log == ["sync"]
    await done.wait()
    assert log == ["sync", ("start", "open"), "end"]


async def test_async_listener_task_is_not_garbage_collected(
    errors: list[dict[str, Any]],
) -> None:
    # The loop holds tasks weakly; a task waiting on a future only it references is garbage
    # unless the library keeps it alive.
    target = Socket()
    loop = asyncio.get_running_loop()
    waiting = asyncio.Event()
    finished = asyncio.Event()
    refs: list[weakref.ref[asyncio.Future[None]]] = []

    async def listener(event: Event) -> None:
        future: asyncio.Future[None] = loop.create_future()
        refs.append(weakref.ref(future))
        waiting.set()
        await future
        finished.set()

    target.add_event_listener("open", listener)
    target.dispatch_event(Event("open"))
    await waiting.wait()
    gc.collect()
    future = refs[0]()
    assert future is not None
    future.set_result(None)
    await finished.wait()
    assert errors == []


async def test_async_handler_attribute() -> None:
    target = Socket()
    received = asyncio.Event()

    async def handler(event: Event) -> None:
        received.set()

    target.onopen = handler
    target.dispatch_event(Event("open"))
    await received.wait()


async def test_async_listener_error_goes_to_the_loop(errors: list[dict[str, Any]]) -> None:
    target = Socket()
    reported = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _loop, context: (errors.append(context), reported.set()))
    boom = RuntimeError("async boom")

    async def listener(event: Event) -> None:
        raise boom

    target.add_event_listener("open", listener)
    target.dispatch_event(Event("open"))
    await reported.wait()
    assert errors[0]["exception"] is boom


def test_camel_case_hint() -> None:
    with pytest.raises(AttributeError, match="did you mean 'add_event_listener'"):
        Socket().addEventListener  # type: ignore[attr-defined]  # noqa: B018
    with pytest.raises(AttributeError, match="did you mean 'default_prevented'"):
        Event("x").defaultPrevented  # type: ignore[attr-defined]  # noqa: B018


# --- MessageEvent / CloseEvent (WPT websockets/interfaces/CloseEvent/constructor.html) -----------


def test_close_event_defaults() -> None:
    event = CloseEvent("foo")
    assert isinstance(event, CloseEvent)
    assert isinstance(event, Event)
    assert event.type == "foo"
    assert not event.bubbles
    assert not event.cancelable
    assert event.was_clean is False
    assert event.code == 0
    assert event.reason == ""


def test_close_event_init() -> None:
    event = CloseEvent("foo", bubbles=True, cancelable=True, was_clean=True, code=7, reason="x")
    assert event.bubbles
    assert event.cancelable
    assert event.was_clean is True
    assert event.code == 7
    assert event.reason == "x"


def test_message_event_defaults() -> None:
    event = MessageEvent("message")
    assert event.type == "message"
    assert event.data is None
    assert event.origin == ""
    assert event.last_event_id == ""
    assert event.source is None
    assert event.ports == ()
    assert not event.bubbles
    assert not event.cancelable


def test_message_event_init() -> None:
    event = MessageEvent("message", data=b"\x00", origin="ws://example.com", ports=[1])  # type: ignore[arg-type]
    assert event.data == b"\x00"
    assert event.origin == "ws://example.com"
    assert event.ports == (1,)


def test_events_are_dispatched_with_their_fields() -> None:
    target = Socket()
    seen: list[Any] = []
    target.onmessage = lambda e: seen.append((e.data, e.origin, e.target))
    target.dispatch_event(MessageEvent("message", data="hi", origin="ws://h"))
    assert seen == [("hi", "ws://h", target)]


# --- capture, passive, handle_event, handler return values ---------------------------------------


def test_capture_is_part_of_the_listener_identity() -> None:
    target = Socket()
    log: list[Any] = []
    listener = recorder(log, "x")
    target.add_event_listener("open", listener)
    target.add_event_listener("open", listener, capture=True)
    target.add_event_listener("open", listener, capture=True)  # duplicate: no-op
    target.dispatch_event(Event("open"))
    assert log == ["x", "x"]
    target.remove_event_listener("open", listener)  # removes only the non-capture one
    target.dispatch_event(Event("open"))
    assert log == ["x", "x", "x"]
    target.remove_event_listener("open", listener, capture=True)
    target.dispatch_event(Event("open"))
    assert log == ["x", "x", "x"]


def test_capture_listeners_run_first_at_the_target() -> None:
    # DOM "dispatch": at the target, the capturing invocation precedes the bubbling one.
    target = Socket()
    log: list[Any] = []
    target.add_event_listener("open", recorder(log, "bubble-1"))
    target.add_event_listener("open", recorder(log, "capture-1"), capture=True)
    target.onopen = recorder(log, "handler")
    target.add_event_listener("open", recorder(log, "capture-2"), capture=True)
    target.dispatch_event(Event("open"))
    assert log == ["capture-1", "capture-2", "bubble-1", "handler"]


def test_passive_listener_cannot_prevent_default() -> None:
    target = Socket()

    def cancel(event: Event) -> None:
        event.prevent_default()

    target.add_event_listener("open", cancel, passive=True)
    event = Event("open", cancelable=True)
    assert target.dispatch_event(event)
    assert not event.default_prevented
    target.add_event_listener("open", cancel)  # the same callback, not passive: a duplicate
    assert target.dispatch_event(Event("open", cancelable=True))
    target.add_event_listener("open", cancel, capture=True)
    assert not target.dispatch_event(Event("open", cancelable=True))


def test_non_callable_listener_is_a_type_error() -> None:
    target = Socket()
    with pytest.raises(TypeError, match="handle_event"):
        target.add_event_listener("open", 42)
    target.dispatch_event(Event("open"))


async def test_handle_event_that_is_not_callable_is_reported(
    errors: list[dict[str, Any]],
) -> None:
    class Listener:
        handle_event: Any = None

    target = Socket()
    log: list[Any] = []
    target.add_event_listener("open", Listener())
    target.add_event_listener("open", recorder(log, "after"))
    target.dispatch_event(Event("open"))
    assert log == ["after"]
    assert [type(c["exception"]) for c in errors] == [TypeError]


def test_handle_event_is_looked_up_at_dispatch() -> None:
    class Listener:
        def __init__(self) -> None:
            self.seen: list[str] = []

        def handle_event(self, event: Event) -> None:
            self.seen.append("first")

    listener = Listener()
    target = Socket()
    target.add_event_listener("open", listener)
    target.dispatch_event(Event("open"))

    def replacement(event: Event) -> None:
        listener.seen.append("second")

    listener.handle_event = replacement  # type: ignore[method-assign]
    target.dispatch_event(Event("open"))
    assert listener.seen == ["first", "second"]


def test_handler_returning_false_cancels_the_event() -> None:
    # HTML "the event handler processing algorithm": a false return value cancels.
    target = Socket()
    target.onopen = lambda event: False
    assert not target.dispatch_event(Event("open", cancelable=True))
    target.onopen = lambda event: None
    assert target.dispatch_event(Event("open", cancelable=True))


def test_listener_returning_false_does_not_cancel() -> None:
    target = Socket()
    target.add_event_listener("open", lambda event: False)
    assert target.dispatch_event(Event("open", cancelable=True))


def test_stop_immediate_propagation_before_dispatch_runs_no_listener() -> None:
    target = Socket()
    log: list[Any] = []
    target.add_event_listener("open", recorder(log, 1))
    event = Event("open")
    event.stop_immediate_propagation()
    target.dispatch_event(event)
    assert log == []
    target.dispatch_event(event)  # the flag is cleared when a dispatch ends
    assert log == [1]


def test_stop_immediate_propagation_in_a_capture_listener_stops_the_rest() -> None:
    target = Socket()
    log: list[Any] = []

    def stop(event: Event) -> None:
        log.append("stop")
        event.stop_immediate_propagation()

    target.add_event_listener("open", stop, capture=True)
    target.add_event_listener("open", recorder(log, "bubble"))
    target.dispatch_event(Event("open"))
    assert log == ["stop"]


def test_fire_an_event_is_trusted() -> None:
    from websocketstream.dom.events import fire_an_event

    target = Socket()
    seen: list[Event] = []
    target.add_event_listener("open", seen.append)
    assert fire_an_event(target, Event("open"))
    assert seen[0].is_trusted
    assert seen[0].target is target
