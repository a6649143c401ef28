"""Ours (no WPT file): a small input that inflates to a lot is inflated only as fast as the
reader reads, in pieces, so memory stays bounded; a cancel stops the inflating."""

from __future__ import annotations

import tracemalloc

import pytest

from tests.compression.helpers import FORMATS, compress
from tests.streams.helpers import flush_callbacks, settle
from websocketstream import DecompressionStream
from websocketstream.streams.compression import OUTPUT_PIECE_SIZE

MiB = 1024 * 1024
BOMB_SIZE = 64 * MiB  # inflated; about 64 KiB deflated


@pytest.fixture(scope="module")
def bombs() -> dict[str, bytes]:
    return {format: compress(bytes(BOMB_SIZE), format) for format in FORMATS}


@pytest.mark.parametrize("format", FORMATS)
async def test_without_a_reader_one_piece_is_inflated(format: str, bombs: dict[str, bytes]) -> None:
    stream = DecompressionStream(format)
    writer = stream.writable.get_writer()
    reader = stream.readable.get_reader()
    first = reader.read()
    write = writer.write(bombs[format])
    value, _ = await first
    assert len(value) == OUTPUT_PIECE_SIZE
    await flush_callbacks()
    # The write waits for the reader; one more piece at most is waiting in the queue.
    assert not write.done()
    assert writer.desired_size == 0
    second = await reader.read()
    assert len(second.value) == OUTPUT_PIECE_SIZE
    await flush_callbacks()
    assert not write.done()


@pytest.mark.parametrize("format", FORMATS)
async def test_reading_a_bomb_keeps_memory_bounded(format: str, bombs: dict[str, bytes]) -> None:
    stream = DecompressionStream(format)
    writer = stream.writable.get_writer()
    reader = stream.readable.get_reader()
    tracemalloc.start()
    try:
        writer.write(bombs[format])
        writer.close()
        total = 0
        while True:
            value, done = await reader.read()
            if done:
                break
            assert len(value) <= OUTPUT_PIECE_SIZE
            total += len(value)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == BOMB_SIZE
    # A few pieces and the input, not the 64 MiB the input inflates to.
    assert peak < 2 * MiB, f"peak {peak} bytes"


@pytest.mark.parametrize("format", FORMATS)
async def test_cancelling_the_readable_stops_inflating(
    format: str, bombs: dict[str, bytes]
) -> None:
    stream = DecompressionStream(format)
    writer = stream.writable.get_writer()
    reader = stream.readable.get_reader()
    first = reader.read()
    write = writer.write(bombs[format])
    await first
    await reader.cancel("enough")
    # The cancel errors the writable side with its reason; the pending write fails too.
    assert await settle(writer.closed) == ("rejected", "enough")
    assert (await settle(write))[0] == "rejected"
