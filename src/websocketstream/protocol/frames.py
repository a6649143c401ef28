"""Frame codec (RFC 6455 §5.2): header parsing, frame building, masking.

Written for speed, with no per-frame objects: :func:`parse_header` reads a header straight out
of a ``bytes`` buffer at an offset and returns plain ints; :func:`build_frame` returns the
pieces of a frame (header, masking key, payload) for the caller to append to its output list,
using precomputed 2-byte headers for small payloads. Masking XORs the payload with the key as
two big integers, a C-level operation. Masking keys come from :func:`random_mask_keys`, which
unpacks a batch of 1024 keys from one ``os.urandom`` call (RFC 6455 §5.3 wants unpredictable
keys: a cryptographic source, amortised, costs no more than ``random.getrandbits``).

This module is the seam where a compiled accelerator could replace the codec.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from typing import Any, Final

__all__ = [
    "CONTROL_OPCODES",
    "DATA_OPCODES",
    "FIN",
    "MASK_BIT",
    "MASK_CHUNK",
    "NUMPY_MASK_THRESHOLD",
    "OP_BINARY",
    "OP_CLOSE",
    "OP_CONTINUATION",
    "OP_PING",
    "OP_PONG",
    "OP_TEXT",
    "REPEAT_KEY",
    "RSV1",
    "build_frame",
    "header",
    "mask",
    "mask_int",
    "mask_into",
    "mask_parts",
    "masked_small_frame",
    "parse_header",
    "peek_data_frame",
    "random_mask_keys",
]

# RFC 6455 §5.2 / §11.8: opcodes.
OP_CONTINUATION: Final = 0x0
OP_TEXT: Final = 0x1
OP_BINARY: Final = 0x2
OP_CLOSE: Final = 0x8
OP_PING: Final = 0x9
OP_PONG: Final = 0xA
DATA_OPCODES: Final = frozenset({OP_CONTINUATION, OP_TEXT, OP_BINARY})
CONTROL_OPCODES: Final = frozenset({OP_CLOSE, OP_PING, OP_PONG})

FIN: Final = 0x80
RSV1: Final = 0x40
MASK_BIT: Final = 0x80

_PACK16 = struct.Struct("!BBH").pack
_PACK64 = struct.Struct("!BBQ").pack

# Precomputed 2-byte headers for the first bytes we send most: FIN + opcode (± RSV1).
_COMMON_B0: Final = (
    FIN | OP_TEXT,
    FIN | OP_BINARY,
    FIN | RSV1 | OP_TEXT,
    FIN | RSV1 | OP_BINARY,
    FIN | OP_CLOSE,
    FIN | OP_PING,
    FIN | OP_PONG,
)
_SMALL_HEADERS: Final[dict[int, tuple[bytes, ...]]] = {
    b0: tuple(bytes((b0, b1)) for b1 in range(256)) for b0 in _COMMON_B0
}


def header(b0: int, length: int, masked: bool) -> bytes:
    """The frame header for first byte ``b0`` and a payload of ``length`` bytes (no key).

    RFC 6455 §5.2: 7-bit length up to 125, then 16-bit (126) and 64-bit (127), minimal form.
    """
    mbit = MASK_BIT if masked else 0
    if length < 126:
        small = _SMALL_HEADERS.get(b0)
        if small is not None:
            return small[mbit | length]
        return bytes((b0, mbit | length))
    if length < 65536:
        return _PACK16(b0, mbit | 126, length)
    return _PACK64(b0, mbit | 127, length)


# REPEAT_KEY[w] * key repeats a 32-bit key w times (as a little-endian integer): cheaper than
# building the repeated key as bytes for small payloads.
REPEAT_KEY_WORDS: Final = 64
REPEAT_KEY: Final = tuple(sum(1 << (32 * i) for i in range(w)) for w in range(REPEAT_KEY_WORDS + 1))


# Payloads longer than this are masked in pieces of this size (a multiple of 4, so every piece
# starts at key byte 0).  Big integers and results under the C allocator's mmap threshold are
# recycled; whole-payload temporaries (three integers of 1 MiB for a 1 MiB payload) are mapped
# and faulted in afresh each time, which doubles the cost of masking.
MASK_CHUNK: Final = 64 * 1024
_MASK_CHUNK_REPEAT: Final = int.from_bytes(b"\x01\x00\x00\x00" * (MASK_CHUNK >> 2), "little")


# The optional accelerator (``pip install websocketstream[speedups]``): NumPy XORs a large
# payload as 32-bit words, about 14 times faster than the big-integer trick below.  It is
# imported when the first large payload is masked, not with the package: importing NumPy
# costs more than importing all of websocketstream.
_NOT_LOADED: Final = object()
_numpy: Any = _NOT_LOADED  # the module once loaded; None when it is not installed


def _load_numpy() -> Any:
    """Import NumPy on first use; the module, or None when it is not installed."""
    global _numpy
    try:
        import numpy  # noqa: PLC0415 -- lazily, see above
    except ImportError:  # pragma: no cover - depends on the installation
        _numpy = None
    else:
        _numpy = numpy
    return _numpy


def _accelerator() -> Any:
    """NumPy (imported now if this is its first use), or None when it is not installed."""
    return _numpy if _numpy is not _NOT_LOADED else _load_numpy()


#: Payloads from this size up are masked with NumPy when it is installed.
NUMPY_MASK_THRESHOLD: Final = 2048


def _mask_numpy(payload: bytes | bytearray | memoryview, key: int) -> list[bytes]:
    # RFC 6455 §5.3 as 32-bit little-endian words: word i of the payload XOR the key's integer.
    # Pieces of MASK_CHUNK bytes stay below the allocator's mmap threshold, so their memory is
    # reused instead of being mapped (and page-faulted) afresh for every large message.
    assert _numpy is not None and _numpy is not _NOT_LOADED
    n = len(payload)
    full = n & ~3
    words = _numpy.frombuffer(payload, dtype="<u4", count=full >> 2)
    key32 = _numpy.uint32(key)
    step = MASK_CHUNK >> 2
    parts: list[bytes] = [
        (words[i : i + step] ^ key32).tobytes() for i in range(0, full >> 2, step)
    ]
    if full < n:
        parts.append(mask_int(memoryview(payload)[full:], key, accelerate=False))
    return parts


def mask_int(
    payload: bytes | bytearray | memoryview, key: int, *, accelerate: bool = True
) -> bytes:
    """XOR ``payload`` with a masking key given as the little-endian integer of its 4 bytes
    (RFC 6455 §5.3: byte i is XORed with key byte i mod 4). Masking and unmasking are the same.

    Large payloads use NumPy when it is installed (``accelerate=False`` forces pure Python).
    """
    n = len(payload)
    if accelerate and n >= NUMPY_MASK_THRESHOLD and _accelerator() is not None:
        parts = _mask_numpy(payload, key)
        return parts[0] if len(parts) == 1 else b"".join(parts)
    if n > MASK_CHUNK:
        return b"".join(mask_parts(payload, key, accelerate=accelerate))
    words = (n + 3) >> 2
    if words <= REPEAT_KEY_WORDS:
        keys = key * REPEAT_KEY[words]
    else:
        keys = int.from_bytes(key.to_bytes(4, "little") * words, "little")
    x = int.from_bytes(payload, "little") ^ keys
    if n & 3:
        return x.to_bytes(words << 2, "little")[:n]
    return x.to_bytes(n, "little")


def mask_parts(
    payload: bytes | bytearray | memoryview, key: int, *, accelerate: bool = True
) -> list[bytes]:
    """:func:`mask_int` for a large payload, as consecutive pieces of at most ``MASK_CHUNK``
    bytes (write them in order; no joined copy is made), or one piece with NumPy."""
    n = len(payload)
    if accelerate and _accelerator() is not None:
        return _mask_numpy(payload, key)
    if n <= MASK_CHUNK:
        return [mask_int(payload, key, accelerate=False)]
    view = memoryview(payload).cast("B")
    keys = key * _MASK_CHUNK_REPEAT
    from_bytes = int.from_bytes
    full = n - n % MASK_CHUNK
    parts = [
        (from_bytes(view[i : i + MASK_CHUNK], "little") ^ keys).to_bytes(MASK_CHUNK, "little")
        for i in range(0, full, MASK_CHUNK)
    ]
    if full < n:
        parts.append(mask_int(view[full:], key, accelerate=False))
    return parts


def mask_into(
    payload: bytes | bytearray | memoryview,
    key: int,
    out: bytearray,
    offset: int,
    *,
    accelerate: bool = True,
) -> None:
    """:func:`mask_int`, written into ``out[offset : offset + len(payload)]`` instead of new
    objects: with NumPy, one XOR straight into ``out`` (a reused buffer is never page-faulted
    afresh; an ``offset`` that is a multiple of 4 keeps the words aligned)."""
    n = len(payload)
    if accelerate and n >= NUMPY_MASK_THRESHOLD and _accelerator() is not None:
        # RFC 6455 §5.3 as 32-bit little-endian words: word i of the payload XOR the key's
        # integer; the last n % 4 bytes start at key byte 0.
        full = n & ~3
        words = _numpy.frombuffer(payload, dtype="<u4", count=full >> 2)
        dest = _numpy.frombuffer(out, dtype="<u4", count=full >> 2, offset=offset)
        _numpy.bitwise_xor(words, _numpy.uint32(key), out=dest)
        if full < n:
            out[offset + full : offset + n] = mask_int(
                memoryview(payload)[full:], key, accelerate=False
            )
        return
    pos = offset
    with memoryview(out) as view:
        for part in mask_parts(payload, key, accelerate=False):
            view[pos : pos + len(part)] = part
            pos += len(part)


def mask(payload: bytes | bytearray | memoryview, key: bytes) -> bytes:
    """XOR ``payload`` with the 4-byte masking ``key`` repeated (RFC 6455 §5.3)."""
    return mask_int(payload, int.from_bytes(key, "little"))


_KEY_BATCH: Final = 1024
_UNPACK_KEYS: Final = struct.Struct(f"<{_KEY_BATCH}I").unpack


def random_mask_keys() -> list[int]:
    """A batch of unpredictable masking keys from ``os.urandom`` (RFC 6455 §5.3), each the
    little-endian integer of its 4 bytes (the form :func:`mask_int` takes).
    """
    return list(_UNPACK_KEYS(os.urandom(4 * _KEY_BATCH)))


def masked_small_frame(
    b0: int,
    payload: bytes,
    key: int,
    _repeat_key: tuple[int, ...] = REPEAT_KEY,
    _from_bytes: Callable[..., int] = int.from_bytes,
) -> bytes:
    """A whole masked frame with a payload under 126 bytes, built as one integer: first
    byte, MASK | length, the key's 4 bytes, then the masked payload (RFC 6455 §5.2, §5.3).
    """
    # (The two last parameters are never passed: bound as defaults, they are local lookups on
    # the send hot path, which pays for the call to this function.)
    n = len(payload)
    keys = key * _repeat_key[(n + 3) >> 2]
    if n & 3:
        keys &= (1 << (n << 3)) - 1
    x = _from_bytes(payload, "little") ^ keys
    return (x << 48 | b0 | (0x80 | n) << 8 | key << 16).to_bytes(n + 6, "little")


def build_frame(
    b0: int, payload: bytes, key: int | None
) -> tuple[bytes, bytes] | tuple[bytes, bytes, bytes]:
    """Frame pieces for first byte ``b0`` and ``payload``: ``(header, payload)`` unmasked, or
    ``(header, key, masked payload)`` when a masking ``key`` is given (a client, RFC 6455
    §5.3; the little-endian integer of the key's bytes).

    Append them to an output list; join once before writing.
    """
    if key is None:
        return header(b0, len(payload), False), payload
    return header(b0, len(payload), True), key.to_bytes(4, "little"), mask_int(payload, key)


def parse_header(buf: bytes, pos: int) -> tuple[int, int, int, int] | None:
    """Parse the frame header that starts at ``buf[pos]``.

    Returns ``(b0, b1, length, payload_start)`` where ``payload_start`` is the offset of the
    masking key (if the MASK bit of ``b1`` is set) or else of the payload; ``length`` is the
    payload length, or -1 for a 64-bit length with its most significant bit set or a length
    not in its minimal form (protocol errors, RFC 6455 §5.2). Returns None when the header
    is not complete yet.
    """
    end = len(buf)
    if end - pos < 2:
        return None
    b0 = buf[pos]
    b1 = buf[pos + 1]
    length = b1 & 0x7F
    start = pos + 2
    if length == 126:
        if end - start < 2:
            return None
        length = (buf[start] << 8) | buf[start + 1]
        start += 2
        if length < 126:
            # RFC 6455 §5.2: "the minimal number of bytes MUST be used to encode the length".
            length = -1
    elif length == 127:
        if end - start < 8:
            return None
        length = int.from_bytes(buf[start : start + 8], "big")
        start += 8
        if length >> 63 or length < 0x10000:
            # RFC 6455 §5.2: the most significant bit of a 64-bit length MUST be 0, and the
            # minimal number of bytes MUST be used.
            length = -1
    return b0, b1, length, start


def peek_data_frame(view: memoryview, minimum: int, maximum: int) -> tuple[int, int] | None:
    """Peek at the header at the start of ``view``: ``(payload_start, length)`` when it is a
    data frame (text, binary or continuation) whose payload length is within
    ``minimum..maximum``; None otherwise or when the header is incomplete.  Nothing is
    checked beyond that: the frame is parsed again, fully, when its payload is complete.
    """
    parsed = parse_header(view, 0)  # type: ignore[arg-type]
    if parsed is None:
        return None
    b0, b1, length, start = parsed
    if b0 & 0x0F >= OP_CLOSE or not minimum <= length <= maximum:
        return None
    if b1 & MASK_BIT:
        start += 4
    return start, length
