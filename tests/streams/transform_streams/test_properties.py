"""WPT streams/transform-streams/properties.any.js, in Python terms.

JavaScript's property-descriptor checks become: each class's public members are exactly the
spec's (snake_case), attributes are read-only properties and methods take the spec's
arguments.  The "not exported on the global object" check has no Python counterpart.  The
transformer's ``cancel`` (added to the spec after this WPT file) is checked like the others.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

import pytest

from tests.streams.helpers import assert_getter_or_method, public_names
from websocketstream.streams.transform import TransformStream, TransformStreamDefaultController

# name -> None for a read-only attribute (a getter), else the method's parameter names.
EXPECTED: dict[type, dict[str, list[str] | None]] = {
    TransformStream: {"readable": None, "writable": None},
    TransformStreamDefaultController: {
        "desired_size": None,
        "enqueue": ["chunk"],
        "error": ["reason"],
        "terminate": [],
    },
}
MEMBERS = [(cls, name) for cls, members in EXPECTED.items() for name in members]


@pytest.mark.parametrize("cls", list(EXPECTED), ids=lambda cls: cls.__name__)
def test_class_has_exactly_the_expected_properties(cls: type) -> None:
    assert public_names(cls) == set(EXPECTED[cls])


@pytest.mark.parametrize(
    ("cls", "name"), MEMBERS, ids=[f"{cls.__name__}.{name}" for cls, name in MEMBERS]
)
def test_member_is_a_getter_or_a_method(cls: type, name: str) -> None:
    assert_getter_or_method(cls, name, EXPECTED[cls][name])


def test_constructor_takes_the_spec_arguments() -> None:
    assert list(inspect.signature(TransformStream).parameters) == [
        "transformer",
        "writable_strategy",
        "readable_strategy",
    ]
    with pytest.raises(TypeError):
        TransformStreamDefaultController()


# Each transformer method, how many arguments it gets, and what makes the stream call it.
TRANSFORMER_METHODS: dict[str, tuple[int, Callable[[TransformStream], Any]]] = {
    "start": (1, lambda ts: None),
    "transform": (2, lambda ts: ts.writable.get_writer().write()),
    "flush": (1, lambda ts: ts.writable.get_writer().close()),
    "cancel": (1, lambda ts: ts.readable.cancel()),
}


async def trigger(method: str, ts: TransformStream) -> None:
    result = TRANSFORMER_METHODS[method][1](ts)
    if result is not None:
        await result


@pytest.mark.parametrize("method", list(TRANSFORMER_METHODS))
async def test_transformer_method_called_with_the_right_number_of_arguments(method: str) -> None:
    arg_counts: list[int] = []
    ts = TransformStream(
        {method: lambda *args: arg_counts.append(len(args))}, None, {"high_water_mark": math.inf}
    )
    await trigger(method, ts)
    assert arg_counts == [TRANSFORMER_METHODS[method][0]]


@pytest.mark.parametrize("method", list(TRANSFORMER_METHODS))
async def test_transformer_method_called_when_located_on_a_base_class(method: str) -> None:
    called: list[bool] = []

    def transformer_method(self: Any, *args: Any) -> None:
        called.append(True)

    base = type("BaseTransformer", (), {method: transformer_method})
    transformer = type("Transformer", (base,), {})()
    ts = TransformStream(transformer, None, {"high_water_mark": math.inf})
    await trigger(method, ts)
    assert called == [True], f"{method} should be called"


@pytest.mark.parametrize("method", list(TRANSFORMER_METHODS))
async def test_unexpected_properties_not_accessed_when_calling_transformer_method(
    method: str,
) -> None:
    touched: list[str] = []

    class Transformer:
        def __getattribute__(self, name: str) -> Any:
            if name.startswith("__"):
                return object.__getattribute__(self, name)
            touched.append(name)
            if name in {"readable_type", "writable_type"}:
                return None
            return lambda *args: None

    ts = TransformStream(Transformer(), None, {"high_water_mark": math.inf})
    # Web IDL dictionary order (the spec's Transformer members, in snake_case).
    expected = ["cancel", "flush", "readable_type", "start", "transform", "writable_type"]
    assert touched == expected, "the expected members are read, once each"
    await trigger(method, ts)
    assert touched == expected, "no member is read when a transformer method is called"
