"""permessage-deflate (RFC 7692): negotiation, round trips, bounds, violations."""

from __future__ import annotations

import zlib

import pytest
from protocol_helpers import MASK, drain, frame, open_pair, unmask_frames

from websocketstream.protocol import BINARY, HANDSHAKE, TEXT, ClientConnection, Connection, State
from websocketstream.protocol.deflate import (
    PerMessageDeflate,
    client_accept,
    server_negotiate,
)
from websocketstream.protocol.errors import NegotiationError
from websocketstream.protocol.handshake import accept_key
from websocketstream.protocol.headers import parse_extensions

KEY = "dGhlIHNhbXBsZSBub25jZQ=="


def params(value: str) -> list[tuple[str, str | None]]:
    [(name, p)] = parse_extensions(value)
    assert name == "permessage-deflate"
    return p


def client_with_response(extensions: str) -> ClientConnection:
    conn = ClientConnection(host="h", port=80, key=KEY)
    conn.data_to_send()
    conn.receive_data(
        (
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Accept: {accept_key(KEY)}\r\n"
            f"Sec-WebSocket-Extensions: {extensions}\r\n\r\n"
        ).encode()
    )
    conn.next_event()
    return conn


@pytest.mark.parametrize(
    "value",
    [
        "permessage-deflate",
        "permessage-deflate; server_no_context_takeover",
        "permessage-deflate; client_no_context_takeover",
        "permessage-deflate; server_max_window_bits=10",
        'permessage-deflate; server_max_window_bits="8"',
        "permessage-deflate; client_max_window_bits=9",
        "permessage-deflate;server_no_context_takeover;client_no_context_takeover;"
        "server_max_window_bits=15;client_max_window_bits=15",
    ],
)
def test_client_accepts_valid_responses(value: str) -> None:
    conn = client_with_response(value)
    assert conn.state is State.OPEN, conn.failure
    assert conn.extensions.startswith("permessage-deflate")


@pytest.mark.parametrize(
    "value",
    [
        "permessage-deflate; unknown",
        "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
        "permessage-deflate; server_no_context_takeover=1",
        "permessage-deflate; client_no_context_takeover=true",
        "permessage-deflate; server_max_window_bits",
        "permessage-deflate; server_max_window_bits=7",
        "permessage-deflate; server_max_window_bits=16",
        "permessage-deflate; server_max_window_bits=09",
        "permessage-deflate; server_max_window_bits=x",
        "permessage-deflate; client_max_window_bits",
        "permessage-deflate; client_max_window_bits=8",
        "permessage-deflate; =",
        "permessage-deflate, permessage-deflate",
    ],
)
def test_client_rejects_invalid_responses(value: str) -> None:
    conn = client_with_response(value)
    assert conn.state is State.CLOSED and conn.failure is not None


def test_client_accept_values() -> None:
    codec = client_accept(params("permessage-deflate; server_max_window_bits=10"))
    assert codec.remote_max_window_bits == 10 and codec.local_max_window_bits == 15
    with pytest.raises(NegotiationError):
        client_accept(params("permessage-deflate; foo=1"))


def test_server_negotiation() -> None:
    assert server_negotiate([]) is None
    codec = server_negotiate([params("permessage-deflate; client_max_window_bits")])
    assert codec is not None and codec.response == "permessage-deflate"
    codec = server_negotiate(
        [
            params("permessage-deflate; bogus"),  # declined
            params("permessage-deflate; server_max_window_bits=8"),  # zlib can't: declined
            params(
                "permessage-deflate; server_no_context_takeover; client_no_context_takeover;"
                " server_max_window_bits=12"
            ),
        ]
    )
    assert codec is not None
    assert codec.response == (
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover;"
        " server_max_window_bits=12"
    )
    assert codec.local_no_context_takeover and codec.remote_no_context_takeover
    assert codec.local_max_window_bits == 12
    assert server_negotiate([params("permessage-deflate; server_max_window_bits")]) is None


def test_server_declines_when_disabled() -> None:
    client, server = open_pair(compression="deflate", server_compression=None)
    assert client.extensions == "" and server.extensions == ""


def exchange(sender: Connection, receiver: Connection, messages: list[str | bytes]) -> list[int]:
    """Send messages; check they arrive intact; return each frame's wire payload size."""
    sizes = []
    for m in messages:
        if isinstance(m, str):
            sender.send_text(m)
        else:
            sender.send_binary(m)
        data = sender.data_to_send()
        [(opcode, fin, rsv, payload)] = unmask_frames(data)
        assert fin and opcode == (1 if isinstance(m, str) else 2)
        sizes.append(len(payload))
        assert rsv == (0x40 if len(m) >= 32 else 0)
        receiver.receive_data(data)
        assert drain(receiver) == [(TEXT if isinstance(m, str) else BINARY, m)]
    return sizes


@pytest.mark.parametrize("direction", ["c2s", "s2c"])
def test_round_trip_with_context_takeover(direction: str) -> None:
    client, server = open_pair(compression="deflate")
    assert client.extensions == "permessage-deflate" == server.extensions
    sender, receiver = (client, server) if direction == "c2s" else (server, client)
    text = "The quick brown fox jumps over the lazy dog. " * 20
    messages: list[str | bytes] = [text, text.encode(), "tiny", b"", "é" * 500]
    messages += [f"{text} #{i}" for i in range(200)]
    sizes = exchange(sender, receiver, messages)
    # Context takeover: a repeated message costs a few bytes the second time.
    assert sizes[0] < len(text) // 5 and sizes[1] < 20


def test_no_context_takeover() -> None:
    a = Connection(client=True, deflate=PerMessageDeflate(local_no_context_takeover=True))
    b = Connection(client=False, deflate=PerMessageDeflate(remote_no_context_takeover=True))
    text = "hello hello hello hello hello hello hello"
    sizes = exchange(a, b, [text] * 5)
    assert len(set(sizes)) == 1  # each message compressed from an empty window


def test_remote_no_context_takeover_resets_decoder() -> None:
    # The peer compresses each message independently; we must reset our inflater.
    b = Connection(client=True, deflate=PerMessageDeflate(remote_no_context_takeover=True))
    for _ in range(3):
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        body = c.compress(b"abcabcabcabc" * 10) + c.flush(zlib.Z_SYNC_FLUSH)
        b.receive_data(frame(2, body[:-4], rsv=0x40))
        assert b.next_event() == (BINARY, b"abcabcabcabc" * 10)


def compressed(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return (c.compress(data) + c.flush(zlib.Z_SYNC_FLUSH))[:-4]


def deflate_client(max_size: int | None = 2**20) -> Connection:
    return Connection(client=True, deflate=PerMessageDeflate(), max_size=max_size)


def failed_code(conn: Connection) -> int | None:
    assert conn.next_event() is None
    return conn.failure.code if conn.failure else None


def test_fragmented_compressed_message() -> None:
    conn = deflate_client()
    body = compressed(b"fragmented " * 100)
    third = len(body) // 3
    conn.receive_data(
        frame(1, body[:third], fin=False, rsv=0x40)
        + frame(9, b"ping")
        + frame(0, body[third : 2 * third], fin=False)
        + frame(0, body[2 * third :])
    )
    assert drain(conn) == [(9, b"ping"), (TEXT, "fragmented " * 100)]


def test_rsv1_on_continuation_fails() -> None:
    conn = deflate_client()
    body = compressed(b"x" * 100)
    conn.receive_data(frame(2, body[:5], fin=False, rsv=0x40) + frame(0, body[5:], rsv=0x40))
    assert failed_code(conn) == 1002


def test_rsv1_on_control_frame_fails() -> None:
    conn = deflate_client()
    conn.receive_data(frame(9, b"", rsv=0x40))
    assert failed_code(conn) == 1002


def test_invalid_compressed_data() -> None:
    conn = deflate_client()
    conn.receive_data(frame(2, b"\xff\xff\xff\xff", rsv=0x40))
    assert failed_code(conn) == 1007


def test_compressed_invalid_utf8() -> None:
    conn = deflate_client()
    conn.receive_data(frame(1, compressed(b"ok \xff ok" * 10), rsv=0x40))
    assert failed_code(conn) == 1007


def test_zip_bomb_is_bounded() -> None:
    bomb = compressed(b"\x00" * 50_000_000)  # ~50 KB on the wire
    assert len(bomb) < 100_000
    conn = deflate_client(max_size=100_000)
    conn.receive_data(frame(2, bomb, rsv=0x40))
    assert failed_code(conn) == 1009


def test_zip_bomb_across_fragments() -> None:
    bomb = compressed(b"\x00" * 5_000_000)
    conn = deflate_client(max_size=1_000_000)
    chunk = len(bomb) // 10
    data = frame(2, bomb[:chunk], fin=False, rsv=0x40)
    for i in range(1, 10):
        data += frame(0, bomb[i * chunk : (i + 1) * chunk], fin=False)
    conn.receive_data(data)
    assert failed_code(conn) == 1009


def test_compressed_max_size_exact() -> None:
    conn = deflate_client(max_size=1000)
    conn.receive_data(frame(2, compressed(b"y" * 1000), rsv=0x40))
    assert conn.next_event() == (BINARY, b"y" * 1000)
    conn.receive_data(frame(2, compressed(b"y" * 1001), rsv=0x40))
    assert failed_code(conn) == 1009


def test_compressed_frame_too_long_on_the_wire() -> None:
    conn = deflate_client(max_size=1000)
    conn.receive_data(bytes([0xC2, 127]) + (10**9).to_bytes(8, "big"))
    assert failed_code(conn) == 1009


def test_server_side_deflate_masked() -> None:
    server = Connection(client=False, deflate=PerMessageDeflate())
    server.receive_data(frame(1, compressed("grüße ".encode() * 30), rsv=0x40, mask=MASK))
    assert server.next_event() == (TEXT, "grüße " * 30)


def test_deflate_handshake_event() -> None:
    conn = client_with_response("permessage-deflate; server_no_context_takeover")
    assert conn.response is not None
    assert conn.response.extensions == "permessage-deflate; server_no_context_takeover"
    assert HANDSHAKE == 16


def test_codec_argument_checks() -> None:
    with pytest.raises(ValueError):
        PerMessageDeflate(local_max_window_bits=8)
    with pytest.raises(ValueError):
        PerMessageDeflate(remote_max_window_bits=16)
