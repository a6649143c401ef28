"""AbortController and AbortSignal, after WPT dom/abort/ (event.any.js, abort-signal-any.any.js,
AbortSignal.any.js, timeout.any.js)."""

from __future__ import annotations

import asyncio
import math
from typing import Any

import pytest

from websocketstream._promise import RejectionReason
from websocketstream.dom import (
    AbortController,
    AbortError,
    AbortSignal,
    DOMException,
    DOMTimeoutError,
    Event,
)

# --- AbortController -----------------------------------------------------------------------------


def test_initial_state() -> None:
    controller = AbortController()
    signal = controller.signal
    assert signal is controller.signal
    assert isinstance(signal, AbortSignal)
    assert signal.aborted is False
    assert signal.reason is None
    assert signal.onabort is None
    signal.throw_if_aborted()  # does nothing
    assert repr(controller) == "AbortController(signal=AbortSignal(aborted=False))"


def test_abort_default_reason_is_abort_error() -> None:
    controller = AbortController()
    controller.abort()
    assert controller.signal.aborted
    reason = controller.signal.reason
    assert isinstance(reason, AbortError)
    assert isinstance(reason, DOMException)
    assert reason.name == "AbortError"
    assert reason.code == 20


def test_abort_with_custom_reason() -> None:
    controller = AbortController()
    reason = ValueError("stop")
    controller.abort(reason)
    assert controller.signal.reason is reason


def test_abort_with_non_exception_reason() -> None:
    controller = AbortController()
    controller.abort("why")
    assert controller.signal.reason == "why"


def test_abort_twice_keeps_first_reason() -> None:
    controller = AbortController()
    log: list[Any] = []
    controller.signal.add_event_listener("abort", log.append)
    controller.abort("first")
    controller.abort("second")
    assert controller.signal.reason == "first"
    assert len(log) == 1


def test_abort_event_fires_once_in_registration_order() -> None:
    controller = AbortController()
    signal = controller.signal
    log: list[Any] = []
    signal.add_event_listener("abort", lambda e: log.append("listener-1"))
    signal.onabort = lambda e: log.append(("onabort", e.type, e.target, signal.aborted))
    signal.add_event_listener("abort", lambda e: log.append("listener-2"))
    controller.abort()
    controller.abort()
    assert log == ["listener-1", ("onabort", "abort", signal, True), "listener-2"]


def test_abort_event_is_trusted_and_plain() -> None:
    controller = AbortController()
    events: list[Event] = []
    controller.signal.onabort = events.append
    controller.abort()
    (event,) = events
    assert type(event) is Event
    assert event.is_trusted
    assert not event.cancelable
    assert not event.bubbles


def test_once_listener() -> None:
    signal = AbortController().signal
    log: list[Any] = []
    signal.add_event_listener("abort", lambda e: log.append(1), once=True)
    signal._dispatch(Event("abort"))
    signal._dispatch(Event("abort"))
    assert log == [1]


def test_listener_removed_through_another_signal() -> None:
    controller = AbortController()
    remover = AbortController()
    log: list[Any] = []
    controller.signal.add_event_listener("abort", lambda e: log.append("a"), signal=remover.signal)
    controller.signal.add_event_listener("abort", lambda e: log.append("b"))
    remover.abort()
    controller.abort()
    assert log == ["b"]


def test_listener_can_remove_itself_with_its_own_signal() -> None:
    controller = AbortController()
    log: list[Any] = []
    controller.signal.add_event_listener(
        "abort", lambda e: log.append("a"), signal=controller.signal
    )
    controller.abort()
    # The abort algorithms (removing the listener) run before the event fires.
    assert log == []


def test_reason_visible_in_listener() -> None:
    controller = AbortController()
    seen: list[Any] = []
    controller.signal.onabort = lambda e: seen.append(e.target.reason)
    controller.abort("r")
    assert seen == ["r"]


def test_throw_if_aborted_raises_the_reason() -> None:
    controller = AbortController()
    reason = KeyError("k")
    controller.abort(reason)
    with pytest.raises(KeyError) as info:
        controller.signal.throw_if_aborted()
    assert info.value is reason


def test_throw_if_aborted_default_reason() -> None:
    controller = AbortController()
    controller.abort()
    with pytest.raises(AbortError):
        controller.signal.throw_if_aborted()


def test_throw_if_aborted_with_non_exception_reason() -> None:
    controller = AbortController()
    controller.abort(42)
    with pytest.raises(RejectionReason) as info:
        controller.signal.throw_if_aborted()
    assert info.value.value == 42


def test_camel_case_hint() -> None:
    with pytest.raises(AttributeError, match="did you mean 'throw_if_aborted'"):
        AbortSignal.abort().throwIfAborted  # type: ignore[attr-defined]  # noqa: B018


# --- AbortSignal.abort() -------------------------------------------------------------------------


def test_static_abort() -> None:
    signal = AbortSignal.abort()
    assert signal.aborted
    assert isinstance(signal.reason, AbortError)
    assert repr(signal) == "AbortSignal(aborted=True)"


def test_static_abort_with_reason() -> None:
    reason = RuntimeError("x")
    assert AbortSignal.abort(reason).reason is reason


def test_static_abort_signals_are_distinct() -> None:
    a, b = AbortSignal.abort(), AbortSignal.abort()
    assert a is not b
    assert a.reason is not b.reason


# --- AbortSignal.timeout() -----------------------------------------------------------------------


async def test_timeout_aborts_with_timeout_error() -> None:
    signal = AbortSignal.timeout(1)
    assert not signal.aborted
    fired = asyncio.Event()
    events: list[Event] = []

    def on_abort(event: Event) -> None:
        events.append(event)
        fired.set()

    signal.onabort = on_abort
    await fired.wait()
    assert signal.aborted
    assert isinstance(signal.reason, DOMTimeoutError)
    assert isinstance(signal.reason, TimeoutError)
    assert signal.reason.name == "TimeoutError"
    assert signal.reason.code == 23
    assert len(events) == 1
    with pytest.raises(TimeoutError):
        signal.throw_if_aborted()


async def test_timeout_zero_and_float() -> None:
    signals = [AbortSignal.timeout(0), AbortSignal.timeout(0.5)]
    remaining = len(signals)
    all_fired = asyncio.Event()

    def on_abort(event: Event) -> None:
        nonlocal remaining
        remaining -= 1
        if remaining == 0:
            all_fired.set()

    for signal in signals:
        assert not signal.aborted  # never synchronously
        signal.add_event_listener("abort", on_abort)
    await all_fired.wait()
    assert all(isinstance(s.reason, DOMTimeoutError) for s in signals)


@pytest.mark.parametrize(
    "milliseconds", [-1, -0.5, math.nan, math.inf, -math.inf, "10", None, True, [1]]
)
async def test_timeout_invalid_arguments(milliseconds: Any) -> None:
    with pytest.raises(TypeError):
        AbortSignal.timeout(milliseconds)


def test_timeout_needs_a_running_loop() -> None:
    with pytest.raises(RuntimeError, match="running asyncio event loop"):
        AbortSignal.timeout(10)


# --- AbortSignal.any() ---------------------------------------------------------------------------


def test_any_returns_a_new_signal() -> None:
    controller = AbortController()
    signal = AbortSignal.any([controller.signal])
    assert signal is not controller.signal
    assert not signal.aborted


def test_any_with_already_aborted_source() -> None:
    controller = AbortController()
    log: list[Any] = []
    first, second = AbortSignal.abort("first"), AbortSignal.abort("second")
    signal = AbortSignal.any([controller.signal, first, second])
    signal.onabort = log.append
    assert signal.aborted
    assert signal.reason == "first"  # the first aborted signal in the list
    controller.abort("later")
    assert log == []  # no event for a signal born aborted
    assert signal.reason == "first"


def test_any_later_abort_propagates_reason() -> None:
    a, b = AbortController(), AbortController()
    signal = AbortSignal.any([a.signal, b.signal])
    log: list[Any] = []
    signal.onabort = lambda e: log.append(signal.reason)
    reason = ValueError("b")
    b.abort(reason)
    assert signal.aborted
    assert signal.reason is reason
    a.abort("a")
    assert signal.reason is reason
    assert log == [reason]


def test_any_default_reason_is_shared() -> None:
    controller = AbortController()
    signal = AbortSignal.any([controller.signal])
    controller.abort()
    assert isinstance(signal.reason, AbortError)
    assert signal.reason is controller.signal.reason


def test_any_of_nothing_never_aborts() -> None:
    signal = AbortSignal.any([])
    assert not signal.aborted
    assert not AbortSignal.any([signal]).aborted


def test_any_accepts_iterables_and_duplicates() -> None:
    controller = AbortController()
    signal = AbortSignal.any(s for s in [controller.signal, controller.signal])
    log: list[Any] = []
    signal.onabort = log.append
    controller.abort()
    assert signal.aborted
    assert len(log) == 1


def test_dependent_of_dependent_is_flattened() -> None:
    controller = AbortController()
    middle = AbortSignal.any([controller.signal])
    outer = AbortSignal.any([middle])
    assert outer._source_signals == [controller.signal]
    assert controller.signal._dependent_signals == [middle, outer]
    log: list[str] = []
    middle.onabort = lambda e: log.append("middle")
    outer.onabort = lambda e: log.append("outer")
    controller.abort("r")
    assert middle.reason == outer.reason == "r"
    assert log == ["middle", "outer"]


def test_dependent_of_aborted_dependent() -> None:
    controller = AbortController()
    middle = AbortSignal.any([controller.signal])
    controller.abort("r")
    outer = AbortSignal.any([middle])
    assert outer.aborted
    assert outer.reason == "r"


def test_source_fires_before_dependents_and_dependents_are_aborted_first() -> None:
    # WPT: "Dependent signals for AbortSignal.any() are marked aborted before abort events fire"
    controller = AbortController()
    dependent_1 = AbortSignal.any([controller.signal])
    dependent_2 = AbortSignal.any([controller.signal])
    log: list[Any] = []
    controller.signal.onabort = lambda e: log.append(
        ("source", dependent_1.aborted, dependent_2.aborted)
    )
    dependent_1.onabort = lambda e: log.append("dependent-1")
    dependent_2.onabort = lambda e: log.append("dependent-2")
    controller.abort()
    assert log == [("source", True, True), "dependent-1", "dependent-2"]


def test_aborting_another_source_from_an_abort_handler() -> None:
    # WPT: "Dependent signals for AbortSignal.any() are aborted correctly for reentrant aborts"
    a, b = AbortController(), AbortController()
    signal = AbortSignal.any([a.signal, b.signal])
    log: list[Any] = []
    a.signal.onabort = lambda e: b.abort("b-reason")
    signal.onabort = lambda e: log.append(signal.reason)
    a.abort("a-reason")
    assert log == ["a-reason"]
    assert b.signal.reason == "b-reason"


def test_any_non_signal_is_type_error() -> None:
    with pytest.raises(TypeError):
        AbortSignal.any([AbortController().signal, "not a signal"])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        AbortSignal.any([AbortController()])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        AbortSignal.any(None)  # type: ignore[arg-type]


async def test_any_with_timeout_signal() -> None:
    controller = AbortController()
    signal = AbortSignal.any([controller.signal, AbortSignal.timeout(1)])
    fired = asyncio.Event()
    signal.onabort = lambda e: fired.set()
    await fired.wait()
    assert isinstance(signal.reason, DOMTimeoutError)
    assert not controller.signal.aborted
