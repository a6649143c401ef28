"""The send queue of :class:`~.connection.Connection`: frames queued for the network, handed
to the session joined or as parts, and the reused send buffer of large masked frames.

A mixin: :class:`SendQueue` holds no state of its own; the connection's slots declared below
are its (set up in ``Connection.__init__``).  Whether sending is allowed is the lifecycle's
question (``Connection._check_can_send``), asked before anything is queued here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from .deflate import PerMessageDeflate
from .frames import (
    MASK_CHUNK,
    RSV1,
    header,
    mask_int,
    mask_into,
    masked_small_frame,
    random_mask_keys,
)

__all__ = ["LARGE_PART", "SendQueue"]

#: Outgoing pieces at least this long are handed over on their own by data_to_send_parts()
#: rather than copied into a joined buffer.
LARGE_PART: Final = 64 * 1024
#: Room before a large masked payload in its send buffer, for the header and the key: the
#: payload starts at a multiple of 4 (NumPy XORs aligned 32-bit words).
_SEND_PAD: Final = 16
#: Largest payload whose send buffer is kept for reuse.
_SPARE_MAX: Final = 4 * 1024 * 1024


class SendQueue:
    """Queueing of outgoing frames (the outbound half of a connection)."""

    if not TYPE_CHECKING:  # no instance dict; mypy checks the attributes against Connection's
        __slots__ = ()

    # The connection's slots this part uses.
    client: bool
    _deflate: PerMessageDeflate | None
    _out: list[bytes | memoryview]
    _send_buf: bytearray | None
    _pending: bytearray | None
    _lent: bytearray | None
    _mask_keys: list[int]

    def has_data_to_send(self) -> bool:
        """True when bytes are queued for the network (:meth:`data_to_send` has some)."""
        return bool(self._out)

    def data_to_send(self) -> bytes:
        """All bytes queued for the network, joined (b"" if none); the queue is emptied."""
        out = self._out
        if not out:
            return b""
        self._out = []
        data = b"".join(out)
        if self._pending is not None:
            # Copied into the join: the send buffer is free again.
            self._send_buf = self._pending
            self._pending = None
        return data

    def data_to_send_parts(self) -> list[bytes | memoryview]:
        """All bytes queued for the network, as a list of parts to write in order ([] if
        none); the queue is emptied.  Small pieces are joined; pieces of ``LARGE_PART`` bytes
        or more (big payloads) stay on their own, so they are never copied into a join.

        A large masked frame (client) is a ``memoryview`` of a send buffer that is reused
        only once :meth:`send_buffers_released` says these parts are no longer referenced.
        """
        out = self._out
        if self._pending is not None:
            self._lent = self._pending
            self._pending = None
        if len(out) <= 1:
            if out:
                self._out = []
            return out
        self._out = []
        parts: list[bytes | memoryview] = []
        start = 0
        for i, piece in enumerate(out):
            if len(piece) >= LARGE_PART:
                if i - start > 1:
                    parts.append(b"".join(out[start:i]))
                elif i - start == 1:
                    parts.append(out[start])
                parts.append(piece)
                start = i + 1
        if start == 0:
            return [b"".join(out)]
        if len(out) - start > 1:
            parts.append(b"".join(out[start:]))
        elif len(out) - start == 1:
            parts.append(out[start])
        return parts

    def send_buffers_lent(self) -> bool:
        """True while parts returned by :meth:`data_to_send_parts` may be views of the
        connection's send buffer (until :meth:`send_buffers_released`)."""
        return self._lent is not None

    def send_buffers_released(self) -> None:
        """Tell the connection that nothing references the parts returned by
        :meth:`data_to_send_parts` any more (e.g. the transport's write buffer was empty after
        writing them): the send buffer they used may be overwritten by the next message.
        """
        if self._lent is not None:
            self._send_buf = self._lent
            self._lent = None

    def _next_key(self) -> int | None:
        """A fresh masking key for a client (RFC 6455 §5.3), None for a server."""
        if not self.client:
            return None
        if not self._mask_keys:
            self._mask_keys = random_mask_keys()
        return self._mask_keys.pop()

    def _queue_message(self, b0: int, payload: bytes) -> None:
        """Append one whole-message frame to the output (the send hot path)."""
        if self._deflate is not None:
            compressed = self._deflate.compress(payload)
            if compressed is not None:
                payload = compressed
                b0 |= RSV1  # RFC 7692 §6: RSV1 marks a compressed message.
        n = len(payload)
        if not self.client:
            self._out += (header(b0, n, False), payload)
            return
        # RFC 6455 §5.3: a client masks every frame with a fresh key.
        keys = self._mask_keys
        if not keys:
            keys = self._mask_keys = random_mask_keys()
        key = keys.pop()
        if n < 126:
            self._out.append(masked_small_frame(b0, payload, key))
        elif n <= MASK_CHUNK:
            head = header(b0, n, True) + key.to_bytes(4, "little")
            self._out += (head, mask_int(payload, key))
        else:
            # A large frame is masked into one send buffer (header and key just before the
            # payload), handed over as one part.  The buffer is reused, so it is not allocated
            # (and page-faulted) afresh for every message, but only once no one references it
            # (data_to_send() copied it, or send_buffers_released() was called).
            head = header(b0, n, True) + key.to_bytes(4, "little")
            size = _SEND_PAD + n
            buf = self._send_buf
            if buf is None or len(buf) < size:
                buf = bytearray(size)
            self._send_buf = None
            # Bounded memory: only a buffer up to _SPARE_MAX is kept for reuse.
            self._pending = buf if size <= _SEND_PAD + _SPARE_MAX else None
            first = _SEND_PAD - len(head)
            buf[first:_SEND_PAD] = head
            mask_into(payload, key, buf, _SEND_PAD)
            self._out.append(memoryview(buf)[first:size])
