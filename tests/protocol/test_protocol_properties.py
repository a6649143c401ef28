"""Property tests: any fragmentation, any read boundaries → the same messages; no input raises."""

from __future__ import annotations

import zlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from protocol_helpers import MASK, drain, frame

from websocketstream.protocol import (
    BINARY,
    PING,
    TEXT,
    Connection,
    PerMessageDeflate,
    State,
)

message = st.one_of(st.text(max_size=300), st.binary(max_size=300))


@st.composite
def scenario(draw: st.DrawFn) -> tuple[bool, bool, list[str | bytes], list[bytes], bytes]:
    """A role, deflate on/off, messages, and their wire bytes with random fragmentation,
    interleaved pings, and the wire cut at random boundaries.
    """
    to_client = draw(st.booleans())
    deflate = draw(st.booleans())
    messages = draw(st.lists(message, max_size=6))
    mask = None if to_client else MASK
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    wire = b""
    pings = []
    for m in messages:
        opcode = 1 if isinstance(m, str) else 2
        payload = m.encode() if isinstance(m, str) else m
        rsv = 0
        if deflate and draw(st.booleans()):
            payload = compressor.compress(payload) + compressor.flush(zlib.Z_SYNC_FLUSH)
            payload = payload[:-4]
            rsv = 0x40
        cuts = sorted(draw(st.lists(st.integers(0, len(payload)), max_size=4)))
        pieces = [payload[a:b] for a, b in zip([0, *cuts], [*cuts, len(payload)], strict=True)]
        for i, piece in enumerate(pieces):
            last = i == len(pieces) - 1
            wire += frame(
                opcode if i == 0 else 0,
                piece,
                fin=last,
                rsv=rsv if i == 0 else 0,
                mask=mask,
            )
            if not last and draw(st.booleans()):
                ping = draw(st.binary(max_size=10))
                pings.append(ping)
                wire += frame(9, ping, mask=mask)
    return to_client, deflate, messages, pings, wire


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(scenario(), st.lists(st.integers(1, 50), max_size=30))
def test_any_fragmentation_and_split_reassembles(
    case: tuple[bool, bool, list[str | bytes], list[bytes], bytes], splits: list[int]
) -> None:
    to_client, deflate, messages, pings, wire = case
    conn = Connection(client=to_client, deflate=PerMessageDeflate() if deflate else None)
    events = []
    pos = 0
    for step in [*splits, len(wire)]:
        conn.receive_data(wire[pos : pos + step])
        pos += step
        events += drain(conn)
    conn.receive_data(wire[pos:])
    events += drain(conn)
    assert conn.failure is None
    assert [e for e in events if e[0] != PING] == [
        (TEXT, m) if isinstance(m, str) else (BINARY, m) for m in messages
    ]
    assert [e[1] for e in events if e[0] == PING] == pings
    assert conn.buffered == 0


@settings(max_examples=300, deadline=None)
@given(st.booleans(), st.booleans(), st.lists(st.binary(max_size=40), max_size=10))
def test_garbage_never_raises(to_client: bool, deflate: bool, chunks: list[bytes]) -> None:
    conn = Connection(
        client=to_client, max_size=1000, deflate=PerMessageDeflate() if deflate else None
    )
    for chunk in chunks:
        conn.receive_data(chunk)
        drain(conn)
        conn.data_to_send()
    conn.receive_eof()
    drain(conn)
    assert conn.state in (State.CLOSING, State.CLOSED)
    if conn.failure is not None:
        assert conn.failure.code in (1002, 1007, 1009)


@settings(max_examples=100, deadline=None)
@given(st.lists(message, max_size=8), st.booleans())
def test_round_trip_our_encoder(messages: list[str | bytes], deflate: bool) -> None:
    def codec() -> PerMessageDeflate | None:
        return PerMessageDeflate() if deflate else None

    for sender_is_client in (True, False):
        sender = Connection(client=sender_is_client, deflate=codec())
        receiver = Connection(client=not sender_is_client, deflate=codec())
        for m in messages:
            if isinstance(m, str):
                sender.send_text(m)
            else:
                sender.send_binary(m)
        receiver.receive_data(sender.data_to_send())
        assert drain(receiver) == [
            (TEXT, m) if isinstance(m, str) else (BINARY, m) for m in messages
        ]
