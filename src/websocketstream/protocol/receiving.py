"""Receive buffering for :class:`~.connection.Connection`: the bytes from the network, held
until the parser asks for them (lazy parsing is what lets backpressure reach TCP), and the
large-frame payload buffer the socket may be read into directly.

A mixin: :class:`ReceiveBuffer` holds no state of its own; the connection's slots declared
below are its (set up in ``Connection.__init__``).  Lifecycle questions (may input still be
taken?) are read from the connection's phase flags, never changed here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from .frames import peek_data_frame
from .state import CLOSED, CONNECTING, OPEN, State

__all__ = ["ReceiveBuffer"]

#: Frames at least this long whose payload is incomplete get a buffer of their own.
BIG_FRAME: Final = 64 * 1024
#: Longest frame header (2 bytes, a 64-bit length, a masking key; RFC 6455 §5.2).
_MAX_HEADER: Final = 14
#: Longest read offered at a frame boundary by receive_buffer() (into the spare frame buffer).
_LANDING_MAX: Final = 256 * 1024
#: Largest frame buffer kept for reuse (see ReceiveBuffer._collect_payload).
_SPARE_MAX: Final = 4 * 1024 * 1024
#: Largest frame given a buffer of its own: the buffer is allocated before the payload
#: arrives, so with no max_size a lying header must not make it huge; longer frames are
#: buffered as they arrive.
COLLECT_MAX: Final = 16 * 1024 * 1024


class ReceiveBuffer:
    """Buffering of received bytes (the inbound half of a connection)."""

    if not TYPE_CHECKING:  # no instance dict; mypy checks the attributes against Connection's
        __slots__ = ()

    # The connection's slots this part uses.
    state: State
    _discard: bool
    _max_wire: int
    _buf: bytes
    _pos: int
    _chunks: list[bytes]
    _chunks_len: int
    _big_view: memoryview | None
    _big_fill: int
    _spare: bytearray | None
    _landing: bool

    @property
    def buffered(self) -> int:
        """Bytes received and not parsed yet (for the session's read pause)."""
        return len(self._buf) - self._pos + self._chunks_len + self._big_fill

    def receive_data(self, data: bytes | bytearray | memoryview) -> None:
        """Buffer bytes from the network (copied if not ``bytes``); no events are parsed here
        (at most a large frame's header is peeked at, to give its payload its own buffer)."""
        self._landing = False
        if self._discard or self.state is CLOSED or not data:
            return
        big = self._big_view
        if big is not None:
            # A large frame's payload is being collected: its bytes go straight there.
            fill = self._big_fill
            room = len(big) - fill
            if room:
                view = memoryview(data).cast("B")
                n = min(room, len(view))
                big[fill : fill + n] = view[:n]
                self._big_fill = fill + n
                if n == len(view):
                    return
                data = view[n:]
        if self._pos >= len(self._buf) and not self._chunks:
            if len(data) > BIG_FRAME and self.state is not CONNECTING:
                # At a frame boundary: if a large frame starts here, its payload goes to a
                # buffer of its own now rather than being copied twice (here, then there).
                # The header is only peeked at; _parse checks it as usual.
                view = memoryview(data).cast("B")
                big_frame = peek_data_frame(view, BIG_FRAME, min(self._max_wire, COLLECT_MAX))
                if big_frame is not None:
                    start, length = big_frame
                    if start + length > len(view):
                        self._buf = b""
                        self._pos = 0
                        self._collect_payload(bytes(view[:start]), length, view[start:])
                        return
            self._buf = bytes(data)
            self._pos = 0
        else:
            chunk = bytes(data)
            self._chunks.append(chunk)
            self._chunks_len += len(chunk)

    def receive_buffer(self) -> memoryview | None:
        """Where the next bytes from the network may be written directly, or None.

        While a large frame's payload is incomplete, a writable view of its missing part (at
        most the rest of the frame, so never past ``max_size``): read the socket into it and
        call :meth:`received_into`, saving the copies of :meth:`receive_data`.  At a frame
        boundary, once a large frame was received, the start of its (reused) buffer: a large
        frame that starts there keeps its payload in place.  None otherwise.
        """
        big = self._big_view
        if big is None:
            spare = self._spare
            if (
                spare is None
                or self._pos < len(self._buf)
                or self._chunks
                or self._discard
                or self.state is not OPEN
            ):
                self._landing = False
                return None
            self._landing = True
            return memoryview(spare)[:_LANDING_MAX]
        self._landing = False
        if self._big_fill >= len(big) or self._discard:
            return None
        return big[self._big_fill :]

    def received_into(self, nbytes: int) -> None:
        """``nbytes`` bytes were written at the start of the view :meth:`receive_buffer`
        returned (no parsing happens here)."""
        if self._landing:
            self._landing = False
            spare = self._spare
            assert spare is not None
            view = memoryview(spare)[:nbytes]
            big_frame = peek_data_frame(view, BIG_FRAME, min(self._max_wire, COLLECT_MAX))
            if big_frame is not None:
                # As in receive_data: a large frame starting here keeps its payload where it
                # was read (the header is only peeked at; _parse checks it as usual).
                start, length = big_frame
                if nbytes < start + length <= len(spare) and start <= nbytes:
                    self._buf = bytes(view[:start])
                    self._pos = 0
                    self._big_view = memoryview(spare)[start : start + length]
                    self._big_fill = nbytes - start
                    return
            # Anything else is buffered as usual, copied out first (the spare buffer may be
            # given to the next large frame).
            self.receive_data(bytes(view))
            return
        if self._big_view is not None and not self._discard:
            self._big_fill = min(self._big_fill + nbytes, len(self._big_view))

    def _drop_input(self) -> None:
        self._buf = b""
        self._pos = 0
        self._chunks = []
        self._chunks_len = 0
        self._big_view = None
        self._big_fill = 0

    def _collect_payload(self, head: bytes, length: int, first: memoryview) -> None:
        """Give the incomplete payload of the frame whose header ``head`` was parsed a buffer of
        its own (``length`` bytes): its ``first`` bytes and the pending chunks move there,
        later bytes are written there directly (no chunks to join, no slice of a joined
        buffer).  The buffered input becomes just the header, so the frame is parsed (and
        checked) again once complete.
        """
        # Fresh memory costs more than the copies saved (page faults, and malloc trimming its
        # heap when two large blocks are freed): the buffer is reused for the next large
        # frame, as long as the connection lives, if it is within _SPARE_MAX.
        big = self._spare
        if big is None or len(big) < length:
            # With room for a header: the next frame of this size fits in place (see
            # received_into).
            big = bytearray(length + _MAX_HEADER)
            if length <= _SPARE_MAX:
                self._spare = big
        view = memoryview(big)[:length]
        fill = len(first)
        view[:fill] = first
        for chunk in self._chunks:
            view[fill : fill + len(chunk)] = chunk
            fill += len(chunk)
        self._buf = head
        self._pos = 0
        self._chunks = []
        self._chunks_len = 0
        self._big_view = view
        self._big_fill = fill

    def _merge(self) -> None:
        """Move the pending chunks into the parse buffer (only when they are needed)."""
        self._buf = b"".join([self._buf[self._pos :], *self._chunks])
        self._pos = 0
        self._chunks = []
        self._chunks_len = 0

    def _take_input(self) -> bytes:
        data = b"".join([self._buf[self._pos :], *self._chunks])
        self._drop_input()
        return data
