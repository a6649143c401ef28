"""The opening handshake (RFC 6455 §4, WHATWG WebSockets "establish a WebSocket connection").

HTTP/1.1 parsing and serialisation is done by ``h11`` (bounded: 16 KiB of headers at most);
this module adds the WebSocket rules on top. :class:`ClientHandshake` builds the upgrade request
and checks the response; :class:`ServerHandshake` checks a request and builds the 101 response
or an HTTP error response. Bytes that follow the head in the same read (early frames) are kept:
they are returned as ``trailing`` and must be fed to the frame parser.

Peer errors raise :class:`~.errors.HandshakeError` (internal: the connection catches it).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Final

import h11

from . import deflate
from .errors import HandshakeError, HandshakeRejected, InvalidStatus, NegotiationError
from .headers import ExtensionParams, parse_extensions, parse_token_list

__all__ = [
    "ClientHandshake",
    "HandshakeRequest",
    "HandshakeResponse",
    "ServerHandshake",
    "accept_key",
    "generate_key",
    "reject_bytes",
]

_GUID: Final = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
_TOKEN: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# RFC 9110 §5.5: field values are visible characters, spaces and tabs (and obs-text).
_FIELD_VALUE: Final = re.compile(r"[\t\x20-\x7e\x80-\xff]*")
# Headers the handshake owns; user-supplied headers may not set them.
_RESERVED: Final = frozenset(
    {
        "host",
        "upgrade",
        "connection",
        "sec-websocket-key",
        "sec-websocket-version",
        "sec-websocket-protocol",
        "sec-websocket-extensions",
        "sec-websocket-accept",
        "content-length",
        "transfer-encoding",
    }
)
# Headers an error response sets itself.
_RESERVED_IN_ERRORS: Final = frozenset({"connection", "content-length", "transfer-encoding"})


def generate_key() -> str:
    """A new Sec-WebSocket-Key: 16 random bytes, base64-encoded (RFC 6455 §4.1)."""
    return base64.b64encode(os.urandom(16)).decode("ascii")


def accept_key(key: str) -> str:
    """The Sec-WebSocket-Accept value for ``key`` (RFC 6455 §4.2.2 step 5.4)."""
    digest = hashlib.sha1((key + _GUID).encode("ascii")).digest()
    return base64.b64encode(digest).decode("ascii")


def _check_user_headers(
    headers: Iterable[tuple[str, str]], reserved: frozenset[str] = _RESERVED
) -> list[tuple[str, str]]:
    """Validate extra headers given by the user; raise TypeError/ValueError at the call."""
    checked = []
    for item in headers:
        if not isinstance(item, tuple) or len(item) != 2:
            raise TypeError("headers must be (name, value) pairs of str")
        name, value = item
        if not isinstance(name, str) or not isinstance(value, str):
            raise TypeError("header names and values must be str")
        if _TOKEN.fullmatch(name) is None:
            raise ValueError(f"invalid header name {name!r}")
        if _FIELD_VALUE.fullmatch(value) is None:
            raise ValueError(f"invalid value for header {name!r}")
        if name.lower() in reserved:
            raise ValueError(f"header {name!r} is set by the WebSocket handshake")
        checked.append((name, value.strip(" \t")))
    return checked


def _combined(headers: Sequence[tuple[bytes, bytes]], name: bytes) -> str | None:
    """All values of header ``name`` joined with ", " (RFC 9110 §5.3), or None if absent."""
    values = [v.decode("latin-1") for n, v in headers if n == name]
    if not values:
        return None
    return ", ".join(values)


def _decoded(headers: Sequence[tuple[bytes, bytes]]) -> tuple[tuple[str, str], ...]:
    return tuple((n.decode("latin-1"), v.decode("latin-1")) for n, v in headers)


@dataclass(frozen=True, slots=True)
class HandshakeResponse:
    """The server's accepted 101 response, as seen by a client."""

    #: The HTTP status (always 101).
    status: int
    #: Response headers, names lowercased, in order.
    headers: tuple[tuple[str, str], ...]
    #: The selected subprotocol, "" if none (WHATWG ``protocol``).
    subprotocol: str
    #: The negotiated extensions as the server wrote them, "" if none (WHATWG ``extensions``).
    extensions: str


@dataclass(frozen=True, slots=True)
class HandshakeRequest:
    """A client's valid upgrade request, as seen by a server."""

    #: The request target (path and query), e.g. "/chat?room=1".
    target: str
    #: Request headers, names lowercased, in order.
    headers: tuple[tuple[str, str], ...]
    #: Subprotocols the client offers, in its order of preference.
    protocols: tuple[str, ...]
    #: Extension offers, parsed: ``[(name, [(param, value or None), ...]), ...]``.
    extensions: tuple[tuple[str, ExtensionParams], ...]
    #: The Sec-WebSocket-Key.
    key: str


class ClientHandshake:
    """A client's opening handshake: the request bytes, then the response check.

    ``host`` is the URL's serialised host (IPv6 in brackets or not), ``resource`` the path and
    query ("/" at least). ``headers`` are extra (name, value) pairs; headers the handshake sets
    itself are refused with ``ValueError``. ``compression`` is "deflate" (offer
    permessage-deflate as browsers do) or None.
    """

    __slots__ = (
        "_body",
        "_close_delimited",
        "_h11",
        "_offered_deflate",
        "_protocols",
        "_rejection",
        "deflate",
        "key",
        "request",
    )

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
        key: str | None = None,
    ) -> None:
        if isinstance(protocols, str):
            raise TypeError("protocols must be a sequence of str, not a str")
        for p in protocols:
            if not isinstance(p, str):
                raise TypeError("protocols must be str")
            if _TOKEN.fullmatch(p) is None:
                # RFC 6455 §4.1: each subprotocol is a token.
                raise ValueError(f"invalid subprotocol {p!r}")
        if len({p for p in protocols}) != len(protocols):
            raise ValueError("duplicate subprotocols")
        if compression not in ("deflate", None):
            raise ValueError(f"unsupported compression {compression!r}")
        if not resource.startswith("/"):
            raise ValueError("resource must start with '/'")
        extra = _check_user_headers(headers)
        self._protocols = tuple(protocols)
        self._offered_deflate = compression == "deflate"
        #: The negotiated permessage-deflate codec, once the response was accepted.
        self.deflate: deflate.PerMessageDeflate | None = None
        #: The Sec-WebSocket-Key sent.
        self.key = key if key is not None else generate_key()
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        default_port = 443 if secure else 80
        # RFC 6455 §4.1: Host, with the port when it is not the default one.
        host_value = host if port == default_port else f"{host}:{port}"
        fields = [
            ("Host", host_value),
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", self.key),
            ("Sec-WebSocket-Version", "13"),
        ]
        if self._protocols:
            fields.append(("Sec-WebSocket-Protocol", ", ".join(self._protocols)))
        if self._offered_deflate:
            fields.append(("Sec-WebSocket-Extensions", deflate.client_offer()))
        fields.extend(extra)
        self._h11 = h11.Connection(h11.CLIENT)
        self._rejection: h11.Response | None = None
        self._body = bytearray()
        self._close_delimited = False
        try:
            request = h11.Request(method="GET", target=resource, headers=fields)
        except h11.LocalProtocolError as exc:
            raise ValueError(f"invalid handshake request: {exc}") from None
        #: The request bytes to send first.
        self.request = (self._h11.send(request) or b"") + (
            self._h11.send(h11.EndOfMessage()) or b""
        )

    def receive(self, data: bytes, eof: bool = False) -> tuple[HandshakeResponse, bytes] | None:
        """Feed response bytes; return ``(response, trailing bytes)`` once the 101 response is
        complete and valid, None if more bytes are needed. Raises HandshakeError on failure.
        """
        conn = self._h11
        if data:
            conn.receive_data(data)
        if eof:
            conn.receive_data(b"")
        while True:
            before = conn.their_state
            try:
                event = conn.next_event()
            except h11.RemoteProtocolError as exc:
                if eof and before is h11.SEND_RESPONSE:
                    # No (complete) response head before the end of the connection.
                    raise HandshakeError("connection closed during the opening handshake") from None
                raise HandshakeError(f"invalid HTTP response: {exc}") from None
            if event is h11.NEED_DATA:
                if self._rejection is not None and (eof or self._close_delimited):
                    # A body that only the end of the connection would end is not waited
                    # for: the connection fails now, with the bytes that came (as Chromium).
                    raise self._invalid_status()
                if eof:
                    raise HandshakeError("connection closed during the opening handshake")
                return None
            if isinstance(event, h11.InformationalResponse):
                if event.status_code != 101:
                    continue  # Fetch ignores other interim (1xx) responses.
                response = self._validate(event)
                trailing, _closed = conn.trailing_data
                return response, bytes(trailing)
            if isinstance(event, h11.Response):
                # WHATWG: a status other than 101 fails the connection; no redirects.  The
                # first bytes of the body are kept for the error (InvalidStatus).
                self._rejection = event
                self._body = bytearray()
                names = {name.lower() for name, _ in event.headers}
                self._close_delimited = not names & {b"content-length", b"transfer-encoding"}
                continue
            if self._rejection is not None:
                if isinstance(event, h11.Data):
                    self._body += event.data
                    if len(self._body) >= InvalidStatus.MAX_BODY:
                        raise self._invalid_status()
                    continue
                raise self._invalid_status()  # EndOfMessage (or the connection closed)
            raise HandshakeError("connection closed during the opening handshake")

    def _invalid_status(self) -> InvalidStatus:
        response = self._rejection
        assert response is not None
        return InvalidStatus(
            response.status_code,
            _decoded(response.headers),
            bytes(self._body[: InvalidStatus.MAX_BODY]),
        )

    def _validate(self, event: h11.InformationalResponse) -> HandshakeResponse:
        headers = list(event.headers)
        # RFC 6455 §4.1 (response check step 2): Upgrade is "websocket", case-insensitively.
        upgrade = _combined(headers, b"upgrade")
        try:
            upgrade_tokens = parse_token_list(upgrade or "")
        except ValueError:
            upgrade_tokens = []
        if upgrade_tokens != ["websocket"]:
            raise HandshakeError(f"invalid Upgrade header {upgrade!r}")
        # Step 3: Connection contains the token "upgrade", case-insensitively.
        connection = _combined(headers, b"connection")
        try:
            connection_tokens = parse_token_list(connection or "")
        except ValueError:
            connection_tokens = []
        if "upgrade" not in connection_tokens:
            raise HandshakeError(f"invalid Connection header {connection!r}")
        # Step 4: Sec-WebSocket-Accept matches the key.
        accept = _combined(headers, b"sec-websocket-accept")
        if accept is None or accept.strip(" \t") != accept_key(self.key):
            raise HandshakeError("missing or wrong Sec-WebSocket-Accept")
        # Step 5: only extensions the client offered.
        extensions = _combined(headers, b"sec-websocket-extensions")
        if extensions is not None:
            try:
                parsed = parse_extensions(extensions)
            except ValueError as exc:
                raise HandshakeError(f"invalid Sec-WebSocket-Extensions: {exc}") from None
            for name, params in parsed:
                if name != deflate.EXTENSION_NAME or not self._offered_deflate:
                    raise HandshakeError(f"extension {name!r} was not offered")
                if self.deflate is not None:
                    raise HandshakeError("permessage-deflate negotiated twice")
                try:
                    self.deflate = deflate.client_accept(params)
                except NegotiationError as exc:
                    raise HandshakeError(f"invalid permessage-deflate response: {exc}") from None
        # Step 6: the subprotocol, if any, is one the client requested.
        protocol = _combined(headers, b"sec-websocket-protocol")
        if protocol is not None:
            protocol = protocol.strip(" \t")
            if protocol not in self._protocols:
                raise HandshakeError(f"subprotocol {protocol!r} was not requested")
        elif self._protocols:
            # WHATWG establish a WebSocket connection, processResponse step 2: protocols were
            # requested and none was selected (stricter than RFC 6455, which allows it).
            raise HandshakeError("no subprotocol selected by the server")
        return HandshakeResponse(
            status=101,
            headers=_decoded(headers),
            subprotocol=protocol or "",
            extensions=self.deflate.response if self.deflate is not None else "",
        )


#: The largest request head (request line and headers) a server reads: 431 beyond it.
MAX_REQUEST_HEAD: Final = 16 * 1024
#: The most header fields a request may have: 431 beyond it.
MAX_REQUEST_HEADERS: Final = 128
# What the request line received so far may look like: a method token (at most 20 bytes), a
# space, a target of visible characters, a space, a version. Anything else is garbage: 400 at
# once rather than waiting for a line end that may never come.
_REQUEST_LINE_PREFIX: Final = re.compile(
    rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]{0,20}(?: [\x21-\x7e]*(?: [\x21-\x7e]{0,10})?)?\r?"
)


class ServerHandshake:
    """A server's opening handshake: check the request, then accept or reject it.

    The request head is bounded however TCP splits it: more than ``MAX_REQUEST_HEAD`` bytes
    or ``MAX_REQUEST_HEADERS`` fields is refused with 431, a request line that cannot be one
    with 400 as soon as it shows (h11 alone bounds only a head that arrives in several
    reads).
    """

    __slots__ = ("_compression", "_fed", "_first_line", "_h11", "request")

    def __init__(self, *, compression: str | None = "deflate") -> None:
        if compression not in ("deflate", None):
            raise ValueError(f"unsupported compression {compression!r}")
        self._compression = compression
        # None once accept() answered: HTTP is over, and h11's state would stay with every
        # open connection.
        self._h11: h11.Connection | None = h11.Connection(
            h11.SERVER, max_incomplete_event_size=MAX_REQUEST_HEAD
        )
        self._fed = 0  # bytes received before the request was complete
        self._first_line: bytes | None = b""  # the request line so far; None once complete
        #: The validated request, once received.
        self.request: HandshakeRequest | None = None

    def _check_head(self, data: bytes) -> None:
        # Bound the head and reject garbage early, whatever the size of each read.
        self._fed += len(data)
        first = self._first_line
        if first is not None:
            end = data.find(b"\n")
            first += data if end < 0 else data[:end]
            if _REQUEST_LINE_PREFIX.fullmatch(first[:8192]) is None:
                raise HandshakeRejected(400, "invalid HTTP request line")
            if len(first) > 8192:
                raise HandshakeRejected(414, "request line too long")
            self._first_line = first if end < 0 else None

    def receive(self, data: bytes, eof: bool = False) -> HandshakeRequest | None:
        """Feed request bytes; return the validated request once complete, None if more bytes
        are needed. Raises HandshakeRejected (bad request: answer with :meth:`reject_bytes`)
        or HandshakeError (connection closed early).
        """
        conn = self._h11
        if conn is None:
            raise HandshakeError("the handshake is over")
        if data and self.request is None:
            conn.receive_data(data)
            self._check_head(bytes(data))
        elif data:
            conn.receive_data(data)
        if eof:
            conn.receive_data(b"")
        try:
            event = conn.next_event()
            if isinstance(event, h11.Request) and self.request is None:
                head = self._fed - len(conn.trailing_data[0])
                if head > MAX_REQUEST_HEAD:
                    raise HandshakeRejected(431, "request head too large")
                if len(event.headers) > MAX_REQUEST_HEADERS:
                    raise HandshakeRejected(431, "too many header fields")
                self.request = self._validate(event)
                # A GET upgrade request has no body: h11 reports its end right away.
                end = conn.next_event()
                if not isinstance(end, h11.EndOfMessage):
                    raise HandshakeRejected(400, "unexpected request body")
                return self.request
        except h11.RemoteProtocolError as exc:
            raise HandshakeRejected(exc.error_status_hint, f"invalid HTTP request: {exc}") from None
        if event is h11.NEED_DATA and not eof:
            return None
        raise HandshakeError("connection closed during the opening handshake")

    def _validate(self, event: h11.Request) -> HandshakeRequest:
        headers = list(event.headers)
        # RFC 6455 §4.2.1 item 1: a GET request, HTTP/1.1 or higher.
        if event.method != b"GET":
            raise HandshakeRejected(405, "the method must be GET", (("Allow", "GET"),))
        if event.http_version != b"1.1":
            raise HandshakeRejected(400, "HTTP/1.1 is required")
        if _combined(headers, b"content-length") not in (None, "0") or _combined(
            headers, b"transfer-encoding"
        ):
            raise HandshakeRejected(400, "unexpected request body")
        upgrade_required = (("Upgrade", "websocket"),)
        # Item 3: Upgrade includes "websocket", case-insensitively.
        try:
            upgrade = parse_token_list(_combined(headers, b"upgrade") or "")
        except ValueError:
            upgrade = []
        if "websocket" not in upgrade:
            raise HandshakeRejected(426, "a WebSocket upgrade is required", upgrade_required)
        # Item 4: Connection includes "upgrade", case-insensitively.
        try:
            connection = parse_token_list(_combined(headers, b"connection") or "")
        except ValueError:
            connection = []
        if "upgrade" not in connection:
            raise HandshakeRejected(426, "a WebSocket upgrade is required", upgrade_required)
        # Item 6: Sec-WebSocket-Version is 13 (§4.4: else 426 listing the supported version).
        if _combined(headers, b"sec-websocket-version") != "13":
            raise HandshakeRejected(
                426, "unsupported WebSocket version", (("Sec-WebSocket-Version", "13"),)
            )
        # Item 5: Sec-WebSocket-Key, once, base64 of 16 bytes.
        keys = [v for n, v in headers if n == b"sec-websocket-key"]
        if len(keys) != 1:
            raise HandshakeRejected(400, "exactly one Sec-WebSocket-Key is required")
        key = keys[0].decode("latin-1")
        try:
            raw = base64.b64decode(key, validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) != 16:
            raise HandshakeRejected(400, "invalid Sec-WebSocket-Key")
        # Items 8 and 9: subprotocols (tokens) and extension offers.
        try:
            offered = _combined(headers, b"sec-websocket-protocol") or ""
            protocols = tuple(p.strip(" \t") for p in offered.split(",") if p.strip(" \t"))
            if any(_TOKEN.fullmatch(p) is None for p in protocols):
                raise ValueError("invalid subprotocol")
            offers = _combined(headers, b"sec-websocket-extensions") or ""
            extensions = tuple(parse_extensions(offers))
        except ValueError as exc:
            raise HandshakeRejected(400, f"invalid header: {exc}") from None
        return HandshakeRequest(
            target=event.target.decode("latin-1"),
            headers=_decoded(headers),
            protocols=protocols,
            extensions=extensions,
            key=key,
        )

    def accept(
        self, subprotocol: str | None = None, headers: Iterable[tuple[str, str]] = ()
    ) -> tuple[bytes, bytes, deflate.PerMessageDeflate | None]:
        """Build the 101 response; return ``(response bytes, trailing bytes, codec)``.

        ``subprotocol`` must be one the client offered (or None). Raises ValueError.
        """
        request = self.request
        if request is None:
            raise ValueError("no valid request to accept")
        extra = _check_user_headers(headers)
        fields = [
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Accept", accept_key(request.key)),
        ]
        if subprotocol is not None:
            # RFC 6455 §4.2.2 step 5.4: the selected subprotocol is one the client offered.
            if subprotocol not in request.protocols:
                raise ValueError(f"subprotocol {subprotocol!r} was not offered by the client")
            fields.append(("Sec-WebSocket-Protocol", subprotocol))
        codec = None
        if self._compression == "deflate":
            offers = [params for name, params in request.extensions if name == "permessage-deflate"]
            codec = deflate.server_negotiate(offers)
            if codec is not None:
                fields.append(("Sec-WebSocket-Extensions", codec.response))
        fields.extend(extra)
        conn = self._h11
        if conn is None:
            raise ValueError("the request was accepted already")
        data = conn.send(
            h11.InformationalResponse(
                status_code=101, headers=fields, reason=b"Switching Protocols"
            )
        )
        trailing, _closed = conn.trailing_data
        self._h11 = None
        return data or b"", bytes(trailing), codec


def reject_bytes(
    status: int, body: str | bytes = "", headers: Iterable[tuple[str, str]] = ()
) -> bytes:
    """An HTTP/1.1 response other than 101 that ends the connection (``Connection: close``).

    ``body`` is sent as it is (``str``: UTF-8, ``text/plain`` unless ``headers`` give a
    Content-Type).
    """
    extra = _check_user_headers(headers, _RESERVED_IN_ERRORS)
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    payload = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    lines = [f"HTTP/1.1 {status} {phrase}"]
    for name, value in extra:
        lines.append(f"{name}: {value}")
    if not any(name.lower() == "content-type" for name, _ in extra):
        lines.append("Content-Type: text/plain; charset=utf-8")
    lines.append(f"Content-Length: {len(payload)}")
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + payload
