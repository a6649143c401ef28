"""``WebSocketError`` (WebSockets Standard, WebSocketStream section) and close validation."""

from __future__ import annotations

from typing import Any

from .exceptions import DOMException, DOMSyntaxError, InvalidAccessError

__all__ = ["WebSocketError", "to_usv_string", "validate_close_code_and_reason"]

MAX_REASON_BYTES = 123


def to_usv_string(value: str) -> str:
    """WebIDL ``USVString`` conversion: lone surrogates become U+FFFD, pairs are joined."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return value


def _close_code(code: Any) -> int | None:
    if code is None:
        return None
    if isinstance(code, bool) or not isinstance(code, int):
        raise TypeError(f"close code must be an int or None, not {type(code).__name__}")
    return code


# WebSockets Standard, "validate close code and reason"
def validate_close_code_and_reason(code: Any, reason: Any) -> tuple[int | None, str]:
    """Check a close code and reason given by the API; return ``(code, reason)`` to send.

    Raises :class:`InvalidAccessError` for a code other than 1000 or 3000-4999 and
    :class:`DOMSyntaxError` for a reason over 123 UTF-8 bytes; a non-empty reason without a
    code gives code 1000.
    """
    code = _close_code(code)
    if code is not None and code != 1000 and not 3000 <= code <= 4999:
        raise InvalidAccessError(
            f"The close code must be either 1000, or between 3000 and 4999. {code} is neither."
        )
    if reason is None:
        reason = ""
    if not isinstance(reason, str):
        raise TypeError(f"close reason must be a str, not {type(reason).__name__}")
    reason = to_usv_string(reason)
    if len(reason.encode("utf-8")) > MAX_REASON_BYTES:
        raise DOMSyntaxError(
            f"The close reason must not be greater than {MAX_REASON_BYTES} UTF-8 bytes."
        )
    if reason and code is None:
        code = 1000
    return code, reason


class WebSocketError(DOMException):
    """``WebSocketError(message="", *, close_code=None, reason="")``.

    A DOMException named ``"WebSocketError"`` (legacy ``code`` 0) that carries the close code
    and reason of a WebSocket closure.  It validates like ``close()``: the code must be 1000 or
    3000-4999 and the reason at most 123 UTF-8 bytes; a non-empty reason without a code sets the
    code to 1000.
    """

    default_name = "WebSocketError"

    def __init__(
        self, message: str = "", *, close_code: int | None = None, reason: str = ""
    ) -> None:
        close_code, reason = validate_close_code_and_reason(close_code, reason)
        super().__init__(message, "WebSocketError")
        self._close_code = close_code
        self._reason = reason

    @property
    def close_code(self) -> int | None:
        """The close code (``None`` when there is none)."""
        return self._close_code

    @property
    def reason(self) -> str:
        """The close reason (``""`` when there is none)."""
        return self._reason

    @classmethod
    def _unvalidated(
        cls, message: str = "", *, close_code: int | None = None, reason: str = ""
    ) -> WebSocketError:
        """A WebSocketError with any code (e.g. 1006 for an unclean close): the library's own."""
        error: WebSocketError = cls.__new__(cls, message)
        DOMException.__init__(error, message, "WebSocketError")
        error._close_code = close_code
        error._reason = reason
        return error

    def __reduce__(self) -> Any:
        return (_rebuild, (self.message, self._close_code, self._reason))

    def __repr__(self) -> str:
        return (
            f"WebSocketError({self.message!r}, close_code={self._close_code!r}, "
            f"reason={self._reason!r})"
        )


def _rebuild(message: str, close_code: int | None, reason: str) -> WebSocketError:
    return WebSocketError._unvalidated(message, close_code=close_code, reason=reason)
