"""Routing: one handler per URL path, with path parameters.

``route({"/chat/{room}": chat, "/feed": feed})`` is a handler for :func:`serve`: a request
whose path matches no pattern is refused with 404 during the handshake; otherwise the
matching handler runs with the parameters in ``ws.params`` (``{"room": "lobby"}``).

A pattern is a path whose segments may be ``{name}`` (one segment, not empty) or, as the last
segment, ``{name:path}`` (the rest of the path, slashes included). Parameters are
percent-decoded. Patterns are tried in the order given; the first match wins.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final
from urllib.parse import unquote

if TYPE_CHECKING:
    from .serve import Handler, ServerWebSocketStream

__all__ = ["Router", "route"]

_PARAM: Final = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(:path)?\}")


def _compile(pattern: str) -> re.Pattern[str]:
    if not pattern.startswith("/"):
        raise ValueError(f"a route pattern starts with '/': {pattern!r}")
    parts: list[str] = []
    names: set[str] = set()
    pos = 0
    for match in _PARAM.finditer(pattern):
        name, rest = match.group(1), match.group(2)
        if name in names:
            raise ValueError(f"parameter {name!r} appears twice in {pattern!r}")
        names.add(name)
        if rest and match.end() != len(pattern):
            raise ValueError(f"{{{name}:path}} must end the pattern {pattern!r}")
        parts.append(re.escape(pattern[pos : match.start()]))
        parts.append(f"(?P<{name}>.+)" if rest else f"(?P<{name}>[^/]+)")
        pos = match.end()
    literal = pattern[pos:]
    if "{" in literal or "}" in literal:
        raise ValueError(f"invalid parameter in route pattern {pattern!r}")
    parts.append(re.escape(literal))
    return re.compile("".join(parts))


class Router:
    """A handler that dispatches on the request path; see :func:`route`."""

    __slots__ = ("_routes",)

    def __init__(self, routes: Mapping[str, Handler]) -> None:
        if not routes:
            raise ValueError("route() needs at least one pattern")
        compiled = []
        for pattern, handler in routes.items():
            if not isinstance(pattern, str):
                raise TypeError("route patterns must be str")
            if not callable(handler):
                raise TypeError(f"the handler of {pattern!r} is not callable")
            compiled.append((_compile(pattern), handler))
        self._routes = tuple(compiled)

    def resolve(self, path: str) -> tuple[Handler, dict[str, str]] | None:
        """The handler for ``path`` (without the query) and its parameters, or None."""
        for regex, handler in self._routes:
            match = regex.fullmatch(path)
            if match is not None:
                params = {k: unquote(v, errors="strict") for k, v in match.groupdict().items()}
                return handler, params
        return None

    async def __call__(self, ws: ServerWebSocketStream) -> None:
        # The server resolved the route during the handshake (404 otherwise) and set params.
        resolved = self.resolve(ws.request.path)
        if resolved is None:  # only when called outside serve(): nothing to serve
            ws.close(1008, "no route")
            return
        handler, params = resolved
        ws.params = params
        await handler(ws)


def route(routes: Mapping[str, Handler]) -> Router:
    """A handler for :func:`serve` that dispatches on the request path (404 if none matches);
    see the module documentation for the patterns."""
    return Router(routes)
