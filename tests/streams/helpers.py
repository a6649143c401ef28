"""Shared helpers for the streams tests (the web-platform-tests' test-utils and recording streams).

Never sleep for synchronisation: await the future you wait for, or let pending callbacks run
with :func:`flush_callbacks` (a bounded number of event-loop turns).
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from websocketstream._promise import RejectionReason

__all__ = [
    "FLUSH_TURNS",
    "assert_pending",
    "assert_rejects",
    "flush_callbacks",
    "is_pending",
    "record_settlements",
    "recording_readable_stream",
    "recording_writable_stream",
    "rejection",
    "settle",
    "then",
]

# Enough loop turns for any chain of reactions a test sets off (WPT's flushAsyncEvents goes
# round the loop four times; each of our reactions, and each ``async def`` step, takes one).
FLUSH_TURNS = 25


async def flush_callbacks(turns: int = FLUSH_TURNS) -> None:
    """Let the event loop run every callback that is ready, ``turns`` times over."""
    for _ in range(turns):
        await asyncio.sleep(0)


async def then(future: Awaitable[Any]) -> Any:
    """JavaScript's ``await promise`` / ``promise.then(...)``: wait for ``future``, then one more
    loop turn (awaiting a settled asyncio future does not yield, a JavaScript reaction does, so
    reactions queued before it -- such as a stream's start steps -- have run)."""
    result = await future
    await asyncio.sleep(0)
    return result


def is_pending(future: asyncio.Future[Any]) -> bool:
    """True while ``future`` has not settled."""
    return not future.done()


def assert_pending(future: asyncio.Future[Any], what: str = "future") -> None:
    """Fail unless ``future`` is still pending."""
    assert not future.done(), f"{what} should be pending"


def rejection(future: asyncio.Future[Any]) -> Any:
    """The raw rejection reason of a settled, rejected future (unwraps RejectionReason)."""
    assert future.done(), "future should be settled"
    exc = future.exception()
    assert exc is not None, f"future should be rejected, got {future.result()!r}"
    return exc.value if isinstance(exc, RejectionReason) else exc


async def settle(future: Awaitable[Any]) -> tuple[str, Any]:
    """Await ``future``; return ("fulfilled", value) or ("rejected", raw reason)."""
    try:
        value = await future
    except RejectionReason as exc:
        return "rejected", exc.value
    except Exception as exc:
        return "rejected", exc
    return "fulfilled", value


async def assert_rejects(future: Awaitable[Any], expected: Any, what: str = "future") -> Any:
    """Await ``future`` and check it rejects: ``expected`` is an exception class (checked with
    isinstance) or the very reason object (checked with ``is``/``==``). Returns the reason."""
    outcome, reason = await settle(future)
    assert outcome == "rejected", f"{what} should reject, fulfilled with {reason!r}"
    if isinstance(expected, type) and issubclass(expected, BaseException):
        assert isinstance(reason, expected), f"{what} rejected with {reason!r}, not {expected}"
    else:
        assert reason is expected or reason == expected, (
            f"{what} rejected with {reason!r}, expected {expected!r}"
        )
    return reason


def record_settlements(log: list[str], **futures: asyncio.Future[Any]) -> None:
    """Append each future's name to ``log`` when it settles (the order of settlement)."""
    for name, future in futures.items():
        future.add_done_callback(functools.partial(_note, log, name))


def _note(log: list[str], name: str, future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()  # retrieved: never "exception was never retrieved"
    log.append(name)


def _call(extras: dict[str, Callable[..., Any]], name: str, *args: Any) -> Any:
    method = extras.get(name)
    return None if method is None else method(*args)


def recording_writable_stream(
    extras: dict[str, Callable[..., Any]] | None = None, strategy: Any = None
) -> Any:
    """A WritableStream whose sink records ``"write", chunk``, ``"close"`` and
    ``"abort", reason`` in ``stream.events`` (flat, like the WPT helper); ``extras`` supplies
    the sink's behaviour (``start``, ``write``, ``close``, ``abort``); ``stream.controller`` is
    the controller."""
    from websocketstream.streams.writable import WritableStream

    class RecordingWritableStream(WritableStream):
        # No __slots__: instances get a __dict__ for the recording attributes.
        events: list[Any]
        controller: Any

    extras = extras or {}
    events: list[Any] = []
    holder: dict[str, Any] = {}

    def start(controller: Any) -> Any:
        holder["controller"] = controller
        return _call(extras, "start", controller)

    def write(chunk: Any, controller: Any) -> Any:
        events.extend(["write", chunk])
        return _call(extras, "write", chunk, controller)

    def close() -> Any:
        events.append("close")
        return _call(extras, "close")

    def abort(reason: Any) -> Any:
        events.extend(["abort", reason])
        return _call(extras, "abort", reason)

    stream = RecordingWritableStream(
        {"start": start, "write": write, "close": close, "abort": abort}, strategy
    )
    stream.events = events
    stream.controller = holder["controller"]
    return stream


def recording_readable_stream(
    extras: dict[str, Callable[..., Any]] | None = None, strategy: Any = None
) -> Any:
    """A ReadableStream whose source records ``"pull"`` and ``"cancel", reason`` in
    ``stream.events`` (``stream.events_without_pulls`` leaves pulls out); ``stream.controller``
    is the controller."""
    from websocketstream.streams.readable import ReadableStream

    class RecordingReadableStream(ReadableStream):
        events: list[Any]
        events_without_pulls: list[Any]
        controller: Any

    extras = extras or {}
    events: list[Any] = []
    events_without_pulls: list[Any] = []
    holder: dict[str, Any] = {}

    def start(controller: Any) -> Any:
        holder["controller"] = controller
        return _call(extras, "start", controller)

    def pull(controller: Any) -> Any:
        events.append("pull")
        return _call(extras, "pull", controller)

    def cancel(reason: Any) -> Any:
        events.extend(["cancel", reason])
        events_without_pulls.extend(["cancel", reason])
        return _call(extras, "cancel", reason)

    stream = RecordingReadableStream({"start": start, "pull": pull, "cancel": cancel}, strategy)
    stream.events = events
    stream.events_without_pulls = events_without_pulls
    stream.controller = holder["controller"]
    return stream


def pending() -> asyncio.Future[Any]:
    """A plain pending future on the running loop (a promise the test settles by hand)."""
    return asyncio.get_running_loop().create_future()


def public_names(cls: type) -> set[str]:
    """A class's public members, less the camelCase spellings (hints that raise
    AttributeError): what WPT's properties tests list as the interface's members."""
    return {name for name in vars(cls) if not name.startswith("_") and name.islower()}


def assert_getter_or_method(cls: type, name: str, parameters: list[str] | None) -> None:
    """WPT properties tests in Python terms: ``name`` is a read-only property (``parameters``
    None) or a method taking exactly ``parameters`` after ``self``."""
    member = vars(cls)[name]
    if parameters is None:
        assert isinstance(member, property), f"{name} should be a getter"
        assert member.fset is None, f"{name} should not have a setter"
    else:
        assert inspect.isfunction(member), f"{name} should be a method"
        assert list(inspect.signature(member).parameters)[1:] == parameters
        assert member.__name__ == name
