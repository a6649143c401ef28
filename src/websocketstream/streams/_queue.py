"""Queue-with-sizes (Streams Standard §8.1).

A container (a controller) holds ``_queue`` (a deque of ``(value, size)`` pairs) and
``_queue_total_size``.  These functions are the spec's abstract operations over it.

An empty deque costs about 760 bytes (CPython allocates its first 64-slot block at once), and
a connection's streams hold several queues that stay empty while it is idle.  So an empty
queue starts as :data:`EMPTY_QUEUE`, one shared empty tuple: it reads as an empty deque (false,
length 0, iterates nothing, ``[0]`` raises IndexError), and the first append makes the real
deque.  Appending sites write that as ``try: queue.append(x)`` / ``except AttributeError:``
(a tuple has no ``append``): free on the path that appends to a real deque, where even a
helper call or an ``is`` test would be a per-chunk cost.  The same holds for the readers' and
writers' request lists (``_read_requests``, ``_write_requests``).  A deque, once made, is kept
while the stream lives (making one per chunk would cost more than it saves).
"""

from __future__ import annotations

import math
from collections import deque
from typing import Any, Final, Protocol, cast

from ..dom.exceptions import RangeError

# What other modules use; the spec's other operations are this module's own.
__all__ = [
    "EMPTY_QUEUE",
    "dequeue_value",
    "enqueue_value_with_size",
    "is_non_negative_number",
    "reset_queue",
]


#: The empty queue every container starts with (and returns to on ResetQueue): shared and
#: immutable, so it must never be appended to; it is typed as a deque for the readers'
#: sake (truth, ``len``, iteration and indexing behave the same).
EMPTY_QUEUE: Final = cast("deque[Any]", ())


class QueueContainer(Protocol):
    """Anything with the spec's [[queue]] and [[queueTotalSize]] slots."""

    _queue: deque[Any]
    _queue_total_size: float


def is_non_negative_number(v: object) -> bool:
    """Streams §8.1 IsNonNegativeNumber (bools are not numbers here)."""
    if isinstance(v, bool) or not isinstance(v, int | float):
        return False
    return not math.isnan(v) and v >= 0


# Streams §8.1 DequeueValue
def dequeue_value(container: QueueContainer) -> Any:
    """Remove and return the value at the front of the queue."""
    assert container._queue
    value, size = container._queue.popleft()
    container._queue_total_size -= size
    container._queue_total_size = max(container._queue_total_size, 0)  # rounding errors
    return value


# Streams §8.1 EnqueueValueWithSize
def enqueue_value_with_size(container: QueueContainer, value: Any, size: Any) -> None:
    """Append ``value`` with ``size``; raises RangeError for a size that is not a finite,
    non-negative number."""
    if not is_non_negative_number(size):
        raise RangeError(f"chunk size must be a non-negative number, not {size!r}")
    if math.isinf(size):
        raise RangeError("chunk size must be finite")
    try:
        container._queue.append((value, size))
    except AttributeError:  # EMPTY_QUEUE: the first chunk makes the real deque
        container._queue = deque(((value, size),))
    container._queue_total_size += size


# Streams §8.1 PeekQueueValue
def peek_queue_value(container: QueueContainer) -> Any:
    """The value at the front of the queue."""
    assert container._queue
    return container._queue[0][0]


# Streams §8.1 ResetQueue
def reset_queue(container: QueueContainer) -> None:
    """Empty the queue."""
    container._queue = EMPTY_QUEUE
    container._queue_total_size = 0
