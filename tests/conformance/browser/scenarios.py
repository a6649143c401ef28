"""The scenarios: one scripted server and one list of client steps each, run unchanged by
Chromium (``client.js``) and by this library (``client.py``).

A scenario whose traces differ for a reason listed in ``docs/deviations.md`` names that entry
in ``deviation`` (the text after "browser:" in the bullet's anchor); every other scenario must
match Chromium's recorded trace exactly.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from .wire import BINARY, CLOSE, CONT, PING, PONG, TEXT, Peer, Script, ScriptedServer, frame

__all__ = ["SCENARIOS", "Scenario", "by_name"]

Then = Callable[[Peer], Awaitable[None]]
Steps = list[list[Any]]


@dataclass(frozen=True)
class Scenario:
    """One differential scenario."""

    name: str
    server: Script
    steps: Steps
    api: str = "WebSocketStream"
    #: The docs/deviations.md key when our trace is known to differ from Chromium's.
    deviation: str | None = None
    #: Part of the subset CI re-records live with Chromium.
    smoke: bool = False
    tags: tuple[str, ...] = field(default=())


SCENARIOS: list[Scenario] = []


def add(name: str, server: Script, steps: Steps, **options: Any) -> None:
    """Register a scenario (names are unique)."""
    assert all(s.name != name for s in SCENARIOS), name
    options.setdefault("deviation", DEVIATIONS.get(name))
    SCENARIOS.append(Scenario(name, server, steps, **options))


#: Scenarios whose traces differ from Chromium's on purpose: scenario -> the key of the
#: docs/deviations.md bullet that says why ("(browser: KEY)").
DEVIATIONS: dict[str, str] = {
    # RFC 6455 §7.4.1/§7.4.2: 999 and 2999 are not valid close codes; Chromium accepts them.
    "server-close-invalid-999": "received-close-codes",
    "server-close-invalid-2999": "received-close-codes",
    # RFC 6455 §8.1: invalid UTF-8 fails with 1007 (Autobahn 6.x); Chromium sends 1002.
    "server-close-bad-utf8-reason": "close-code-1007",
    "violation-invalid-utf8": "close-code-1007",
    "violation-invalid-utf8-fragmented": "close-code-1007",
    "violation-utf8-surrogate": "close-code-1007",
    "deflate-bad-data": "close-code-1007",
    "protocols-duplicate-case": "duplicate-protocols-case",
    "abort-before-construction": "aborted-url",
    "server-close-then-data": "data-after-close",
    "url-relative": "relative-urls",
    "write-integer": "write-non-text-binary",
    "client-close-invalid-code-not-an-integer": "close-code-conversion",
    "ws-violation-invalid-utf8": "close-code-1007",
    "deflate-client-two-messages-context-takeover": "write-after-close",
    "server-closes-with-unread-messages": "no-lost-messages",
    "backpressure-send": "large-message-frames",
    "write-after-close": "write-after-close",
    "deflate-params-client-bits-8": "deflate-window-8",
}


def by_name(name: str) -> Scenario:
    """The scenario called ``name``."""
    return next(s for s in SCENARIOS if s.name == name)


# ----------------------------------------------------------------------------- servers


def serve(then: Then | None = None, **handshake: Any) -> Script:
    """Accept one connection, answer its handshake (``handshake`` as Peer.handshake), then."""

    async def script(server: ScriptedServer) -> None:
        peer = await server.accept()
        if peer is None:
            return
        if await peer.handshake(**handshake) and then is not None:
            await then(peer)

    return script


async def reply_close(peer: Peer, got: tuple[int, bytes] | None) -> None:
    """Answer a received Close with the same body, then end TCP (the server ends it first)."""
    if got is not None:
        peer.send(CLOSE, got[1])
        await peer.drain()
        peer.close_tcp()


async def echo(peer: Peer) -> None:
    """Echo messages; answer the client's Close with the same code and reason."""
    await reply_close(peer, await peer.echo_until_close())


def sending(*frames: bytes, after: Then = echo) -> Then:
    """Send raw frames at once, then go on with ``after``."""

    async def then(peer: Peer) -> None:
        for raw in frames:
            peer.send_raw(raw)
        await peer.drain()
        await after(peer)

    return then


async def no_server(server: ScriptedServer) -> None:
    """Accept nothing (scenarios that must not connect); connections show as ``unaccepted``."""


async def watch(peer: Peer) -> None:
    """Record what the client sends until it ends TCP (at most 3 s), answering nothing; then
    end TCP too (a server that sees the client's FIN closes its side)."""
    await peer.expect_eof(3.0)
    if peer.ended:
        peer.close_tcp()


async def watch_keep_open(peer: Peer) -> None:
    """As :func:`watch`, but keep TCP open after the client's FIN (until the scenario ends)."""
    await peer.expect_eof(3.0)


async def watch_close(peer: Peer) -> None:
    """Record frames; answer a Close with an empty Close frame, then record until EOF."""
    got = await peer.recv_until_close(3.0)
    if got is not None:
        peer.send(CLOSE, got[1])
        await peer.drain()
        await peer.expect_eof(3.0)


def closing(code: int | None, reason: str | bytes = b"", *, end_tcp: bool = True) -> Then:
    """Send a Close frame first; record the answer; then end TCP (or wait for the client)."""

    async def then(peer: Peer) -> None:
        peer.send_close(code, reason)
        await peer.drain()
        await peer.recv_until_close(3.0)
        if end_tcp:
            peer.close_tcp()
        else:
            await peer.expect_eof(4.0)

    return then


def txt(text: str, **options: Any) -> bytes:
    """An unmasked text frame."""
    return frame(TEXT, text.encode(), **options)


def deflate(data: bytes) -> bytes:
    """Raw DEFLATE of one message, without the trailing 00 00 ff ff (RFC 7692 §7.2.1)."""
    compressor = zlib.compressobj(wbits=-15)
    out = compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)
    assert out.endswith(b"\x00\x00\xff\xff")
    return out[:-4]


# ----------------------------------------------------------------------------- client steps

NEW: list[Any] = ["new", "/", {}]
OPEN: Steps = [NEW, ["opened"]]
FAIL: Steps = [NEW, ["opened"], ["closed", 3000]]
READ_FAIL: Steps = [NEW, ["opened"], ["read"], ["closed", 3000]]


def new(**options: Any) -> list[Any]:
    """A "new" step with options (protocols, signal, url)."""
    return ["new", "/", options]


# ----------------------------------------------------------------------------- handshake

add("handshake-ok", serve(echo), [*OPEN, ["close"], ["closed"]], smoke=True)
add("handshake-200", serve(watch, status="200 OK"), FAIL, smoke=True)
add("handshake-404", serve(watch, status="404 Not Found", body=b"nope"), FAIL)
add("handshake-500", serve(watch, status="500 Internal Server Error"), FAIL)
add("handshake-bad-accept", serve(watch, accept="dGhlIHNhbXBsZSBub25jZQ=="), FAIL)
add("handshake-no-upgrade", serve(watch, upgrade=None), FAIL)
add("handshake-wrong-upgrade", serve(watch, upgrade="h2c"), FAIL)
add("handshake-no-connection", serve(watch, connection=None), FAIL)
add("handshake-unrequested-extension", serve(watch, extensions="x-webkit-foo"), FAIL)
add("handshake-unrequested-protocol", serve(watch, protocol="chat"), FAIL)
add(
    "handshake-wrong-protocol",
    serve(watch, protocol="b"),
    [new(protocols=["a"]), ["opened"], ["closed", 3000]],
)
add(
    "handshake-missing-protocol",
    serve(watch),
    [new(protocols=["a"]), ["opened"], ["closed", 3000]],
)
add(
    "handshake-protocol-selected",
    serve(echo, protocol="b"),
    [new(protocols=["a", "b"]), ["opened"], ["close"], ["closed"]],
    smoke=True,
)


async def _close_before_answer(server: ScriptedServer) -> None:
    peer = await server.accept()
    if peer is not None and await peer.read_request() is not None:
        peer.close_tcp()


async def _reset_before_answer(server: ScriptedServer) -> None:
    peer = await server.accept()
    if peer is not None and await peer.read_request() is not None:
        peer.reset()


async def _never_answer(server: ScriptedServer) -> None:
    peer = await server.accept()
    if peer is not None and await peer.read_request() is not None:
        await peer.expect_eof(3.0)


add("handshake-server-closes", _close_before_answer, FAIL, smoke=True)
add("handshake-server-resets", _reset_before_answer, FAIL)
add(
    "handshake-close-while-connecting",
    _never_answer,
    [NEW, ["sleep", 100], ["close"], ["opened"], ["closed", 3000]],
    smoke=True,
)
add(
    "handshake-close-code-while-connecting",
    _never_answer,
    [NEW, ["sleep", 100], ["close", {"closeCode": 4000, "reason": "x"}], ["closed", 3000]],
)

# ----------------------------------------------------------------------------- messages

add(
    "echo-text",
    serve(echo),
    [*OPEN, ["write", {"str": "hello"}], ["read"], ["close"], ["closed"]],
    smoke=True,
)
add(
    "echo-binary",
    serve(echo),
    [*OPEN, ["write", {"hex": "00ff10"}], ["read"], ["close"], ["closed"]],
    smoke=True,
)
add(
    "echo-empty",
    serve(echo),
    [*OPEN, ["write", {"str": ""}], ["write", {"hex": ""}], ["read", 2], ["close"], ["closed"]],
)
add(
    "echo-unicode",
    serve(echo),
    [*OPEN, ["write", {"str": "h\u00e9llo \U0001f600 \u4e16"}], ["read"], ["close"], ["closed"]],
)
add(
    "server-fragmented-text",
    serve(
        sending(
            txt("fra", fin=False),
            frame(CONT, b"gme", fin=False),
            frame(CONT, b"nted"),
        )
    ),
    [*OPEN, ["read"], ["close"], ["closed"]],
)
add(
    "server-fragmented-binary-with-ping",
    serve(
        sending(
            frame(BINARY, b"\x01", fin=False),
            frame(PING, b"p"),
            frame(CONT, b"\x02"),
        )
    ),
    [*OPEN, ["read"], ["close"], ["closed"]],
)
add(
    "server-ping",
    serve(sending(frame(PING, b"are you there"), txt("after"))),
    [*OPEN, ["read"], ["close"], ["closed"]],
)
add(
    "server-ping-125",
    serve(sending(frame(PING, b"x" * 125), txt("after"))),
    [*OPEN, ["read"], ["close"], ["closed"]],
)
add(
    "server-unsolicited-pong",
    serve(sending(frame(PONG, b"hi"), txt("after"))),
    [*OPEN, ["read"], ["close"], ["closed"]],
)
add(
    "server-many-messages",
    serve(sending(*(txt(str(i)) for i in range(10)))),
    [*OPEN, ["read", 10], ["close"], ["closed"]],
)

# ----------------------------------------------------------------------------- client closes

for label, options in [
    ("no-code", None),
    ("1000", {"closeCode": 1000}),
    ("1000-reason", {"closeCode": 1000, "reason": "bye"}),
    ("3000", {"closeCode": 3000}),
    ("4999-reason", {"closeCode": 4999, "reason": "r\u00e9sum\u00e9"}),
    ("reason-only", {"reason": "just a reason"}),
    ("reason-123-bytes", {"closeCode": 1000, "reason": "x" * 123}),
]:
    add(
        f"client-close-{label}",
        serve(echo),
        [*OPEN, ["close"] if options is None else ["close", options], ["closed"]],
        smoke=label == "1000-reason",
    )

for label, bad_options in [
    ("1001", {"closeCode": 1001}),
    ("999", {"closeCode": 999}),
    ("2999", {"closeCode": 2999}),
    ("5000", {"closeCode": 5000}),
    ("1005", {"closeCode": 1005}),
    ("reason-124-bytes", {"closeCode": 1000, "reason": "x" * 124}),
    ("reason-too-long-bad-code", {"closeCode": 1001, "reason": "x" * 124}),
    ("code-not-an-integer", {"closeCode": 1000.5}),
]:
    add(
        f"client-close-invalid-{label}",
        serve(echo),
        [*OPEN, ["close", bad_options], ["close"], ["closed"]],
    )

add(
    "client-close-server-never-answers",
    serve(watch),
    [*OPEN, ["close", {"closeCode": 1000}], ["closed", 1500]],
)
add(
    "client-close-twice",
    serve(echo),
    [*OPEN, ["close", {"closeCode": 3001}], ["close", {"closeCode": 3002}], ["closed"]],
)
add(
    "client-writer-close",
    serve(echo),
    [*OPEN, ["writer-close"], ["closed"]],
)
add(
    "client-reader-cancel-websocketerror",
    serve(echo),
    [*OPEN, ["reader-cancel", {"wse": {"closeCode": 4000, "reason": "cancelled"}}], ["closed"]],
)
add(
    "client-reader-cancel-plain-reason",
    serve(echo),
    [*OPEN, ["reader-cancel", {"str": "whatever"}], ["closed"]],
)
add(
    "client-writer-abort-websocketerror",
    serve(echo),
    [*OPEN, ["writer-abort", {"wse": {"closeCode": 3456, "reason": "aborted"}}], ["closed"]],
)
add(
    "client-writer-abort-no-reason",
    serve(echo),
    [*OPEN, ["writer-abort", None], ["closed"]],
)

# ----------------------------------------------------------------------------- server closes

for label, code, reason in [
    ("1000", 1000, ""),
    ("1000-reason", 1000, "bye"),
    ("1001", 1001, "going away"),
    ("3000", 3000, ""),
    ("4999-reason", 4999, "r\u00e9sum\u00e9"),
    ("empty", None, ""),
    ("1011", 1011, "oops"),
    ("1012", 1012, ""),
]:
    add(
        f"server-close-{label}",
        serve(closing(code, reason)),
        [*OPEN, ["read"], ["closed"]],
        smoke=label == "1000-reason",
    )

for label, code in [("999", 999), ("1005", 1005), ("1006", 1006), ("1015", 1015), ("2999", 2999)]:
    add(f"server-close-invalid-{label}", serve(closing(code, "x")), READ_FAIL)
add("server-close-1-byte", serve(sending(frame(CLOSE, b"\x03"), after=watch)), READ_FAIL)
add(
    "server-close-bad-utf8-reason",
    serve(sending(frame(CLOSE, b"\x03\xe8\xff\xfe"), after=watch)),
    READ_FAIL,
)
add(
    "server-close-waits-for-client-tcp",
    serve(closing(1000, "bye", end_tcp=False)),
    [*OPEN, ["read"], ["closed", 6000]],
)
add(
    "server-close-then-data",
    serve(sending(frame(CLOSE, b"\x03\xe8"), txt("late"), after=watch)),
    [*OPEN, ["read"], ["closed"]],
)


async def _drop_mid_frame(peer: Peer) -> None:
    peer.send_raw(txt("complete"))
    peer.send_raw(frame(TEXT, b"part", length=10))
    await peer.drain()
    peer.close_tcp()


async def _reset_after_open(peer: Peer) -> None:
    peer.send_raw(txt("one"))
    await peer.drain()
    await peer.recv(1.0)
    peer.reset()


async def _fin_no_close(peer: Peer) -> None:
    peer.send_raw(txt("one"))
    await peer.drain()
    peer.close_tcp()


add("tcp-drop-mid-frame", serve(_drop_mid_frame), [*OPEN, ["read", 2], ["closed", 3000]])
add(
    "tcp-reset-after-open",
    serve(_reset_after_open),
    [*OPEN, ["read"], ["write", {"str": "x"}], ["read"], ["closed", 3000]],
)
add("tcp-fin-without-close", serve(_fin_no_close), [*OPEN, ["read", 2], ["closed", 3000]])

# ----------------------------------------------------------------------------- frame violations

for label, raw in [
    ("rsv1-without-extension", txt("x", rsv1=True)),
    ("rsv2", txt("x", rsv2=True)),
    ("rsv3", txt("x", rsv3=True)),
    ("opcode-3", frame(0x3, b"x")),
    ("opcode-7", frame(0x7, b"x")),
    ("opcode-0xb", frame(0xB, b"x")),
    ("opcode-0xf", frame(0xF, b"x")),
    ("masked-server-frame", frame(TEXT, b"x", mask=b"\x01\x02\x03\x04")),
    ("fragmented-ping", frame(PING, b"x", fin=False)),
    ("ping-126-bytes", frame(PING, b"x" * 126)),
    ("close-126-bytes", frame(CLOSE, b"\x03\xe8" + b"x" * 124)),
    ("pong-126-bytes", frame(PONG, b"x" * 126)),
    ("continuation-first", frame(CONT, b"x")),
    ("text-inside-fragmented", txt("a", fin=False) + txt("b")),
    ("binary-inside-fragmented", txt("a", fin=False) + frame(BINARY, b"b")),
    ("invalid-utf8", frame(TEXT, b"\xff\xfe")),
    ("invalid-utf8-fragmented", frame(TEXT, b"\xce", fin=False) + frame(CONT, b"\x28")),
    ("utf8-surrogate", frame(TEXT, b"\xed\xa0\x80")),
    ("length-64bit-msb", bytes([0x81, 0x7F]) + b"\x80" + b"\x00" * 7),
    ("non-minimal-length-16", bytes([0x81, 0x7E, 0x00, 0x02]) + b"ok"),
    ("non-minimal-length-64", bytes([0x81, 0x7F]) + (2).to_bytes(8, "big") + b"ok"),
]:
    add(
        f"violation-{label}",
        serve(sending(raw, after=watch)),
        [*OPEN, ["read"], ["closed", 3000]],
        smoke=label in ("rsv2", "invalid-utf8"),
    )

# After failing the connection, the client drops TCP at once and reports the close, as
# Chromium (only a failing server lingers until the client's EOF).
add(
    "violation-server-keeps-tcp-open",
    serve(sending(txt("x", rsv2=True), after=watch_keep_open)),
    [*OPEN, ["read"], ["closed", 2000]],
)

# Fragmented UTF-8 split inside a character is valid.
add(
    "text-utf8-split-across-fragments",
    serve(sending(frame(TEXT, b"\xe2\x82", fin=False), frame(CONT, b"\xac"))),
    [*OPEN, ["read"], ["close"], ["closed"]],
)

# ----------------------------------------------------------------------------- subprotocols

add(
    "protocols-offered",
    serve(echo, protocol="chat"),
    [new(protocols=["chat", "superchat"]), ["opened"], ["close"], ["closed"]],
)
add(
    "protocols-case-differs",
    serve(watch, protocol="CHAT"),
    [new(protocols=["chat"]), ["opened"], ["closed", 3000]],
)
for label, protocols in [
    ("duplicate", ["a", "a"]),
    ("duplicate-case", ["a", "A"]),
    ("invalid-token", ["a b"]),
    ("empty-token", [""]),
    ("non-ascii", ["\u00e9"]),
]:
    add(f"protocols-{label}", no_server, [new(protocols=protocols)])
add("protocols-string", no_server, [new(protocols="chat")])

# ----------------------------------------------------------------------------- URLs

for label, url in [
    ("ftp", "ftp://127.0.0.1/"),
    ("fragment", "ws://127.0.0.1:1/#frag"),
    ("unparsable", "ws://[::1"),
    ("empty-fragment", "ws://127.0.0.1:1/#"),
]:
    add(f"url-{label}", no_server, [new(url=url)])
add("url-relative", no_server, [new(url="/relative")])

# ----------------------------------------------------------------------------- WebSocketError

for label, message, error_options in [
    ("defaults", "", {}),
    ("code-reason", "m", {"closeCode": 4000, "reason": "r"}),
    ("reason-only", "m", {"reason": "r"}),
    ("code-1000", "m", {"closeCode": 1000}),
    ("code-1001", "m", {"closeCode": 1001}),
    ("code-5000", "m", {"closeCode": 5000}),
    ("reason-124", "m", {"closeCode": 1000, "reason": "x" * 124}),
]:
    add(f"websocketerror-{label}", no_server, [["error", message, error_options]])

# ----------------------------------------------------------------------------- abort signals

add(
    "abort-before-construction",
    no_server,
    [new(signal="aborted"), ["opened"], ["closed", 1000]],
    smoke=True,
)
add(
    "abort-during-handshake",
    _never_answer,
    [new(signal="controller"), ["sleep", 100], ["abort"], ["opened"], ["closed", 3000]],
)
add(
    "abort-after-open",
    serve(echo),
    [
        new(signal="controller"),
        ["opened"],
        ["abort"],
        ["write", {"str": "still"}],
        ["read"],
        ["close"],
        ["closed"],
    ],
)

# ----------------------------------------------------------------------------- writes

add(
    "write-integer",
    serve(echo),
    [*OPEN, ["write", {"int": 5}], ["read"], ["close"], ["closed"]],
)
add(
    "write-after-close",
    serve(echo),
    [*OPEN, ["close"], ["write", {"str": "late"}], ["closed"]],
)

# ----------------------------------------------------------------------------- deflate


async def _inflate_echo(peer: Peer) -> None:
    """Echo compressed messages back compressed; record the client's inflated payloads."""
    inflater = zlib.decompressobj(wbits=-15)
    while True:
        got = await peer.recv(5.0)
        if got is None:
            return
        opcode, payload = got
        if opcode == CLOSE:
            await reply_close(peer, got)
            return
        if peer.last_rsv1:
            peer.record("inflated", inflater.decompress(payload + b"\x00\x00\xff\xff").decode())


big = "compress me " * 10
add(
    "deflate-negotiated",
    serve(echo, extensions="permessage-deflate"),
    [*OPEN, ["close"], ["closed"]],
    smoke=True,
)
add(
    "deflate-server-compressed-message",
    serve(sending(frame(TEXT, deflate(big.encode()), rsv1=True)), extensions="permessage-deflate"),
    [*OPEN, ["read"], ["close"], ["closed"]],
)
add(
    "deflate-fragmented-compressed",
    serve(
        sending(
            frame(TEXT, deflate(big.encode())[:5], rsv1=True, fin=False),
            frame(CONT, deflate(big.encode())[5:]),
        ),
        extensions="permessage-deflate",
    ),
    [*OPEN, ["read"], ["close"], ["closed"]],
)
add(
    "deflate-rsv1-on-continuation",
    serve(
        sending(
            frame(TEXT, deflate(big.encode())[:5], rsv1=True, fin=False),
            frame(CONT, deflate(big.encode())[5:], rsv1=True),
            after=watch,
        ),
        extensions="permessage-deflate",
    ),
    [*OPEN, ["read"], ["closed", 3000]],
)
add(
    "deflate-bad-data",
    serve(
        sending(frame(TEXT, b"\xff\xff\xff\xff", rsv1=True), after=watch),
        extensions="permessage-deflate",
    ),
    [*OPEN, ["read"], ["closed", 3000]],
)
add(
    "deflate-client-compresses",
    serve(_inflate_echo, extensions="permessage-deflate; server_no_context_takeover"),
    [*OPEN, ["write", {"str": big}], ["close"], ["closed"]],
)
for label, params in [
    ("unknown-parameter", "permessage-deflate; foo=1"),
    ("server-bits-8", "permessage-deflate; server_max_window_bits=8"),
    ("server-bits-16", "permessage-deflate; server_max_window_bits=16"),
    ("client-bits-8", "permessage-deflate; client_max_window_bits=8"),
    ("client-bits-15", "permessage-deflate; client_max_window_bits=15"),
    (
        "duplicate-parameter",
        "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
    ),
    (
        "both-no-context",
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
    ),
    ("twice", "permessage-deflate, permessage-deflate"),
]:
    add(
        f"deflate-params-{label}",
        serve(echo, extensions=params),
        [*OPEN, ["close"], ["closed", 3000]],
    )

# ----------------------------------------------------------------------------- connecting


async def _two_connecting(server: ScriptedServer) -> None:
    # RFC 6455 §4.1: a second connection to the same host and port waits while the first is
    # CONNECTING.  The first request is held 500 ms; then we record how many TCP connections
    # arrived meanwhile, answer it, and serve the second.
    first = await server.accept()
    if first is None or await first.read_request() is None:
        return
    await asyncio.sleep(0.5)
    server.log.append(["connections-while-connecting", server.connections()])
    first.answer()
    second = await server.accept()
    if second is None or not await second.handshake():
        return
    await asyncio.gather(echo(first), echo(second))


add(
    "connecting-one-at-a-time",
    _two_connecting,
    [NEW, ["other", "/"], ["opened"], ["close"], ["closed"], ["other-close"], ["other-closed"]],
    smoke=True,
)

# ============================================================================= WebSocket
# The classic API against the same servers (names start with "ws-").


def ws_add(name: str, server: Script, steps: Steps, **options: Any) -> None:
    """Register a classic WebSocket scenario."""
    add(f"ws-{name}", server, steps, api="WebSocket", **options)


def ws_new(**options: Any) -> list[Any]:
    """A "ws-new" step with options (protocols, url)."""
    return ["ws-new", "/", options]


WS_NEW = ws_new()
WS_OPEN: Steps = [WS_NEW, ["ws-wait", "open", 1]]
WS_FAIL: Steps = [WS_NEW, ["ws-closed", 3000]]
WS_CLOSE: Steps = [["ws-close"], ["ws-closed"]]

ws_add("handshake-ok", serve(echo), [*WS_OPEN, *WS_CLOSE], smoke=True)
WS_HANDSHAKES: list[tuple[str, dict[str, Any]]] = [
    ("200", {"status": "200 OK"}),
    ("404", {"status": "404 Not Found", "body": b"nope"}),
    ("bad-accept", {"accept": "dGhlIHNhbXBsZSBub25jZQ=="}),
    ("no-upgrade", {"upgrade": None}),
    ("no-connection", {"connection": None}),
    ("unrequested-extension", {"extensions": "x-webkit-foo"}),
    ("unrequested-protocol", {"protocol": "chat"}),
    ("deflate-unknown-parameter", {"extensions": "permessage-deflate; foo=1"}),
]
for label, handshake in WS_HANDSHAKES:
    ws_add(f"handshake-{label}", serve(watch, **handshake), WS_FAIL, smoke=label == "404")
ws_add("handshake-server-closes", _close_before_answer, WS_FAIL)
ws_add("handshake-server-resets", _reset_before_answer, WS_FAIL)
ws_add(
    "handshake-close-while-connecting",
    _never_answer,
    [WS_NEW, ["sleep", 100], ["ws-close"], ["ws-closed", 3000]],
    smoke=True,
)
ws_add(
    "handshake-wrong-protocol",
    serve(watch, protocol="b"),
    [ws_new(protocols=["a"]), ["ws-closed", 3000]],
)
ws_add(
    "handshake-protocol-selected",
    serve(echo, protocol="b"),
    [ws_new(protocols=["a", "b"]), ["ws-wait", "open", 1], *WS_CLOSE],
)
ws_add(
    "protocols-string",
    serve(echo, protocol="chat"),
    [ws_new(protocols="chat"), ["ws-wait", "open", 1], *WS_CLOSE],
)
ws_add(
    "deflate-negotiated",
    serve(echo, extensions="permessage-deflate"),
    [*WS_OPEN, *WS_CLOSE],
)
ws_add(
    "deflate-server-compressed-message",
    serve(sending(frame(TEXT, deflate(big.encode()), rsv1=True)), extensions="permessage-deflate"),
    [WS_NEW, ["ws-wait", "message", 1], *WS_CLOSE],
)

for label, value in [
    ("text", {"str": "hello"}),
    ("binary", {"hex": "00ff10"}),
    ("empty-text", {"str": ""}),
    ("unicode", {"str": "h\u00e9llo \U0001f600"}),
]:
    ws_add(
        f"echo-{label}",
        serve(echo),
        [*WS_OPEN, ["ws-send", value], ["ws-wait", "message", 1], *WS_CLOSE],
        smoke=label == "text",
    )
ws_add(
    "server-fragmented-text",
    serve(sending(txt("fra", fin=False), frame(CONT, b"gme", fin=False), frame(CONT, b"nted"))),
    [WS_NEW, ["ws-wait", "message", 1], *WS_CLOSE],
)
ws_add(
    "server-ping",
    serve(sending(frame(PING, b"are you there"), txt("after"))),
    [WS_NEW, ["ws-wait", "message", 1], *WS_CLOSE],
)
ws_add(
    "server-many-messages",
    serve(sending(*(txt(str(i)) for i in range(10)))),
    [WS_NEW, ["ws-wait", "message", 10], *WS_CLOSE],
)
ws_add(
    "send-while-connecting",
    _never_answer,
    [WS_NEW, ["ws-send", {"str": "x"}], ["sleep", 100], ["ws-close"], ["ws-closed", 3000]],
)
ws_add(
    "send-after-close",
    serve(echo),
    [*WS_OPEN, ["ws-close"], ["ws-send", {"str": "late"}], ["ws-state"], ["ws-closed"]],
)
ws_add(
    "send-integer",
    serve(echo),
    [*WS_OPEN, ["ws-send", {"int": 5}], ["ws-wait", "message", 1], *WS_CLOSE],
    deviation="write-non-text-binary",
)

WS_CLOSE_CASES: list[tuple[str, list[Any]]] = [
    ("no-code", []),
    ("1000", [1000]),
    ("1000-reason", [1000, "bye"]),
    ("3000", [3000]),
    ("4999-reason", [4999, "r\u00e9sum\u00e9"]),
    ("reason-123-bytes", [1000, "x" * 123]),
]
for label, close_args in WS_CLOSE_CASES:
    ws_add(
        f"client-close-{label}",
        serve(echo),
        [*WS_OPEN, ["ws-close", *close_args], ["ws-closed"]],
        smoke=label == "1000-reason",
    )
WS_BAD_CLOSE_CASES: list[tuple[str, list[Any]]] = [
    ("1001", [1001]),
    ("999", [999]),
    ("5000", [5000]),
    ("reason-124-bytes", [1000, "x" * 124]),
]
for label, close_args in WS_BAD_CLOSE_CASES:
    ws_add(
        f"client-close-invalid-{label}",
        serve(echo),
        [*WS_OPEN, ["ws-close", *close_args], *WS_CLOSE],
    )
ws_add(
    "client-close-server-never-answers",
    serve(watch),
    [*WS_OPEN, ["ws-close", 1000], ["ws-closed", 1500]],
)
for label, code, reason in [
    ("1000-reason", 1000, "bye"),
    ("1001", 1001, "going away"),
    ("4999", 4999, ""),
    ("empty", None, ""),
]:
    ws_add(f"server-close-{label}", serve(closing(code, reason)), [WS_NEW, ["ws-closed"]])
ws_add("server-close-invalid-1005", serve(closing(1005, "x")), [WS_NEW, ["ws-closed", 3000]])
ws_add(
    "server-close-waits-for-client-tcp",
    serve(closing(1000, "bye", end_tcp=False)),
    [WS_NEW, ["ws-closed", 6000]],
)
ws_add("tcp-drop-mid-frame", serve(_drop_mid_frame), [WS_NEW, ["ws-closed", 3000]])
ws_add("tcp-fin-without-close", serve(_fin_no_close), [WS_NEW, ["ws-closed", 3000]])
for label, raw in [
    ("rsv2", txt("x", rsv2=True)),
    ("opcode-3", frame(0x3, b"x")),
    ("masked-server-frame", frame(TEXT, b"x", mask=b"\x01\x02\x03\x04")),
    ("ping-126-bytes", frame(PING, b"x" * 126)),
    ("continuation-first", frame(CONT, b"x")),
    ("text-inside-fragmented", txt("a", fin=False) + txt("b")),
    ("invalid-utf8", frame(TEXT, b"\xff\xfe")),
]:
    ws_add(f"violation-{label}", serve(sending(raw, after=watch)), [WS_NEW, ["ws-closed", 3000]])
for label, protocols in [("duplicate", ["a", "a"]), ("invalid-token", ["a b"])]:
    ws_add(f"protocols-{label}", no_server, [ws_new(protocols=protocols)])
for label, url in [("ftp", "ftp://127.0.0.1/"), ("fragment", "ws://127.0.0.1:1/#frag")]:
    ws_add(f"url-{label}", no_server, [ws_new(url=url)])

# ============================================================================= more WebSocketStream

add(
    "deflate-client-small-message",
    serve(_inflate_echo, extensions="permessage-deflate"),
    [*OPEN, ["write", {"str": "tiny"}], ["close"], ["closed"]],
    deviation="deflate-small-uncompressed",
)
add(
    "deflate-client-two-messages-context-takeover",
    serve(_inflate_echo, extensions="permessage-deflate"),
    [*OPEN, ["write", {"str": big}], ["write", {"str": big}], ["close"], ["closed"]],
)


def _two_compressed_messages() -> list[bytes]:
    """Two messages compressed with one shared context (RFC 7692 §7.2.3, context takeover)."""
    compressor = zlib.compressobj(wbits=-15)
    frames = []
    for _ in range(2):
        data = compressor.compress(big.encode()) + compressor.flush(zlib.Z_SYNC_FLUSH)
        frames.append(frame(TEXT, data[:-4], rsv1=True))
    return frames


add(
    "deflate-server-context-takeover",
    serve(sending(*_two_compressed_messages()), extensions="permessage-deflate"),
    [*OPEN, ["read", 2], ["close"], ["closed"]],
)


async def _slow_reader(peer: Peer) -> None:
    """Read nothing for 300 ms, then echo the sizes of what arrived."""
    await asyncio.sleep(0.3)
    await echo(peer)


add(
    "backpressure-send",
    serve(_slow_reader),
    [
        *OPEN,
        ["write", {"zeros": 1 << 20}],
        ["write", {"zeros": 1 << 20}],
        ["write", {"zeros": 1 << 20}],
        ["desired"],
        ["read", 3],
        ["desired"],
        ["close"],
        ["closed"],
    ],
)


async def _burst(peer: Peer) -> None:
    for i in range(20):
        peer.send(BINARY, bytes([i]) * 65536)
    await peer.drain()
    await echo(peer)


add(
    "backpressure-receive",
    serve(_burst),
    [*OPEN, ["sleep", 300], ["read", 20], ["close"], ["closed"]],
)


async def _burst_then_close(peer: Peer) -> None:
    for i in range(5):
        peer.send(TEXT, f"message {i}")
    peer.send_close(1000, "done")
    await peer.drain()
    await peer.recv_until_close(3.0)
    peer.close_tcp()


add(
    "server-closes-with-unread-messages",
    serve(_burst_then_close),
    [*OPEN, ["sleep", 300], ["read", 6], ["closed"]],
)
add(
    "client-close-with-unread-messages",
    serve(sending(*(txt(f"m{i}") for i in range(3)))),
    [*OPEN, ["sleep", 200], ["close", {"closeCode": 1000}], ["read", 4], ["closed"]],
)
add(
    "write-then-close-immediately",
    serve(echo),
    [
        *OPEN,
        ["write", {"str": "last words"}],
        ["close", {"closeCode": 1000, "reason": "x"}],
        ["closed"],
    ],
)
