"""The one naming rule's safety net: camelCase members point at their snake_case spelling."""

from __future__ import annotations

import re

__all__ = ["SnakeCaseHint", "snake_case"]

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def snake_case(name: str) -> str:
    """Mechanical snake_case of a spec member name: ``closeCode`` -> ``close_code``."""
    return _CAMEL_BOUNDARY.sub("_", name).lower()


def camel_case_hint(obj: object, name: str) -> AttributeError:
    """The :class:`AttributeError` for a missing ``name``, naming the snake_case spelling."""
    message = f"{type(obj).__name__!r} object has no attribute {name!r}"
    if not name.startswith("_") and name != name.lower():
        snake = snake_case(name)
        if snake != name and hasattr(obj, snake):
            message += f"; did you mean {snake!r}?"
    return AttributeError(message)


class SnakeCaseHint:
    """Mixin: reading an unknown camelCase member raises an :class:`AttributeError` whose
    message names the snake_case member (``did you mean 'close_code'?``).

    ``__getattr__`` only runs for missing attributes, so normal access costs nothing.
    """

    __slots__ = ()

    def __getattr__(self, name: str) -> object:
        raise camel_case_hint(self, name)
