"""The one naming rule's safety net: camelCase members point at their snake_case spelling.

Reading ``obj.closeCode`` where ``obj.close_code`` exists raises ``AttributeError: ... did you
mean 'close_code'?``.  The hints are class-level descriptors, one per camelCase spelling of a
public snake_case member: a class-wide ``__getattr__`` would give the same messages but turns off
CPython 3.11's specialised attribute access (every ``obj.attr`` about three times slower), and
these classes are on the path of every message.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

__all__ = ["SnakeCaseHint", "camel_case", "snake_case", "snake_case_hints"]

_C = TypeVar("_C", bound=type)
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def snake_case(name: str) -> str:
    """Mechanical snake_case of a spec member name: ``closeCode`` -> ``close_code``."""
    return _CAMEL_BOUNDARY.sub("_", name).lower()


def camel_case(name: str) -> str:
    """The spec's camelCase spelling of a snake_case member: ``close_code`` -> ``closeCode``."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


class _CamelCaseHint:
    """A class attribute under a camelCase spelling that raises the naming rule's
    ``AttributeError`` ("did you mean 'get_reader'?")."""

    __slots__ = ("camel", "snake")

    def __init__(self, camel: str, snake: str) -> None:
        self.camel = camel
        self.snake = snake

    def __get__(self, obj: object, objtype: type | None = None) -> Any:
        owner = objtype.__name__ if objtype is not None else type(obj).__name__
        raise AttributeError(
            f"{owner!r} object has no attribute {self.camel!r}; did you mean {self.snake!r}?"
        )


def snake_case_hints(cls: _C) -> _C:
    """Class decorator: add a camelCase hint for every public snake_case member of ``cls``
    (its own and its bases'; instance attributes count when the class annotates them)."""
    for klass in cls.__mro__:
        names = [*vars(klass), *vars(klass).get("__annotations__", {})]
        for name in names:
            if name.startswith("_") or "_" not in name:
                continue
            camel = camel_case(name)
            if camel != name and not hasattr(cls, camel):
                setattr(cls, camel, _CamelCaseHint(camel, name))
    return cls


class SnakeCaseHint:
    """Mixin: every subclass gets :func:`snake_case_hints` applied when it is created."""

    __slots__ = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        snake_case_hints(cls)
