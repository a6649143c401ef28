"""Interoperability with an independent implementation: python-websockets' Sans-I/O layer."""

from __future__ import annotations

from typing import Any

import pytest
from protocol_helpers import drain

from websocketstream.protocol import (
    BINARY,
    CLOSE,
    HANDSHAKE,
    PING,
    PONG,
    REQUEST,
    TEXT,
    ClientConnection,
    CloseFrame,
    ServerConnection,
    State,
)

websockets = pytest.importorskip("websockets")
from websockets.client import ClientProtocol  # noqa: E402
from websockets.extensions.permessage_deflate import (  # noqa: E402
    ClientPerMessageDeflateFactory,
    ServerPerMessageDeflateFactory,
)
from websockets.frames import Close, Frame, Opcode  # noqa: E402
from websockets.http11 import Request, Response  # noqa: E402
from websockets.protocol import State as TheirState  # noqa: E402
from websockets.server import ServerProtocol  # noqa: E402
from websockets.uri import parse_uri  # noqa: E402

MESSAGES: list[str | bytes] = [
    "hello",
    b"\x00\x01\x02",
    "",
    b"",
    "é€😀" * 1000,
    bytes(range(256)) * 300,
    "repeat " * 100,
    "repeat " * 100,
]


def their_out(proto: Any) -> bytes:
    return b"".join(proto.data_to_send())


def their_messages(proto: Any) -> list[Any]:
    out: list[Any] = []
    for event in proto.events_received():
        if isinstance(event, Frame):
            assert event.fin  # we send whole messages as single frames
            if event.opcode is Opcode.TEXT:
                out.append(bytes(event.data).decode())
            elif event.opcode is Opcode.BINARY:
                out.append(bytes(event.data))
            else:
                out.append(event)
        else:
            out.append(event)
    return out


@pytest.mark.parametrize("compression", ["deflate", None])
def test_our_client_their_server(compression: str | None) -> None:
    ours = ClientConnection(
        host="example.com",
        port=8765,
        resource="/path",
        protocols=["chat", "other"],
        compression=compression,
    )
    theirs = ServerProtocol(
        extensions=[ServerPerMessageDeflateFactory()],
        subprotocols=["other"],  # type: ignore[list-item]
    )
    theirs.receive_data(ours.data_to_send())
    [request] = theirs.events_received()
    assert isinstance(request, Request)
    response = theirs.accept(request)
    assert response.status_code == 101, response.body
    theirs.send_response(response)
    ours.receive_data(their_out(theirs))
    event = ours.next_event()
    assert event is not None and event[0] == HANDSHAKE
    assert ours.subprotocol == "other"
    assert bool(ours.extensions) is (compression == "deflate")

    for m in MESSAGES:
        if isinstance(m, str):
            ours.send_text(m)
        else:
            ours.send_binary(m)
    ours.send_ping(b"hb")
    theirs.receive_data(ours.data_to_send())
    got = their_messages(theirs)
    assert got[:-1] == MESSAGES and got[-1].opcode is Opcode.PING

    for m in MESSAGES:
        if isinstance(m, str):
            theirs.send_text(m.encode())
        else:
            theirs.send_binary(m)
    theirs.send_ping(b"p")
    ours.receive_data(their_out(theirs))  # their auto-pong to our ping is in there too
    events = drain(ours)
    assert [e[1] for e in events if e[0] in (TEXT, BINARY)] == MESSAGES
    assert (PONG, b"hb") in events and (PING, b"p") in events
    theirs.receive_data(ours.data_to_send())
    [pong] = theirs.events_received()
    assert isinstance(pong, Frame)
    assert pong.opcode is Opcode.PONG and pong.data == b"p"

    # Closing handshake, initiated by them; they close TCP first.
    theirs.send_close(1000, "bye")
    ours.receive_data(their_out(theirs))
    events = drain(ours)
    assert events[-1] == (CLOSE, CloseFrame(1000, "bye"))
    theirs.receive_data(ours.data_to_send())
    assert theirs.state is TheirState.CLOSING or theirs.state is TheirState.CLOSED
    # The reply echoes the code and the reason (as Chromium does).
    assert theirs.close_rcvd == Close(1000, "bye")
    ours.receive_eof()
    assert ours.state is State.CLOSED and ours.closing_handshake_done


@pytest.mark.parametrize("compression", ["deflate", None])
def test_their_client_our_server(compression: str | None) -> None:
    theirs = ClientProtocol(
        parse_uri("ws://example.com:8765/chat?room=1"),
        extensions=[ClientPerMessageDeflateFactory()] if compression else None,
        subprotocols=["chat"],  # type: ignore[list-item]
    )
    theirs.send_request(theirs.connect())
    ours = ServerConnection(compression="deflate")
    ours.receive_data(their_out(theirs))
    event = ours.next_event()
    assert event is not None and event[0] == REQUEST
    assert event[1].target == "/chat?room=1" and event[1].protocols == ("chat",)
    ours.accept("chat")
    theirs.receive_data(ours.data_to_send())
    [response] = theirs.events_received()
    assert isinstance(response, Response) and theirs.state is TheirState.OPEN
    assert theirs.subprotocol == "chat"
    assert bool(theirs.extensions) is (compression == "deflate")

    for m in MESSAGES:
        if isinstance(m, str):
            ours.send_text(m)
        else:
            ours.send_binary(m)
    theirs.receive_data(ours.data_to_send())
    assert their_messages(theirs) == MESSAGES

    for m in MESSAGES:
        if isinstance(m, str):
            theirs.send_text(m.encode())
        else:
            theirs.send_binary(m)
    # A fragmented message with a ping in the middle.
    theirs.send_text(b"frag", fin=False)
    theirs.send_ping(b"mid")
    theirs.send_continuation(b"ment", fin=True)
    ours.receive_data(their_out(theirs))
    events = drain(ours)
    assert [e[1] for e in events if e[0] in (TEXT, BINARY)] == [*MESSAGES, "fragment"]
    theirs.receive_data(ours.data_to_send())
    [pong] = theirs.events_received()
    assert isinstance(pong, Frame)
    assert pong.opcode is Opcode.PONG and pong.data == b"mid"

    # Closing handshake, initiated by us; the server closes TCP after their reply.
    ours.send_close(3000, "done")
    theirs.receive_data(ours.data_to_send())
    [close] = theirs.events_received()
    assert isinstance(close, Frame)
    assert close.opcode is Opcode.CLOSE
    assert theirs.close_rcvd == Close(3000, "done")
    ours.receive_data(their_out(theirs))
    assert drain(ours) == [(CLOSE, CloseFrame(3000, "done"))]
    assert ours.should_close_transport


def test_their_violation_detection_matches_ours() -> None:
    """Our failure frames are understood by them: a text frame with invalid UTF-8."""
    theirs = ClientProtocol(parse_uri("ws://example.com/"))
    theirs.send_request(theirs.connect())
    ours = ServerConnection()
    ours.receive_data(their_out(theirs))
    ours.next_event()
    ours.accept()
    theirs.receive_data(ours.data_to_send())
    theirs.events_received()
    theirs.send_frame(Frame(Opcode.TEXT, b"\xff"))
    ours.receive_data(their_out(theirs))
    assert ours.next_event() is None
    assert ours.failure is not None and ours.failure.code == 1007
    theirs.receive_data(ours.data_to_send())
    theirs.events_received()
    assert theirs.close_rcvd is not None and theirs.close_rcvd.code == 1007
