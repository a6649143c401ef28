"""``ReadableByteStreamController``, ``ReadableStreamBYOBRequest`` and the byte stream
abstract operations (Streams §4.7, §4.8, §4.9.5).

ArrayBuffers map to Python like this (see ``docs/deviations.md``, "Streams: byte streams"):

* ``enqueue(chunk)`` takes ``bytes``, ``bytearray``, ``memoryview`` or any bytes-like object;
  "transferring" the chunk is a snapshot (a copy, unless the memory is an immutable ``bytes``),
  so later changes by the caller are not seen.
* A chunk read with a default reader is a read-only or writable ``memoryview`` (format ``"B"``,
  the analog of a ``Uint8Array``).
* A BYOB read fills the caller's memory in place; a pull-into descriptor's "buffer" is the
  caller's view (cast to bytes), and nothing is detached.
"""

from __future__ import annotations

import ctypes
import math
from collections import deque
from collections.abc import Callable
from typing import Any

from .._naming import snake_case_hints
from .._promise import (
    Promise,
    promise_call,
    rejection_reason,
    upon_promise,
)
from ..dom.exceptions import RangeError
from ._loop_binding import react_to_start
from ._queue import reset_queue
from .byob_reader import (
    ReadableStreamBYOBReader,
    as_writable_view,
    cast_view,
    readable_stream_add_read_into_request,
    readable_stream_fulfill_read_into_request,
)
from .readable import (
    ReadableStream,
    ReadableStreamDefaultReader,
    ReadIntoRequest,
    ReadRequest,
    initialize_readable_stream,
    readable_stream_add_read_request,
    readable_stream_close,
    readable_stream_error,
    readable_stream_fulfill_read_request,
)

# What other modules use; the spec's other operations are this module's own.
__all__ = [
    "ReadableByteStreamController",
    "ReadableStreamBYOBRequest",
    "create_readable_byte_stream",
    "readable_byte_stream_controller_close",
    "readable_byte_stream_controller_enqueue",
    "readable_byte_stream_controller_error",
    "readable_byte_stream_controller_get_byob_request",
    "readable_byte_stream_controller_pull_into",
    "readable_byte_stream_controller_respond",
    "readable_byte_stream_controller_respond_with_new_view",
    "set_up_readable_byte_stream_controller_from_underlying_source",
]

StartAlgorithm = Callable[[], Any]
PullAlgorithm = Callable[[], "Promise[Any]"]
CancelAlgorithm = Callable[[Any], "Promise[Any]"]


class _ByteQueueEntry:
    # Streams §4.7.2 "readable byte stream queue entry".
    __slots__ = ("buffer", "byte_length", "byte_offset")

    def __init__(self, buffer: memoryview, byte_offset: int, byte_length: int) -> None:
        self.buffer = buffer
        self.byte_offset = byte_offset
        self.byte_length = byte_length


class PullIntoDescriptor:
    """Streams §4.7.2 "pull-into descriptor": a pending fill of a buffer window."""

    __slots__ = (
        "buffer",
        "buffer_byte_length",
        "byte_length",
        "byte_offset",
        "bytes_filled",
        "element_size",
        "minimum_fill",
        "reader_type",
        "view_format",
    )

    def __init__(  # noqa: PLR0917 -- the spec's signature
        self,
        buffer: memoryview,
        byte_offset: int,
        byte_length: int,
        minimum_fill: int,
        element_size: int,
        view_format: str,
        reader_type: str,
    ) -> None:
        self.buffer = buffer
        self.buffer_byte_length = buffer.nbytes
        self.byte_offset = byte_offset
        self.byte_length = byte_length
        self.bytes_filled = 0
        self.minimum_fill = minimum_fill
        self.element_size = element_size
        self.view_format = view_format
        self.reader_type = reader_type


def _snapshot(chunk: Any) -> memoryview:
    # "TransferArrayBuffer" of an enqueued chunk: immutable memory is shared, the rest copied.
    view = memoryview(chunk)
    if view.readonly and isinstance(view.obj, bytes) and view.c_contiguous:
        return view.cast("B") if view.format != "B" or view.ndim != 1 else view
    return memoryview(view.tobytes())


def _address(view: memoryview) -> int:
    return ctypes.addressof(ctypes.c_char.from_buffer(view))


@snake_case_hints
class ReadableStreamBYOBRequest:
    """A pending BYOB read the underlying byte source can fill: write into ``view`` then call
    ``respond(bytes_written)``, or call ``respond_with_new_view(view)``."""

    __slots__ = ("__weakref__", "_controller", "_view")

    _controller: ReadableByteStreamController | None
    _view: memoryview | None

    def __init__(self) -> None:
        raise TypeError("Illegal constructor")

    @property
    def view(self) -> memoryview | None:
        """The writable window to fill (``None`` once the request is invalidated)."""
        return self._view

    def respond(self, bytes_written: int) -> None:
        """Report that ``bytes_written`` bytes were written into ``view``."""
        bytes_written = _enforce_range_unsigned(bytes_written, "bytes_written")
        if self._controller is None:
            raise TypeError("This BYOB request has been invalidated")
        assert self._view is not None
        assert self._view.nbytes > 0
        readable_byte_stream_controller_respond(self._controller, bytes_written)

    def respond_with_new_view(self, view: Any) -> None:
        """Report the bytes written as ``view``: a view of the same memory that starts where
        ``view`` starts (for example ``request.view[:n]``)."""
        mv = as_writable_view(view, "view")
        if self._controller is None:
            raise TypeError("This BYOB request has been invalidated")
        readable_byte_stream_controller_respond_with_new_view(self._controller, mv)

    def __repr__(self) -> str:
        size = None if self._view is None else self._view.nbytes
        return f"<ReadableStreamBYOBRequest view_bytes={size!r}>"


def _enforce_range_unsigned(value: Any, name: str) -> int:
    # Web IDL [EnforceRange] unsigned long long.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be an integer, not {type(value).__name__}")
    if math.isnan(value) or math.isinf(value):
        raise TypeError(f"{name} must be a finite number")
    integer = int(value)
    if integer < 0 or integer > 2**53 - 1:
        raise TypeError(f"{name} is out of range")
    return integer


@snake_case_hints
class ReadableByteStreamController:
    """The controller of a byte stream (``type="bytes"``): ``enqueue(view)``, ``close()``,
    ``error()``, ``desired_size`` and ``byob_request``.  Not constructible directly."""

    __slots__ = (
        "__dict__",
        "_auto_allocate_chunk_size",
        "_byob_request",
        "_cancel_algorithm",
        "_close_requested",
        "_pending_pull_intos",
        "_pull_again",
        "_pull_algorithm",
        "_pulling",
        "_queue",
        "_queue_total_size",
        "_started",
        "_strategy_hwm",
        "_stream",
    )

    _stream: ReadableStream
    _auto_allocate_chunk_size: int | None
    _byob_request: ReadableStreamBYOBRequest | None
    _cancel_algorithm: CancelAlgorithm | None
    _close_requested: bool
    _pending_pull_intos: deque[PullIntoDescriptor]
    _pull_again: bool
    _pull_algorithm: PullAlgorithm | None
    _pulling: bool
    _queue: deque[_ByteQueueEntry]
    _queue_total_size: float
    _started: bool
    _strategy_hwm: float

    def __init__(self) -> None:
        raise TypeError("Illegal constructor")

    @property
    def byob_request(self) -> ReadableStreamBYOBRequest | None:
        """The current BYOB request, or ``None`` when no read waits for bytes."""
        return readable_byte_stream_controller_get_byob_request(self)

    @property
    def desired_size(self) -> float | None:
        """High-water mark minus queued bytes; ``None`` once errored, 0 once closed."""
        return readable_byte_stream_controller_get_desired_size(self)

    def close(self) -> None:
        """Close the stream once the queued bytes are read; ``TypeError`` if already closed
        or not readable."""
        if self._close_requested:
            raise TypeError("The stream has already been closed")
        state = self._stream._state
        if state != "readable":
            raise TypeError(f"The stream (in {state} state) cannot be closed")
        readable_byte_stream_controller_close(self)

    def enqueue(self, chunk: Any) -> None:
        """Queue the bytes of ``chunk`` (``bytes``, ``bytearray``, ``memoryview``); a copy is
        taken unless the memory is immutable.  ``TypeError`` for an empty chunk or after
        close."""
        try:
            nbytes = memoryview(chunk).nbytes
        except TypeError:
            raise TypeError(
                f"chunk must be a bytes-like object, not {type(chunk).__name__}"
            ) from None
        if nbytes == 0:
            raise TypeError("chunk must have a non-zero byte length")
        if self._close_requested:
            raise TypeError("stream is closed or draining")
        state = self._stream._state
        if state != "readable":
            raise TypeError(f"The stream (in {state} state) cannot be enqueued to")
        readable_byte_stream_controller_enqueue(self, chunk)

    def error(self, e: Any = None) -> None:
        """Error the stream with ``e``."""
        readable_byte_stream_controller_error(self, e)

    # Streams §4.7.4 [[CancelSteps]]
    def _cancel_steps(self, reason: Any) -> Promise[Any]:
        readable_byte_stream_controller_clear_pending_pull_intos(self)
        reset_queue(self)
        assert self._cancel_algorithm is not None
        result = self._cancel_algorithm(reason)
        readable_byte_stream_controller_clear_algorithms(self)
        return result

    # Streams §4.7.4 [[PullSteps]]
    def _pull_steps(self, read_request: ReadRequest) -> None:
        stream = self._stream
        assert isinstance(stream._reader, ReadableStreamDefaultReader)
        if self._queue_total_size > 0:
            assert not stream._reader._read_requests
            readable_byte_stream_controller_fill_read_request_from_queue(self, read_request)
            return
        auto_allocate_chunk_size = self._auto_allocate_chunk_size
        if auto_allocate_chunk_size is not None:
            try:
                buffer = memoryview(bytearray(auto_allocate_chunk_size))
            except MemoryError as buffer_e:
                read_request.error_steps(buffer_e)
                return
            pull_into_descriptor = PullIntoDescriptor(
                buffer, 0, auto_allocate_chunk_size, 1, 1, "B", "default"
            )
            self._pending_pull_intos.append(pull_into_descriptor)
        readable_stream_add_read_request(stream, read_request)
        readable_byte_stream_controller_call_pull_if_needed(self)

    # Streams §4.7.4 [[ReleaseSteps]]
    def _release_steps(self) -> None:
        if self._pending_pull_intos:
            first_pull_into = self._pending_pull_intos[0]
            first_pull_into.reader_type = "none"
            self._pending_pull_intos = deque([first_pull_into])

    def __repr__(self) -> str:
        return f"<ReadableByteStreamController desired_size={self.desired_size!r}>"


# Streams §4.9.5 ReadableByteStreamControllerCallPullIfNeeded
def readable_byte_stream_controller_call_pull_if_needed(
    controller: ReadableByteStreamController,
) -> None:
    """Call the pull algorithm if the stream wants bytes (once at a time)."""
    should_pull = readable_byte_stream_controller_should_call_pull(controller)
    if not should_pull:
        return
    if controller._pulling:
        controller._pull_again = True
        return
    assert not controller._pull_again
    controller._pulling = True
    assert controller._pull_algorithm is not None
    pull_promise = controller._pull_algorithm()

    def on_fulfilled(_: Any) -> None:
        controller._pulling = False
        if controller._pull_again:
            controller._pull_again = False
            readable_byte_stream_controller_call_pull_if_needed(controller)

    def on_rejected(e: BaseException) -> None:
        readable_byte_stream_controller_error(controller, rejection_reason(e))

    upon_promise(pull_promise, on_fulfilled, on_rejected)


# Streams §4.9.5 ReadableByteStreamControllerClearAlgorithms
def readable_byte_stream_controller_clear_algorithms(
    controller: ReadableByteStreamController,
) -> None:
    """Drop the source's algorithms."""
    controller._pull_algorithm = None
    controller._cancel_algorithm = None


# Streams §4.9.5 ReadableByteStreamControllerClearPendingPullIntos
def readable_byte_stream_controller_clear_pending_pull_intos(
    controller: ReadableByteStreamController,
) -> None:
    """Forget every pending pull-into descriptor."""
    readable_byte_stream_controller_invalidate_byob_request(controller)
    controller._pending_pull_intos = deque()


# Streams §4.9.5 ReadableByteStreamControllerClose
def readable_byte_stream_controller_close(controller: ReadableByteStreamController) -> None:
    """Close the stream (once queued bytes are read); ``TypeError`` if a pending BYOB read holds
    a partial element."""
    stream = controller._stream
    if controller._close_requested or stream._state != "readable":
        return
    if controller._queue_total_size > 0:
        controller._close_requested = True
        return
    if controller._pending_pull_intos:
        first_pending_pull_into = controller._pending_pull_intos[0]
        if first_pending_pull_into.bytes_filled % first_pending_pull_into.element_size != 0:
            e = TypeError("Insufficient bytes to fill elements in the given buffer")
            readable_byte_stream_controller_error(controller, e)
            raise e
    readable_byte_stream_controller_clear_algorithms(controller)
    readable_stream_close(stream)


# Streams §4.9.5 ReadableByteStreamControllerCommitPullIntoDescriptor
def readable_byte_stream_controller_commit_pull_into_descriptor(
    stream: ReadableStream, pull_into_descriptor: PullIntoDescriptor
) -> None:
    """Deliver a filled descriptor to its reader."""
    assert stream._state != "errored"
    assert pull_into_descriptor.reader_type != "none"
    done = False
    if stream._state == "closed":
        assert pull_into_descriptor.bytes_filled % pull_into_descriptor.element_size == 0
        done = True
    filled_view = readable_byte_stream_controller_convert_pull_into_descriptor(pull_into_descriptor)
    if pull_into_descriptor.reader_type == "default":
        readable_stream_fulfill_read_request(stream, filled_view, done)
    else:
        assert pull_into_descriptor.reader_type == "byob"
        readable_stream_fulfill_read_into_request(stream, filled_view, done)


# Streams §4.9.5 ReadableByteStreamControllerConvertPullIntoDescriptor
def readable_byte_stream_controller_convert_pull_into_descriptor(
    pull_into_descriptor: PullIntoDescriptor,
) -> memoryview:
    """The filled part of the descriptor's buffer, as a view of the reader's element type."""
    bytes_filled = pull_into_descriptor.bytes_filled
    element_size = pull_into_descriptor.element_size
    assert bytes_filled <= pull_into_descriptor.byte_length
    assert bytes_filled % element_size == 0
    start = pull_into_descriptor.byte_offset
    window = pull_into_descriptor.buffer[start : start + bytes_filled]
    if pull_into_descriptor.view_format == "B":
        return window
    return cast_view(window, pull_into_descriptor.view_format)


# Streams §4.9.5 ReadableByteStreamControllerEnqueue
def readable_byte_stream_controller_enqueue(
    controller: ReadableByteStreamController, chunk: Any
) -> None:
    """Queue ``chunk``'s bytes, or hand them to waiting reads."""
    stream = controller._stream
    if controller._close_requested or stream._state != "readable":
        return
    transferred_buffer = _snapshot(chunk)
    byte_offset = 0
    byte_length = transferred_buffer.nbytes
    if controller._pending_pull_intos:
        first_pending_pull_into = controller._pending_pull_intos[0]
        readable_byte_stream_controller_invalidate_byob_request(controller)
        if first_pending_pull_into.reader_type == "none":
            readable_byte_stream_controller_enqueue_detached_pull_into_to_queue(
                controller, first_pending_pull_into
            )
    reader = stream._reader
    if isinstance(reader, ReadableStreamDefaultReader):
        readable_byte_stream_controller_process_read_requests_using_queue(controller)
        if not reader._read_requests:
            assert not controller._pending_pull_intos
            readable_byte_stream_controller_enqueue_chunk_to_queue(
                controller, transferred_buffer, byte_offset, byte_length
            )
        else:
            assert not controller._queue
            if controller._pending_pull_intos:
                assert controller._pending_pull_intos[0].reader_type == "default"
                readable_byte_stream_controller_shift_pending_pull_into(controller)
            transferred_view = transferred_buffer[byte_offset : byte_offset + byte_length]
            readable_stream_fulfill_read_request(stream, transferred_view, False)
    elif isinstance(reader, ReadableStreamBYOBReader):
        readable_byte_stream_controller_enqueue_chunk_to_queue(
            controller, transferred_buffer, byte_offset, byte_length
        )
        filled_pull_intos = (
            readable_byte_stream_controller_process_pull_into_descriptors_using_queue(controller)
        )
        for filled_pull_into in filled_pull_intos:
            readable_byte_stream_controller_commit_pull_into_descriptor(stream, filled_pull_into)
    else:
        assert reader is None
        readable_byte_stream_controller_enqueue_chunk_to_queue(
            controller, transferred_buffer, byte_offset, byte_length
        )
    readable_byte_stream_controller_call_pull_if_needed(controller)


# Streams §4.9.5 ReadableByteStreamControllerEnqueueChunkToQueue
def readable_byte_stream_controller_enqueue_chunk_to_queue(
    controller: ReadableByteStreamController,
    buffer: memoryview,
    byte_offset: int,
    byte_length: int,
) -> None:
    """Append a byte range to the queue."""
    entry = _ByteQueueEntry(buffer, byte_offset, byte_length)
    try:
        controller._queue.append(entry)
    except AttributeError:  # EMPTY_QUEUE (see _queue.py): make the deque
        controller._queue = deque((entry,))
    controller._queue_total_size += byte_length


# Streams §4.9.5 ReadableByteStreamControllerEnqueueClonedChunkToQueue
def readable_byte_stream_controller_enqueue_cloned_chunk_to_queue(
    controller: ReadableByteStreamController,
    buffer: memoryview,
    byte_offset: int,
    byte_length: int,
) -> None:
    """Append a copy of a byte range to the queue."""
    try:
        cloned_chunk = memoryview(buffer[byte_offset : byte_offset + byte_length].tobytes())
    except MemoryError as clone_e:
        readable_byte_stream_controller_error(controller, clone_e)
        raise
    readable_byte_stream_controller_enqueue_chunk_to_queue(controller, cloned_chunk, 0, byte_length)


# Streams §4.9.5 ReadableByteStreamControllerEnqueueDetachedPullIntoToQueue
def readable_byte_stream_controller_enqueue_detached_pull_into_to_queue(
    controller: ReadableByteStreamController, first_descriptor: PullIntoDescriptor
) -> None:
    """Move the bytes of a descriptor whose reader was released into the queue."""
    assert first_descriptor.reader_type == "none"
    if first_descriptor.bytes_filled > 0:
        readable_byte_stream_controller_enqueue_cloned_chunk_to_queue(
            controller,
            first_descriptor.buffer,
            first_descriptor.byte_offset,
            first_descriptor.bytes_filled,
        )
    readable_byte_stream_controller_shift_pending_pull_into(controller)


# Streams §4.9.5 ReadableByteStreamControllerError
def readable_byte_stream_controller_error(controller: ReadableByteStreamController, e: Any) -> None:
    """Error the stream with ``e`` (nothing happens unless it is readable)."""
    stream = controller._stream
    if stream._state != "readable":
        return
    readable_byte_stream_controller_clear_pending_pull_intos(controller)
    reset_queue(controller)
    readable_byte_stream_controller_clear_algorithms(controller)
    readable_stream_error(stream, e)


# Streams §4.9.5 ReadableByteStreamControllerFillHeadPullIntoDescriptor
def readable_byte_stream_controller_fill_head_pull_into_descriptor(
    controller: ReadableByteStreamController, size: int, pull_into_descriptor: PullIntoDescriptor
) -> None:
    """Count ``size`` more bytes as filled."""
    assert (
        not controller._pending_pull_intos
        or controller._pending_pull_intos[0] is pull_into_descriptor
    )
    assert controller._byob_request is None
    pull_into_descriptor.bytes_filled += size


# Streams §4.9.5 ReadableByteStreamControllerFillPullIntoDescriptorFromQueue
def readable_byte_stream_controller_fill_pull_into_descriptor_from_queue(
    controller: ReadableByteStreamController, pull_into_descriptor: PullIntoDescriptor
) -> bool:
    """Copy queued bytes into the descriptor; True once it holds at least its minimum fill."""
    max_bytes_to_copy = min(
        int(controller._queue_total_size),
        pull_into_descriptor.byte_length - pull_into_descriptor.bytes_filled,
    )
    max_bytes_filled = pull_into_descriptor.bytes_filled + max_bytes_to_copy
    total_bytes_to_copy_remaining = max_bytes_to_copy
    ready = False
    assert pull_into_descriptor.bytes_filled < pull_into_descriptor.minimum_fill
    remainder_bytes = max_bytes_filled % pull_into_descriptor.element_size
    max_aligned_bytes = max_bytes_filled - remainder_bytes
    if max_aligned_bytes >= pull_into_descriptor.minimum_fill:
        total_bytes_to_copy_remaining = max_aligned_bytes - pull_into_descriptor.bytes_filled
        ready = True
    queue = controller._queue
    while total_bytes_to_copy_remaining > 0:
        head_of_queue = queue[0]
        bytes_to_copy = min(total_bytes_to_copy_remaining, head_of_queue.byte_length)
        dest_start = pull_into_descriptor.byte_offset + pull_into_descriptor.bytes_filled
        src_start = head_of_queue.byte_offset
        # CopyDataBlockBytes
        pull_into_descriptor.buffer[dest_start : dest_start + bytes_to_copy] = head_of_queue.buffer[
            src_start : src_start + bytes_to_copy
        ]
        if head_of_queue.byte_length == bytes_to_copy:
            queue.popleft()
        else:
            head_of_queue.byte_offset += bytes_to_copy
            head_of_queue.byte_length -= bytes_to_copy
        controller._queue_total_size -= bytes_to_copy
        readable_byte_stream_controller_fill_head_pull_into_descriptor(
            controller, bytes_to_copy, pull_into_descriptor
        )
        total_bytes_to_copy_remaining -= bytes_to_copy
    if not ready:
        assert controller._queue_total_size == 0
        assert pull_into_descriptor.bytes_filled > 0
        assert pull_into_descriptor.bytes_filled < pull_into_descriptor.minimum_fill
    return ready


# Streams §4.9.5 ReadableByteStreamControllerFillReadRequestFromQueue
def readable_byte_stream_controller_fill_read_request_from_queue(
    controller: ReadableByteStreamController, read_request: ReadRequest
) -> None:
    """Give the head queue entry to a default read."""
    assert controller._queue_total_size > 0
    entry = controller._queue.popleft()
    controller._queue_total_size -= entry.byte_length
    readable_byte_stream_controller_handle_queue_drain(controller)
    view = entry.buffer[entry.byte_offset : entry.byte_offset + entry.byte_length]
    read_request.chunk_steps(view)


# Streams §4.9.5 ReadableByteStreamControllerGetBYOBRequest
def readable_byte_stream_controller_get_byob_request(
    controller: ReadableByteStreamController,
) -> ReadableStreamBYOBRequest | None:
    """The BYOB request for the head descriptor (created on demand)."""
    if controller._byob_request is None and controller._pending_pull_intos:
        first_descriptor = controller._pending_pull_intos[0]
        start = first_descriptor.byte_offset + first_descriptor.bytes_filled
        end = first_descriptor.byte_offset + first_descriptor.byte_length
        view = first_descriptor.buffer[start:end]
        byob_request = object.__new__(ReadableStreamBYOBRequest)
        byob_request._controller = controller
        byob_request._view = view
        controller._byob_request = byob_request
    return controller._byob_request


# Streams §4.9.5 ReadableByteStreamControllerGetDesiredSize
def readable_byte_stream_controller_get_desired_size(
    controller: ReadableByteStreamController,
) -> float | None:
    """High-water mark minus queued bytes; ``None`` when errored, 0 when closed."""
    state = controller._stream._state
    if state == "errored":
        return None
    if state == "closed":
        return 0
    return controller._strategy_hwm - controller._queue_total_size


# Streams §4.9.5 ReadableByteStreamControllerHandleQueueDrain
def readable_byte_stream_controller_handle_queue_drain(
    controller: ReadableByteStreamController,
) -> None:
    """Close a draining stream whose queue emptied, or pull more."""
    assert controller._stream._state == "readable"
    if controller._queue_total_size == 0 and controller._close_requested:
        readable_byte_stream_controller_clear_algorithms(controller)
        readable_stream_close(controller._stream)
    else:
        readable_byte_stream_controller_call_pull_if_needed(controller)


# Streams §4.9.5 ReadableByteStreamControllerInvalidateBYOBRequest
def readable_byte_stream_controller_invalidate_byob_request(
    controller: ReadableByteStreamController,
) -> None:
    """Detach the current BYOB request from the controller."""
    byob_request = controller._byob_request
    if byob_request is None:
        return
    byob_request._controller = None
    byob_request._view = None
    controller._byob_request = None


# Streams §4.9.5 ReadableByteStreamControllerProcessPullIntoDescriptorsUsingQueue
def readable_byte_stream_controller_process_pull_into_descriptors_using_queue(
    controller: ReadableByteStreamController,
) -> list[PullIntoDescriptor]:
    """Fill pending descriptors from the queue; return the ones now ready."""
    assert not controller._close_requested
    filled_pull_intos: list[PullIntoDescriptor] = []
    while controller._pending_pull_intos:
        if controller._queue_total_size == 0:
            break
        pull_into_descriptor = controller._pending_pull_intos[0]
        assert pull_into_descriptor.reader_type != "none"
        if readable_byte_stream_controller_fill_pull_into_descriptor_from_queue(
            controller, pull_into_descriptor
        ):
            readable_byte_stream_controller_shift_pending_pull_into(controller)
            filled_pull_intos.append(pull_into_descriptor)
    return filled_pull_intos


# Streams §4.9.5 ReadableByteStreamControllerProcessReadRequestsUsingQueue
def readable_byte_stream_controller_process_read_requests_using_queue(
    controller: ReadableByteStreamController,
) -> None:
    """Serve waiting default reads from the queue."""
    reader = controller._stream._reader
    assert isinstance(reader, ReadableStreamDefaultReader)
    while reader._read_requests:
        if controller._queue_total_size == 0:
            return
        read_request = reader._read_requests.popleft()
        readable_byte_stream_controller_fill_read_request_from_queue(controller, read_request)


# Streams §4.9.5 ReadableByteStreamControllerPullInto
def readable_byte_stream_controller_pull_into(
    controller: ReadableByteStreamController,
    view: memoryview,
    min: int,
    read_into_request: ReadIntoRequest,
) -> None:
    """Start a BYOB read into ``view``."""
    stream = controller._stream
    element_size = view.itemsize
    minimum_fill = min * element_size
    assert element_size <= minimum_fill <= view.nbytes
    assert minimum_fill % element_size == 0
    byte_offset = 0
    byte_length = view.nbytes
    view_format = view.format
    try:
        buffer = view.cast("B")  # TransferArrayBuffer: the caller's memory, as bytes
    except (TypeError, ValueError) as transfer_e:
        read_into_request.error_steps(TypeError(str(transfer_e)))
        return
    pull_into_descriptor = PullIntoDescriptor(
        buffer, byte_offset, byte_length, minimum_fill, element_size, view_format, "byob"
    )
    if controller._pending_pull_intos:
        controller._pending_pull_intos.append(pull_into_descriptor)
        readable_stream_add_read_into_request(stream, read_into_request)
        return
    if stream._state == "closed":
        empty_view = buffer[byte_offset:byte_offset]
        read_into_request.close_steps(
            empty_view if view_format == "B" else cast_view(empty_view, view_format)
        )
        return
    if controller._queue_total_size > 0:
        if readable_byte_stream_controller_fill_pull_into_descriptor_from_queue(
            controller, pull_into_descriptor
        ):
            filled_view = readable_byte_stream_controller_convert_pull_into_descriptor(
                pull_into_descriptor
            )
            readable_byte_stream_controller_handle_queue_drain(controller)
            read_into_request.chunk_steps(filled_view)
            return
        if controller._close_requested:
            e = TypeError("Insufficient bytes to fill elements in the given buffer")
            readable_byte_stream_controller_error(controller, e)
            read_into_request.error_steps(e)
            return
    controller._pending_pull_intos.append(pull_into_descriptor)
    readable_stream_add_read_into_request(stream, read_into_request)
    readable_byte_stream_controller_call_pull_if_needed(controller)


# Streams §4.9.5 ReadableByteStreamControllerRespond
def readable_byte_stream_controller_respond(
    controller: ReadableByteStreamController, bytes_written: int
) -> None:
    """The source wrote ``bytes_written`` bytes into the BYOB request's view."""
    assert controller._pending_pull_intos
    first_descriptor = controller._pending_pull_intos[0]
    state = controller._stream._state
    if state == "closed":
        if bytes_written != 0:
            raise TypeError("bytes_written must be 0 when calling respond() on a closed stream")
    else:
        assert state == "readable"
        if bytes_written == 0:
            raise TypeError(
                "bytes_written must be greater than 0 when calling respond() on a readable stream"
            )
        if first_descriptor.bytes_filled + bytes_written > first_descriptor.byte_length:
            raise RangeError("bytes_written out of range")
    readable_byte_stream_controller_respond_internal(controller, bytes_written)


# Streams §4.9.5 ReadableByteStreamControllerRespondInClosedState
def readable_byte_stream_controller_respond_in_closed_state(
    controller: ReadableByteStreamController, first_descriptor: PullIntoDescriptor
) -> None:
    """Complete pending BYOB reads of a closed stream with empty views."""
    assert first_descriptor.bytes_filled % first_descriptor.element_size == 0
    if first_descriptor.reader_type == "none":
        readable_byte_stream_controller_shift_pending_pull_into(controller)
    stream = controller._stream
    reader = stream._reader
    if isinstance(reader, ReadableStreamBYOBReader):
        filled_pull_intos: list[PullIntoDescriptor] = []
        while len(filled_pull_intos) < len(reader._read_into_requests):
            pull_into_descriptor = readable_byte_stream_controller_shift_pending_pull_into(
                controller
            )
            filled_pull_intos.append(pull_into_descriptor)
        for filled_pull_into in filled_pull_intos:
            readable_byte_stream_controller_commit_pull_into_descriptor(stream, filled_pull_into)


# Streams §4.9.5 ReadableByteStreamControllerRespondInReadableState
def readable_byte_stream_controller_respond_in_readable_state(
    controller: ReadableByteStreamController,
    bytes_written: int,
    pull_into_descriptor: PullIntoDescriptor,
) -> None:
    """Account the written bytes and deliver what is ready."""
    assert pull_into_descriptor.bytes_filled + bytes_written <= pull_into_descriptor.byte_length
    readable_byte_stream_controller_fill_head_pull_into_descriptor(
        controller, bytes_written, pull_into_descriptor
    )
    if pull_into_descriptor.reader_type == "none":
        readable_byte_stream_controller_enqueue_detached_pull_into_to_queue(
            controller, pull_into_descriptor
        )
        filled_pull_intos = (
            readable_byte_stream_controller_process_pull_into_descriptors_using_queue(controller)
        )
        for filled_pull_into in filled_pull_intos:
            readable_byte_stream_controller_commit_pull_into_descriptor(
                controller._stream, filled_pull_into
            )
        return
    if pull_into_descriptor.bytes_filled < pull_into_descriptor.minimum_fill:
        return
    readable_byte_stream_controller_shift_pending_pull_into(controller)
    remainder_size = pull_into_descriptor.bytes_filled % pull_into_descriptor.element_size
    if remainder_size > 0:
        end = pull_into_descriptor.byte_offset + pull_into_descriptor.bytes_filled
        readable_byte_stream_controller_enqueue_cloned_chunk_to_queue(
            controller, pull_into_descriptor.buffer, end - remainder_size, remainder_size
        )
    pull_into_descriptor.bytes_filled -= remainder_size
    filled_pull_intos = readable_byte_stream_controller_process_pull_into_descriptors_using_queue(
        controller
    )
    readable_byte_stream_controller_commit_pull_into_descriptor(
        controller._stream, pull_into_descriptor
    )
    for filled_pull_into in filled_pull_intos:
        readable_byte_stream_controller_commit_pull_into_descriptor(
            controller._stream, filled_pull_into
        )


# Streams §4.9.5 ReadableByteStreamControllerRespondInternal
def readable_byte_stream_controller_respond_internal(
    controller: ReadableByteStreamController, bytes_written: int
) -> None:
    """Shared tail of respond() and respond_with_new_view()."""
    first_descriptor = controller._pending_pull_intos[0]
    readable_byte_stream_controller_invalidate_byob_request(controller)
    state = controller._stream._state
    if state == "closed":
        assert bytes_written == 0
        readable_byte_stream_controller_respond_in_closed_state(controller, first_descriptor)
    else:
        assert state == "readable"
        assert bytes_written > 0
        readable_byte_stream_controller_respond_in_readable_state(
            controller, bytes_written, first_descriptor
        )
    readable_byte_stream_controller_call_pull_if_needed(controller)


# Streams §4.9.5 ReadableByteStreamControllerRespondWithNewView
def readable_byte_stream_controller_respond_with_new_view(
    controller: ReadableByteStreamController, view: memoryview
) -> None:
    """The source wrote ``view``'s bytes: ``view`` must be the BYOB request's memory, starting
    where the request's view starts."""
    assert controller._pending_pull_intos
    first_descriptor = controller._pending_pull_intos[0]
    state = controller._stream._state
    view_byte_length = view.nbytes
    if state == "closed":
        if view_byte_length != 0:
            raise TypeError(
                "The view's length must be 0 when calling respond_with_new_view() on a closed "
                "stream"
            )
    else:
        assert state == "readable"
        if view_byte_length == 0:
            raise TypeError(
                "The view's length must be greater than 0 when calling respond_with_new_view() "
                "on a readable stream"
            )
    if view_byte_length > 0:
        # byteOffset and buffer checks, by memory address: no buffer identity in Python.
        buffer_start = _address(first_descriptor.buffer)
        expected = buffer_start + first_descriptor.byte_offset + first_descriptor.bytes_filled
        start = _address(view)
        if start != expected:
            raise RangeError("The region specified by view does not match byob_request")
        if start + view_byte_length > buffer_start + first_descriptor.buffer_byte_length:
            raise RangeError("The buffer of view has different capacity than byob_request")
    if first_descriptor.bytes_filled + view_byte_length > first_descriptor.byte_length:
        raise RangeError("The region specified by view is larger than byob_request")
    readable_byte_stream_controller_respond_internal(controller, view_byte_length)


# Streams §4.9.5 ReadableByteStreamControllerShiftPendingPullInto
def readable_byte_stream_controller_shift_pending_pull_into(
    controller: ReadableByteStreamController,
) -> PullIntoDescriptor:
    """Remove and return the head descriptor."""
    assert controller._byob_request is None
    return controller._pending_pull_intos.popleft()


# Streams §4.9.5 ReadableByteStreamControllerShouldCallPull
def readable_byte_stream_controller_should_call_pull(
    controller: ReadableByteStreamController,
) -> bool:
    """Whether the pull algorithm should run now."""
    stream = controller._stream
    if stream._state != "readable":
        return False
    if controller._close_requested:
        return False
    if not controller._started:
        return False
    reader = stream._reader
    if isinstance(reader, ReadableStreamDefaultReader) and reader._read_requests:
        return True
    if isinstance(reader, ReadableStreamBYOBReader) and reader._read_into_requests:
        return True
    desired_size = readable_byte_stream_controller_get_desired_size(controller)
    assert desired_size is not None
    return desired_size > 0


# Streams §4.9.5 SetUpReadableByteStreamController
def set_up_readable_byte_stream_controller(  # noqa: PLR0917 -- the spec's signature
    stream: ReadableStream,
    controller: ReadableByteStreamController,
    start_algorithm: StartAlgorithm,
    pull_algorithm: PullAlgorithm,
    cancel_algorithm: CancelAlgorithm,
    high_water_mark: float,
    auto_allocate_chunk_size: int | None,
) -> None:
    """Attach ``controller`` to ``stream`` and run the start algorithm."""
    assert not hasattr(stream, "_controller")
    if auto_allocate_chunk_size is not None:
        assert isinstance(auto_allocate_chunk_size, int)
        assert auto_allocate_chunk_size > 0
    controller._stream = stream
    controller._pull_again = False
    controller._pulling = False
    controller._byob_request = None
    reset_queue(controller)
    controller._close_requested = False
    controller._started = False
    controller._strategy_hwm = high_water_mark
    controller._pull_algorithm = pull_algorithm
    controller._cancel_algorithm = cancel_algorithm
    controller._auto_allocate_chunk_size = auto_allocate_chunk_size
    controller._pending_pull_intos = deque()
    stream._controller = controller
    start_result = start_algorithm()

    def on_started(_: Any) -> None:
        controller._started = True
        assert not controller._pulling
        assert not controller._pull_again
        readable_byte_stream_controller_call_pull_if_needed(controller)

    def on_start_rejected(r: BaseException) -> None:
        readable_byte_stream_controller_error(controller, rejection_reason(r))

    react_to_start(stream, start_result, on_started, on_start_rejected)


# Streams §4.9.5 SetUpReadableByteStreamControllerFromUnderlyingSource
def set_up_readable_byte_stream_controller_from_underlying_source(  # noqa: PLR0917 -- the spec's signature
    stream: ReadableStream,
    underlying_source: Any,
    start: Callable[..., Any] | None,
    pull: Callable[..., Any] | None,
    cancel: Callable[..., Any] | None,
    high_water_mark: float,
    auto_allocate_chunk_size: int | None,
) -> None:
    """Set up a byte controller whose algorithms call the underlying source's methods."""
    controller = object.__new__(ReadableByteStreamController)

    def start_algorithm() -> Any:
        return None if start is None else start(controller)

    def pull_algorithm() -> Promise[Any]:
        return promise_call(pull, controller)

    def cancel_algorithm(reason: Any) -> Promise[Any]:
        return promise_call(cancel, reason)

    if auto_allocate_chunk_size == 0:
        raise TypeError("auto_allocate_chunk_size must be greater than 0")
    set_up_readable_byte_stream_controller(
        stream,
        controller,
        start_algorithm,
        pull_algorithm,
        cancel_algorithm,
        high_water_mark,
        auto_allocate_chunk_size,
    )


# Streams §4.9.1 CreateReadableByteStream
def create_readable_byte_stream(
    start_algorithm: StartAlgorithm,
    pull_algorithm: PullAlgorithm,
    cancel_algorithm: CancelAlgorithm,
) -> ReadableStream:
    """A byte stream driven by the given algorithms (high-water mark 0)."""
    stream = ReadableStream.__new__(ReadableStream)
    initialize_readable_stream(stream)
    controller = object.__new__(ReadableByteStreamController)
    set_up_readable_byte_stream_controller(
        stream, controller, start_algorithm, pull_algorithm, cancel_algorithm, 0, None
    )
    return stream
