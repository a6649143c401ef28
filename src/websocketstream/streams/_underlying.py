"""Reading the members of an underlying source, sink, transformer or strategy.

The spec converts these JavaScript objects to Web IDL dictionaries.  Here they may be any object
(members read as attributes, methods bound to it, as JavaScript calls them with ``this``) or a
mapping (members read as keys).  Member names are the spec's in snake_case; a camelCase key that
the spec names (``highWaterMark``, ``autoAllocateChunkSize``) raises ``TypeError`` naming the
snake_case key, so a typo never silently does nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .._naming import snake_case

__all__ = ["check_no_camel_case", "get_member", "get_method"]

_SPEC_CAMEL_CASE = {"highWaterMark", "autoAllocateChunkSize", "readableType", "writableType"}


def get_member(obj: Any, name: str) -> Any:
    """The member ``name`` of a dictionary-like ``obj`` (a mapping or any object), or None."""
    if obj is None:
        return None
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)


def get_method(obj: Any, name: str, what: str) -> Callable[..., Any] | None:
    """A callable member, or None; raises TypeError for a member that is not callable."""
    method = get_member(obj, name)
    if method is None:
        return None
    if not callable(method):
        raise TypeError(f"{what}.{name} must be callable, not {type(method).__name__}")
    return method  # type: ignore[no-any-return]


def check_no_camel_case(obj: Any, what: str) -> None:
    """Raise TypeError for a mapping that spells a spec member in camelCase."""
    if isinstance(obj, Mapping):
        for key in obj:
            if key in _SPEC_CAMEL_CASE:
                raise TypeError(f"{what} uses {key!r}; did you mean {snake_case(key)!r}?")
