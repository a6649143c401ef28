"""The connection state machine with raw bytes: every RFC 6455 rule, both roles."""

from __future__ import annotations

import pytest
from protocol_helpers import failed_with, frame, open_conn, peer_frame, unmask_frames

from websocketstream.protocol import (
    BINARY,
    CLOSE,
    PING,
    PONG,
    TEXT,
    CloseFrame,
    Connection,
    InvalidState,
    State,
)

ROLES = ["client", "server"]


def pf(role: str, opcode: int, payload: bytes = b"", **kw: object) -> bytes:
    """A frame the peer of ``role`` would send."""
    return peer_frame(opcode, payload, to_client=role == "client", **kw)


@pytest.fixture(params=ROLES)
def role(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def conn_for(role: str, **kw: object) -> Connection:
    conn = open_conn(role, **kw)
    conn.data_to_send()
    return conn


# ------------------------------------------------------------------ messages


def test_text_and_binary(role: str) -> None:
    conn = conn_for(role)
    conn.receive_data(pf(role, 1, "héllo".encode()) + pf(role, 2, b"\x00\xff"))
    assert conn.next_event() == (TEXT, "héllo")
    assert conn.next_event() == (BINARY, b"\x00\xff")
    assert conn.next_event() is None


@pytest.mark.parametrize("n", [0, 125, 126, 65535, 65536, 200_000])
def test_lengths(role: str, n: int) -> None:
    conn = conn_for(role)
    payload = bytes(i & 0xFF for i in range(n))
    conn.receive_data(pf(role, 2, payload))
    assert conn.next_event() == (BINARY, payload)


def test_lazy_parsing_and_buffered(role: str) -> None:
    conn = conn_for(role)
    data = pf(role, 1, b"one") + pf(role, 1, b"two")
    conn.receive_data(data)
    assert conn.buffered == len(data)  # receive_data parses nothing
    assert conn.next_event() == (TEXT, "one")
    assert conn.buffered == len(data) // 2
    conn.receive_data(pf(role, 1, b"three"))
    assert conn.next_event() == (TEXT, "two")
    assert conn.next_event() == (TEXT, "three")
    assert conn.buffered == 0


def test_byte_by_byte(role: str) -> None:
    conn = conn_for(role)
    data = pf(role, 2, b"x" * 300) + pf(role, 1, b"a", fin=False) + pf(role, 0, b"b")
    events = []
    for i in range(len(data)):
        conn.receive_data(data[i : i + 1])
        while (e := conn.next_event()) is not None:
            events.append(e)
    assert events == [(BINARY, b"x" * 300), (TEXT, "ab")]


def test_fragmented_with_interleaved_control_frames(role: str) -> None:
    conn = conn_for(role)
    conn.receive_data(
        pf(role, 1, b"fra", fin=False)
        + pf(role, 9, b"ping!")
        + pf(role, 0, "gmé".encode()[:4], fin=False)
        + pf(role, 10, b"pong")
        + pf(role, 0, "gmé".encode()[4:])
    )
    assert conn.next_event() == (PING, b"ping!")
    assert conn.next_event() == (PONG, b"pong")
    assert conn.next_event() == (TEXT, "fragmé")
    sent = unmask_frames(conn.data_to_send())
    # RFC 6455 §5.5.2: a Pong with the Ping's payload, masked only by a client.
    assert sent == [(10, True, 0, b"ping!")]


def test_client_masks_and_server_does_not() -> None:
    client = conn_for("client")
    client.send_binary(b"abc")
    out = client.data_to_send()
    assert out[1] & 0x80 and out[6:] != b"abc"
    server = conn_for("server")
    server.send_binary(b"abc")
    assert server.data_to_send() == b"\x82\x03abc"


def test_empty_fragmented_message(role: str) -> None:
    conn = conn_for(role)
    conn.receive_data(pf(role, 2, b"", fin=False) + pf(role, 0, b"", fin=False) + pf(role, 0))
    assert conn.next_event() == (BINARY, b"")


# ------------------------------------------------------------------ violations


@pytest.mark.parametrize("opcode", [3, 4, 5, 6, 7, 11, 12, 13, 14, 15])
def test_reserved_opcodes(role: str, opcode: int) -> None:
    conn = conn_for(role)
    conn.receive_data(pf(role, opcode, b"x"))
    assert conn.next_event() is None
    assert failed_with(conn, 1002)


@pytest.mark.parametrize("rsv", [0x40, 0x20, 0x10])
def test_rsv_bits_without_extension(role: str, rsv: int) -> None:
    conn = conn_for(role)
    conn.receive_data(pf(role, 1, b"x", rsv=rsv))
    assert conn.next_event() is None
    assert failed_with(conn, 1002)


def test_masked_frame_to_client_fails() -> None:
    conn = conn_for("client")
    conn.receive_data(frame(1, b"hi", mask=b"abcd"))
    assert conn.next_event() is None
    assert failed_with(conn, 1002)


def test_unmasked_frame_to_server_fails() -> None:
    conn = conn_for("server")
    conn.receive_data(frame(1, b"hi"))
    assert conn.next_event() is None
    assert failed_with(conn, 1002)


def test_64bit_length_with_top_bit(role: str) -> None:
    conn = conn_for(role, max_size=None)
    head = bytes([0x82, 127 | (0 if role == "client" else 0x80)])
    conn.receive_data(head + (2**63 + 1).to_bytes(8, "big"))
    assert conn.next_event() is None
    assert failed_with(conn, 1002)


def test_ping_of_126_bytes(role: str) -> None:
    conn = conn_for(role)
    conn.receive_data(pf(role, 9, b"x" * 126))
    assert conn.next_event() is None
    assert failed_with(conn, 1002)


def test_ping_of_125_bytes_is_fine(role: str) -> None:
    conn = conn_for(role)
    conn.receive_data(pf(role, 9, b"x" * 125))
    assert conn.next_event() == (PING, b"x" * 125)


@pytest.mark.parametrize("opcode", [8, 9, 10])
def test_fragmented_control_frame(role: str, opcode: int) -> None:
    conn = conn_for(role)
    conn.receive_data(pf(role, opcode, b"", fin=False))
    assert conn.next_event() is None
    assert failed_with(conn, 1002)


def test_continuation_without_message(role: str) -> None:
    conn = conn_for(role)
    conn.receive_data(pf(role, 0, b"x"))
    assert conn.next_event() is None
    assert failed_with(conn, 1002)


def test_new_message_during_fragmented_one(role: str) -> None:
    conn = conn_for(role)
    conn.receive_data(pf(role, 1, b"a", fin=False) + pf(role, 2, b"b"))
    assert conn.next_event() is None
    assert failed_with(conn, 1002)


def test_invalid_utf8(role: str) -> None:
    conn = conn_for(role)
    conn.receive_data(pf(role, 1, b"ok \xff"))
    assert conn.next_event() is None
    assert failed_with(conn, 1007)


def test_invalid_utf8_fails_on_first_fragment(role: str) -> None:
    conn = conn_for(role)
    # The message never finishes: the invalid prefix alone must fail it.
    conn.receive_data(pf(role, 1, b"\xce\xba\xe1\xbd\xb9\xcf\x83\xed\xa0\x80", fin=False))
    assert conn.next_event() is None
    assert failed_with(conn, 1007)


def test_utf8_split_across_fragments(role: str) -> None:
    conn = conn_for(role)
    euro = "€".encode()
    conn.receive_data(pf(role, 1, euro[:1], fin=False) + pf(role, 0, euro[1:2], fin=False))
    conn.receive_data(pf(role, 0, euro[2:]))
    assert conn.next_event() == (TEXT, "€")
    # Incomplete sequence at the end of the message.
    conn.receive_data(pf(role, 1, euro[:2], fin=False) + pf(role, 0, b""))
    assert conn.next_event() is None
    assert failed_with(conn, 1007)


def test_invalid_utf8_split_across_fragments(role: str) -> None:
    conn = conn_for(role)
    conn.receive_data(pf(role, 1, b"\xe2\x82", fin=False) + pf(role, 0, b"\x41", fin=False))
    assert conn.next_event() is None
    assert failed_with(conn, 1007)


def test_max_size_checked_before_payload(role: str) -> None:
    conn = conn_for(role, max_size=1000)
    mbit = 0 if role == "client" else 0x80
    # Only the header of a 2**40-byte frame: refused at once, without waiting.
    conn.receive_data(bytes([0x82, 127 | mbit]) + (2**40).to_bytes(8, "big"))
    assert conn.next_event() is None
    assert failed_with(conn, 1009)


def test_max_size_exact_bound(role: str) -> None:
    conn = conn_for(role, max_size=1000)
    conn.receive_data(pf(role, 2, b"x" * 1000))
    assert conn.next_event() == (BINARY, b"x" * 1000)
    conn.receive_data(pf(role, 1, b"x" * 1001))
    assert conn.next_event() is None
    assert failed_with(conn, 1009)


def test_endless_fragments(role: str) -> None:
    conn = conn_for(role, max_size=1000)
    conn.receive_data(pf(role, 2, b"x" * 100, fin=False))
    for _ in range(9):
        conn.receive_data(pf(role, 0, b"x" * 100, fin=False))
    assert conn.next_event() is None
    assert conn.failure is None
    conn.receive_data(pf(role, 0, b"x", fin=False))
    assert conn.next_event() is None
    assert failed_with(conn, 1009)


def test_after_failure_input_is_ignored(role: str) -> None:
    conn = conn_for(role)
    conn.receive_data(pf(role, 3) + pf(role, 1, b"late"))
    assert conn.next_event() is None
    conn.receive_data(pf(role, 1, b"later"))
    assert conn.next_event() is None
    assert conn.buffered == 0
    with pytest.raises(InvalidState):
        conn.send_text("x")
    conn.receive_eof()
    assert conn.state is State.CLOSED
    assert conn.close_code == 1006  # no Close frame received


# ------------------------------------------------------------------ closing


def test_peer_close_empty_body(role: str) -> None:
    conn = conn_for(role)
    conn.receive_data(pf(role, 8) + pf(role, 1, b"ignored"))
    assert conn.next_event() == (CLOSE, CloseFrame(1005, ""))
    assert conn.next_event() is None
    # RFC 6455 §5.5.1: echo; an empty Close for an empty Close.
    assert unmask_frames(conn.data_to_send()) == [(8, True, 0, b"")]
    assert conn.state is State.CLOSING
    assert conn.close_rcvd == CloseFrame(1005, "") and conn.close_rcvd_then_sent is True
    assert conn.close_code == 1005 and conn.close_reason == ""
    assert conn.should_close_transport is (role == "server")
    assert conn.close_expected()
    conn.receive_eof()
    assert conn.state is State.CLOSED and conn.closing_handshake_done


def test_peer_close_with_code(role: str) -> None:
    conn = conn_for(role)
    conn.receive_data(pf(role, 8, b"\x0f\xa0bye"))
    assert conn.next_event() == (CLOSE, CloseFrame(4000, "bye"))
    # The reply echoes the code and the reason (as Chromium does).
    assert unmask_frames(conn.data_to_send()) == [(8, True, 0, b"\x0f\xa0bye")]
    with pytest.raises(InvalidState):
        conn.send_close()
    with pytest.raises(InvalidState):
        conn.send_binary(b"x")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"\x03", 1002),
        (b"\x03\xed", 1002),  # 1005
        (b"\x03\xee", 1002),  # 1006
        (b"\x03\xf7", 1002),  # 1015
        (b"\x07\xd0", 1002),  # 2000
        (b"\x13\x88", 1002),  # 5000
        (b"\x03\xe8\xc3", 1007),  # truncated UTF-8 reason
    ],
)
def test_invalid_close_frames(role: str, body: bytes, code: int) -> None:
    conn = conn_for(role)
    conn.receive_data(pf(role, 8, body))
    assert conn.next_event() is None
    assert failed_with(conn, code)
    assert conn.close_rcvd is None


def test_we_close_first(role: str) -> None:
    conn = conn_for(role)
    conn.send_close()
    assert unmask_frames(conn.data_to_send()) == [(8, True, 0, b"")]  # code None: empty body
    assert conn.state is State.CLOSING and conn.close_sent == CloseFrame(1005, "")
    with pytest.raises(InvalidState):
        conn.send_text("nope")
    with pytest.raises(InvalidState):
        conn.send_ping()
    # Messages that arrive before the peer's Close are still delivered.
    conn.receive_data(pf(role, 1, b"in flight") + pf(role, 8, b"\x03\xe8"))
    assert conn.next_event() == (TEXT, "in flight")
    assert conn.next_event() == (CLOSE, CloseFrame(1000, ""))
    assert conn.data_to_send() == b""  # no second Close
    assert conn.close_rcvd_then_sent is False
    assert conn.should_close_transport is (role == "server")


def test_send_close_with_code_and_reason(role: str) -> None:
    conn = conn_for(role)
    conn.send_close(3000, "done")
    assert unmask_frames(conn.data_to_send()) == [(8, True, 0, b"\x0b\xb8done")]
    assert conn.close_sent == CloseFrame(3000, "done")


def test_send_close_validation(role: str) -> None:
    conn = conn_for(role)
    with pytest.raises(ValueError):
        conn.send_close(1005)
    with pytest.raises(ValueError):
        conn.send_close(None, "reason")
    with pytest.raises(ValueError):
        conn.send_close(1000, "x" * 124)
    assert conn.state is State.OPEN and conn.data_to_send() == b""


def test_eof_without_close_is_abnormal(role: str) -> None:
    conn = conn_for(role)
    conn.receive_eof()
    assert conn.state is State.CLOSED
    assert conn.close_code == 1006 and not conn.closing_handshake_done
    assert conn.should_close_transport


def test_eof_keeps_buffered_messages(role: str) -> None:
    conn = conn_for(role)
    conn.receive_data(pf(role, 1, b"a") + pf(role, 1, b"b") + pf(role, 8, b"\x03\xe8"))
    conn.receive_eof()
    assert conn.state is State.OPEN  # nothing lost: events still buffered
    assert conn.next_event() == (TEXT, "a")
    assert conn.next_event() == (TEXT, "b")
    assert conn.next_event() == (CLOSE, CloseFrame(1000, ""))
    assert conn.state is State.CLOSED
    assert conn.close_code == 1000


def test_eof_in_the_middle_of_a_frame(role: str) -> None:
    conn = conn_for(role)
    conn.receive_data(pf(role, 1, b"a") + pf(role, 1, b"truncated")[:-2])
    conn.receive_eof()
    assert conn.next_event() == (TEXT, "a")
    assert conn.next_event() is None
    assert conn.state is State.CLOSED and conn.close_code == 1006


def test_fail_by_user(role: str) -> None:
    conn = conn_for(role)
    conn.fail(1011, "keepalive ping timeout")
    assert failed_with(conn, 1011)
    with pytest.raises(ValueError):
        conn.fail(1006)


def test_long_fail_reason_is_truncated(role: str) -> None:
    conn = conn_for(role)
    conn.fail(1008, "é" * 100)
    sent = unmask_frames(conn.data_to_send())
    assert len(sent[-1][3]) <= 125
    assert conn.close_sent is not None and conn.close_sent.reason == "é" * 61


def test_ping_pong_and_types(role: str) -> None:
    conn = conn_for(role)
    conn.send_ping(b"k")
    conn.send_pong("u")
    assert unmask_frames(conn.data_to_send()) == [(9, True, 0, b"k"), (10, True, 0, b"u")]
    with pytest.raises(ValueError):
        conn.send_ping(b"x" * 126)
    with pytest.raises(TypeError):
        conn.send_text(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        conn.send_binary("str")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        conn.send_ping(1)  # type: ignore[arg-type]
    conn.send_binary(bytearray(b"ba"))
    conn.send_binary(memoryview(b"mv"))
    conn.send_text("t")
    sent = unmask_frames(conn.data_to_send())
    assert sent == [(2, True, 0, b"ba"), (2, True, 0, b"mv"), (1, True, 0, b"t")]


def test_data_to_send_coalesces(role: str) -> None:
    conn = conn_for(role)
    for i in range(20):
        conn.send_binary(bytes([i]) * 64)
    out = conn.data_to_send()
    assert isinstance(out, bytes)
    assert [p for _, _, _, p in unmask_frames(out)] == [bytes([i]) * 64 for i in range(20)]
    assert conn.data_to_send() == b""


def test_no_pong_after_close_sent(role: str) -> None:
    conn = conn_for(role)
    conn.send_close(1000)
    conn.data_to_send()
    conn.receive_data(pf(role, 9, b"p"))
    assert conn.next_event() == (PING, b"p")
    assert conn.data_to_send() == b""


def test_bare_connection_roles() -> None:
    server = Connection(client=False)
    client = Connection(client=True, max_size=None)
    client.send_text("hi")
    server.receive_data(client.data_to_send())
    assert server.next_event() == (TEXT, "hi")
    with pytest.raises(ValueError):
        Connection(client=True, max_size=-1)
