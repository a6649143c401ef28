"""DOMException, its named subclasses, RangeError and the camelCase hint."""

from __future__ import annotations

import copy
import pickle

import pytest

from websocketstream.dom import (
    AbortError,
    DataCloneError,
    DOMException,
    DOMSyntaxError,
    DOMTimeoutError,
    InvalidAccessError,
    InvalidStateError,
    NetworkError,
    NotSupportedError,
    RangeError,
    SecurityError,
    WebSocketError,
)
from websocketstream.dom.exceptions import LEGACY_CODES

SUBCLASSES: list[tuple[type[DOMException], str, int]] = [
    (InvalidAccessError, "InvalidAccessError", 15),
    (InvalidStateError, "InvalidStateError", 11),
    (AbortError, "AbortError", 20),
    (NetworkError, "NetworkError", 19),
    (NotSupportedError, "NotSupportedError", 9),
    (SecurityError, "SecurityError", 18),
    (DataCloneError, "DataCloneError", 25),
    (DOMSyntaxError, "SyntaxError", 12),
    (DOMTimeoutError, "TimeoutError", 23),
]


def test_defaults() -> None:
    e = DOMException()
    assert e.name == "Error"
    assert e.message == ""
    assert e.code == 0
    assert type(e) is DOMException
    assert isinstance(e, Exception)


def test_message_and_name() -> None:
    e = DOMException("boom", "NotFoundError")
    assert e.message == "boom"
    assert e.name == "NotFoundError"
    assert e.code == 8
    assert type(e) is DOMException  # no subclass for this name
    assert e.args == ("boom",)


def test_message_is_stringified() -> None:
    assert DOMException(42).message == "42"  # type: ignore[arg-type]


def test_unknown_name_has_code_zero() -> None:
    assert DOMException("x", "MadeUpError").code == 0
    assert DOMException("x", "EncodingError").code == 0


@pytest.mark.parametrize(("name", "code"), sorted(LEGACY_CODES.items()))
def test_legacy_codes(name: str, code: int) -> None:
    assert DOMException("", name).code == code


@pytest.mark.parametrize(("cls", "name", "code"), SUBCLASSES)
def test_subclass_names_and_codes(cls: type[DOMException], name: str, code: int) -> None:
    e = cls("msg")
    assert e.name == name
    assert e.code == code
    assert e.message == "msg"
    assert isinstance(e, DOMException)


@pytest.mark.parametrize(("cls", "name", "code"), SUBCLASSES)
def test_constructing_by_name_gives_the_subclass(
    cls: type[DOMException], name: str, code: int
) -> None:
    e = DOMException("x", name)
    assert type(e) is cls
    assert e.name == name
    assert e.message == "x"
    assert e.code == code


def test_keyword_name() -> None:
    e = DOMException("x", name="InvalidStateError")
    assert isinstance(e, InvalidStateError)
    with pytest.raises(InvalidStateError):
        raise e


def test_websocket_error_name_gives_a_plain_domexception() -> None:
    # In JavaScript, new DOMException("x", "WebSocketError") is not a WebSocketError.
    e = DOMException("x", "WebSocketError")
    assert type(e) is DOMException
    assert e.name == "WebSocketError"
    assert e.code == 0


def test_syntax_error_is_a_value_error() -> None:
    e = DOMSyntaxError("bad")
    assert isinstance(e, ValueError)
    assert e.name == "SyntaxError"
    with pytest.raises(ValueError):
        raise e
    assert not issubclass(DOMSyntaxError, SyntaxError)


def test_timeout_error_is_the_builtin_timeout_error() -> None:
    e = DOMTimeoutError("late")
    assert isinstance(e, TimeoutError)
    assert e.name == "TimeoutError"
    assert e.message == "late"
    with pytest.raises(TimeoutError):
        raise e


def test_range_error_is_a_value_error() -> None:
    e = RangeError("negative")
    assert isinstance(e, ValueError)
    assert not isinstance(e, DOMException)
    assert str(e) == "negative"


def test_no_builtin_shadowing() -> None:
    from websocketstream import dom

    assert not hasattr(dom, "SyntaxError")
    assert not hasattr(dom, "TimeoutError")
    assert not hasattr(dom, "TypeError")


def test_str_and_repr() -> None:
    assert str(InvalidStateError("boom")) == "InvalidStateError: boom"
    assert str(DOMException()) == "Error"
    assert str(DOMException("", "AbortError")) == "AbortError"
    assert repr(DOMException("m", "X")) == "DOMException('m', name='X')"
    assert repr(InvalidStateError("m")) == "InvalidStateError('m', name='InvalidStateError')"
    assert repr(DOMTimeoutError("t")) == "DOMTimeoutError('t', name='TimeoutError')"


@pytest.mark.parametrize(
    "error",
    [
        DOMException(),
        DOMException("m", "NotFoundError"),
        DOMException("m", "WebSocketError"),
        InvalidStateError("state"),
        AbortError("aborted"),
        DOMSyntaxError("syntax"),
        DOMTimeoutError("timeout"),
        NetworkError("net"),
    ],
)
@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickle_round_trip(error: DOMException, protocol: int) -> None:
    clone = pickle.loads(pickle.dumps(error, protocol))
    assert type(clone) is type(error)
    assert clone.name == error.name
    assert clone.message == error.message
    assert clone.code == error.code


def test_copy() -> None:
    e = DOMSyntaxError("x")
    for clone in (copy.copy(e), copy.deepcopy(e)):
        assert type(clone) is DOMSyntaxError
        assert clone.message == "x"


def test_pickle_round_trips_websocket_error() -> None:
    e = WebSocketError("m", close_code=4000, reason="r")
    clone = pickle.loads(pickle.dumps(e))
    assert type(clone) is WebSocketError
    assert (clone.message, clone.close_code, clone.reason) == ("m", 4000, "r")
    internal = WebSocketError._unvalidated("unclean", close_code=1006)
    clone = pickle.loads(pickle.dumps(internal))
    assert clone.close_code == 1006
    assert clone.message == "unclean"


def test_camel_case_hint_names_snake_case() -> None:
    e = WebSocketError(close_code=1000)
    with pytest.raises(AttributeError, match="did you mean 'close_code'") as info:
        e.closeCode  # type: ignore[attr-defined]  # noqa: B018
    assert "closeCode" in str(info.value)


def test_camel_case_hint_only_when_snake_case_exists() -> None:
    e = DOMException()
    with pytest.raises(AttributeError) as info:
        e.closeCode  # type: ignore[attr-defined]  # noqa: B018
    assert "did you mean" not in str(info.value)
    with pytest.raises(AttributeError) as info:
        e.nothing  # type: ignore[attr-defined]  # noqa: B018
    assert "did you mean" not in str(info.value)


def test_missing_private_attribute_is_plain_attribute_error() -> None:
    with pytest.raises(AttributeError):
        DOMException()._missing  # type: ignore[attr-defined]  # noqa: B018
    assert getattr(DOMException(), "__deepcopy_missing__", None) is None


def test_catching_by_class_or_by_name() -> None:
    try:
        raise DOMException("gone", "InvalidStateError")
    except InvalidStateError as e:
        assert e.name == "InvalidStateError"
