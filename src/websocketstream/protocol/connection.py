"""The connection state machine: Sans-I/O, bytes in, events out.

Usage (the session layer's loop)::

    conn = ClientConnection(host="example.com", port=443, resource="/", secure=True)
    transport.write(conn.data_to_send())          # the handshake request
    ...
    conn.receive_data(chunk)                      # cheap: only buffers
    while reader_has_demand and (event := conn.next_event()) is not None:
        handle(event)                             # parses just enough for ONE event
    if out := conn.data_to_send():                # pongs, Close echoes, ... joined
        transport.write(out)
    if conn.should_close_transport:
        transport.close()
    ...
    conn.receive_eof()                            # on eof_received / connection_lost

Events are plain tuples ``(kind, data)``; ``kind`` is an int (for data and control frames, the
frame's opcode):

==================  ==========================  ===========================================
kind                data                        when
==================  ==========================  ===========================================
``TEXT`` (1)        ``str``                     a complete text message
``BINARY`` (2)      ``bytes``                   a complete binary message
``CLOSE`` (8)       :class:`CloseFrame`         the peer's Close (code 1005 if empty body);
                                                a Close reply was queued if needed
``PING`` (9)        ``bytes``                   a Ping; the Pong reply is already queued
``PONG`` (10)       ``bytes``                   a Pong (for keepalive)
``HANDSHAKE`` (16)  :class:`HandshakeResponse`  client: the server accepted; state is OPEN
``REQUEST`` (17)    :class:`HandshakeRequest`   server: a valid request; call ``accept()``
                                                or ``reject()``
==================  ==========================  ===========================================

``next_event()`` returns None when it needs more bytes, and forever once the connection is
finished. It never raises on peer input: a violation *fails the connection* (RFC 6455 §7.1.7):
a Close frame with the RFC code is queued, ``failure`` records code and reason, input is
ignored from then on, and ``should_close_transport`` becomes True.

Lazy parsing for backpressure: ``receive_data()`` parses no events, so bytes the reader has not
asked for stay in the buffer; ``buffered`` says how many.  A large frame's payload (64 KiB to
16 MiB, within ``max_size``) gets a buffer of its own once its header is seen; while it is
incomplete, ``receive_buffer()`` offers the missing part so the socket can be read straight
into it (then call ``received_into(n)`` instead of ``receive_data()``).  When ``next_event()``
returns None while ``buffered`` is large, an incomplete frame is waiting (at most about
``max_size`` bytes): keep reading the socket. Control frames behind unread messages are seen
only when parsing reaches them: once closing starts, drain with ``next_event()`` in a loop.

States (:class:`~.state.State`; the lifecycle and its allowed transitions are the table in
:mod:`.state`, and only ``Connection._step`` changes them): CONNECTING → OPEN → CLOSING (a
Close sent or received, or the connection failed) → CLOSED (only through ``receive_eof()``,
i.e. the TCP connection is gone, or a failed/rejected handshake). A server's
``should_close_transport`` turns True once both Close frames are exchanged (RFC 6455 §7.1.1:
the server closes TCP first); a client waits for the server to close it
(``close_expected()``; the session applies its timeout).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final, Literal, TypeAlias

from .close import (
    ABNORMAL_CLOSURE,
    LIBRARY_CODES,
    MAX_REASON_BYTES,
    MESSAGE_TOO_BIG,
    NO_STATUS_RECEIVED,
    PROTOCOL_ERROR,
    PROTOCOL_ERROR_REASON,
    CloseFrame,
    is_user_code,
    parse_close,
    serialize_close,
)
from .deflate import PerMessageDeflate
from .errors import (
    HandshakeError,
    HandshakeRejected,
    InvalidHandshake,
    InvalidState,
    ProtocolViolation,
)
from .frames import (
    FIN,
    OP_BINARY,
    OP_CLOSE,
    OP_PING,
    OP_PONG,
    OP_TEXT,
    RSV1,
    build_frame,
    mask_int,
    masked_small_frame,
    parse_header,
    random_mask_keys,
)
from .handshake import (
    ClientHandshake,
    HandshakeRequest,
    HandshakeResponse,
    ServerHandshake,
    reject_bytes,
)
from .messages import MessageAssembler
from .receiving import BIG_FRAME, COLLECT_MAX, ReceiveBuffer
from .sending import LARGE_PART, SendQueue
from .state import CLOSED, CLOSING, CONNECTING, OPEN, PHASES, Phase, State, Step, next_phase

__all__ = [
    "BINARY",
    "CLOSE",
    "CLOSED",
    "CLOSING",
    "CONNECTING",
    "DEFAULT_MAX_SIZE",
    "HANDSHAKE",
    "LARGE_PART",
    "OPEN",
    "PING",
    "PONG",
    "REQUEST",
    "TEXT",
    "ClientConnection",
    "Connection",
    "Event",
    "ServerConnection",
    "State",
]

TEXT: Final = 1
BINARY: Final = 2
CLOSE: Final = 8
PING: Final = 9
PONG: Final = 10
HANDSHAKE: Final = 16
REQUEST: Final = 17

Event: TypeAlias = (
    tuple[Literal[1], str]
    | tuple[Literal[2], bytes]
    | tuple[Literal[8], CloseFrame]
    | tuple[Literal[9], bytes]
    | tuple[Literal[10], bytes]
    | tuple[Literal[16], HandshakeResponse]
    | tuple[Literal[17], HandshakeRequest]
)

#: Default bound on one message's size in bytes (after decompression).
DEFAULT_MAX_SIZE: Final = 2**20
_UNLIMITED: Final = 1 << 63
#: Fewest bytes a continuation frame is accounted for: a message may have at most
#: ``max_size // FRAGMENT_COST`` fragments (at least MIN_FRAGMENTS), so a flood of tiny or empty
#: continuation frames ends with 1009 once it would cost more than ``max_size``.
FRAGMENT_COST: Final = 64
#: The fragment cap for tiny ``max_size`` values.
MIN_FRAGMENTS: Final = 1024


class Connection(ReceiveBuffer, SendQueue):
    """The shared core of :class:`ClientConnection` and :class:`ServerConnection`.

    A connection made directly starts OPEN (after a handshake done elsewhere); ``client``
    selects the masking rules (RFC 6455 §5.1), ``deflate`` a negotiated codec.
    """

    __slots__ = (
        "__weakref__",
        "_big_fill",
        "_big_view",
        "_buf",
        "_can_send",
        "_chunks",
        "_chunks_len",
        "_deflate",
        "_discard",
        "_eof",
        "_fast",
        "_held_pong",
        "_landing",
        "_lent",
        "_mask_keys",
        "_max_fast",
        "_max_fragments",
        "_max_wire",
        "_msg",
        "_out",
        "_pending",
        "_phase",
        "_pos",
        "_send_buf",
        "_spare",
        "client",
        "close_rcvd",
        "close_rcvd_then_sent",
        "close_sent",
        "extensions",
        "failure",
        "hold_pongs",
        "max_size",
        "pings_held",
        "should_close_transport",
        "state",
        "subprotocol",
    )

    def __init__(
        self,
        *,
        client: bool,
        max_size: int | None = DEFAULT_MAX_SIZE,
        deflate: PerMessageDeflate | None = None,
        state: State = OPEN,
    ) -> None:
        if max_size is not None and (not isinstance(max_size, int) or max_size < 0):
            raise ValueError("max_size must be a non-negative int or None")
        #: True for the client role (masks what it sends, expects unmasked frames).
        self.client = client
        #: Maximum size of a received message in bytes, after decompression (None: no limit).
        self.max_size = max_size
        if state is not CONNECTING and state is not OPEN:
            raise ValueError("a connection starts CONNECTING or OPEN")
        #: Current state (set with the lifecycle phase, see :mod:`.state`).
        self.state: State = state
        self._phase = Phase.CONNECTING if state is CONNECTING else Phase.OPEN
        #: The Close frame we sent (code 1005 if its body was empty), or None.
        self.close_sent: CloseFrame | None = None
        #: The Close frame we received (code 1005 if its body was empty), or None.
        self.close_rcvd: CloseFrame | None = None
        #: True if the peer closed first, False if we did, None while neither.
        self.close_rcvd_then_sent: bool | None = None
        #: Why this layer failed the connection: (close code, reason); code 1006 when no
        #: Close frame could be sent (handshake failures). None if it did not fail.
        self.failure: CloseFrame | None = None
        #: True once the session should close the TCP connection (after writing
        #: data_to_send()): a server after the closing handshake, anyone after a failure or
        #: the peer's EOF.
        self.should_close_transport = False
        #: While True (the session's transport stopped taking writes), Pings are answered by
        #: one held Pong for the latest of them (RFC 6455 §5.5.3 allows that), released by
        #: release_pongs(); pings_held counts the Pings it answers.
        self.hold_pongs = False
        self.pings_held = 0
        self._held_pong: bytes | None = None
        #: Negotiated subprotocol ("" if none) and extensions ("" if none).
        self.subprotocol = ""
        self.extensions = ""
        self._buf = b""
        self._pos = 0
        self._chunks: list[bytes] = []
        self._chunks_len = 0
        # A large frame's payload, collected in a buffer of its own (see _collect_payload).
        self._big_view: memoryview | None = None
        self._big_fill = 0
        self._spare: bytearray | None = None  # the last one, reused (see _collect_payload)
        self._landing = False  # receive_buffer() offered the start of the spare buffer
        self._eof = False
        self._out: list[bytes | memoryview] = []
        # The send buffer of large masked frames (see _queue_message): free for reuse, the
        # last one still queued in _out, the last one handed out by data_to_send_parts().
        self._send_buf: bytearray | None = None
        self._pending: bytearray | None = None
        self._lent: bytearray | None = None
        self._mask_keys: list[int] = []
        self._max_fast = _UNLIMITED if max_size is None else max_size
        self._max_fragments = (
            _UNLIMITED if max_size is None else max(max_size // FRAGMENT_COST, MIN_FRAGMENTS)
        )
        self._deflate = deflate
        self._max_wire = _UNLIMITED
        self._msg = MessageAssembler(max_size, deflate)
        self._set_deflate(deflate)
        traits = PHASES[self._phase]
        self._can_send = traits.can_send
        self._discard = not traits.reads_input
        self._fast = bool(traits.fast)

    def _step(self, step: Step) -> None:
        """Move the lifecycle on by ``step`` (the table in :mod:`.state`): the phase, and the
        state and flags it implies, change only here."""
        phase = self._phase = next_phase(self._phase, step)
        traits = PHASES[phase]
        self.state = traits.state
        self._can_send = traits.can_send
        self._discard = not traits.reads_input
        if traits.fast is not None:
            self._fast = traits.fast
        self.should_close_transport = (
            traits.closes_transport_client if self.client else traits.closes_transport_server
        )

    @property
    def phase(self) -> Phase:
        """Where the connection is in its lifecycle (finer than :attr:`state`)."""
        return self._phase

    def _set_deflate(self, codec: PerMessageDeflate | None) -> None:
        self._deflate = codec
        self._msg.set_deflate(codec)
        if codec is not None and self.max_size is not None:
            # Compressed payload is buffered before it is inflated: bound it too. Deflate
            # expands incompressible data by well under 0.1% (+ a few bytes), so a message
            # within max_size never needs more than this.
            self._max_wire = self.max_size + (self.max_size >> 10) + 64
        else:
            self._max_wire = self._max_fast

    # ---------------------------------------------------------------- inbound

    def receive_eof(self) -> None:
        """The peer closed its side of the TCP connection (or the transport was lost).

        Events still buffered remain available from ``next_event()``; the state becomes
        CLOSED once they are consumed (immediately if nothing is buffered).
        """
        if self._eof:
            return
        self._eof = True
        if self._discard or self.buffered == 0:
            self._finish_eof()

    def _finish_eof(self) -> None:
        if self.state is CONNECTING:
            self._handshake_failed("connection closed during the opening handshake")
            return
        # RFC 6455 §7.1.5: with no Close frame received, the close code is 1006.
        self._step(Step.EOF)
        self._drop_input()

    def next_event(self) -> Event | None:
        """Parse just enough buffered bytes for one event; None if more bytes are needed.

        See the module docstring for the event shapes. Never raises on peer input.
        """
        if self._fast:
            # Fast path: one complete, unfragmented, uncompressed text or binary frame; the
            # general parser (frames.parse_header and the checks below) handles everything
            # else, including every error.  It is written out here, not called, on purpose:
            # as a function call it made parsing small frames about 17% slower (measured with
            # benchmarks/protocol.py); this is its only copy.
            buf = self._buf
            pos = self._pos
            end = len(buf)
            if self.client:
                # From a server: unmasked (RFC 6455 §5.1), so b1 is the 7-bit length.
                if end - pos >= 2:
                    b0 = buf[pos]
                    n = buf[pos + 1]
                    start = pos + 2
                    if n < 126:
                        stop = start + n
                    elif n == 126 and end - start >= 2:
                        n = (buf[start] << 8) | buf[start + 1]
                        start += 2
                        # A non-minimal length takes the slow path, which fails it.
                        stop = start + n if n >= 126 else end + 1
                    else:
                        stop = end + 1
                    if stop <= end and n <= self._max_fast:
                        if b0 == 0x82:
                            self._pos = stop
                            return (BINARY, buf[start:stop])
                        if b0 == 0x81:
                            try:
                                text = buf[start:stop].decode()
                            except UnicodeDecodeError:
                                pass
                            else:
                                self._pos = stop
                                return (TEXT, text)
            elif end - pos >= 6:
                # From a client: masked (RFC 6455 §5.1); unmasked frames miss the fast path.
                b0 = buf[pos]
                n = buf[pos + 1] ^ 0x80
                if n < 126:
                    start = pos + 6
                    stop = start + n
                elif n == 126 and end - pos >= 8:
                    n = (buf[pos + 2] << 8) | buf[pos + 3]
                    start = pos + 8
                    # A non-minimal length takes the slow path, which fails it.
                    stop = start + n if n >= 126 else end + 1
                else:
                    stop = end + 1
                if stop <= end and n <= self._max_fast and b0 in (0x81, 0x82):
                    key = int.from_bytes(buf[start - 4 : start], "little")
                    payload = mask_int(buf[start:stop], key)
                    if b0 == 0x82:
                        self._pos = stop
                        return (BINARY, payload)
                    try:
                        text = payload.decode()
                    except UnicodeDecodeError:
                        pass
                    else:
                        self._pos = stop
                        return (TEXT, text)
        return self._next_event_slow()

    def _next_event_slow(self) -> Event | None:
        try:
            return self._parse()
        except ProtocolViolation as exc:
            self._fail(exc.code, exc.reason)
            return None

    def _parse(self) -> Event | None:
        """The general parser: any frame, fragmented and compressed messages, errors."""
        while True:
            state = self.state
            if state is CONNECTING:
                return self._handshake_step()
            if self._discard or state is CLOSED:
                return None
            buf = self._buf
            pos = self._pos
            parsed = parse_header(buf, pos)
            if parsed is None:
                if self._chunks:
                    self._merge()
                    continue
                if self._eof:
                    self._finish_eof()
                return None
            b0, b1, length, start = parsed
            opcode = b0 & 0x0F
            fin = b0 & FIN
            rsv1 = b0 & RSV1
            if b0 & 0x30:
                # RFC 6455 §5.2: RSV2/RSV3 must be 0 (no negotiated extension defines them).
                raise ProtocolViolation(PROTOCOL_ERROR, "Invalid reserved bit")
            if rsv1 and (self._deflate is None or opcode == 0 or opcode >= 8):
                # RFC 6455 §5.2: RSV1 needs an extension; RFC 7692 §6.1: only on the first
                # frame of a data message.  (Close reasons: Chromium's words, docs/deviations.)
                raise ProtocolViolation(
                    PROTOCOL_ERROR,
                    "Invalid reserved bit" if self._deflate is None else PROTOCOL_ERROR_REASON,
                )
            masked = b1 & 0x80
            if self.client:
                if masked:
                    # RFC 6455 §5.1: a client fails on a masked frame from the server.
                    raise ProtocolViolation(PROTOCOL_ERROR, "Masked frame from server")
            elif not masked:
                # RFC 6455 §5.1: a server fails on an unmasked frame from the client.
                raise ProtocolViolation(PROTOCOL_ERROR, "Unmasked frame from client")
            if length < 0:
                # RFC 6455 §5.2: a 64-bit length has its most significant bit 0.
                raise ProtocolViolation(PROTOCOL_ERROR, PROTOCOL_ERROR_REASON)
            msg = self._msg
            if opcode >= 8:
                if opcode > OP_PONG:
                    # RFC 6455 §5.2: reserved control opcodes.
                    raise ProtocolViolation(PROTOCOL_ERROR, "Unknown opcode")
                if not fin:
                    # RFC 6455 §5.5: control frames are not fragmented.
                    raise ProtocolViolation(PROTOCOL_ERROR, PROTOCOL_ERROR_REASON)
                if length > 125:
                    # RFC 6455 §5.5: control frame payloads are ≤ 125 bytes.
                    raise ProtocolViolation(PROTOCOL_ERROR, PROTOCOL_ERROR_REASON)
            elif opcode > OP_BINARY:
                # RFC 6455 §5.2: reserved data opcodes.
                raise ProtocolViolation(PROTOCOL_ERROR, "Unknown opcode")
            elif opcode == 0:
                if not msg.opcode:
                    # RFC 6455 §5.4: a continuation frame needs a message in progress.
                    raise ProtocolViolation(PROTOCOL_ERROR, "Unexpected continuation")
                if msg.fragments >= self._max_fragments:
                    # Each fragment costs memory and time whatever its length: tiny or empty
                    # ones are accounted for FRAGMENT_COST bytes.
                    raise ProtocolViolation(MESSAGE_TOO_BIG, "too many fragments")
                if msg.compressed:
                    if msg.wire + length > self._max_wire:
                        raise ProtocolViolation(MESSAGE_TOO_BIG, "message too big")
                elif msg.size + length > self._max_fast:
                    # RFC 6455 §10.4: refuse before buffering the payload.
                    raise ProtocolViolation(MESSAGE_TOO_BIG, "message too big")
            else:
                if msg.opcode:
                    # RFC 6455 §5.4: fragments of two messages are not interleaved.
                    raise ProtocolViolation(PROTOCOL_ERROR, "Previous data frame unfinished")
                if length > (self._max_wire if rsv1 else self._max_fast):
                    # RFC 6455 §10.4: refuse before buffering the payload.
                    raise ProtocolViolation(MESSAGE_TOO_BIG, "message too big")
            if masked:
                key_at = start
                start += 4
            stop = start + length
            view = self._big_view
            if view is not None:
                # The payload is collected in a buffer of its own; buf[pos:] is the header.
                if self._big_fill < length:
                    if self._eof:
                        self._finish_eof()
                    return None
                self._big_view = None
                self._big_fill = 0
                self._pos = start
                if masked:
                    payload = mask_int(view, int.from_bytes(buf[key_at : key_at + 4], "little"))
                else:
                    payload = bytes(view)
            else:
                if stop > len(buf):
                    if len(buf) + self._chunks_len >= stop:
                        self._merge()
                        continue
                    if self._eof:
                        self._finish_eof()
                    elif BIG_FRAME <= length <= COLLECT_MAX:
                        if start <= len(buf):
                            self._collect_payload(buf[pos:start], length, memoryview(buf)[start:])
                        elif self._chunks:
                            self._merge()  # the masking key is in the chunks: the header first
                            continue
                    return None
                self._pos = stop
                payload = buf[start:stop]
                if masked:
                    payload = mask_int(payload, int.from_bytes(buf[key_at : key_at + 4], "little"))
            if opcode == OP_PING:
                if self.close_sent is None:
                    if self.hold_pongs:
                        # Write backpressure: the Pong waits, one for the latest Ping (§5.5.3).
                        self._held_pong = payload
                        self.pings_held += 1
                    else:
                        # RFC 6455 §5.5.2: answer a Ping with a Pong carrying the same data.
                        self._out += build_frame(FIN | OP_PONG, payload, self._next_key())
                return (PING, payload)
            if opcode == OP_PONG:
                return (PONG, payload)
            if opcode == OP_CLOSE:
                return self._receive_close(payload)
            if opcode:
                msg.start(opcode, bool(rsv1))
                self._fast = False
            message = msg.add(payload, bool(fin))
            if message is None:
                continue
            self._fast = True
            if type(message) is str:
                return (TEXT, message)
            assert isinstance(message, bytes)
            return (BINARY, message)

    def _receive_close(self, payload: bytes) -> Event:
        frame = parse_close(payload)
        self.close_rcvd = frame
        if self.close_sent is None:
            # RFC 6455 §5.5.1: reply with a Close frame, echoing the status code; the reason is
            # echoed too, as Chromium does (the peer sees what it sent).
            self.close_rcvd_then_sent = True
            body = b"" if frame.code == NO_STATUS_RECEIVED else payload
            self._send_close_frame(body, CloseFrame(frame.code, frame.reason))
        # RFC 6455 §5.5.1: nothing after a Close frame is processed; RFC 6455 §7.1.1: the
        # server closes the TCP connection first.
        self._step(Step.RECEIVE_CLOSE)
        self._drop_input()
        if self._eof:
            self._finish_eof()
        return (CLOSE, frame)

    # ---------------------------------------------------------------- handshake

    def _handshake_step(self) -> Event | None:
        raise NotImplementedError  # pragma: no cover - only the subclasses handshake

    def _opened(self, trailing: bytes, codec: PerMessageDeflate | None) -> None:
        self._step(Step.OPENED)
        self._set_deflate(codec)
        pending = self._take_input()
        self._buf = trailing + pending if pending else trailing
        if self._eof and not self._buf:
            self._finish_eof()

    def _handshake_failed(self, message: str, code: int = ABNORMAL_CLOSURE) -> None:
        self.failure = CloseFrame(code, message)
        self._step(Step.HANDSHAKE_FAILED)
        self._drop_input()

    # ---------------------------------------------------------------- outbound

    def holds_large_buffers(self) -> bool:
        """True while the connection keeps a reusable large-frame buffer (received or sent)."""
        return self._spare is not None or self._send_buf is not None or self._lent is not None

    def release_large_buffers(self) -> None:
        """Drop the reusable large-frame buffers (the session calls this once large frames
        stopped flowing): a buffer in use stays alive through its views until it is done,
        and the next large frame gets a new one."""
        self._spare = None
        self._send_buf = None
        self._lent = None

    def _check_can_send(self) -> None:
        if not self._can_send:
            if self.state is CONNECTING:
                raise InvalidState("the connection is not open yet")
            raise InvalidState("a Close frame was sent: no more data can be sent")

    def send_text(self, data: str) -> None:
        """Queue a text message (one frame; compressed if negotiated and worth it).

        Raises InvalidState unless OPEN and no Close was sent; TypeError if not a str;
        UnicodeEncodeError (a ValueError) for lone surrogates.
        """
        if not self._can_send:
            self._check_can_send()
        if not isinstance(data, str):
            raise TypeError(f"text must be str, not {type(data).__name__}")
        self._queue_message(FIN | OP_TEXT, data.encode("utf-8"))

    def send_binary(self, data: bytes | bytearray | memoryview) -> None:
        """Queue a binary message (copied now if not ``bytes``).

        Raises InvalidState unless OPEN and no Close was sent; TypeError for other types.
        """
        if not self._can_send:
            self._check_can_send()
        if type(data) is not bytes:
            if not isinstance(data, (bytes, bytearray, memoryview)):
                raise TypeError(f"binary data must be bytes-like, not {type(data).__name__}")
            data = bytes(data)
        n = len(data)
        if n < 126 and self._deflate is None and self.client:
            # Hot path (small client message): straight to the frame, no compression step.
            keys = self._mask_keys
            if not keys:
                keys = self._mask_keys = random_mask_keys()
            self._out.append(masked_small_frame(0x82, data, keys.pop()))  # FIN | OP_BINARY
            return
        self._queue_message(FIN | OP_BINARY, data)

    def _control_payload(self, data: bytes | bytearray | memoryview | str) -> bytes:
        if isinstance(data, str):
            payload = data.encode("utf-8")
        elif isinstance(data, (bytes, bytearray, memoryview)):
            payload = bytes(data)
        else:
            raise TypeError(f"control data must be bytes-like or str, not {type(data).__name__}")
        if len(payload) > 125:
            # RFC 6455 §5.5: control frame payloads are ≤ 125 bytes.
            raise ValueError("control frame payload longer than 125 bytes")
        return payload

    def send_ping(self, data: bytes | bytearray | memoryview | str = b"") -> None:
        """Queue a Ping (≤ 125 bytes). Raises InvalidState unless OPEN and no Close sent."""
        self._check_can_send()
        self._out += build_frame(FIN | OP_PING, self._control_payload(data), self._next_key())

    def send_pong(self, data: bytes | bytearray | memoryview | str = b"") -> None:
        """Queue an unsolicited Pong (≤ 125 bytes; a heartbeat, RFC 6455 §5.5.3)."""
        self._check_can_send()
        self._out += build_frame(FIN | OP_PONG, self._control_payload(data), self._next_key())

    def release_pongs(self) -> None:
        """Stop holding Pongs back; queue the one held (unless a Close was sent since)."""
        self.hold_pongs = False
        payload = self._held_pong
        if payload is not None:
            self._held_pong = None
            self.pings_held = 0
            if self.close_sent is None:
                self._out += build_frame(FIN | OP_PONG, payload, self._next_key())

    def send_close(self, code: int | None = None, reason: str = "") -> None:
        """Start the closing handshake: queue a Close frame (empty body when ``code`` is None).

        ``code`` is 1000, 3000-4999 or a code the library uses (1001-1003, 1007-1011);
        ``reason`` at most 123 UTF-8 bytes and only with a code (ValueError/TypeError
        otherwise). Raises InvalidState unless OPEN and no Close was sent yet.
        """
        self._check_can_send()
        body = serialize_close(code, reason)
        self.close_rcvd_then_sent = False
        self._send_close_frame(
            body, CloseFrame(NO_STATUS_RECEIVED if code is None else code, reason)
        )
        self._step(Step.SEND_CLOSE)

    def _send_close_frame(self, body: bytes, frame: CloseFrame) -> None:
        self.close_sent = frame
        self._out += build_frame(FIN | OP_CLOSE, body, self._next_key())

    def fail(self, code: int, reason: str = "") -> None:
        """Fail the connection (RFC 6455 §7.1.7): queue a Close with ``code`` if none was
        sent, stop processing input and ask the session to close the transport.

        Also what the layer does itself on a peer violation. A reason too long for a Close
        frame is truncated. Raises ValueError for a code that may not be sent.
        """
        if not (is_user_code(code) or code in LIBRARY_CODES):
            raise ValueError(f"close code {code} may not be sent")
        self._fail(code, reason)

    def _fail(self, code: int, reason: str) -> None:
        phase = self._phase
        if phase is Phase.CONNECTING:
            self._handshake_failed(reason, code)
            return
        if phase is Phase.FAILED or phase is Phase.CLOSED or self.should_close_transport:
            return  # failed already, or a server's closing handshake is done: TCP ends now
        self.failure = CloseFrame(code, reason)
        if self.close_sent is None:
            # RFC 6455 §5.5: the reason must fit in the frame; cut at a character boundary.
            short = reason.encode("utf-8")[:MAX_REASON_BYTES].decode("utf-8", "ignore")
            self.close_rcvd_then_sent = self.close_rcvd is not None
            self._send_close_frame(
                code.to_bytes(2, "big") + short.encode("utf-8"), CloseFrame(code, short)
            )
        self._step(Step.FAIL)
        self._drop_input()
        if self._eof:
            self._finish_eof()

    # ---------------------------------------------------------------- closing

    def close_expected(self) -> bool:
        """True once the TCP connection is expected to end (closing handshake started,
        connection failed, or EOF): the session arms its close timeout.
        """
        return self.state >= CLOSING

    @property
    def close_code(self) -> int:
        """The WebSocket connection close code (RFC 6455 §7.1.5): the received Close frame's
        code, 1005 if it had no body, 1006 if no Close frame was received.
        """
        return self.close_rcvd.code if self.close_rcvd is not None else ABNORMAL_CLOSURE

    @property
    def close_reason(self) -> str:
        """The received Close frame's reason ("" if none was received)."""
        return self.close_rcvd.reason if self.close_rcvd is not None else ""

    @property
    def closing_handshake_done(self) -> bool:
        """True when a Close frame was both sent and received (a clean close, WHATWG, once
        the TCP connection is closed).
        """
        return self.close_sent is not None and self.close_rcvd is not None


class ClientConnection(Connection):
    """A client connection: queues the handshake request at construction, then frames.

    Arguments are those of :class:`~.handshake.ClientHandshake` plus ``max_size``.
    User errors (bad protocols or headers) raise ``TypeError``/``ValueError`` here.
    """

    __slots__ = ("handshake", "handshake_error", "response")

    def __init__(
        self,
        *,
        host: str,
        port: int,
        resource: str = "/",
        secure: bool = False,
        protocols: Sequence[str] = (),
        headers: Iterable[tuple[str, str]] = (),
        compression: str | None = "deflate",
        max_size: int | None = DEFAULT_MAX_SIZE,
        key: str | None = None,
    ) -> None:
        super().__init__(client=True, max_size=max_size, state=CONNECTING)
        #: The handshake in progress or done.
        self.handshake = ClientHandshake(
            host=host,
            port=port,
            resource=resource,
            secure=secure,
            protocols=protocols,
            headers=headers,
            compression=compression,
            key=key,
        )
        #: The server's 101 response, once accepted.
        self.response: HandshakeResponse | None = None
        #: Why the server's answer was refused (InvalidStatus for a status other than 101).
        self.handshake_error: InvalidHandshake | None = None
        self._out.append(self.handshake.request)

    def _handshake_step(self) -> Event | None:
        data = self._take_input()
        try:
            result = self.handshake.receive(data, self._eof)
        except InvalidHandshake as exc:
            self.handshake_error = exc.with_traceback(None)  # its frames hold this connection
            self._handshake_failed(str(exc))
            return None
        except HandshakeError as exc:
            self.handshake_error = InvalidHandshake(str(exc))
            self._handshake_failed(str(exc))
            return None
        if result is None:
            return None
        response, trailing = result
        self.response = response
        self.subprotocol = response.subprotocol
        self.extensions = response.extensions
        self._opened(trailing, self.handshake.deflate)
        return (HANDSHAKE, response)

    def _finish_eof(self) -> None:
        if self.state is CONNECTING and self.handshake_error is None:
            # The handshake sees the end too: the body of a non-101 answer may end here, or
            # the server closed before answering (either fails the handshake).
            self._handshake_step()
            if self.state is not CONNECTING:
                return
        super()._finish_eof()


class ServerConnection(Connection):
    """A server connection: parses the client's request, then ``accept()`` or ``reject()``.

    ``compression`` is "deflate" (accept a permessage-deflate offer) or None.
    """

    __slots__ = ("handshake", "request")

    def __init__(
        self, *, compression: str | None = "deflate", max_size: int | None = DEFAULT_MAX_SIZE
    ) -> None:
        super().__init__(client=False, max_size=max_size, state=CONNECTING)
        #: The handshake in progress or done.
        self.handshake = ServerHandshake(compression=compression)
        #: The client's valid request, once received.
        self.request: HandshakeRequest | None = None

    def _handshake_step(self) -> Event | None:
        if self.request is not None:
            return None  # waiting for accept() or reject()
        data = self._take_input()
        try:
            request = self.handshake.receive(data, self._eof)
        except HandshakeRejected as exc:
            self._out.append(reject_bytes(exc.status, str(exc) + "\n", exc.headers))
            self._handshake_failed(str(exc))
            return None
        except HandshakeError as exc:
            self._handshake_failed(str(exc))
            return None
        if request is None:
            return None
        self.request = request
        return (REQUEST, request)

    def accept(
        self, subprotocol: str | None = None, headers: Iterable[tuple[str, str]] = ()
    ) -> None:
        """Accept the request: queue the 101 response; the state becomes OPEN.

        ``subprotocol`` must be one the client offered (ValueError otherwise).
        """
        if self.state is not CONNECTING or self.request is None:
            raise InvalidState("no handshake request to accept")
        response, trailing, codec = self.handshake.accept(subprotocol, headers)
        self._out.append(response)
        self.subprotocol = subprotocol or ""
        self.extensions = codec.response if codec is not None else ""
        self._opened(trailing, codec)

    def reject(
        self, status: int = 403, body: str | bytes = "", headers: Iterable[tuple[str, str]] = ()
    ) -> None:
        """Answer the handshake with an HTTP response other than 101 (an error, a redirect,
        a health check's 200); the connection ends."""
        if self.state is not CONNECTING:
            raise InvalidState("the handshake is over")
        if not 200 <= status <= 599:
            raise ValueError("status must be a final HTTP status other than 101 (200-599)")
        self._out.append(reject_bytes(status, body, headers))
        self._handshake_failed(f"rejected with HTTP {status}")
