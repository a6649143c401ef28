"""WPT ``websockets/Send-*.any.js`` and ``interfaces/WebSocket/send/*``: what ``send()`` accepts,
sends and refuses, in each state."""

from __future__ import annotations

import array
from typing import Any

import pytest

from tests.client.servers import MiB, OwnServer, WptServer
from websocketstream import Blob, InvalidStateError, WebSocket

from .helpers import Trace, open_socket, wait

AnyServer = WptServer | OwnServer


async def echo_of(ws: WebSocket, trace: Trace, data: Any) -> Any:
    """Send ``data`` to /echo and return what comes back."""
    before = trace.message_count
    ws.send(data)
    return (await trace.wait_messages(before + 1))[-1]


# --- Send-before-open, send/003 ------------------------------------------------------------------


async def test_send_before_open_is_invalid_state(wpt: WptServer) -> None:
    ws = WebSocket(wpt.url("/echo"))
    trace = Trace(ws)
    with pytest.raises(InvalidStateError) as info:
        ws.send("too early")
    assert info.value.name == "InvalidStateError"
    assert ws.buffered_amount == 0
    await trace.wait_open()
    ws.close()
    await trace.wait_closed()
    assert wpt.log.last.messages == []


# --- send/001, send/005, Send-null and other unsupported types ------------------------------------


async def test_send_without_argument_is_a_type_error(server: AnyServer) -> None:
    ws, _ = await open_socket(server.url("/echo"))
    with pytest.raises(TypeError):
        ws.send()  # type: ignore[call-arg]
    ws.close()


@pytest.mark.parametrize("data", [None, 42, 1.5, True, object(), ["a"], {"a": 1}, ("x",)], ids=repr)
async def test_unsupported_types_are_a_type_error_and_send_nothing(
    server: AnyServer, data: Any
) -> None:
    # JavaScript would send String(data) ("null" for Send-null); Python refuses
    # (docs/deviations.md).
    ws, trace = await open_socket(server.url("/echo"))
    with pytest.raises(TypeError, match="str"):
        ws.send(data)
    assert ws.buffered_amount == 0
    assert await echo_of(ws, trace, "after") == "after"
    assert server.log.last.messages == ["after"]
    ws.close()
    await trace.wait_closed()


async def test_send_returns_none(server: AnyServer) -> None:
    ws, _ = await open_socket(server.url("/echo"))
    assert ws.send("x") is None
    ws.close()


# --- text ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "received"),
    [
        ("", ""),  # send/009 (/empty-message)
        ("Message to send", "Message to send"),
        ("\u00e5 \u5336 \U0001047e", "\u00e5 \u5336 \U0001047e"),  # Send-unicode-data
        ("\ud801\udc7e", "\U0001047e"),  # Send-paired-surrogates: a pair is one code point
        ("\ud807", "\ufffd"),  # Send-unpaired-surrogates, send/004, send/006
        ("a\udc00b", "a\ufffdb"),
        ("e\u0301", "e\u0301"),  # combining characters round-trip
    ],
    ids=["empty", "ascii", "unicode", "paired surrogates", "lone high", "lone low", "combining"],
)
async def test_text_round_trips(server: AnyServer, sent: str, received: str) -> None:
    ws, trace = await open_socket(server.url("/echo"))
    assert await echo_of(ws, trace, sent) == received
    assert server.log.last.messages == [received]
    ws.close()


async def test_send_65k_text(server: AnyServer) -> None:
    # Send-65K-data.
    ws, trace = await open_socket(server.url("/echo"))
    data = "x" * 65000
    ws.send(data)
    assert ws.buffered_amount == 65000
    assert (await trace.wait_messages(1)) == [data]
    ws.close()


async def test_str_subclass_is_text(server: AnyServer) -> None:
    class Text(str):
        pass

    ws, trace = await open_socket(server.url("/echo"))
    echoed = await echo_of(ws, trace, Text("sub"))
    assert echoed == "sub" and type(echoed) is str
    ws.close()


# --- binary: Send-0byte-data, Send-binary-*, Blob ------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "received"),
    [
        (b"", b""),
        (b"\x00\xff binary", b"\x00\xff binary"),
        (bytearray(b"bytearray"), b"bytearray"),
        (memoryview(b"0123456789")[2:5], b"234"),  # a view sends only its window
        (array.array("H", [1, 0x0201]), b"\x01\x00\x01\x02"),  # a Uint16Array-like
        (memoryview(bytes(range(8))).cast("I"), bytes(range(8))),
        (Blob([b"blob ", "text", Blob([b"!"])]), b"blob text!"),
        (Blob(), b""),
        (Blob([b"typed"], type="text/plain"), b"typed"),  # a Blob is binary, whatever its type
        (bytes(65000), bytes(65000)),
    ],
    ids=[
        "0 bytes",
        "bytes",
        "bytearray",
        "memoryview window",
        "array.array",
        "cast memoryview",
        "Blob",
        "empty Blob",
        "typed Blob",
        "65K",
    ],
)
async def test_binary_round_trips(server: AnyServer, sent: Any, received: bytes) -> None:
    ws, trace = await open_socket(server.url("/echo"))
    ws.binary_type = "arraybuffer"
    echoed = await echo_of(ws, trace, sent)
    assert type(echoed) is bytes
    assert echoed == received
    assert server.log.last.messages == [received]
    ws.close()


async def test_binary_data_is_copied_at_send(server: AnyServer) -> None:
    ws, trace = await open_socket(server.url("/echo"))
    ws.binary_type = "arraybuffer"
    buffer = bytearray(b"before")
    ws.send(buffer)
    buffer[:] = b"after!"
    assert await trace.wait_messages(1) == [b"before"]
    ws.close()


# --- send() once closing started: send/007, send/008 ---------------------------------------------


async def test_send_after_close_sends_nothing_and_grows_buffered_amount(
    server: AnyServer,
) -> None:
    ws, trace = await open_socket(server.url("/echo"))
    ws.close()
    ws.send("test")
    assert ws.buffered_amount == 4
    ws.send(b"12")
    assert ws.buffered_amount == 6
    event = await trace.wait_closed()
    assert event.was_clean
    assert trace.types == ["open", "close"]
    assert server.log.last.messages == []
    assert ws.buffered_amount == 6  # it never resets


async def test_send_inside_onclose_does_not_raise(server: AnyServer) -> None:
    ws, trace = await open_socket(server.url("/echo"))
    results: list[int] = []

    def onclose(event: Any) -> None:
        ws.send("late")
        results.append(ws.buffered_amount)

    ws.onclose = onclose
    ws.close()
    await trace.wait_closed()
    assert results == [4]


async def test_send_after_the_peers_close_sends_nothing(raw_server: Any) -> None:
    from tests.client.servers import RawConnection, close_body, encode_frame

    got: list[int] = []

    async def script(conn: RawConnection) -> None:
        await conn.handshake(encode_frame(1, b"hi") + encode_frame(8, close_body(1000)))
        while True:
            frame = await conn.read_frame()
            got.append(frame.opcode)
            if frame.opcode == 8:
                break
        await conn.send_frame(8, close_body(1000))

    srv = await raw_server(script)
    ws = WebSocket(srv.url())
    trace = Trace(ws)
    # The Close is already in: ready_state is still OPEN in this message task, but the
    # closing handshake has started, so nothing is sent.
    ws.onmessage = lambda event: ws.send("reply")
    await trace.wait_closed()
    assert got == [8]
    assert ws.buffered_amount == 5


# --- send-many-64K-messages-with-backpressure ----------------------------------------------------


async def test_send_many_64k_messages_to_a_slow_reader(wpt: WptServer) -> None:
    ws, trace = await open_socket(wpt.url("/receive-backpressure"))
    for _ in range(50):
        ws.send(bytes(65536))
    assert ws.buffered_amount == 50 * 65536
    acks = await trace.wait_messages(50)
    assert acks == ["65536"] * 50
    ws.close()
    event = await trace.wait_closed()
    assert event.was_clean
    assert ws.buffered_amount == 0


async def test_large_binary_message(wpt: WptServer) -> None:
    ws, trace = await open_socket(wpt.url("/echo"), max_size=4 * MiB)
    ws.binary_type = "arraybuffer"
    payload = bytes(range(256)) * (3 * MiB // 256)
    ws.send(payload)
    assert await wait(trace.wait_messages(1)) == [payload]
    ws.close()
