"""The scenario interpreter in Python: client.js's twin, on this library's WebSocketStream.

Both interpreters take the same steps (JSON lists) and record the same vocabulary, so a trace
from Chromium and one from us compare with ``==``.  Names in traces are the JavaScript ones
(``closeCode``), values are ``{"str": ...}`` or ``{"hex": ...}``, errors are ``{"name": ...}``
(plus ``closeCode`` and ``reason`` for a ``WebSocketError``).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from typing import Any

from websocketstream import (
    AbortController,
    AbortSignal,
    WebSocket,
    WebSocketError,
    WebSocketStream,
)

__all__ = ["describe_error", "describe_value", "make_value", "run_scenario"]

Trace = list[list[Any]]
#: Seconds a read may wait (then the trace says ``["pending", "read"]``).
READ_WAIT = 5.0


def describe_error(error: BaseException | None) -> dict[str, Any]:
    """An error as traces record it."""
    if error is None:
        return {"name": "undefined"}
    name = getattr(error, "name", None)
    if not isinstance(name, str):
        name = type(error).__name__
    out: dict[str, Any] = {"name": name}
    if isinstance(error, WebSocketError):
        out["closeCode"] = error.close_code
        out["reason"] = error.reason
    return out


def describe_value(value: Any) -> dict[str, Any]:
    """A received chunk as traces record it."""
    if isinstance(value, str):
        return {"str": value}
    if isinstance(value, bytes | bytearray | memoryview):
        data = bytes(value)
        return {"len": len(data)} if len(data) > 64 else {"hex": data.hex()}
    return {"other": type(value).__name__}


def make_value(spec: dict[str, Any]) -> Any:
    """The chunk a step writes."""
    if "str" in spec:
        return spec["str"]
    if "hex" in spec:
        return bytes.fromhex(spec["hex"])
    if "zeros" in spec:
        return bytes(spec["zeros"])
    if "repeat" in spec:
        text, count = spec["repeat"]
        return text * count
    if "int" in spec:
        return spec["int"]
    if "null" in spec:
        return None
    raise ValueError(f"bad value spec {spec!r}")


def make_reason(spec: dict[str, Any] | None) -> Any:
    """A cancel or abort reason."""
    if spec is None:
        return None
    if "wse" in spec:
        options = spec["wse"]
        return WebSocketError(
            "", close_code=options.get("closeCode"), reason=options.get("reason", "")
        )
    return make_value(spec)


def _close_kwargs(options: dict[str, Any]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    if "closeCode" in options:
        kwargs["close_code"] = options["closeCode"]
    if "reason" in options:
        kwargs["reason"] = options["reason"]
    return kwargs


async def run_scenario(
    origin: str, steps: list[list[Any]]
) -> tuple[Trace, Coroutine[Any, Any, None]]:
    """Run one scenario's client steps; return the trace and a clean-up to await later."""
    trace: Trace = []

    def rec(*item: Any) -> None:
        trace.append(list(item))

    wss: WebSocketStream | None = None
    reader: Any = None
    writer: Any = None
    controller: AbortController | None = None
    other: WebSocketStream | None = None
    ws: WebSocket | None = None
    ws_state = {"closed": False}
    writes = 0
    pending: list[asyncio.Future[Any]] = []

    def on_settled(label: tuple[Any, ...], future: asyncio.Future[Any]) -> None:
        def callback(fut: asyncio.Future[Any]) -> None:
            error = fut.exception() if not fut.cancelled() else asyncio.CancelledError()
            rec(*label, "ok" if error is None else describe_error(error))

        future.add_done_callback(callback)
        pending.append(future)

    def record_read(fut: asyncio.Future[Any]) -> None:
        # Recorded when the read settles, as client.js does, so the order against the
        # opened/closed reactions is the order of settlement.
        error = fut.exception()
        if error is not None:
            rec("read-error", describe_error(error))
        else:
            value, done = fut.result()
            rec("read", None if done else describe_value(value), done)

    for step in steps:
        op, *args = step
        try:
            if op == "new":
                path, opts = args
                kwargs: dict[str, Any] = {"proxy": None}
                if "protocols" in opts:
                    kwargs["protocols"] = opts["protocols"]
                if opts.get("signal") == "aborted":
                    kwargs["signal"] = AbortSignal.abort()
                if opts.get("signal") == "controller":
                    controller = AbortController()
                    kwargs["signal"] = controller.signal
                url = opts.get("url", origin + path)
                try:
                    wss = WebSocketStream(url, **kwargs)
                except Exception as exc:
                    rec("new-error", describe_error(exc))
                    continue
                rec("url", wss.url.replace(origin, "ORIGIN"))
                current = wss

                def opened_cb(fut: asyncio.Future[Any]) -> None:
                    error = fut.exception()
                    if error is None:
                        info = fut.result()
                        rec("opened", {"protocol": info.protocol, "extensions": info.extensions})
                    else:
                        rec("opened-rejected", describe_error(error))

                def closed_cb(fut: asyncio.Future[Any]) -> None:
                    error = fut.exception()
                    if error is None:
                        info = fut.result()
                        rec("closed", {"closeCode": info.close_code, "reason": info.reason})
                    else:
                        rec("closed-rejected", describe_error(error))

                current.opened.add_done_callback(opened_cb)
                current.closed.add_done_callback(closed_cb)
            elif op == "other":
                # A second stream to the same server (recorded as other-*).
                other = WebSocketStream(origin + args[0], proxy=None)
                other.opened.add_done_callback(
                    lambda f: (
                        rec("other-opened")
                        if f.exception() is None
                        else rec("other-opened-rejected", describe_error(f.exception()))
                    )
                )
                other.closed.add_done_callback(
                    lambda f: (
                        rec("other-closed", f.result().close_code)
                        if f.exception() is None
                        else rec("other-closed-rejected", describe_error(f.exception()))
                    )
                )
            elif op == "other-close":
                assert other is not None
                other.close()
            elif op == "other-closed":
                assert other is not None
                await asyncio.wait({other.closed}, timeout=5.0)
                await asyncio.sleep(0)
            elif op == "ws-new":
                # The classic WebSocket: every event is recorded as it is dispatched.
                path, opts = args
                url = opts.get("url", origin + path)
                try:
                    if "protocols" in opts:
                        ws = WebSocket(url, opts["protocols"], proxy=None)
                    else:
                        ws = WebSocket(url, proxy=None)
                except Exception as exc:
                    rec("new-error", describe_error(exc))
                    continue
                ws.binary_type = "arraybuffer"
                rec("url", ws.url.replace(origin, "ORIGIN"), ws.ready_state)
                current_ws = ws
                ws_state["closed"] = False

                def on_open(_event: Any, w: WebSocket = current_ws) -> None:
                    rec(
                        "open",
                        {
                            "protocol": w.protocol,
                            "extensions": w.extensions,
                            "readyState": w.ready_state,
                        },
                    )

                def on_close(event: Any, w: WebSocket = current_ws) -> None:
                    ws_state["closed"] = True
                    rec(
                        "close",
                        {
                            "code": event.code,
                            "reason": event.reason,
                            "wasClean": event.was_clean,
                            "readyState": w.ready_state,
                        },
                    )

                ws.onopen = on_open
                ws.onmessage = lambda event: rec("message", describe_value(event.data))
                ws.onerror = lambda _event, w=current_ws: rec("error", w.ready_state)
                ws.onclose = on_close
            elif op == "ws-send":
                assert ws is not None
                try:
                    ws.send(make_value(args[0]))
                except Exception as exc:
                    rec("send-error", describe_error(exc))
                else:
                    rec("sent", "buffered" if ws.buffered_amount > 0 else "flushed")
            elif op == "ws-close":
                assert ws is not None
                try:
                    ws.close(*args)
                except Exception as exc:
                    rec("close-error", describe_error(exc))
                else:
                    rec("readyState", ws.ready_state)
            elif op == "ws-wait":
                what, count, *rest = args
                limit = (rest[0] if rest else 5000) / 1000
                deadline = asyncio.get_running_loop().time() + limit
                while sum(1 for t in trace if t[0] == what) < count:
                    if asyncio.get_running_loop().time() > deadline:
                        rec("pending", what)
                        break
                    await asyncio.sleep(0.005)
            elif op == "ws-closed":
                limit = (args[0] if args else 5000) / 1000
                deadline = asyncio.get_running_loop().time() + limit
                while not ws_state["closed"]:
                    if asyncio.get_running_loop().time() > deadline:
                        rec("pending", "close")
                        break
                    await asyncio.sleep(0.005)
            elif op == "ws-state":
                assert ws is not None
                rec("readyState", ws.ready_state, ws.buffered_amount)
            elif op == "opened":
                assert wss is not None
                with contextlib.suppress(Exception):
                    info = await wss.opened
                    reader = info.readable.get_reader()
                    writer = info.writable.get_writer()
            elif op == "read":
                count = args[0] if args else 1
                for _ in range(count):
                    future = reader.read()
                    future.add_done_callback(record_read)
                    await asyncio.wait({future}, timeout=READ_WAIT)
                    if not future.done():
                        rec("pending", "read")
                        break
                    if future.exception() is not None or future.result()[1]:
                        break
            elif op in ("write", "write-await"):
                index = writes
                writes += 1
                future = writer.write(make_value(args[0]))
                on_settled(("write", index), future)
                if op == "write-await":
                    await asyncio.wait({future})
                    await asyncio.sleep(0)
            elif op == "desired":
                rec("desired", writer.desired_size)
            elif op == "close":
                assert wss is not None
                try:
                    wss.close(**_close_kwargs(args[0] if args else {}))
                except Exception as exc:
                    rec("close-error", describe_error(exc))
            elif op == "abort":
                assert controller is not None
                controller.abort()
            elif op == "writer-close":
                on_settled(("writer-close",), writer.close())
            elif op == "writer-abort":
                on_settled(("writer-abort",), writer.abort(make_reason(args[0])))
            elif op == "reader-cancel":
                on_settled(("reader-cancel",), reader.cancel(make_reason(args[0])))
            elif op == "error":
                message, options = args
                try:
                    error = WebSocketError(
                        message,
                        close_code=options.get("closeCode"),
                        reason=options.get("reason", ""),
                    )
                except Exception as exc:
                    rec("error-error", describe_error(exc))
                else:
                    rec(
                        "error",
                        {
                            "name": error.name,
                            "message": error.message,
                            "closeCode": error.close_code,
                            "reason": error.reason,
                        },
                    )
            elif op == "sleep":
                await asyncio.sleep(args[0] / 1000)
            elif op == "closed":
                assert wss is not None
                limit = (args[0] if args else 5000) / 1000
                await asyncio.wait({wss.closed}, timeout=limit)
                await asyncio.sleep(0)
                if not wss.closed.done():
                    rec("pending", "closed")
            else:
                raise ValueError(f"unknown step {op!r}")
        except Exception as exc:
            rec("step-error", op, repr(exc))
    if pending:
        await asyncio.wait(pending, timeout=0.05)
    return list(trace), _cleanup(wss, pending, ws)


async def _cleanup(
    wss: WebSocketStream | None, pending: list[asyncio.Future[Any]], ws: WebSocket | None
) -> None:
    """Close what the scenario left open (after the server's script has finished)."""
    if ws is not None:
        ws.onopen = ws.onmessage = ws.onerror = ws.onclose = None
        with contextlib.suppress(Exception):
            ws.close()
    if wss is not None and not wss.closed.done():
        with contextlib.suppress(Exception):
            wss.close()
        await asyncio.wait({wss.closed}, timeout=0.5)
    for future in pending:
        if future.done() and not future.cancelled():
            future.exception()
