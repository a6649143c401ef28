"""The public surface: every public type importable from the package, and client options
that are explicit keywords (a misspelled one is a TypeError at the call)."""

from __future__ import annotations

import asyncio
import inspect

import pytest

import websocketstream
from websocketstream import WebSocketStream, dom, streams


@pytest.mark.parametrize("module", [streams, dom], ids=lambda m: m.__name__)
def test_submodule_names_are_reexported(module: object) -> None:
    missing = set(module.__all__) - set(websocketstream.__all__)  # type: ignore[attr-defined]
    assert not missing


@pytest.mark.parametrize(
    "name",
    [
        "HandshakeRequest",
        "HandshakeResponse",
        "HeadersLike",
        "InvalidHandshake",
        "InvalidStatus",
        "ProxyError",
        "Server",
        "ServerWebSocketStream",
        "WebSocketCloseInfo",
        "WebSocketOpenInfo",
        "serve",
    ],
)
def test_public_types_at_the_top(name: str) -> None:
    assert name in websocketstream.__all__
    assert getattr(websocketstream, name) is not None


def test_every_exported_name_exists() -> None:
    for name in websocketstream.__all__:
        assert hasattr(websocketstream, name), name


def test_client_options_are_explicit_keywords() -> None:
    parameters = inspect.signature(WebSocketStream).parameters.values()
    kinds = {p.kind for p in parameters if p.name != "url"}
    assert kinds == {inspect.Parameter.KEYWORD_ONLY}  # no **options


async def test_a_misspelled_option_is_a_type_error() -> None:
    tasks = asyncio.all_tasks()
    with pytest.raises(TypeError, match="open_timout"):
        WebSocketStream("ws://127.0.0.1:9/", open_timout=5)  # type: ignore[call-arg]
    assert asyncio.all_tasks() == tasks  # nothing started connecting
