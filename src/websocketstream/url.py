"""The WebSockets Standard's URL handling on top of a WHATWG URL parser (``ada_url``).

:func:`get_url_record` implements the constructor steps "Let urlRecord be the result of getting a
URL record given url" (WebSockets Standard §3.1): parse with the WHATWG URL parser, map
``http``/``https`` to ``ws``/``wss``, and refuse other schemes and any fragment with a
``SyntaxError`` DOMException.  :func:`validate_protocols` implements the constructor's checks of
the ``protocols`` argument.

There is no document in Python, so there is no implicit base URL: a relative URL needs ``base``.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import ada_url

from .dom.exceptions import DOMSyntaxError
from .dom.websocket_error import to_usv_string

__all__ = ["WebSocketURL", "basic_authorization", "get_url_record", "validate_protocols"]

DEFAULT_PORTS: dict[str, int] = {"ws": 80, "wss": 443}

# RFC 7230 §3.2.6 tchar: the characters a token (and so a subprotocol name) may contain.
_TCHARS = frozenset("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


@dataclass(frozen=True, slots=True)
class WebSocketURL:
    """A parsed ``ws``/``wss`` URL record, with what a connection needs from it.

    ``href`` is the serialized URL (``WebSocket.url``); ``host`` is the serialized host (ASCII,
    punycode for IDN, IPv6 in brackets); ``hostname`` is the host to connect to (IPv6 without
    brackets); ``port`` is the port, defaulted to 80/443; ``resource_name`` is RFC 6455's
    resource name (path, then ``"?"`` and the query when there is one); ``origin`` is the
    serialized origin (``MessageEvent.origin``); ``host_header`` is the ``Host`` header value
    (the host, with ``:port`` unless it is the scheme's default port).
    """

    href: str
    scheme: str
    host: str
    hostname: str
    port: int
    resource_name: str
    secure: bool
    origin: str
    host_header: str
    #: The URL's userinfo, percent-decoded ("" when absent).
    username: str = ""
    password: str = ""

    def __str__(self) -> str:
        return self.href


def _parse(url: str, base: str | None) -> ada_url.URL:
    try:
        if base is None:
            return ada_url.URL(url)
        return ada_url.URL(url, base)
    except ValueError:
        pass
    if base is None:
        raise DOMSyntaxError(f"The URL '{url}' is invalid.") from None
    raise DOMSyntaxError(f"The URL '{url}' (with base '{base}') is invalid.") from None


# WebSockets Standard §3.1, "get a URL record"
def get_url_record(url: str, base: str | None = None) -> WebSocketURL:
    """Parse ``url`` (relative to ``base``, if given) as the WebSocket constructors do.

    ``http`` becomes ``ws`` and ``https`` becomes ``wss``.  Raises :class:`DOMSyntaxError` when
    the URL does not parse (a relative URL without ``base`` included), its scheme is not one of
    ws/wss/http/https, or it has a fragment (even an empty one, as in ``ws://host/#``); raises
    :class:`TypeError` when ``url`` or ``base`` is not a ``str``.
    """
    if not isinstance(url, str):
        raise TypeError(f"url must be a str, not {type(url).__name__}")
    if base is not None and not isinstance(base, str):
        raise TypeError(f"base must be a str or None, not {type(base).__name__}")
    url = to_usv_string(url)  # WebIDL USVString
    if base is not None:
        base = to_usv_string(base)
    record = _parse(url, base)
    scheme = record.protocol[:-1]  # "ws:" -> "ws"
    if scheme == "http":
        record.protocol = "ws:"
        scheme = "ws"
    elif scheme == "https":
        record.protocol = "wss:"
        scheme = "wss"
    if scheme not in DEFAULT_PORTS:
        raise DOMSyntaxError(
            f"The URL's scheme must be either 'http', 'https', 'ws', or 'wss'. "
            f"'{scheme}' is not allowed."
        )
    href = record.href
    # ada's ``hash`` is "" for both an empty and a null fragment; the serialization tells them
    # apart: "#" cannot appear elsewhere in a special URL's serialization (it is
    # percent-encoded in userinfo, path and query, and is a forbidden host code point).
    if "#" in href:
        raise DOMSyntaxError(
            f"The URL contains a fragment identifier ('{record.hash or '#'}'). "
            "Fragment identifiers are not allowed in WebSocket URLs."
        )
    host = record.hostname
    hostname = host[1:-1] if host.startswith("[") else host
    port = int(record.port) if record.port else DEFAULT_PORTS[scheme]
    # The query is non-null exactly when "?" appears (it is percent-encoded in the path and
    # userinfo), so "ws://h/p?" keeps its empty query like browsers' request line does.
    resource_name = record.pathname or "/"
    if "?" in href:
        resource_name += "?" + href.split("?", 1)[1]
    return WebSocketURL(
        href=href,
        scheme=scheme,
        host=host,
        hostname=hostname,
        port=port,
        resource_name=resource_name,
        secure=scheme == "wss",
        origin=record.origin,
        host_header=record.host,
        username=unquote(record.username),
        password=unquote(record.password),
    )


def basic_authorization(url: WebSocketURL) -> str | None:
    """The ``Authorization: Basic`` value for the URL's credentials, or None without any.

    A library choice (browsers drop a WebSocket URL's credentials): ``ws://user:pw@host``
    authenticates as ``websockets`` and ``curl`` do (RFC 7617, UTF-8).
    """
    if not url.username and not url.password:
        return None
    token = base64.b64encode(f"{url.username}:{url.password}".encode()).decode("ascii")
    return f"Basic {token}"


def _is_token(value: str) -> bool:
    return bool(value) and all(c in _TCHARS for c in value)


# WebSockets Standard §3.1, constructor steps for ``protocols``
def validate_protocols(protocols: Any, allow_string: bool = False) -> tuple[str, ...]:
    """Check the constructor's ``protocols`` argument; return the subprotocols as a tuple.

    ``protocols`` is any iterable of ``str`` (a plain ``str`` counts as one protocol only when
    ``allow_string`` is true, as for ``WebSocket``; ``WebSocketStream`` raises
    :class:`TypeError` for it).  Each must be a non-empty RFC 7230 token, and no two may be
    equal ignoring ASCII case, else :class:`DOMSyntaxError`; a non-``str`` item is a
    :class:`TypeError`.
    """
    if isinstance(protocols, str):
        if not allow_string:
            raise TypeError("protocols must be a sequence of str, not a str")
        items: Iterable[Any] = (protocols,)
    elif isinstance(protocols, bytes | bytearray | memoryview):
        raise TypeError(f"protocols must be a sequence of str, not {type(protocols).__name__}")
    else:
        try:
            items = iter(protocols)
        except TypeError:
            raise TypeError(
                f"protocols must be a sequence of str, not {type(protocols).__name__}"
            ) from None
    result: list[str] = []
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"each protocol must be a str, not {type(item).__name__}")
        if not _is_token(item):
            raise DOMSyntaxError(f"The subprotocol '{to_usv_string(item)}' is invalid.")
        folded = item.lower()  # only ASCII remains here, so this is ASCII lowercase
        if folded in seen:
            raise DOMSyntaxError(f"The subprotocol '{item}' is duplicated.")
        seen.add(folded)
        result.append(item)
    return tuple(result)
