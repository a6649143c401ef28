"""Teeing readable streams (Streams §4.9.1 ReadableStreamTee and its two variants).

The spec delays each chunk by a microtask before handing it to the branches: ``queue_microtask``
(the queue promise reactions use), which keeps the ordering against errors the spec wants.
"""

from __future__ import annotations

from typing import Any

from .._promise import (
    Promise,
    new_promise,
    promise_resolved_with,
    queue_microtask,
    rejection_reason,
    resolve_promise,
    upon_rejection,
)
from .byob_reader import (
    ReadableStreamBYOBReader,
    acquire_readable_stream_byob_reader,
    readable_stream_byob_reader_read,
    readable_stream_byob_reader_release,
)
from .byte_controller import (
    ReadableByteStreamController,
    create_readable_byte_stream,
    readable_byte_stream_controller_close,
    readable_byte_stream_controller_enqueue,
    readable_byte_stream_controller_error,
    readable_byte_stream_controller_get_byob_request,
    readable_byte_stream_controller_respond,
    readable_byte_stream_controller_respond_with_new_view,
)
from .default_controller import (
    ReadableStreamDefaultController,
    create_readable_stream,
    readable_stream_default_controller_close,
    readable_stream_default_controller_enqueue,
    readable_stream_default_controller_error,
)
from .readable import (
    ReadableStream,
    ReadableStreamDefaultReader,
    ReadIntoRequest,
    ReadRequest,
    acquire_readable_stream_default_reader,
    readable_stream_cancel,
    readable_stream_default_reader_read,
    readable_stream_default_reader_release,
)

__all__ = ["readable_byte_stream_tee", "readable_stream_default_tee", "readable_stream_tee"]


# Streams §4.9.1 ReadableStreamTee
def readable_stream_tee(stream: ReadableStream, clone_for_branch2: bool) -> list[ReadableStream]:
    """Two branches that each receive every chunk of ``stream``."""
    assert isinstance(stream, ReadableStream)
    assert isinstance(clone_for_branch2, bool)
    if isinstance(stream._controller, ReadableByteStreamController):
        return readable_byte_stream_tee(stream)
    return readable_stream_default_tee(stream, clone_for_branch2)


class _TeeState:
    # The variables the spec's tee algorithms share (closures in the spec).
    __slots__ = (
        "branch1",
        "branch2",
        "cancel_promise",
        "canceled1",
        "canceled2",
        "read_again",
        "read_again_for_branch1",
        "read_again_for_branch2",
        "reader",
        "reading",
        "reason1",
        "reason2",
    )

    def __init__(self, reader: ReadableStreamDefaultReader | ReadableStreamBYOBReader) -> None:
        self.reader = reader
        self.reading = False
        self.read_again = False
        self.read_again_for_branch1 = False
        self.read_again_for_branch2 = False
        self.canceled1 = False
        self.canceled2 = False
        self.reason1: Any = None
        self.reason2: Any = None
        self.branch1: ReadableStream | None = None
        self.branch2: ReadableStream | None = None
        self.cancel_promise: Promise[Any] = new_promise()


def _default_controller(branch: ReadableStream | None) -> ReadableStreamDefaultController:
    assert branch is not None
    controller = branch._controller
    assert isinstance(controller, ReadableStreamDefaultController)
    return controller


def _byte_controller(branch: ReadableStream | None) -> ReadableByteStreamController:
    assert branch is not None
    controller = branch._controller
    assert isinstance(controller, ReadableByteStreamController)
    return controller


# Streams §4.9.1 ReadableStreamDefaultTee
def readable_stream_default_tee(
    stream: ReadableStream, clone_for_branch2: bool
) -> list[ReadableStream]:
    """Tee a default stream (chunks are shared, not cloned)."""
    assert isinstance(stream, ReadableStream)
    assert isinstance(clone_for_branch2, bool)
    reader = acquire_readable_stream_default_reader(stream)
    tee = _TeeState(reader)

    class TeeReadRequest(ReadRequest):
        __slots__ = ()

        def chunk_steps(self, chunk: Any) -> None:
            def deliver() -> None:
                tee.read_again = False
                chunk1 = chunk
                chunk2 = chunk
                # StructuredClone for clone_for_branch2 is not reachable from the public API.
                if not tee.canceled1:
                    readable_stream_default_controller_enqueue(
                        _default_controller(tee.branch1), chunk1
                    )
                if not tee.canceled2:
                    readable_stream_default_controller_enqueue(
                        _default_controller(tee.branch2), chunk2
                    )
                tee.reading = False
                if tee.read_again:
                    pull_algorithm()

            queue_microtask(deliver)

        def close_steps(self) -> None:
            tee.reading = False
            if not tee.canceled1:
                readable_stream_default_controller_close(_default_controller(tee.branch1))
            if not tee.canceled2:
                readable_stream_default_controller_close(_default_controller(tee.branch2))
            if not tee.canceled1 or not tee.canceled2:
                resolve_promise(tee.cancel_promise, None)

        def error_steps(self, e: Any) -> None:
            tee.reading = False

    def pull_algorithm() -> Promise[None]:
        if tee.reading:
            tee.read_again = True
            return promise_resolved_with(None)
        tee.reading = True
        readable_stream_default_reader_read(reader, TeeReadRequest())
        return promise_resolved_with(None)

    def cancel1_algorithm(reason: Any) -> Promise[Any]:
        tee.canceled1 = True
        tee.reason1 = reason
        if tee.canceled2:
            composite_reason = [tee.reason1, tee.reason2]
            cancel_result = readable_stream_cancel(stream, composite_reason)
            _resolve_with(tee.cancel_promise, cancel_result)
        return tee.cancel_promise

    def cancel2_algorithm(reason: Any) -> Promise[Any]:
        tee.canceled2 = True
        tee.reason2 = reason
        if tee.canceled1:
            composite_reason = [tee.reason1, tee.reason2]
            cancel_result = readable_stream_cancel(stream, composite_reason)
            _resolve_with(tee.cancel_promise, cancel_result)
        return tee.cancel_promise

    def start_algorithm() -> None:
        return None

    tee.branch1 = create_readable_stream(start_algorithm, pull_algorithm, cancel1_algorithm)
    tee.branch2 = create_readable_stream(start_algorithm, pull_algorithm, cancel2_algorithm)

    def on_reader_errored(r: BaseException) -> None:
        reason = rejection_reason(r)
        readable_stream_default_controller_error(_default_controller(tee.branch1), reason)
        readable_stream_default_controller_error(_default_controller(tee.branch2), reason)
        if not tee.canceled1 or not tee.canceled2:
            resolve_promise(tee.cancel_promise, None)

    upon_rejection(reader._closed_promise, on_reader_errored)
    return [tee.branch1, tee.branch2]


def _resolve_with(p: Promise[Any], value: Promise[Any]) -> None:
    # "Resolve p with a promise": p follows ``value``.
    def settle(source: Promise[Any]) -> None:
        if p.done():
            return
        exc = source.exception()
        if exc is None:
            p.set_result(source.result())
        else:
            p.set_exception(exc)

    value.add_done_callback(settle)


def _clone_as_uint8_array(chunk: memoryview) -> memoryview:
    # Streams §8.3 CloneAsUint8Array
    return memoryview(chunk.tobytes())


# Streams §4.9.1 ReadableByteStreamTee
def readable_byte_stream_tee(stream: ReadableStream) -> list[ReadableStream]:
    """Tee a byte stream: branch 2 gets copies; BYOB reads on a branch read straight into
    that branch's buffer."""
    assert isinstance(stream, ReadableStream)
    assert isinstance(stream._controller, ReadableByteStreamController)
    tee = _TeeState(acquire_readable_stream_default_reader(stream))

    def forward_reader_error(
        this_reader: ReadableStreamDefaultReader | ReadableStreamBYOBReader,
    ) -> None:
        def on_rejected(r: BaseException) -> None:
            if this_reader is not tee.reader:
                return
            reason = rejection_reason(r)
            readable_byte_stream_controller_error(_byte_controller(tee.branch1), reason)
            readable_byte_stream_controller_error(_byte_controller(tee.branch2), reason)
            if not tee.canceled1 or not tee.canceled2:
                resolve_promise(tee.cancel_promise, None)

        upon_rejection(this_reader._closed_promise, on_rejected)

    def after_chunk() -> None:
        tee.reading = False
        if tee.read_again_for_branch1:
            pull1_algorithm()
        elif tee.read_again_for_branch2:
            pull2_algorithm()

    class TeeDefaultReadRequest(ReadRequest):
        __slots__ = ()

        def chunk_steps(self, chunk: Any) -> None:
            def deliver() -> None:
                tee.read_again_for_branch1 = False
                tee.read_again_for_branch2 = False
                chunk1 = chunk
                chunk2 = chunk
                if not tee.canceled1 and not tee.canceled2:
                    try:
                        chunk2 = _clone_as_uint8_array(chunk)
                    except Exception as clone_e:
                        readable_byte_stream_controller_error(
                            _byte_controller(tee.branch1), clone_e
                        )
                        readable_byte_stream_controller_error(
                            _byte_controller(tee.branch2), clone_e
                        )
                        _resolve_with(tee.cancel_promise, readable_stream_cancel(stream, clone_e))
                        return
                if not tee.canceled1:
                    readable_byte_stream_controller_enqueue(_byte_controller(tee.branch1), chunk1)
                if not tee.canceled2:
                    readable_byte_stream_controller_enqueue(_byte_controller(tee.branch2), chunk2)
                after_chunk()

            queue_microtask(deliver)

        def close_steps(self) -> None:
            tee.reading = False
            controller1 = _byte_controller(tee.branch1)
            controller2 = _byte_controller(tee.branch2)
            if not tee.canceled1:
                readable_byte_stream_controller_close(controller1)
            if not tee.canceled2:
                readable_byte_stream_controller_close(controller2)
            if controller1._pending_pull_intos:
                readable_byte_stream_controller_respond(controller1, 0)
            if controller2._pending_pull_intos:
                readable_byte_stream_controller_respond(controller2, 0)
            if not tee.canceled1 or not tee.canceled2:
                resolve_promise(tee.cancel_promise, None)

        def error_steps(self, e: Any) -> None:
            tee.reading = False

    def pull_with_default_reader() -> None:
        if isinstance(tee.reader, ReadableStreamBYOBReader):
            assert not tee.reader._read_into_requests
            readable_stream_byob_reader_release(tee.reader)
            tee.reader = acquire_readable_stream_default_reader(stream)
            forward_reader_error(tee.reader)
        reader = tee.reader
        assert isinstance(reader, ReadableStreamDefaultReader)
        readable_stream_default_reader_read(reader, TeeDefaultReadRequest())

    def pull_with_byob_reader(view: memoryview, for_branch2: bool) -> None:
        if isinstance(tee.reader, ReadableStreamDefaultReader):
            assert not tee.reader._read_requests
            readable_stream_default_reader_release(tee.reader)
            tee.reader = acquire_readable_stream_byob_reader(stream)
            forward_reader_error(tee.reader)
        byob_branch = tee.branch2 if for_branch2 else tee.branch1
        other_branch = tee.branch1 if for_branch2 else tee.branch2

        class TeeReadIntoRequest(ReadIntoRequest):
            __slots__ = ()

            def chunk_steps(self, chunk: Any) -> None:
                def deliver() -> None:
                    tee.read_again_for_branch1 = False
                    tee.read_again_for_branch2 = False
                    byob_canceled = tee.canceled2 if for_branch2 else tee.canceled1
                    other_canceled = tee.canceled1 if for_branch2 else tee.canceled2
                    if not other_canceled:
                        try:
                            cloned_chunk = _clone_as_uint8_array(chunk)
                        except Exception as clone_e:
                            readable_byte_stream_controller_error(
                                _byte_controller(byob_branch), clone_e
                            )
                            readable_byte_stream_controller_error(
                                _byte_controller(other_branch), clone_e
                            )
                            _resolve_with(
                                tee.cancel_promise, readable_stream_cancel(stream, clone_e)
                            )
                            return
                        if not byob_canceled:
                            readable_byte_stream_controller_respond_with_new_view(
                                _byte_controller(byob_branch), chunk
                            )
                        readable_byte_stream_controller_enqueue(
                            _byte_controller(other_branch), cloned_chunk
                        )
                    elif not byob_canceled:
                        readable_byte_stream_controller_respond_with_new_view(
                            _byte_controller(byob_branch), chunk
                        )
                    after_chunk()

                queue_microtask(deliver)

            def close_steps(self, chunk: Any) -> None:
                tee.reading = False
                byob_canceled = tee.canceled2 if for_branch2 else tee.canceled1
                other_canceled = tee.canceled1 if for_branch2 else tee.canceled2
                byob_controller = _byte_controller(byob_branch)
                other_controller = _byte_controller(other_branch)
                if not byob_canceled:
                    readable_byte_stream_controller_close(byob_controller)
                if not other_canceled:
                    readable_byte_stream_controller_close(other_controller)
                if chunk is not None:
                    assert chunk.nbytes == 0
                    if not byob_canceled:
                        readable_byte_stream_controller_respond_with_new_view(
                            byob_controller, chunk
                        )
                    if not other_canceled and other_controller._pending_pull_intos:
                        readable_byte_stream_controller_respond(other_controller, 0)
                if not byob_canceled or not other_canceled:
                    resolve_promise(tee.cancel_promise, None)

            def error_steps(self, e: Any) -> None:
                tee.reading = False

        reader = tee.reader
        assert isinstance(reader, ReadableStreamBYOBReader)
        readable_stream_byob_reader_read(reader, view, 1, TeeReadIntoRequest())

    def pull1_algorithm() -> Promise[None]:
        if tee.reading:
            tee.read_again_for_branch1 = True
            return promise_resolved_with(None)
        tee.reading = True
        byob_request = readable_byte_stream_controller_get_byob_request(
            _byte_controller(tee.branch1)
        )
        if byob_request is None:
            pull_with_default_reader()
        else:
            assert byob_request._view is not None
            pull_with_byob_reader(byob_request._view, False)
        return promise_resolved_with(None)

    def pull2_algorithm() -> Promise[None]:
        if tee.reading:
            tee.read_again_for_branch2 = True
            return promise_resolved_with(None)
        tee.reading = True
        byob_request = readable_byte_stream_controller_get_byob_request(
            _byte_controller(tee.branch2)
        )
        if byob_request is None:
            pull_with_default_reader()
        else:
            assert byob_request._view is not None
            pull_with_byob_reader(byob_request._view, True)
        return promise_resolved_with(None)

    def cancel1_algorithm(reason: Any) -> Promise[Any]:
        tee.canceled1 = True
        tee.reason1 = reason
        if tee.canceled2:
            composite_reason = [tee.reason1, tee.reason2]
            cancel_result = readable_stream_cancel(stream, composite_reason)
            _resolve_with(tee.cancel_promise, cancel_result)
        return tee.cancel_promise

    def cancel2_algorithm(reason: Any) -> Promise[Any]:
        tee.canceled2 = True
        tee.reason2 = reason
        if tee.canceled1:
            composite_reason = [tee.reason1, tee.reason2]
            cancel_result = readable_stream_cancel(stream, composite_reason)
            _resolve_with(tee.cancel_promise, cancel_result)
        return tee.cancel_promise

    def start_algorithm() -> None:
        return None

    tee.branch1 = create_readable_byte_stream(start_algorithm, pull1_algorithm, cancel1_algorithm)
    tee.branch2 = create_readable_byte_stream(start_algorithm, pull2_algorithm, cancel2_algorithm)
    forward_reader_error(tee.reader)
    return [tee.branch1, tee.branch2]
