"""The Encoding Standard's streams: ``TextEncoderStream`` and ``TextDecoderStream``.

Each is a :class:`~websocketstream.streams.generic_transform.GenericTransformStream` whose
transform runs the spec's "encode and enqueue a chunk" / "decode and enqueue a chunk" steps,
keeping the state a chunk boundary can split (a leading surrogate; a partial multi-byte
sequence, in Python's incremental decoder) between chunks.

Encodings: UTF-8, UTF-16LE, UTF-16BE and windows-1252 (the Encoding Standard's labels of these
four, e.g. ``"utf8"``, ``"utf-16"``, ``"latin1"``, ``"ascii"``); the standard's other legacy
encodings raise ``RangeError`` (see docs/deviations.md).
"""

from __future__ import annotations

import codecs
from typing import Any, Final, Protocol

from ..dom.exceptions import RangeError
from .generic_transform import GenericTransformStream, buffer_source_view
from .transform import TransformStream, TransformStreamDefaultController

__all__ = ["TextDecoderStream", "TextEncoderStream", "get_an_encoding"]

_REPLACEMENT_BYTES: Final = "\ufffd".encode()

# Encoding §4.2 "Names and labels": the labels of the encodings we decode.
_LABELS: Final[dict[str, str]] = {
    **dict.fromkeys(
        (
            "unicode-1-1-utf-8",
            "unicode11utf8",
            "unicode20utf8",
            "utf-8",
            "utf8",
            "x-unicode20utf8",
        ),
        "utf-8",
    ),
    **dict.fromkeys(("unicodefffe", "utf-16be"), "utf-16be"),
    **dict.fromkeys(
        (
            "csunicode",
            "iso-10646-ucs-2",
            "ucs-2",
            "unicode",
            "unicodefeff",
            "utf-16",
            "utf-16le",
        ),
        "utf-16le",
    ),
    **dict.fromkeys(
        (
            "ansi_x3.4-1968",
            "ascii",
            "cp1252",
            "cp819",
            "csisolatin1",
            "ibm819",
            "iso-8859-1",
            "iso-ir-100",
            "iso8859-1",
            "iso88591",
            "iso_8859-1",
            "iso_8859-1:1987",
            "l1",
            "latin1",
            "us-ascii",
            "windows-1252",
            "x-cp1252",
        ),
        "windows-1252",
    ),
}

_ASCII_WHITESPACE: Final = "\t\n\f\r "


# Encoding §4.2 "get an encoding"
def get_an_encoding(label: str) -> str | None:
    """The name of the encoding ``label`` names (``"utf-8"``, ``"utf-16le"``, ...), or None
    for a label we do not know (the standard's other encodings included)."""
    return _LABELS.get(label.strip(_ASCII_WHITESPACE).lower())


class _Decoder(Protocol):
    def decode(self, data: memoryview | bytes, final: bool = False) -> str: ...


class _Windows1252Decoder:
    """Encoding §"single-byte decoder" with index windows-1252: every byte is a code point
    (Python's cp1252 leaves five bytes undefined; the index maps them to U+0081 etc.)."""

    _TABLE: Final = "".join(
        bytes([byte]).decode("cp1252", "ignore") or chr(byte) for byte in range(256)
    )

    def decode(self, data: memoryview | bytes, final: bool = False) -> str:
        return codecs.charmap_decode(data, "strict", self._TABLE)[0]


def _new_decoder(encoding: str, fatal: bool) -> _Decoder:
    if encoding == "windows-1252":
        return _Windows1252Decoder()
    # Python's UTF-8 and UTF-16 decoders replace (or reject) the same maximal subparts as the
    # standard's decoders; BOMs are handled by _DecoderState (these codecs never strip one).
    codec = {"utf-8": "utf-8", "utf-16le": "utf-16-le", "utf-16be": "utf-16-be"}[encoding]
    decoder: _Decoder = codecs.getincrementaldecoder(codec)("strict" if fatal else "replace")
    return decoder


class _EncoderState:
    """A TextEncoderStream's encoder and [[leading surrogate]] (§5.2)."""

    __slots__ = ("leading_surrogate",)

    def __init__(self) -> None:
        self.leading_surrogate = ""  # "" for null

    # Encoding §5.2 "encode and enqueue a chunk"
    def encode_and_enqueue_a_chunk(
        self, chunk: Any, controller: TransformStreamDefaultController[bytes]
    ) -> None:
        if not isinstance(chunk, str):
            raise TypeError(f"TextEncoderStream takes str chunks, not {type(chunk).__name__}")
        if not chunk:
            return
        text = self.leading_surrogate + chunk if self.leading_surrogate else chunk
        self.leading_surrogate = ""
        try:
            output = text.encode("utf-8")  # no surrogates: the common case
        except UnicodeEncodeError:
            if "\ud800" <= text[-1] <= "\udbff":  # it may pair with the next chunk's first
                self.leading_surrogate = text[-1]
                text = text[:-1]
            output = _encode_code_units(text)
        if output:
            controller.enqueue(output)

    # Encoding §5.2 "encode and flush"
    def encode_and_flush(self, controller: TransformStreamDefaultController[bytes]) -> None:
        if self.leading_surrogate:
            self.leading_surrogate = ""
            controller.enqueue(_REPLACEMENT_BYTES)


def _encode_code_units(text: str) -> bytes:
    # Encoding §5.2 "convert code unit to scalar value" over the whole string, then UTF-8:
    # a surrogate pair (two code points in a Python str, as in a JavaScript string) is joined,
    # a lone surrogate becomes U+FFFD; Python's UTF-16 decoder does both exactly so.
    units = text.encode("utf-16-le", "surrogatepass")
    return units.decode("utf-16-le", "replace").encode("utf-8")


class TextEncoderStream(GenericTransformStream[str, bytes]):
    """``TextEncoderStream()``: ``str`` chunks in, their UTF-8 ``bytes`` out.

    A surrogate pair split across two chunks is joined; a lone surrogate becomes U+FFFD
    (``EF BF BD``).  Empty output is not enqueued.  A chunk that is not a ``str`` errors the
    stream with ``TypeError``.
    """

    __slots__ = ()

    def __init__(self) -> None:
        state = _EncoderState()
        self._transform = TransformStream(
            {
                "transform": state.encode_and_enqueue_a_chunk,
                "flush": state.encode_and_flush,
            }
        )

    @property
    def encoding(self) -> str:
        """Always ``"utf-8"``."""
        return "utf-8"

    def __repr__(self) -> str:
        return "<TextEncoderStream encoding='utf-8'>"


class _DecoderState:
    """A TextDecoderStream's decoder, [[BOM seen]] and options (Encoding §5.1)."""

    __slots__ = ("bom_seen", "decoder", "encoding", "fatal", "ignore_bom")

    def __init__(self, encoding: str, fatal: bool, ignore_bom: bool) -> None:
        self.encoding = encoding
        self.fatal = fatal
        self.ignore_bom = ignore_bom
        self.bom_seen = False
        self.decoder = _new_decoder(encoding, fatal)

    # Encoding §5.1 "decode and enqueue a chunk"
    def decode_and_enqueue_a_chunk(
        self, chunk: Any, controller: TransformStreamDefaultController[str]
    ) -> None:
        view = buffer_source_view(chunk, "TextDecoderStream")
        self._enqueue(self._decode(view, False), controller)

    # Encoding §5.1 "flush and enqueue"
    def flush_and_enqueue(self, controller: TransformStreamDefaultController[str]) -> None:
        self._enqueue(self._decode(b"", True), controller)

    def _decode(self, data: memoryview | bytes, final: bool) -> str:
        try:
            return self.decoder.decode(data, final)
        except UnicodeDecodeError as exc:  # fatal: the error mode is "fatal"
            raise TypeError(f"The {self.encoding} data is invalid: {exc.reason}") from exc

    # Encoding §4.1 "serialize I/O queue" (the BOM steps), then the enqueue of non-empty output
    def _enqueue(self, output: str, controller: TransformStreamDefaultController[str]) -> None:
        if not output:
            return
        if not self.bom_seen:
            self.bom_seen = True
            if not self.ignore_bom and self.encoding != "windows-1252" and output[0] == "\ufeff":
                output = output[1:]
                if not output:
                    return
        controller.enqueue(output)


class TextDecoderStream(GenericTransformStream[bytes | bytearray | memoryview, str]):
    """``TextDecoderStream(label="utf-8", *, fatal=False, ignore_bom=False)``: bytes-like
    chunks in, ``str`` out.

    A multi-byte sequence split across chunks is decoded once complete; invalid input becomes
    U+FFFD, or, with ``fatal=True``, errors the stream with ``TypeError`` (so does an
    incomplete sequence at the end).  A leading byte order mark is dropped unless
    ``ignore_bom``.  ``RangeError`` for a label that names no supported encoding.
    """

    __slots__ = ("_state",)

    def __init__(
        self, label: str = "utf-8", *, fatal: bool = False, ignore_bom: bool = False
    ) -> None:
        if not isinstance(label, str):
            raise TypeError(f"label must be a str, not {type(label).__name__}")
        encoding = get_an_encoding(label)
        if encoding is None:
            raise RangeError(f"The encoding label {label!r} is invalid or not supported")
        state = _DecoderState(encoding, bool(fatal), bool(ignore_bom))
        self._state = state
        self._transform = TransformStream(
            {
                "transform": state.decode_and_enqueue_a_chunk,
                "flush": state.flush_and_enqueue,
            }
        )

    @property
    def encoding(self) -> str:
        """The encoding's name, lowercase (``"utf-8"``, ``"utf-16le"``, ``"windows-1252"``)."""
        return self._state.encoding

    @property
    def fatal(self) -> bool:
        """Whether invalid input errors the stream (else it becomes U+FFFD)."""
        return self._state.fatal

    @property
    def ignore_bom(self) -> bool:
        """Whether a leading byte order mark is kept."""
        return self._state.ignore_bom

    def __repr__(self) -> str:
        return f"<TextDecoderStream encoding={self.encoding!r}>"
