"""``route()`` (issue #11 item 2): dispatch on the path with parameters, 404 otherwise."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import InvalidStatus

from tests.client.helpers import wait
from websocketstream.server import Router, Server, ServerWebSocketStream, route, serve


@contextlib.asynccontextmanager
async def running(handler: Any, **options: Any) -> AsyncIterator[Server]:
    server = await serve(handler, **options)
    try:
        yield server
    finally:
        await wait(server.close())


def url(server: Server, path: str) -> str:
    return f"ws://127.0.0.1:{server.port}{path}"


async def tell(ws: ServerWebSocketStream, what: str) -> None:
    info = await ws.opened
    await info.writable.get_writer().write(what)


async def chat(ws: ServerWebSocketStream) -> None:
    await tell(ws, f"chat {ws.params}")


async def feed(ws: ServerWebSocketStream) -> None:
    await tell(ws, f"feed {ws.params}")


async def files(ws: ServerWebSocketStream) -> None:
    await tell(ws, f"files {ws.params}")


ROUTES = route(
    {
        "/chat/{room}": chat,
        "/feed": feed,
        "/u/{user}/rooms/{room}": chat,
        "/files/{rest:path}": files,
    }
)


async def first_message(server: Server, path: str) -> Any:
    async with ws_connect(url(server, path), ping_interval=None) as ws:
        return await wait(ws.recv())


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/chat/lobby", "chat {'room': 'lobby'}"),
        ("/chat/lobby?since=5", "chat {'room': 'lobby'}"),
        ("/chat/caf%C3%A9%2Fx", "chat {'room': 'café/x'}"),
        ("/feed", "feed {}"),
        ("/u/ann/rooms/7", "chat {'user': 'ann', 'room': '7'}"),
        ("/files/a/b/c.txt", "files {'rest': 'a/b/c.txt'}"),
    ],
)
async def test_routes_dispatch_with_path_parameters(path: str, expected: str) -> None:
    async with running(ROUTES) as server:
        assert await first_message(server, path) == expected


@pytest.mark.parametrize(
    "path", ["/", "/chat", "/chat/", "/chat/a/b", "/feed/", "/feedx", "/files/", "/FEED"]
)
async def test_no_route_is_404_during_the_handshake(path: str) -> None:
    async with running(ROUTES) as server:
        with pytest.raises(InvalidStatus) as info:
            await wait(ws_connect(url(server, path), ping_interval=None).__aenter__())
        assert info.value.response.status_code == 404
        assert not server.connections


async def test_a_parameter_that_is_not_utf8_is_400() -> None:
    async with running(ROUTES) as server:
        with pytest.raises(InvalidStatus) as info:
            await wait(ws_connect(url(server, "/chat/%FF"), ping_interval=None).__aenter__())
        assert info.value.response.status_code == 400


async def test_first_matching_pattern_wins() -> None:
    router = route({"/chat/special": feed, "/chat/{room}": chat})
    async with running(router) as server:
        assert await first_message(server, "/chat/special") == "feed {}"
        assert await first_message(server, "/chat/other") == "chat {'room': 'other'}"


def test_bad_patterns_are_refused() -> None:
    for pattern in ["chat", "/a/{x}/{x}", "/a/{rest:path}/b", "/a/{x", "/a/{1x}"]:
        with pytest.raises(ValueError):
            route({pattern: chat})
    with pytest.raises(ValueError):
        route({})
    with pytest.raises(TypeError):
        route({"/a": "not a handler"})  # type: ignore[dict-item]
    assert isinstance(ROUTES, Router)
    assert ROUTES.resolve("/feed") == (feed, {})
    assert ROUTES.resolve("/nope") is None
