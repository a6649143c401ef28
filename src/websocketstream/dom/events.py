"""A minimal DOM ``Event`` / ``EventTarget`` (DOM Standard §2), enough for sockets and signals.

There is no tree: an event's target is the object it is dispatched on, its phase AT_TARGET.
A listener is identified by its type, callback and ``capture`` flag (adding the same one twice
does nothing); at the target the ``capture`` listeners run first, then the others, each group in
registration order; an ``on*`` event handler sits at the position of its first assignment (HTML
"event handler attributes").  A listener added during a dispatch is not called for that event;
one removed during it is not called either.  A callback may be a plain function, an ``async
def`` (its coroutine runs as a task) or an object with ``handle_event(event)``.  An exception in a
listener (or in an ``async def`` listener's task) is reported to the event loop's exception
handler and does not stop the others.
"""

from __future__ import annotations

import asyncio
import builtins
import inspect
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from .._naming import SnakeCaseHint
from .._promise import spawn
from .exceptions import InvalidStateError

if TYPE_CHECKING:
    from .abort import AbortSignal

__all__ = [
    "CloseEvent",
    "Event",
    "EventHandler",
    "EventTarget",
    "MessageEvent",
    "fire_an_event",
]

Listener = Callable[[Any], Any]


class Event(SnakeCaseHint):
    """``Event(type, *, bubbles=False, cancelable=False, composed=False)``."""

    type: str
    bubbles: bool
    cancelable: bool
    composed: bool
    target: EventTarget | None = None
    current_target: EventTarget | None = None
    event_phase: int = 0  # NONE
    default_prevented: bool = False
    is_trusted: bool = False
    time_stamp: float
    _stop_immediate: bool = False
    _dispatching: bool = False
    _in_passive_listener: bool = False

    NONE = 0
    CAPTURING_PHASE = 1
    AT_TARGET = 2
    BUBBLING_PHASE = 3

    def __init__(
        self, type: str, *, bubbles: bool = False, cancelable: bool = False, composed: bool = False
    ) -> None:
        # (The members every new event has in common are class attributes, set on the
        # instance only when they change: an event is made per WebSocket message.)
        self.type = type if type.__class__ is str else str(type)
        self.bubbles = bool(bubbles)
        self.cancelable = bool(cancelable)
        self.composed = bool(composed)
        self.time_stamp = time.monotonic() * 1000.0

    @property
    def src_element(self) -> EventTarget | None:
        """Legacy alias of :attr:`target`."""
        return self.target

    def prevent_default(self) -> None:
        """Cancel the event if it is cancelable (not from a ``passive`` listener)."""
        if self.cancelable and not self._in_passive_listener:
            self.default_prevented = True

    def stop_propagation(self) -> None:
        """No effect beyond the target (there is no tree)."""

    def stop_immediate_propagation(self) -> None:
        """Do not run the remaining listeners."""
        self._stop_immediate = True

    def composed_path(self) -> list[EventTarget]:
        """The target alone while dispatching, else an empty list."""
        return [self.current_target] if self.current_target is not None else []

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.type!r})"


class MessageEvent(Event):
    """``MessageEvent(type, *, data=None, origin="", last_event_id="", source=None, ports=())``."""

    data: Any
    origin: str
    last_event_id: str
    source: Any
    ports: tuple[Any, ...]

    def __init__(
        self,
        type: str,
        *,
        data: Any = None,
        origin: str = "",
        last_event_id: str = "",
        source: Any = None,
        ports: tuple[Any, ...] = (),
        bubbles: bool = False,
        cancelable: bool = False,
    ) -> None:
        super().__init__(type, bubbles=bubbles, cancelable=cancelable)
        self.data = data
        self.origin = origin
        self.last_event_id = last_event_id
        self.source = source
        self.ports = tuple(ports)


class CloseEvent(Event):
    """``CloseEvent("close", was_clean=False, code=0, reason="")``."""

    was_clean: bool
    code: int
    reason: str

    def __init__(
        self,
        type: str,
        *,
        was_clean: bool = False,
        code: int = 0,
        reason: str = "",
        bubbles: bool = False,
        cancelable: bool = False,
    ) -> None:
        super().__init__(type, bubbles=bubbles, cancelable=cancelable)
        self.was_clean = bool(was_clean)
        self.code = int(code)
        self.reason = str(reason)


@dataclass(eq=False)
class _Entry:
    # DOM §2.7 "event listener": type, callback, capture, passive, once, removed.
    type: str
    callback: Any
    once: bool
    capture: bool = False
    passive: bool = False
    removed: bool = False
    handler_name: str | None = None


def _report(exc: BaseException) -> None:
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        traceback.print_exception(exc, file=sys.stderr)
        return
    loop.call_exception_handler({"message": "Exception in event listener", "exception": exc})


class EventTarget(SnakeCaseHint):
    """``add_event_listener``, ``remove_event_listener``, ``dispatch_event``."""

    def __init__(self) -> None:
        self._listeners: list[_Entry] = []
        self._handlers: dict[str, tuple[_Entry, Any]] = {}
        self._any_capture = False  # a capture listener was ever added

    # DOM §2.7 "add an event listener"
    def add_event_listener(
        self,
        type: str,
        callback: Listener | Any | None,
        *,
        once: bool = False,
        signal: AbortSignal | None = None,
        capture: bool = False,
        passive: bool | None = None,
    ) -> None:
        """Register ``callback`` for events of ``type``.

        ``callback`` is a callable (plain or ``async def``) or an object with a
        ``handle_event(event)`` method; ``None`` is ignored, anything else is a
        :class:`TypeError`.  Adding a listener already registered with the same type and
        ``capture`` does nothing.  ``once`` removes it before its first call; ``signal``
        (an :class:`AbortSignal`) removes it when aborted (an aborted signal adds nothing);
        ``passive`` makes its :meth:`Event.prevent_default` calls no-ops.
        """
        if callback is None:
            return
        if not callable(callback) and not hasattr(callback, "handle_event"):
            raise TypeError(
                "an event listener must be callable or have a handle_event method, "
                f"not {builtins.type(callback).__name__}"
            )
        if signal is not None and signal.aborted:
            return
        capture = bool(capture)
        for entry in self._listeners:
            if (
                entry.type == type
                and entry.callback is callback
                and entry.capture is capture
                and entry.handler_name is None
            ):
                return
        entry = _Entry(type, callback, bool(once), capture, bool(passive))
        self._listeners.append(entry)
        self._any_capture = self._any_capture or capture
        if signal is not None:
            signal._add_algorithm(lambda: self._remove_entry(entry))

    # DOM §2.7 "remove an event listener"
    def remove_event_listener(
        self, type: str, callback: Listener | Any | None, *, capture: bool = False
    ) -> None:
        """Remove the listener registered with the same type, callback and ``capture``."""
        capture = bool(capture)
        for entry in self._listeners:
            if (
                entry.type == type
                and entry.callback is callback
                and entry.capture is capture
                and entry.handler_name is None
            ):
                self._remove_entry(entry)
                return

    def _remove_entry(self, entry: _Entry) -> None:
        entry.removed = True
        if entry in self._listeners:
            self._listeners.remove(entry)

    # DOM §2.9 dispatchEvent()
    def dispatch_event(self, event: Event) -> bool:
        """Dispatch ``event`` to this target's listeners; False if it was cancelled."""
        if event._dispatching:
            raise InvalidStateError("The event is already being dispatched.")
        return self._dispatch(event, trusted=False)

    # DOM §2.10 "dispatch" (no tree: only the target's listeners, AT_TARGET)
    def _dispatch(self, event: Event, *, trusted: bool = True) -> bool:
        event.is_trusted = trusted
        event._dispatching = True
        event.target = self
        event.current_target = self
        event.event_phase = Event.AT_TARGET
        try:
            # A clone of the list: listeners added from now on are not called for this event.
            listeners = self._listeners.copy()
            if self._any_capture:
                # "inner invoke" runs the capturing invocation at the target first.
                listeners.sort(key=_bubbling)  # stable: registration order within each group
            event_type = event.type
            for entry in listeners:
                if event._stop_immediate:
                    break
                if entry.removed or entry.type != event_type:
                    continue
                if entry.once:
                    self._remove_entry(entry)
                if entry.passive:
                    event._in_passive_listener = True
                    try:
                        self._invoke(entry.callback, event)
                    finally:
                        event._in_passive_listener = False
                else:
                    self._invoke(entry.callback, event)
        finally:
            event._dispatching = False
            event._stop_immediate = False
            event.current_target = None
            event.event_phase = Event.NONE
        return not event.default_prevented

    # DOM §2.10 "inner invoke", the call of one callback ("call a user object's operation")
    def _invoke(self, callback: Any, event: Event) -> None:
        try:
            if callable(callback):
                result = callback(event)
            else:
                handle_event = getattr(callback, "handle_event", None)
                if not callable(handle_event):
                    raise TypeError("the event listener's handle_event is not callable")
                result = handle_event(event)
            if result is not None and inspect.iscoroutine(result):
                try:
                    task = spawn(result)
                except RuntimeError:
                    result.close()  # no running loop: do not leave it "never awaited"
                    raise
                task.add_done_callback(_report_task_failure)
        except Exception as exc:  # reported, as the DOM reports listener errors
            _report(exc)

    # Event handler attributes (HTML §8.1.8.1).
    def _get_handler(self, name: str) -> Any:
        entry = self._handlers.get(name)
        return None if entry is None else entry[1]

    def _set_handler(self, name: str, value: Any) -> None:
        if not callable(value):
            value = None  # [LegacyTreatNonObjectAsNull]
        current = self._handlers.get(name)
        if value is None:
            if current is not None:
                self._remove_entry(current[0])
                del self._handlers[name]
            return
        if current is not None:
            self._handlers[name] = (current[0], value)
            return
        entry = _Entry(name[2:], _EventHandlerListener(name), False, handler_name=name)
        self._listeners.append(entry)
        self._handlers[name] = (entry, value)


def _bubbling(entry: _Entry) -> bool:
    return not entry.capture


class _EventHandlerListener:
    """The listener an ``on*`` attribute registers: it calls the attribute's current value,
    found through the event's current target (holding no reference to the target, so a
    target is never kept alive by its own handler slot)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    # HTML §8.1.8.1 "the event handler processing algorithm"
    def __call__(self, event: Event) -> Any:
        target = event.current_target
        handler = None if target is None else target._get_handler(self.name)
        if handler is None:
            return None
        result = handler(event)
        if result is False and self.name != "onerror":
            event.prevent_default()  # a handler returning false cancels the event
        return result


# DOM §2.10 "fire an event" (trusted; the event object is made by the caller)
def fire_an_event(target: EventTarget, event: Event) -> bool:
    """Dispatch ``event`` at ``target`` as the user agent does (``is_trusted`` is True).

    Package-internal: the library's own event sources (sockets, signals) use it."""
    return target._dispatch(event, trusted=True)


def _report_task_failure(task: asyncio.Future[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        _report(task.exception())  # type: ignore[arg-type]


T = TypeVar("T", bound=EventTarget)


class EventHandler(Generic[T]):
    """Descriptor for an ``on<type>`` event handler attribute of an :class:`EventTarget`."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, objtype: type | None = None) -> EventHandler[T]: ...
    @overload
    def __get__(self, obj: T, objtype: type | None = None) -> Listener | None: ...
    def __get__(self, obj: T | None, objtype: type | None = None) -> Any:
        if obj is None:
            return self
        return obj._get_handler(self.name)

    def __set__(self, obj: T, value: Listener | None) -> None:
        obj._set_handler(self.name, value)
