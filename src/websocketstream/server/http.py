"""The HTTP side of the server's opening handshake: the request a handler and the hooks see,
the response a hook may give instead of the upgrade, and their headers."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TypeAlias
from urllib.parse import parse_qs

from ..protocol.handshake import HandshakeRequest

__all__ = ["Address", "Headers", "Request", "Response"]

#: A peer's address: ``(host, port)`` over TCP (IPv4 or IPv6), the socket path ("" when the
#: peer's socket is unnamed) over a Unix socket.
Address: TypeAlias = tuple[str, int] | str


class Headers:
    """HTTP header fields: ordered, several values per name, names compared case-insensitively.

    Iterating gives ``(name, value)`` pairs as they were received (or added).
    """

    __slots__ = ("_items",)

    def __init__(self, items: Iterable[tuple[str, str]] | Mapping[str, str] = ()) -> None:
        pairs = items.items() if isinstance(items, Mapping) else items
        # A (str, str) tuple is kept as it is: a request's headers stay with its connection,
        # and share their tuples with the handshake's (one tuple per field, not two).
        self._items: list[tuple[str, str]] = [
            pair if type(pair) is tuple and type(n) is str and type(v) is str else (str(n), str(v))
            for pair in pairs
            for n, v in (pair,)
        ]

    def get(self, name: str, default: str | None = None) -> str | None:
        """The first value of ``name``, or ``default``."""
        key = name.lower()
        for n, v in self._items:
            if n.lower() == key:
                return v
        return default

    def get_all(self, name: str) -> list[str]:
        """Every value of ``name``, in order."""
        key = name.lower()
        return [v for n, v in self._items if n.lower() == key]

    def add(self, name: str, value: str) -> None:
        """Add a field (an existing one of the same name stays: e.g. several Set-Cookie)."""
        self._items.append((name, value))

    def __getitem__(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def __setitem__(self, name: str, value: str) -> None:
        """Replace every field named ``name`` by one."""
        key = name.lower()
        self._items = [(n, v) for n, v in self._items if n.lower() != key]
        self._items.append((name, value))

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Headers):
            return self._items == other._items
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Headers({self._items!r})"


@dataclass(frozen=True, slots=True)
class Request:
    """A client's upgrade request, as the server's hooks and handlers see it."""

    #: The request target's path, as sent (not percent-decoded), e.g. "/chat/lobby".
    path: str
    #: The query string without "?", as sent; "" if none.
    query: str
    #: The request headers (names as the client sent them; look-ups ignore case).
    headers: Headers
    #: The client's address.
    remote_address: Address
    #: Subprotocols the client offers, in its order of preference.
    protocols: tuple[str, ...]

    @property
    def target(self) -> str:
        """The request target: path and query, e.g. "/chat?room=1"."""
        return f"{self.path}?{self.query}" if self.query else self.path

    @property
    def query_params(self) -> dict[str, list[str]]:
        """The query string parsed (percent-decoded, blank values kept)."""
        return parse_qs(self.query, keep_blank_values=True)

    @classmethod
    def from_handshake(cls, request: HandshakeRequest, remote_address: Address) -> Request:
        """The public view of a validated handshake request."""
        path, _, query = request.target.partition("?")
        return cls(
            path=path,
            query=query,
            headers=Headers(request.headers),
            remote_address=remote_address,
            protocols=request.protocols,
        )


class Response:
    """An HTTP response: what ``process_request`` returns to answer instead of upgrading (an
    auth failure, a health check, a redirect), and what ``process_response`` may add headers to.

    ``body`` is ``bytes`` or ``str`` (UTF-8; ``text/plain`` unless a Content-Type is given).
    """

    __slots__ = ("body", "headers", "status")

    def __init__(
        self,
        status: int,
        headers: Iterable[tuple[str, str]] | Mapping[str, str] = (),
        body: bytes | str = b"",
    ) -> None:
        if not isinstance(status, int) or not (status == 101 or 200 <= status <= 599):
            raise ValueError(f"invalid HTTP status {status!r}")
        self.status = status
        self.headers = headers if isinstance(headers, Headers) else Headers(headers)
        self.body = body

    def __repr__(self) -> str:
        return f"Response({self.status}, {self.headers!r}, {self.body!r})"


def address_of(peername: object) -> Address:
    """Normalise a socket's peer name: ``(host, port)`` for IPv4 and IPv6, a str otherwise."""
    if isinstance(peername, tuple) and len(peername) >= 2:
        return (str(peername[0]), int(peername[1]))
    if isinstance(peername, bytes):
        return peername.decode("utf-8", "backslashreplace")
    return str(peername) if peername is not None else ""
