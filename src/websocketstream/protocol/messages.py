"""Message assembly (RFC 6455 §5.4, §5.6): fragments → one text or binary message.

Used for the messages that miss the connection's fast path: fragmented or compressed ones and
single frames whose text is invalid. Enforces, as soon as each fragment arrives:

- ``max_size``: the running total of (decompressed) bytes; decompression is bounded so it never
  produces more than one byte past the limit (RFC 6455 §10.4 → 1009);
- a bound on the number of fragments (the connection checks it before each continuation frame:
  see ``Connection``), so that tiny or empty fragments cannot make a message cost more than
  about ``max_size``;
- UTF-8 validity of text, incrementally across fragments, failing on the first invalid
  prefix (RFC 6455 §8.1 → 1007).

Violations raise :class:`~.errors.ProtocolViolation`, which the connection turns into a failure.
"""

from __future__ import annotations

import codecs

from .close import INVALID_PAYLOAD, MESSAGE_TOO_BIG
from .deflate import PerMessageDeflate
from .errors import ProtocolViolation
from .frames import OP_TEXT

__all__ = ["MessageAssembler"]

_Utf8Decoder = codecs.getincrementaldecoder("utf-8")


class MessageAssembler:
    """Collects the fragments of one message at a time.

    ``opcode`` is 0 between messages, else the opcode of the message being assembled.
    """

    __slots__ = (
        "_decoder",
        "_deflate",
        "_limit",
        "_parts",
        "compressed",
        "fragments",
        "opcode",
        "size",
        "wire",
    )

    def __init__(self, max_size: int | None, deflate: PerMessageDeflate | None) -> None:
        #: Opcode of the message in progress (OP_TEXT or OP_BINARY), 0 when idle.
        self.opcode = 0
        #: Whether the message in progress is compressed (RSV1 on its first frame).
        self.compressed = False
        #: Bytes of message data so far (after decompression).
        self.size = 0
        #: Bytes of frame payload so far (before decompression).
        self.wire = 0
        #: Frames of the message in progress so far.
        self.fragments = 0
        self._limit = max_size
        self._deflate = deflate
        self._parts: list[bytes] | list[str] = []
        self._decoder = _Utf8Decoder("strict")

    def set_deflate(self, deflate: PerMessageDeflate | None) -> None:
        """Use the codec negotiated by the handshake."""
        self._deflate = deflate

    def start(self, opcode: int, compressed: bool) -> None:
        """Begin a message (its first frame has ``opcode`` TEXT or BINARY)."""
        self.opcode = opcode
        self.compressed = compressed
        self.size = 0
        self.wire = 0
        self.fragments = 0
        self._parts = []
        if opcode == OP_TEXT:
            self._decoder.reset()

    def add(self, payload: bytes, fin: bool) -> str | bytes | None:
        """Add one fragment's payload; return the whole message when ``fin``, else None."""
        self.wire += len(payload)
        self.fragments += 1
        if self.compressed:
            data = self._inflate(payload, fin)
        else:
            data = payload
            self.size += len(data)
            if self._limit is not None and self.size > self._limit:
                # RFC 6455 §10.4: the message is bigger than we accept.
                raise ProtocolViolation(MESSAGE_TOO_BIG, "message too big")
        if self.opcode == OP_TEXT:
            try:
                text = self._decoder.decode(data, fin)
            except UnicodeDecodeError:
                # RFC 6455 §8.1: invalid UTF-8 in a text message fails the connection.
                raise ProtocolViolation(INVALID_PAYLOAD, "Invalid UTF-8 in text frame") from None
            parts_s: list[str] = self._parts  # type: ignore[assignment]
            if text or not parts_s:  # empty pieces cost nothing (endless empty fragments)
                parts_s.append(text)
            if fin:
                self.opcode = 0
                self._parts = []
                return parts_s[0] if len(parts_s) == 1 else "".join(parts_s)
            return None
        parts_b: list[bytes] = self._parts  # type: ignore[assignment]
        if data or not parts_b:
            parts_b.append(data)
        if fin:
            self.opcode = 0
            self._parts = []
            return parts_b[0] if len(parts_b) == 1 else b"".join(parts_b)
        return None

    def _inflate(self, payload: bytes, fin: bool) -> bytes:
        codec = self._deflate
        assert codec is not None
        limit = self._limit
        # Ask zlib for at most one byte past the limit: more output means "too big", and
        # memory never grows past max_size + 1 (0 = unlimited).
        data = codec.decompress(payload, 0 if limit is None else limit - self.size + 1)
        self.size += len(data)
        if limit is not None and self.size > limit:
            raise ProtocolViolation(MESSAGE_TOO_BIG, "message too big")
        if fin:
            tail = codec.finish(0 if limit is None else limit - self.size + 1)
            self.size += len(tail)
            if limit is not None and self.size > limit:
                raise ProtocolViolation(MESSAGE_TOO_BIG, "message too big")
            if tail:
                data += tail
        return data
