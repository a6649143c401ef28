"""Test helpers for the protocol layer: an independent raw frame encoder and connected pairs."""

from __future__ import annotations

import struct

from websocketstream.protocol import (
    ClientConnection,
    Connection,
    Event,
    ServerConnection,
    State,
)

MASK = b"\x37\xfa\x21\x3d"


def frame(
    opcode: int,
    payload: bytes = b"",
    *,
    fin: bool = True,
    rsv: int = 0,
    mask: bytes | None = None,
    length: int | None = None,
) -> bytes:
    """Encode one frame by hand (deliberately not with the code under test).

    ``rsv`` is the RSV bits already shifted (0x40, 0x20, 0x10); ``length`` overrides the
    encoded length (for lying frames); a 64-bit length is used when ``length`` ≥ 2**16.
    """
    b0 = (0x80 if fin else 0) | rsv | opcode
    n = len(payload) if length is None else length
    mbit = 0x80 if mask is not None else 0
    if n < 126:
        head = bytes([b0, mbit | n])
    elif n < 65536:
        head = struct.pack("!BBH", b0, mbit | 126, n)
    else:
        head = struct.pack("!BBQ", b0, mbit | 127, n)
    if mask is None:
        return head + payload
    body = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return head + mask + body


def peer_frame(opcode: int, payload: bytes = b"", *, to_client: bool, **kw: object) -> bytes:
    """A frame as the peer of the given role sends it (clients mask, servers do not)."""
    return frame(opcode, payload, mask=None if to_client else MASK, **kw)  # type: ignore[arg-type]


def unmask_frames(data: bytes) -> list[tuple[int, bool, int, bytes]]:
    """Decode frames sent by a connection: ``[(opcode, fin, rsv, payload), ...]``."""
    out = []
    pos = 0
    while pos < len(data):
        b0, b1 = data[pos], data[pos + 1]
        n = b1 & 0x7F
        pos += 2
        if n == 126:
            n = struct.unpack("!H", data[pos : pos + 2])[0]
            pos += 2
        elif n == 127:
            n = struct.unpack("!Q", data[pos : pos + 8])[0]
            pos += 8
        key = None
        if b1 & 0x80:
            key = data[pos : pos + 4]
            pos += 4
        payload = data[pos : pos + n]
        pos += n
        if key is not None:
            payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
        out.append((b0 & 0x0F, bool(b0 & 0x80), b0 & 0x70, payload))
    return out


def drain(conn: Connection) -> list[Event]:
    """All events available now."""
    events = []
    while (event := conn.next_event()) is not None:
        events.append(event)
    return events


def open_pair(
    *,
    compression: str | None = None,
    server_compression: str | None = "deflate",
    max_size: int | None = 2**20,
) -> tuple[ClientConnection, ServerConnection]:
    """A client and a server connection that completed their handshake."""
    client = ClientConnection(
        host="example.com", port=80, compression=compression, max_size=max_size
    )
    server = ServerConnection(compression=server_compression, max_size=max_size)
    server.receive_data(client.data_to_send())
    event = server.next_event()
    assert event is not None and event[0] == 17
    server.accept()
    client.receive_data(server.data_to_send())
    event = client.next_event()
    assert event is not None and event[0] == 16, client.failure
    assert client.state is State.OPEN and server.state is State.OPEN
    return client, server


def open_conn(role: str, **kw: object) -> Connection:
    """An OPEN connection of ``role`` ("client" or "server") built with the handshake."""
    client, server = open_pair(**kw)  # type: ignore[arg-type]
    return client if role == "client" else server


def failed_with(conn: Connection, code: int) -> bool:
    """Whether ``conn`` failed and sent a Close frame with ``code``."""
    sent = unmask_frames(conn.data_to_send())
    return (
        conn.failure is not None
        and conn.failure.code == code
        and conn.should_close_transport
        and conn.state is State.CLOSING
        and bool(sent)
        and sent[-1][0] == 8
        and sent[-1][3][:2] == code.to_bytes(2, "big")
    )
