"""``AbortController`` and ``AbortSignal`` (DOM Standard §3.1-3.2)."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterable
from typing import Any

from .._promise import RejectionReason, get_loop
from .events import Event, EventHandler, EventTarget, fire_an_event
from .exceptions import AbortError, DOMTimeoutError

__all__ = ["AbortController", "AbortSignal"]


class AbortSignal(EventTarget):
    """A signal that tells an operation to stop; made by :class:`AbortController` or the
    static constructors :meth:`abort`, :meth:`timeout` and :meth:`any`."""

    onabort = EventHandler["AbortSignal"]()

    def __init__(self) -> None:
        super().__init__()
        self._aborted = False
        self._reason: Any = None
        self._algorithms: list[Callable[[], object]] = []
        self._dependent = False
        self._source_signals: list[AbortSignal] = []
        self._dependent_signals: list[AbortSignal] = []

    @property
    def aborted(self) -> bool:
        """Whether the signal has been aborted."""
        return self._aborted

    @property
    def reason(self) -> Any:
        """The abort reason (``None`` until aborted)."""
        return self._reason

    def throw_if_aborted(self) -> None:
        """Raise the abort reason if the signal is aborted."""
        if self._aborted:
            reason = self._reason
            if isinstance(reason, BaseException):
                raise reason
            raise RejectionReason(reason)

    @staticmethod
    def abort(reason: Any = None) -> AbortSignal:
        """A signal that is already aborted with ``reason`` (default: an ``AbortError``)."""
        signal = AbortSignal()
        signal._aborted = True
        signal._reason = _default_reason(reason)
        return signal

    @staticmethod
    def timeout(milliseconds: float) -> AbortSignal:
        """A signal that aborts with a ``TimeoutError`` after ``milliseconds`` (needs a loop)."""
        if isinstance(milliseconds, bool) or not isinstance(milliseconds, int | float):
            raise TypeError("AbortSignal.timeout() takes a number of milliseconds")
        if math.isnan(milliseconds) or milliseconds < 0 or math.isinf(milliseconds):
            raise TypeError("AbortSignal.timeout() takes a finite, non-negative number")
        signal = AbortSignal()
        get_loop().call_later(
            milliseconds / 1000.0,
            signal_abort,
            signal,
            DOMTimeoutError("The operation timed out."),
        )
        return signal

    @staticmethod
    def any(signals: Iterable[AbortSignal]) -> AbortSignal:
        """A signal that aborts when any of ``signals`` does (DOM "create a dependent signal")."""
        signals = list(signals)
        for s in signals:
            if not isinstance(s, AbortSignal):
                raise TypeError("AbortSignal.any() takes AbortSignal objects")
        result = AbortSignal()
        for s in signals:
            if s._aborted:
                result._aborted = True
                result._reason = s._reason
                return result
        result._dependent = True
        for s in signals:
            sources = s._source_signals if s._dependent else [s]
            for source in sources:
                if source not in result._source_signals:
                    result._source_signals.append(source)
                    source._dependent_signals.append(result)
        return result

    # "add" / "remove" an abort algorithm (DOM §3.2).
    def _add_algorithm(self, algorithm: Callable[[], object]) -> None:
        if not self._aborted:
            self._algorithms.append(algorithm)

    def _remove_algorithm(self, algorithm: Callable[[], object]) -> None:
        with contextlib.suppress(ValueError):
            self._algorithms.remove(algorithm)

    def __repr__(self) -> str:
        return f"AbortSignal(aborted={self._aborted})"


def _default_reason(reason: Any) -> Any:
    return AbortError("signal is aborted without reason") if reason is None else reason


# DOM §3.2 "signal abort"
def signal_abort(signal: AbortSignal, reason: Any = None) -> None:
    """Abort ``signal`` with ``reason``, then every signal that depends on it."""
    if signal._aborted:
        return
    signal._aborted = True
    signal._reason = _default_reason(reason)
    dependents_to_abort: list[AbortSignal] = []
    for dependent in signal._dependent_signals:
        if not dependent._aborted:
            dependent._aborted = True
            dependent._reason = signal._reason
            dependents_to_abort.append(dependent)
    run_abort_steps(signal)
    for dependent in dependents_to_abort:
        run_abort_steps(dependent)


# DOM §3.2 "run the abort steps"
def run_abort_steps(signal: AbortSignal) -> None:
    """Run the signal's abort algorithms, then fire ``abort`` at it."""
    algorithms, signal._algorithms = signal._algorithms, []
    for algorithm in algorithms:
        algorithm()
    fire_an_event(signal, Event("abort"))


class AbortController:
    """``AbortController()``: owns a :attr:`signal` and aborts it with :meth:`abort`."""

    def __init__(self) -> None:
        self._signal = AbortSignal()

    @property
    def signal(self) -> AbortSignal:
        """The controller's signal."""
        return self._signal

    def abort(self, reason: Any = None) -> None:
        """Abort the signal with ``reason`` (default: a new ``AbortError``)."""
        signal_abort(self._signal, reason)

    def __repr__(self) -> str:
        return f"AbortController(signal={self._signal!r})"
