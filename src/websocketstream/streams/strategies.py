"""Queuing strategies (Streams Standard §7) and the strategy abstract operations (§7.4)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .._naming import SnakeCaseHint
from ..dom.exceptions import RangeError
from ._underlying import get_member

__all__ = [
    "ByteLengthQueuingStrategy",
    "CountQueuingStrategy",
    "SizeAlgorithm",
    "extract_high_water_mark",
    "extract_size_algorithm",
]

SizeAlgorithm = Callable[[Any], Any]


def _high_water_mark_argument(high_water_mark: Any) -> float:
    # Web IDL "unrestricted double" conversion of the required member.
    if isinstance(high_water_mark, bool) or not isinstance(high_water_mark, int | float):
        try:
            return float(high_water_mark)
        except (TypeError, ValueError):
            raise TypeError(
                f"high_water_mark must be a number, not {type(high_water_mark).__name__}"
            ) from None
    return high_water_mark


def _byte_length(chunk: Any) -> int:
    nbytes = getattr(chunk, "nbytes", None)  # memoryview, numpy arrays
    if nbytes is not None:
        return int(nbytes)
    byte_length = getattr(chunk, "byte_length", None)
    if byte_length is not None:
        return int(byte_length)
    return len(chunk)


def _count_size(chunk: Any) -> int:
    return 1


class ByteLengthQueuingStrategy(SnakeCaseHint):
    """``ByteLengthQueuingStrategy(high_water_mark=...)``: each chunk counts its length in bytes
    (``len()`` of a ``bytes``/``bytearray``, ``nbytes`` of a ``memoryview``)."""

    __slots__ = ("_high_water_mark",)

    def __init__(self, *, high_water_mark: float) -> None:
        self._high_water_mark = _high_water_mark_argument(high_water_mark)

    @property
    def high_water_mark(self) -> float:
        """The high-water mark given to the constructor."""
        return self._high_water_mark

    @property
    def size(self) -> SizeAlgorithm:
        """The size function: a chunk's byte length."""
        return _byte_length

    def __repr__(self) -> str:
        return f"ByteLengthQueuingStrategy(high_water_mark={self._high_water_mark!r})"


class CountQueuingStrategy(SnakeCaseHint):
    """``CountQueuingStrategy(high_water_mark=...)``: each chunk counts as 1."""

    __slots__ = ("_high_water_mark",)

    def __init__(self, *, high_water_mark: float) -> None:
        self._high_water_mark = _high_water_mark_argument(high_water_mark)

    @property
    def high_water_mark(self) -> float:
        """The high-water mark given to the constructor."""
        return self._high_water_mark

    @property
    def size(self) -> SizeAlgorithm:
        """The size function: always 1."""
        return _count_size

    def __repr__(self) -> str:
        return f"CountQueuingStrategy(high_water_mark={self._high_water_mark!r})"


# Streams §7.4 ExtractHighWaterMark
def extract_high_water_mark(strategy: Any, default_hwm: float) -> float:
    """The strategy's high-water mark, or ``default_hwm``; RangeError if NaN or negative."""
    if strategy is None:
        return default_hwm
    high_water_mark = get_member(strategy, "high_water_mark")
    if high_water_mark is None:
        return default_hwm
    high_water_mark = _high_water_mark_argument(high_water_mark)
    if math.isnan(high_water_mark) or high_water_mark < 0:
        raise RangeError(f"high_water_mark must be a non-negative number, not {high_water_mark!r}")
    return high_water_mark


# Streams §7.4 ExtractSizeAlgorithm
def extract_size_algorithm(strategy: Any) -> SizeAlgorithm:
    """The strategy's size function, or one that always returns 1."""
    if strategy is None:
        return _count_size
    size = get_member(strategy, "size")
    if size is None:
        return _count_size
    if not callable(size):
        raise TypeError("strategy.size must be callable")
    algorithm: SizeAlgorithm = size
    return algorithm
