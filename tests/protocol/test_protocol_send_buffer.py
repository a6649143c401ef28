"""Large masked frames (client) are masked into a reused send buffer: every frame stays
byte-exact, and the buffer is overwritten only once nothing references what was handed out
(``data_to_send()`` copied it, or ``send_buffers_released()`` was called)."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest
from protocol_helpers import open_conn, unmask_frames

from websocketstream.protocol import Connection, frames
from websocketstream.session import Session

SIZES = [65537, 70_001, 1 << 20, (1 << 20) + 3]


@pytest.fixture(params=["numpy", "pure"])
def accelerator(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "numpy":
        pytest.importorskip("numpy")
    else:
        monkeypatch.setattr(frames, "_numpy", None)
    return str(request.param)


def client() -> Connection:
    conn = open_conn("client", compression=None)
    conn.data_to_send()
    return conn


def frames_of(parts: list[Any]) -> list[tuple[int, bool, int, bytes]]:
    return unmask_frames(b"".join(bytes(part) for part in parts))


def test_mask_into_matches_mask_int(accelerator: str) -> None:
    for size in [frames.NUMPY_MASK_THRESHOLD, 65535, 65537, (1 << 20) + 3]:
        payload = os.urandom(size)
        key = int.from_bytes(os.urandom(4), "little")
        out = bytearray(size + 20)
        frames.mask_into(payload, key, out, 16)
        assert out[16 : 16 + size] == frames.mask_int(payload, key, accelerate=False)
        assert out[:16] == bytes(16)
        assert out[16 + size :] == bytes(4)


@pytest.mark.parametrize("size", SIZES)
def test_large_frames_are_byte_exact(accelerator: str, size: int) -> None:
    conn = client()
    payloads = [os.urandom(size) for _ in range(3)]
    for payload in payloads:
        conn.send_binary(payload)
        parts = conn.data_to_send_parts()
        assert frames_of(parts) == [(2, True, 0, payload)]
        conn.send_buffers_released()
    conn.send_text("é" * (size // 2))
    assert frames_of(conn.data_to_send_parts()) == [(1, True, 0, ("é" * (size // 2)).encode())]


def test_buffer_not_reused_while_lent(accelerator: str) -> None:
    conn = client()
    first, second = os.urandom(1 << 20), os.urandom(1 << 20)
    conn.send_binary(first)
    lent = conn.data_to_send_parts()
    snapshot = b"".join(bytes(part) for part in lent)
    conn.send_binary(second)  # no send_buffers_released(): a fresh buffer
    assert b"".join(bytes(part) for part in lent) == snapshot
    assert frames_of(lent) == [(2, True, 0, first)]
    assert frames_of(conn.data_to_send_parts()) == [(2, True, 0, second)]


def test_buffer_reused_once_released() -> None:
    conn = client()
    conn.send_binary(os.urandom(1 << 20))
    (first,) = conn.data_to_send_parts()
    assert isinstance(first, memoryview)
    conn.send_buffers_released()
    payload = os.urandom(1 << 20)
    conn.send_binary(payload)
    (second,) = conn.data_to_send_parts()
    assert isinstance(second, memoryview)
    assert second.obj is first.obj  # the same buffer, overwritten
    assert frames_of([second]) == [(2, True, 0, payload)]


def test_data_to_send_copies_so_the_buffer_is_free() -> None:
    conn = client()
    payloads = [os.urandom(1 << 20) for _ in range(3)]
    sent = []
    for payload in payloads:
        conn.send_binary(payload)
        sent.append(conn.data_to_send())
    assert [unmask_frames(data) for data in sent] == [[(2, True, 0, p)] for p in payloads]


def test_two_large_frames_queued_before_a_flush(accelerator: str) -> None:
    conn = client()
    conn.send_binary(os.urandom(1 << 20))
    conn.data_to_send_parts()
    conn.send_buffers_released()
    payloads = [os.urandom(1 << 20), os.urandom(100_000), os.urandom(1 << 20)]
    for payload in payloads:
        conn.send_binary(payload)
    conn.send_buffers_released()  # nothing was handed out since: must not free queued buffers
    conn.send_binary(b"small")
    parts = conn.data_to_send_parts()
    assert frames_of(parts) == [(2, True, 0, p) for p in [*payloads, b"small"]]


def test_a_larger_message_gets_a_larger_buffer() -> None:
    conn = client()
    payloads = [os.urandom(70_000), os.urandom(1 << 20), os.urandom(70_000)]
    for payload in payloads:
        conn.send_binary(payload)
        assert frames_of(conn.data_to_send_parts()) == [(2, True, 0, payload)]
        conn.send_buffers_released()


class _Handler:
    def session_opened(self) -> None:
        pass

    def session_message(self, data: str | bytes) -> None:
        pass

    def session_closing(self) -> None:
        pass

    def session_closed(self, was_clean: bool, code: int, reason: str) -> None:
        pass


class _KeepingTransport(asyncio.Transport):
    """Queues what it is given without copying (as asyncio 3.12+ may do with a memoryview)
    until ``drain()``; ``sends_all`` makes every write complete at once instead."""

    def __init__(self, *, sends_all: bool) -> None:
        super().__init__()
        self.sends_all = sends_all
        self.queued: list[memoryview] = []
        self.sent: list[bytes] = []

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        pass

    def is_closing(self) -> bool:
        return False

    def write(self, data: Any) -> None:
        if self.sends_all:
            self.sent.append(bytes(data))
        else:
            self.queued.append(memoryview(data))

    def get_write_buffer_size(self) -> int:
        return sum(len(view) for view in self.queued)

    def drain(self) -> None:
        self.sent += [bytes(view) for view in self.queued]
        self.queued = []


@pytest.mark.parametrize("sends_all", [False, True])
async def test_session_never_overwrites_what_the_transport_holds(sends_all: bool) -> None:
    conn = client()
    transport = _KeepingTransport(sends_all=sends_all)
    session = Session(conn, _Handler())
    session.connection_made(transport)
    payloads = [os.urandom(1 << 20), os.urandom(1 << 20), os.urandom(300_001)]
    for payload in payloads[:2]:
        session.send(payload)
    transport.drain()
    session.send(payloads[2])  # an empty transport buffer now, but only checked after writes
    session.send(payloads[0])
    transport.drain()
    data = b"".join(transport.sent)
    assert unmask_frames(data) == [(2, True, 0, p) for p in [*payloads, payloads[0]]]
