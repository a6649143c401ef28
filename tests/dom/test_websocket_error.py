"""WebSocketError, after WPT websockets/stream/tentative/websocket-error.any.js."""

from __future__ import annotations

import pytest

from websocketstream.dom import (
    DOMException,
    DOMSyntaxError,
    InvalidAccessError,
    WebSocketError,
)
from websocketstream.dom.websocket_error import to_usv_string, validate_close_code_and_reason

# --- websocket-error.any.js ----------------------------------------------------------------------


def test_defaults() -> None:
    error = WebSocketError()
    assert error.code == 0
    assert error.name == "WebSocketError"
    assert error.message == ""
    assert error.close_code is None
    assert error.reason == ""


def test_initialised_from_arguments() -> None:
    error = WebSocketError("message", close_code=3456, reason="reason")
    assert error.code == 0
    assert error.name == "WebSocketError"
    assert error.message == "message"
    assert error.close_code == 3456
    assert error.reason == "reason"


@pytest.mark.parametrize("code", [999, 1001, 2999, 5000])
def test_invalid_code_throws(code: int) -> None:
    with pytest.raises(InvalidAccessError) as info:
        WebSocketError("", close_code=code)
    assert info.value.name == "InvalidAccessError"
    assert info.value.code == 15


def test_only_close_code() -> None:
    error = WebSocketError("", close_code=3333)
    assert error.close_code == 3333
    assert error.reason == ""


def test_non_empty_reason_sets_code_1000() -> None:
    error = WebSocketError("", reason="yes")
    assert error.close_code == 1000
    assert error.reason == "yes"


def test_overlong_reason_throws() -> None:
    with pytest.raises(DOMSyntaxError) as info:
        WebSocketError("", close_code=1000, reason="x" * 124)
    assert info.value.name == "SyntaxError"


def test_reason_is_measured_in_utf8_bytes() -> None:
    assert len("🔌" * 32) < 124
    with pytest.raises(DOMSyntaxError):
        WebSocketError("", close_code=1000, reason="🔌" * 32)


# --- Beyond the WPT file -------------------------------------------------------------------------


@pytest.mark.parametrize("code", [1000, 3000, 3001, 4000, 4999])
def test_valid_codes(code: int) -> None:
    assert WebSocketError(close_code=code).close_code == code


@pytest.mark.parametrize("code", [0, -1, 1002, 1005, 1006, 1015, 2**64, -(2**64)])
def test_more_invalid_codes(code: int) -> None:
    with pytest.raises(InvalidAccessError):
        WebSocketError(close_code=code)


def test_reason_limit_is_inclusive() -> None:
    assert WebSocketError(reason="x" * 123).reason == "x" * 123
    assert WebSocketError(reason="🔌" * 30 + "xxx").close_code == 1000  # 123 bytes


def test_empty_reason_keeps_code_none() -> None:
    assert WebSocketError(reason="").close_code is None


def test_none_reason_is_empty() -> None:
    error = WebSocketError(close_code=1000, reason=None)  # type: ignore[arg-type]
    assert error.reason == ""


def test_lone_surrogate_reason_becomes_replacement_character() -> None:
    error = WebSocketError(reason="a\ud800b")
    assert error.reason == "a\ufffdb"
    assert error.close_code == 1000


def test_lone_surrogates_count_as_three_bytes_each() -> None:
    assert WebSocketError(reason="\udc00" * 41).reason == "\ufffd" * 41  # 123 bytes
    with pytest.raises(DOMSyntaxError):
        WebSocketError(reason="\udc00" * 42)


@pytest.mark.parametrize("code", [True, False, 1000.0, 3000.5, "1000", b"1000"])
def test_non_int_code_is_type_error(code: object) -> None:
    with pytest.raises(TypeError):
        WebSocketError(close_code=code)  # type: ignore[arg-type]


@pytest.mark.parametrize("reason", [1, b"bytes", ["r"]])
def test_non_str_reason_is_type_error(reason: object) -> None:
    with pytest.raises(TypeError):
        WebSocketError(close_code=1000, reason=reason)  # type: ignore[arg-type]


def test_options_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        WebSocketError("m", 1000)  # type: ignore[call-arg]


def test_is_a_domexception() -> None:
    error = WebSocketError("boom", close_code=4000)
    assert isinstance(error, DOMException)
    assert isinstance(error, Exception)
    with pytest.raises(DOMException):
        raise error
    assert str(error) == "WebSocketError: boom"
    assert repr(error) == "WebSocketError('boom', close_code=4000, reason='')"


def test_attributes_are_read_only() -> None:
    error = WebSocketError(close_code=4000)
    with pytest.raises(AttributeError):
        error.close_code = 1000  # type: ignore[misc]
    with pytest.raises(AttributeError):
        error.reason = "x"  # type: ignore[misc]


def test_unvalidated_allows_library_codes() -> None:
    error = WebSocketError._unvalidated("unclean", close_code=1006)
    assert type(error) is WebSocketError
    assert error.close_code == 1006
    assert error.reason == ""
    assert error.name == "WebSocketError"
    assert error.message == "unclean"


# --- validate_close_code_and_reason / to_usv_string ----------------------------------------------


@pytest.mark.parametrize(
    ("code", "reason", "expected"),
    [
        (None, None, (None, "")),
        (None, "", (None, "")),
        (None, "bye", (1000, "bye")),
        (1000, None, (1000, "")),
        (4321, "r", (4321, "r")),
    ],
)
def test_validate_close_code_and_reason(
    code: int | None, reason: str | None, expected: tuple[int | None, str]
) -> None:
    assert validate_close_code_and_reason(code, reason) == expected


def test_code_is_checked_before_reason() -> None:
    with pytest.raises(InvalidAccessError):
        validate_close_code_and_reason(999, "x" * 200)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", ""),
        ("abc", "abc"),
        ("🔌", "🔌"),
        ("\ud800", "\ufffd"),
        ("\udc00\ud800", "\ufffd\ufffd"),
        ("\ud83d\udd0c", "🔌"),  # a pair written as two code units is joined
        ("x\ud83dy", "x\ufffdy"),
        ("\ufeff\ud800", "\ufeff\ufffd"),  # a leading U+FEFF is kept, not taken for a BOM
    ],
)
def test_to_usv_string(value: str, expected: str) -> None:
    assert to_usv_string(value) == expected
