"""Standard input and output as asyncio streams, with backpressure, whatever they are.

Pipes and sockets are handed to the loop directly (``connect_read_pipe`` /
``connect_write_pipe``).  Anything else (a regular file, a terminal, ``/dev/null``) is relayed
through an ``os.pipe()`` by a daemon thread doing blocking reads or writes: the pipe's own
capacity (64 KiB on Linux) is then the bound, and the loop never blocks on a file or a terminal.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import stat
import threading

__all__ = ["CHUNK", "LINE_LIMIT", "Stdin", "StdoutWriter", "open_stdin", "open_stdout"]

CHUNK = 64 * 1024
#: The longest line the line framing accepts (the StreamReader's buffer limit).
LINE_LIMIT = 16 * 1024 * 1024


def _is_pipe_or_socket(fd: int) -> bool:
    mode = os.fstat(fd).st_mode
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def _copy(src: int, dst: int, close_dst: bool) -> None:
    """Blocking copy from ``src`` to ``dst`` until EOF or an error (runs in a thread)."""
    try:
        while True:
            data = os.read(src, CHUNK)
            if not data:
                break
            view = memoryview(data)
            while view:
                view = view[os.write(dst, view) :]
    except OSError:
        pass
    finally:
        if close_dst:
            with contextlib.suppress(OSError):
                os.close(dst)


class Stdin:
    """Standard input as a StreamReader; :meth:`close` releases the pipe."""

    def __init__(self, reader: asyncio.StreamReader, transport: asyncio.ReadTransport) -> None:
        self.reader = reader
        self._transport = transport

    def close(self) -> None:
        """Stop reading (a relay thread blocked on a terminal is a daemon and is left)."""
        self._transport.close()


async def open_stdin(fd: int = 0) -> Stdin:
    """Standard input as a StreamReader (the transport pauses when its buffer is full)."""
    loop = asyncio.get_running_loop()
    if _is_pipe_or_socket(fd):
        source = os.fdopen(os.dup(fd), "rb", buffering=0)
    else:
        read_end, write_end = os.pipe()
        threading.Thread(
            target=_copy, args=(fd, write_end, True), name="wsstream-stdin", daemon=True
        ).start()
        source = os.fdopen(read_end, "rb", buffering=0)
    reader = asyncio.StreamReader(limit=LINE_LIMIT, loop=loop)
    transport, _ = await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader, loop=loop), source
    )
    return Stdin(reader, transport)


class StdoutWriter:
    """Standard output as a StreamWriter; :meth:`aclose` flushes everything written."""

    def __init__(self, writer: asyncio.StreamWriter, relay: threading.Thread | None) -> None:
        self.writer = writer
        self._relay = relay

    async def aclose(self) -> None:
        """Close the stream and wait until every byte reached the real standard output."""
        with contextlib.suppress(OSError):
            self.writer.close()
            await self.writer.wait_closed()
        if self._relay is not None:
            await asyncio.to_thread(self._relay.join)


async def open_stdout(fd: int = 1) -> StdoutWriter:
    """Standard output as a StreamWriter (``drain()`` waits while the consumer is slow)."""
    loop = asyncio.get_running_loop()
    relay = None
    if _is_pipe_or_socket(fd):
        sink = os.fdopen(os.dup(fd), "wb", buffering=0)
    else:
        read_end, write_end = os.pipe()
        relay = threading.Thread(
            target=_relay_out, args=(read_end, fd), name="wsstream-stdout", daemon=True
        )
        relay.start()
        sink = os.fdopen(write_end, "wb", buffering=0)
    # A StreamReaderProtocol (with a reader nobody reads) is the stdlib's protocol that
    # gives a StreamWriter both drain() and wait_closed().
    transport, protocol = await loop.connect_write_pipe(
        lambda: asyncio.StreamReaderProtocol(asyncio.StreamReader(loop=loop), loop=loop), sink
    )
    writer = asyncio.StreamWriter(transport, protocol, None, loop)
    return StdoutWriter(writer, relay)


def _relay_out(read_end: int, fd: int) -> None:
    try:
        _copy(read_end, fd, close_dst=False)
    finally:
        os.close(read_end)
