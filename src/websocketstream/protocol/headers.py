"""Parsers for the handshake's structured header values (RFC 6455 §4.3, §9.1; RFC 9110 §5.6)."""

from __future__ import annotations

import re
from typing import TypeAlias

__all__ = ["ExtensionParams", "parse_extensions", "parse_token_list"]

ExtensionParams: TypeAlias = list[tuple[str, str | None]]

# RFC 9110 §5.6.2 token and §5.6.4 quoted-string.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_UNESCAPE = re.compile(r"\\(.)")


def _skip_ows(value: str, pos: int) -> int:
    """The position after optional whitespace (RFC 9110 §5.6.3) at ``pos``."""
    n = len(value)
    while pos < n and value[pos] in " \t":
        pos += 1
    return pos


def parse_token_list(value: str) -> list[str]:
    """Split a ``1#token`` list (e.g. Connection, Upgrade) into lowercase tokens.

    Raises ``ValueError`` if an element is not a token.
    """
    tokens = []
    for raw in value.split(","):
        item = raw.strip(" \t")
        if not item:
            continue  # RFC 9110 §5.6.1: empty list elements are ignored.
        if _TOKEN.fullmatch(item) is None:
            raise ValueError(f"invalid token {item!r}")
        tokens.append(item.lower())
    return tokens


def parse_extensions(value: str) -> list[tuple[str, ExtensionParams]]:
    """Parse a Sec-WebSocket-Extensions value (RFC 6455 §9.1 grammar).

    Returns ``[(extension name, [(param name, value or None), ...]), ...]`` in order, names
    lowercased, quoted values unquoted. Raises ``ValueError`` on a syntax error.
    """
    result: list[tuple[str, ExtensionParams]] = []
    pos = 0
    n = len(value)
    while True:
        pos = _skip_ows(value, pos)
        if pos < n and value[pos] == ",":  # empty list element
            pos += 1
            continue
        if pos >= n:
            return result
        m = _TOKEN.match(value, pos)
        if m is None:
            raise ValueError(f"expected an extension name at {pos} in {value!r}")
        name = m.group().lower()
        pos = m.end()
        params: ExtensionParams = []
        while True:
            pos = _skip_ows(value, pos)
            if pos >= n or value[pos] == ",":
                break
            if value[pos] != ";":
                raise ValueError(f"expected ';' or ',' at {pos} in {value!r}")
            pos = _skip_ows(value, pos + 1)
            m = _TOKEN.match(value, pos)
            if m is None:
                raise ValueError(f"expected a parameter name at {pos} in {value!r}")
            pname = m.group().lower()
            pos = _skip_ows(value, m.end())
            pvalue: str | None = None
            if pos < n and value[pos] == "=":
                pos = _skip_ows(value, pos + 1)
                m = _TOKEN.match(value, pos)
                if m is not None:
                    pvalue = m.group()
                else:
                    q = _QUOTED.match(value, pos)
                    if q is None:
                        raise ValueError(f"expected a parameter value at {pos} in {value!r}")
                    pvalue = _UNESCAPE.sub(r"\1", q.group(1))
                    # RFC 6455 §9.1: a quoted value must still be a valid token.
                    if _TOKEN.fullmatch(pvalue) is None:
                        raise ValueError(f"quoted parameter value {pvalue!r} is not a token")
                    m = q
                pos = m.end()
            params.append((pname, pvalue))
        result.append((name, params))
