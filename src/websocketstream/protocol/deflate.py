"""permessage-deflate (RFC 7692) with stdlib ``zlib``: negotiation and the per-message codec.

Vocabulary: *local* is this endpoint's compressor, *remote* the peer's. For a client, RFC
7692's ``client_*`` parameters are local and ``server_*`` remote; for a server, the reverse.

Decompression is bounded: :meth:`PerMessageDeflate.decompress` takes ``max_length`` and zlib
never produces more, so a "zip bomb" cannot grow memory past ``max_size``.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Final

from .errors import NegotiationError, ProtocolViolation
from .headers import ExtensionParams

__all__ = [
    "EXTENSION_NAME",
    "PerMessageDeflate",
    "client_accept",
    "client_offer",
    "server_negotiate",
]

EXTENSION_NAME: Final = "permessage-deflate"
# RFC 7692 §7.2.1: the sync-flush tail removed after compressing, appended before inflating.
_TAIL: Final = b"\x00\x00\xff\xff"
_WINDOW_BITS: Final = frozenset(str(n) for n in range(8, 16))
# Messages shorter than this are sent uncompressed (RSV1 is per message, RFC 7692 §6).
_MIN_COMPRESS_SIZE: Final = 32
_KNOWN_PARAMS: Final = frozenset(
    {
        "server_no_context_takeover",
        "client_no_context_takeover",
        "server_max_window_bits",
        "client_max_window_bits",
    }
)


class PerMessageDeflate:
    """The negotiated permessage-deflate codec of one connection (RFC 7692 §7)."""

    __slots__ = (
        "_compressor",
        "_decompressor",
        "_level",
        "_local_bits",
        "_remote_bits",
        "local_max_window_bits",
        "local_no_context_takeover",
        "remote_max_window_bits",
        "remote_no_context_takeover",
        "response",
    )

    def __init__(
        self,
        *,
        local_no_context_takeover: bool = False,
        remote_no_context_takeover: bool = False,
        local_max_window_bits: int = 15,
        remote_max_window_bits: int = 15,
        level: int = 6,
        response: str = EXTENSION_NAME,
    ) -> None:
        if not 9 <= local_max_window_bits <= 15:
            # zlib cannot deflate with an 8-bit window (it silently uses 9).
            raise ValueError("local_max_window_bits must be between 9 and 15")
        if not 8 <= remote_max_window_bits <= 15:
            raise ValueError("remote_max_window_bits must be between 8 and 15")
        self.local_no_context_takeover = local_no_context_takeover
        self.remote_no_context_takeover = remote_no_context_takeover
        self.local_max_window_bits = local_max_window_bits
        self.remote_max_window_bits = remote_max_window_bits
        #: The negotiated extension as it appears in the handshake response.
        self.response = response
        self._level = level
        self._local_bits = local_max_window_bits
        # Inflating with the largest window decodes a stream made with any smaller window.
        self._remote_bits = 15
        # Made on first use: a compressor holds about 256 KiB of zlib state, which an idle
        # connection (or one that never sends) should not pay for.
        self._compressor: zlib._Compress | None = None
        self._decompressor: zlib._Decompress | None = None

    def _new_compressor(self) -> zlib._Compress:
        return zlib.compressobj(self._level, zlib.DEFLATED, -self._local_bits)

    def compress(self, payload: bytes | bytearray | memoryview) -> bytes | None:
        """Compress one whole message; None if it is better sent uncompressed (too small)."""
        if len(payload) < _MIN_COMPRESS_SIZE:
            return None
        if self.local_no_context_takeover:
            # RFC 7692 §7.1.1: without context takeover, each message starts a new context.
            c = self._new_compressor()
        else:
            kept = self._compressor
            if kept is None:
                kept = self._compressor = self._new_compressor()
            c = kept
        data = c.compress(payload) + c.flush(zlib.Z_SYNC_FLUSH)
        # RFC 7692 §7.2.1: remove the 0x00 0x00 0xff 0xff tail of the sync flush.
        if data.endswith(_TAIL):
            data = data[:-4]
        return data

    def decompress(self, data: bytes, max_length: int) -> bytes:
        """Inflate one fragment of a compressed message, producing at most ``max_length`` bytes
        (0: unlimited). The caller detects "too big" as output longer than it allowed for.
        """
        d = self._decompressor
        if d is None:
            d = self._decompressor = zlib.decompressobj(-self._remote_bits)
        try:
            return d.decompress(data, max_length)
        except zlib.error as exc:
            raise ProtocolViolation(1007, f"invalid compressed data: {exc}") from None

    def finish(self, max_length: int) -> bytes:
        """End a compressed message: inflate the appended tail (RFC 7692 §7.2.2)."""
        out = self.decompress(_TAIL, max_length)
        if self.remote_no_context_takeover:
            # RFC 7692 §7.1.1: the peer starts each message with an empty window.
            self._decompressor = None
        return out


def client_offer() -> str:
    """The Sec-WebSocket-Extensions value a client sends (as browsers do)."""
    # RFC 7692 §7.1.2.2: offering client_max_window_bits without a value says the client
    # can limit its window if the server asks.
    return f"{EXTENSION_NAME}; client_max_window_bits"


def _parse_params(params: ExtensionParams) -> dict[str, str | None]:
    """Check names, duplicates and values (RFC 7692 §7.1); raise NegotiationError."""
    seen: dict[str, str | None] = {}
    for name, value in params:
        if name not in _KNOWN_PARAMS:
            # RFC 7692 §7.1: unknown extension parameters make the negotiation fail.
            raise NegotiationError(f"unknown permessage-deflate parameter {name!r}")
        if name in seen:
            # RFC 7692 §7.1: each parameter at most once.
            raise NegotiationError(f"duplicate permessage-deflate parameter {name!r}")
        if name.endswith("no_context_takeover"):
            if value is not None:
                # RFC 7692 §7.1.1: *_no_context_takeover have no value.
                raise NegotiationError(f"{name} takes no value")
        elif value is not None and value not in _WINDOW_BITS:
            # RFC 7692 §7.1.2: window bits are integers 8..15 without leading zeros.
            raise NegotiationError(f"invalid {name} value {value!r}")
        seen[name] = value
    return seen


def client_accept(params: ExtensionParams) -> PerMessageDeflate:
    """Validate the server's permessage-deflate response to :func:`client_offer`.

    Raises :class:`NegotiationError` when the handshake must fail.
    """
    p = _parse_params(params)
    if "server_max_window_bits" in p and p["server_max_window_bits"] is None:
        # RFC 7692 §7.1.2.1: server_max_window_bits always carries a value.
        raise NegotiationError("server_max_window_bits needs a value")
    local_bits = 15
    if "client_max_window_bits" in p:
        value = p["client_max_window_bits"]
        if value is None:
            # RFC 7692 §7.1.2.2: in a response, client_max_window_bits has a value.
            raise NegotiationError("client_max_window_bits needs a value in a response")
        local_bits = int(value)
        if local_bits == 8:
            raise NegotiationError("client_max_window_bits=8 is not supported by zlib")
    parts = [EXTENSION_NAME]
    for name, value in params:
        parts.append(name if value is None else f"{name}={value}")
    return PerMessageDeflate(
        local_no_context_takeover="client_no_context_takeover" in p,
        remote_no_context_takeover="server_no_context_takeover" in p,
        local_max_window_bits=local_bits,
        remote_max_window_bits=int(p.get("server_max_window_bits") or 15),
        response="; ".join(parts),
    )


def server_negotiate(offers: Sequence[ExtensionParams]) -> PerMessageDeflate | None:
    """Accept the first acceptable permessage-deflate offer of a client, or None.

    Offers with unknown, duplicate or invalid parameters are declined (RFC 7692 §5). The
    returned codec's ``response`` is the value for the response's Sec-WebSocket-Extensions.
    """
    for params in offers:
        try:
            p = _parse_params(params)
        except NegotiationError:
            continue
        if "server_max_window_bits" in p:
            value = p["server_max_window_bits"]
            # RFC 7692 §7.1.2.1: in an offer it needs a value; zlib cannot honour 8.
            if value is None or value == "8":
                continue
        response = [EXTENSION_NAME]
        if "server_no_context_takeover" in p:
            response.append("server_no_context_takeover")
        if "client_no_context_takeover" in p:
            response.append("client_no_context_takeover")
        local_bits = 15
        if p.get("server_max_window_bits") is not None:
            local_bits = int(p["server_max_window_bits"] or 15)
            response.append(f"server_max_window_bits={local_bits}")
        # RFC 7692 §7.1.2.2: we never ask the client to limit its window (we inflate with 15).
        remote_bits = int(p.get("client_max_window_bits") or 15)
        return PerMessageDeflate(
            local_no_context_takeover="server_no_context_takeover" in p,
            remote_no_context_takeover="client_no_context_takeover" in p,
            local_max_window_bits=local_bits,
            remote_max_window_bits=remote_bits,
            response="; ".join(response),
        )
    return None
