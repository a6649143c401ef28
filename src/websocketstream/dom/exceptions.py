"""DOMException and the exception names the library raises (WebIDL §2.8, "DOMException").

Each DOMException name the library uses is also a subclass, so both ``except
InvalidStateError:`` and ``e.name == "InvalidStateError"`` work.  Where a Python built-in
already has the name, the class carries a ``DOM`` prefix and also derives from the built-in:
:class:`DOMSyntaxError` (``.name == "SyntaxError"``, a :class:`ValueError`) and
:class:`DOMTimeoutError` (``.name == "TimeoutError"``, a :class:`TimeoutError`).  JavaScript's
``RangeError`` is :class:`RangeError`, a :class:`ValueError`; its ``TypeError`` is Python's.
"""

from __future__ import annotations

from typing import Any, ClassVar

from .._naming import SnakeCaseHint

__all__ = [
    "LEGACY_CODES",
    "AbortError",
    "DOMException",
    "DOMSyntaxError",
    "DOMTimeoutError",
    "DataCloneError",
    "InvalidAccessError",
    "InvalidStateError",
    "NetworkError",
    "NotSupportedError",
    "RangeError",
    "SecurityError",
]

# WebIDL's table of DOMException names with legacy code values.
LEGACY_CODES: dict[str, int] = {
    "IndexSizeError": 1,
    "HierarchyRequestError": 3,
    "WrongDocumentError": 4,
    "InvalidCharacterError": 5,
    "NoModificationAllowedError": 7,
    "NotFoundError": 8,
    "NotSupportedError": 9,
    "InvalidStateError": 11,
    "SyntaxError": 12,
    "InvalidModificationError": 13,
    "NamespaceError": 14,
    "InvalidAccessError": 15,
    "TypeMismatchError": 17,
    "SecurityError": 18,
    "NetworkError": 19,
    "AbortError": 20,
    "URLMismatchError": 21,
    "QuotaExceededError": 22,
    "TimeoutError": 23,
    "InvalidNodeTypeError": 24,
    "DataCloneError": 25,
}

_BY_NAME: dict[str, type[DOMException]] = {}


class DOMException(SnakeCaseHint, Exception):
    """``DOMException(message="", name="Error")`` with ``.name``, ``.message`` and ``.code``.

    Constructing it with a name that has a subclass here returns that subclass, so
    ``DOMException("x", "InvalidStateError")`` is an :class:`InvalidStateError`.
    """

    default_name: ClassVar[str] = "Error"

    def __new__(cls, message: str = "", name: str | None = None, *args: Any, **kw: Any) -> Any:
        target = cls
        if cls is DOMException and name is not None and name in _BY_NAME:
            target = _BY_NAME[name]
        # super() bound to ``target`` so a built-in base's __new__ runs (TimeoutError's).
        return super(DOMException, target).__new__(target)

    def __init__(self, message: str = "", name: str | None = None) -> None:
        super().__init__(message)
        self.message = str(message)
        self.name = self.default_name if name is None else str(name)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Only subclasses constructed like DOMException(message, name) stand in for a name:
        # DOMException("x", "WebSocketError") is a plain DOMException, as in JavaScript.
        if (
            "default_name" in cls.__dict__
            and cls.default_name not in _BY_NAME
            and cls.__init__ is DOMException.__init__
        ):
            _BY_NAME[cls.default_name] = cls

    @property
    def code(self) -> int:
        """The legacy numeric code of the name (0 for names without one)."""
        return LEGACY_CODES.get(self.name, 0)

    def __str__(self) -> str:
        return f"{self.name}: {self.message}" if self.message else self.name

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, name={self.name!r})"

    def __reduce__(self) -> Any:
        return (DOMException, (self.message, self.name))


class InvalidAccessError(DOMException):
    """DOMException ``InvalidAccessError``: e.g. a close code the API may not send."""

    default_name = "InvalidAccessError"


class InvalidStateError(DOMException):
    """DOMException ``InvalidStateError``: the object is in the wrong state for the call."""

    default_name = "InvalidStateError"


class AbortError(DOMException):
    """DOMException ``AbortError``: the default reason of an aborted ``AbortSignal``."""

    default_name = "AbortError"


class NetworkError(DOMException):
    """DOMException ``NetworkError``."""

    default_name = "NetworkError"


class NotSupportedError(DOMException):
    """DOMException ``NotSupportedError``."""

    default_name = "NotSupportedError"


class SecurityError(DOMException):
    """DOMException ``SecurityError``."""

    default_name = "SecurityError"


class DataCloneError(DOMException):
    """DOMException ``DataCloneError``."""

    default_name = "DataCloneError"


class DOMSyntaxError(DOMException, ValueError):
    """DOMException ``SyntaxError`` (``.name == "SyntaxError"``); also a :class:`ValueError`."""

    default_name = "SyntaxError"


class DOMTimeoutError(DOMException, TimeoutError):
    """DOMException ``TimeoutError``; also the built-in :class:`TimeoutError`."""

    default_name = "TimeoutError"


class RangeError(ValueError):
    """JavaScript's ``RangeError`` (e.g. a negative or NaN high-water mark)."""
