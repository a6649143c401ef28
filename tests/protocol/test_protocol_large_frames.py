"""Large frames: their payload gets a buffer of its own (``receive_data`` moves bytes there,
``receive_buffer``/``received_into`` let the session read the socket straight into it).  The
events, the checks and the bounds must be those of the ordinary path."""

from __future__ import annotations

import os
import random
import zlib
from typing import Any

import pytest
from protocol_helpers import failed_with, open_conn, peer_frame

from websocketstream.protocol import BINARY, CLOSE, PING, TEXT, CloseFrame, Connection, State

ROLES = ["client", "server"]
BIG = 200_000  # well above the size that gets a buffer of its own


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


def feed(conn: Connection, data: bytes, sizes: list[int], *, direct: bool) -> list[object]:
    """Feed ``data`` in reads of the given sizes (cycled) as the session does, reading
    events after each read; with ``direct``, into ``receive_buffer()`` when offered."""
    events: list[object] = []
    pos = 0
    i = 0
    while pos < len(data):
        size = sizes[i % len(sizes)]
        i += 1
        view = conn.receive_buffer() if direct else None
        if view is not None:
            n = min(size, len(view), len(data) - pos)
            view[:n] = data[pos : pos + n]
            conn.received_into(n)
        else:
            n = min(size, len(data) - pos)
            conn.receive_data(data[pos : pos + n])
        pos += n
        while (event := conn.next_event()) is not None:
            events.append(event)
    return events


@pytest.mark.parametrize("direct", [False, True])
@pytest.mark.parametrize("sizes", [[256 * 1024], [65_537], [1000, 70_000], [3, 100_000, 7]])
def test_large_frames_between_small_ones(role: str, direct: bool, sizes: list[int]) -> None:
    conn = conn_for(role)
    big1 = os.urandom(BIG)
    big2 = os.urandom(BIG + 1)
    data = (
        pf(role, 1, b"a")
        + pf(role, 2, big1)
        + pf(role, 2, big2)
        + pf(role, 1, "é".encode() * 40_000)
        + pf(role, 9, b"p")
        + pf(role, 2, b"tail")
    )
    events = feed(conn, data, sizes, direct=direct)
    assert events == [
        (TEXT, "a"),
        (BINARY, big1),
        (BINARY, big2),
        (TEXT, "é" * 40_000),
        (PING, b"p"),
        (BINARY, b"tail"),
    ]
    assert conn.buffered == 0
    assert conn.failure is None


def test_payloads_are_not_overwritten_by_the_next_large_frame(role: str) -> None:
    conn = conn_for(role)
    first, second = b"1" * BIG, b"2" * BIG
    events = feed(conn, pf(role, 2, first) + pf(role, 2, second), [100_000], direct=True)
    assert events == [(BINARY, first), (BINARY, second)]
    assert type(events[0][1]) is bytes  # type: ignore[index]


@pytest.mark.parametrize("first", [b"", b"\x81\x01a"])
def test_receive_buffer_offers_only_the_missing_payload(role: str, first: bytes) -> None:
    conn = conn_for(role)
    if first and role == "server":
        first = pf(role, 1, b"a")
    data = first + pf(role, 2, b"x" * BIG) + pf(role, 1, b"next")
    conn.receive_data(data[:100_000])
    if first:
        # A large frame behind a message: seen only when the reader gets that far.
        assert conn.receive_buffer() is None
        assert conn.next_event() == (TEXT, "a")
    assert conn.next_event() is None
    view = conn.receive_buffer()
    assert view is not None
    head = len(data) - BIG - len(pf(role, 1, b"next"))
    assert len(view) == BIG - (100_000 - head)
    assert conn.buffered == 100_000 - len(first)
    view[:] = data[100_000 : 100_000 + len(view)]
    conn.received_into(len(view))
    assert conn.receive_buffer() is None
    conn.receive_data(data[100_000 + len(view) :])
    assert conn.next_event() == (BINARY, b"x" * BIG)
    assert conn.next_event() == (TEXT, "next")
    assert conn.buffered == 0


def test_masking_key_split_from_the_length(role: str) -> None:
    conn = conn_for(role)
    payload = os.urandom(BIG)
    data = pf(role, 2, payload)
    for cut in (10, 12):
        conn.receive_data(data[:cut])
        assert conn.next_event() is None
        conn.receive_data(data[cut : cut + 70_000])
        assert conn.next_event() is None
        rest = data[cut + 70_000 :]
        view = conn.receive_buffer()
        assert view is not None and len(view) == len(rest)
        view[:] = rest
        conn.received_into(len(rest))
        assert conn.next_event() == (BINARY, payload)


def test_fragmented_large_message_with_a_ping_between(role: str) -> None:
    conn = conn_for(role)
    parts = [os.urandom(100_000), os.urandom(150_000), os.urandom(70_000)]
    data = (
        pf(role, 2, parts[0], fin=False)
        + pf(role, 0, parts[1], fin=False)
        + pf(role, 9, b"hi")
        + pf(role, 0, parts[2])
    )
    events = feed(conn, data, [65_536], direct=True)
    assert events == [(PING, b"hi"), (BINARY, b"".join(parts))]


def test_large_text_with_invalid_utf8_fails(role: str) -> None:
    conn = conn_for(role)
    feed(conn, pf(role, 1, b"x" * BIG + b"\xff"), [65_536], direct=True)
    assert failed_with(conn, 1007)
    assert conn.receive_buffer() is None


def test_large_frame_over_max_size_gets_no_buffer(role: str) -> None:
    conn = conn_for(role, max_size=100_000)
    conn.receive_data(pf(role, 2, b"x" * 100_001)[:90_000])  # peeked at: too big to collect
    assert conn.receive_buffer() is None
    assert conn.next_event() is None
    assert failed_with(conn, 1009)
    assert conn.receive_buffer() is None
    assert conn.buffered == 0


def test_large_frame_at_max_size(role: str) -> None:
    conn = conn_for(role, max_size=BIG)
    payload = os.urandom(BIG)
    assert feed(conn, pf(role, 2, payload), [70_000], direct=True) == [(BINARY, payload)]


def test_large_frame_with_reserved_bits_fails(role: str) -> None:
    conn = conn_for(role)
    feed(conn, pf(role, 2, b"x" * BIG, rsv=0x20), [100_000], direct=True)
    assert failed_with(conn, 1002)
    assert conn.receive_buffer() is None


def test_large_control_frame_length_fails(role: str) -> None:
    conn = conn_for(role)
    conn.receive_data(pf(role, 9, b"x" * BIG)[:100_000])
    assert conn.receive_buffer() is None
    assert conn.next_event() is None
    assert failed_with(conn, 1002)


def test_eof_in_the_middle_of_a_large_payload(role: str) -> None:
    conn = conn_for(role)
    data = pf(role, 1, b"a") + pf(role, 2, b"x" * BIG)
    assert feed(conn, data[:-10], [80_000], direct=True) == [(TEXT, "a")]
    conn.receive_eof()
    assert conn.next_event() is None
    assert conn.state is State.CLOSED and conn.close_code == 1006
    assert conn.receive_buffer() is None
    assert conn.buffered == 0


def test_close_after_a_large_frame(role: str) -> None:
    conn = conn_for(role)
    payload = os.urandom(BIG)
    data = pf(role, 2, payload) + pf(role, 8, b"\x03\xe8")
    events = feed(conn, data, [90_000], direct=True)
    assert events == [(BINARY, payload), (CLOSE, CloseFrame(1000, ""))]


def test_large_compressed_message() -> None:
    client = conn_for("client", compression="deflate")
    payload = os.urandom(BIG // 2) + b"z" * BIG
    codec = zlib.compressobj(wbits=-15)
    body = codec.compress(payload) + codec.flush(zlib.Z_SYNC_FLUSH)
    assert body.endswith(b"\x00\x00\xff\xff")
    data = pf("client", 2, body[:-4], rsv=0x40)
    assert feed(client, data, [65_536], direct=True) == [(BINARY, payload)]


@pytest.mark.parametrize("seed", range(8))
def test_random_reads(role: str, seed: int) -> None:
    rng = random.Random(seed)
    messages: list[bytes] = [
        rng.randbytes(rng.choice([0, 5, 126, 65_535, 65_536, 300_000])) for _ in range(12)
    ]
    data = b"".join(pf(role, 2, m) for m in messages)
    sizes = [rng.choice([1, 10, 1000, 65_536, 262_144]) for _ in range(20)]
    assert feed(conn_for(role), data, sizes, direct=bool(seed & 1)) == [
        (BINARY, m) for m in messages
    ]


def test_lying_length_without_max_size_allocates_nothing_up_front(role: str) -> None:
    conn = conn_for(role, max_size=None)
    mbit = 0 if role == "client" else 0x80
    head = bytes([0x82, 127 | mbit]) + (2**62).to_bytes(8, "big") + (b"\0" * 4 if mbit else b"")
    conn.receive_data(head + b"x" * 100_000)
    assert conn.next_event() is None
    assert conn.receive_buffer() is None  # buffered as it arrives, not collected
    assert conn.failure is None
    assert conn.buffered == len(head) + 100_000


def test_frame_longer_than_collect_limit_without_max_size(role: str) -> None:
    conn = conn_for(role, max_size=None)
    payload = b"y" * (17 * 1024 * 1024)
    assert feed(conn, pf(role, 2, payload), [4 * 1024 * 1024], direct=True) == [(BINARY, payload)]


@pytest.mark.parametrize("sizes", [[256 * 1024], [100_000], [1, 2, 3, 100_000], [5, 70_000]])
def test_next_large_frame_lands_in_place(role: str, sizes: list[int]) -> None:
    # At a frame boundary, once a large frame was received, the socket is read into that
    # frame's reused buffer: a large frame starting there keeps its payload in place.
    conn = conn_for(role)
    payloads = [os.urandom(BIG), os.urandom(BIG), os.urandom(BIG - 3)]
    first = feed(conn, pf(role, 2, payloads[0]), [100_000], direct=True)
    assert first == [(BINARY, payloads[0])]
    view = conn.receive_buffer()
    assert view is not None
    spare = view.obj
    conn.receive_data(b"")  # a read not taken: the offer is withdrawn
    data = b"".join(pf(role, 2, p) for p in payloads[1:]) + pf(role, 1, b"end")
    events = feed(conn, data, sizes, direct=True)
    assert events == [(BINARY, payloads[1]), (BINARY, payloads[2]), (TEXT, "end")]
    assert conn._spare is spare
    assert conn.buffered == 0
    assert conn.failure is None


def test_landing_read_keeps_the_payload_in_place(role: str) -> None:
    conn = conn_for(role)
    feed(conn, pf(role, 2, b"a" * BIG), [100_000], direct=True)
    payload = os.urandom(BIG)
    data = pf(role, 2, payload)
    view = conn.receive_buffer()
    assert view is not None
    view[:100_000] = data[:100_000]
    conn.received_into(100_000)
    rest = conn.receive_buffer()
    assert rest is not None and rest.obj is view.obj  # the same buffer: nothing was moved
    assert len(rest) == len(data) - 100_000
    assert conn.buffered == 100_000
    rest[:] = data[100_000:]
    conn.received_into(len(rest))
    assert conn.next_event() == (BINARY, payload)


def test_landing_read_of_small_frames_and_a_larger_frame(role: str) -> None:
    conn = conn_for(role)
    feed(conn, pf(role, 2, b"a" * 70_000), [100_000], direct=True)
    bigger = os.urandom(BIG)  # does not fit the spare buffer: buffered as usual
    data = pf(role, 1, b"x") + pf(role, 9, b"p") + pf(role, 2, bigger) + pf(role, 2, b"y" * 70_000)
    events = feed(conn, data, [262_144], direct=True)
    assert events == [(TEXT, "x"), (PING, b"p"), (BINARY, bigger), (BINARY, b"y" * 70_000)]


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ({"opcode": 2, "payload": b"x" * 100_001}, 1009),
        ({"opcode": 2, "payload": b"x" * BIG, "rsv": 0x20}, 1002),
        ({"opcode": 9, "payload": b"x" * BIG}, 1002),
        ({"opcode": 1, "payload": b"x" * 80_000 + b"\xff"}, 1007),
    ],
)
def test_landing_read_of_a_bad_frame_fails(role: str, frame: dict[str, Any], code: int) -> None:
    conn = conn_for(role, max_size=100_000)
    feed(conn, pf(role, 2, b"a" * 90_000), [50_000], direct=True)
    assert conn.receive_buffer() is not None
    feed(conn, pf(role, **frame), [100_000], direct=True)
    assert failed_with(conn, code)
    assert conn.receive_buffer() is None
    assert conn.buffered == 0
