"""WPT streams/writable-streams/properties.any.js, in Python terms.

JavaScript's checks of property descriptors (configurable, enumerable, ``length``) become: each
class's public members are exactly the spec's (snake_case), attributes are read-only properties
and methods take the spec's arguments.  The "not exported on the global object" checks have no
Python counterpart (the classes are importable by design) and are left out.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest

from tests.streams.helpers import assert_getter_or_method, public_names
from websocketstream.streams.writable import (
    WritableStream,
    WritableStreamDefaultController,
    WritableStreamDefaultWriter,
)

# name -> None for a read-only attribute (a getter), else the method's parameter names.
EXPECTED: dict[type, dict[str, list[str] | None]] = {
    WritableStream: {"locked": None, "abort": ["reason"], "close": [], "get_writer": []},
    WritableStreamDefaultController: {"signal": None, "error": ["e"]},
    WritableStreamDefaultWriter: {
        "closed": None,
        "desired_size": None,
        "ready": None,
        "abort": ["reason"],
        "close": [],
        "release_lock": [],
        "write": ["chunk"],
    },
}
MEMBERS = [(cls, name) for cls, members in EXPECTED.items() for name in members]


@pytest.mark.parametrize("cls", list(EXPECTED), ids=lambda cls: cls.__name__)
def test_class_has_exactly_the_expected_properties(cls: type) -> None:
    assert public_names(cls) == set(EXPECTED[cls])
    for name in vars(cls):
        if not name.startswith("_") and not name.islower():
            with pytest.raises(AttributeError, match="did you mean"):
                getattr(cls, name)


@pytest.mark.parametrize(
    ("cls", "name"), MEMBERS, ids=[f"{cls.__name__}.{name}" for cls, name in MEMBERS]
)
def test_member_is_a_getter_or_a_method(cls: type, name: str) -> None:
    assert_getter_or_method(cls, name, EXPECTED[cls][name])


def test_constructors_take_the_spec_arguments() -> None:
    assert list(inspect.signature(WritableStream).parameters) == ["underlying_sink", "strategy"]
    assert list(inspect.signature(WritableStreamDefaultWriter).parameters) == ["stream"]
    with pytest.raises(TypeError):
        WritableStreamDefaultController()


# Each sink method, the number of arguments it is called with, and what makes the stream call it.
SINK_METHODS: dict[str, tuple[int, Callable[[WritableStreamDefaultWriter], Any]]] = {
    "start": (1, lambda writer: None),
    "write": (2, lambda writer: writer.write()),
    "close": (0, lambda writer: writer.close()),
    "abort": (1, lambda writer: writer.abort()),
}


async def trigger(method: str, ws: WritableStream) -> None:
    result = SINK_METHODS[method][1](ws.get_writer())
    if result is not None:
        await result


@pytest.mark.parametrize("method", list(SINK_METHODS))
async def test_sink_method_called_with_the_right_number_of_arguments(method: str) -> None:
    arg_counts: list[int] = []
    ws = WritableStream({method: lambda *args: arg_counts.append(len(args))})
    await trigger(method, ws)
    assert arg_counts == [SINK_METHODS[method][0]]


@pytest.mark.parametrize("method", list(SINK_METHODS))
async def test_sink_method_called_when_located_on_a_base_class(method: str) -> None:
    called: list[bool] = []

    def sink_method(self: Any, *args: Any) -> None:
        called.append(True)

    base = type("BaseSink", (), {method: sink_method})
    sink = type("Sink", (base,), {})()
    ws = WritableStream(sink)
    await trigger(method, ws)
    assert called == [True], f"{method} should be called"


@pytest.mark.parametrize("method", list(SINK_METHODS))
async def test_unexpected_properties_not_accessed_when_calling_sink_method(method: str) -> None:
    touched: list[str] = []

    class Sink:
        def __getattribute__(self, name: str) -> Any:
            if name.startswith("__"):
                return object.__getattribute__(self, name)
            touched.append(name)
            if name == "type":
                return None
            return lambda *args: None

    ws = WritableStream(Sink())
    expected = ["abort", "close", "start", "type", "write"]  # Web IDL dictionary order
    assert touched == expected, "the expected members are read, once each"
    await trigger(method, ws)
    assert touched == expected, "no member is read when a sink method is called"
