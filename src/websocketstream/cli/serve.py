"""``wsstream serve``: an echo server, a broadcast (chat) server, or a process per connection.

``--exec CMD`` works like websocketd: each connection starts CMD (split like a shell would,
run without a shell), each text message received is written to its stdin followed by a
newline (binary messages as they are), each line it prints is sent as a text message, its
exit closes the connection with 1000, and the client's close terminates it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shlex
import signal
from typing import Any

import click

from ..server import (
    Handler,
    Server,
    ServerWebSocketStream,
    broadcast,
    echo_handler,
    unix_serve,
)
from ..server import serve as start_server
from ._common import (
    EXIT_CODES_HELP,
    EXIT_CONNECT_FAILED,
    EXIT_OK,
    CommandFailed,
    describe,
    run,
)
from ._stdio import LINE_LIMIT

__all__ = ["Broadcast", "exec_handler", "serve"]

#: How long a process gets to exit after SIGTERM before SIGKILL, once its client has gone.
TERMINATE_GRACE = 2.0


class Broadcast:
    """A chat room: every message received from one connection goes to every open connection
    of the server (the sender included), through :func:`websocketstream.server.broadcast`,
    which never waits: a client whose send buffer is full misses the message."""

    def __init__(self) -> None:
        self.server: Server | None = None

    async def handler(self, ws: ServerWebSocketStream) -> None:
        """The per-connection handler: publish each message received to the room."""
        info = await ws.opened
        async for message in info.readable:
            assert self.server is not None, "the room's server is set before it accepts"
            broadcast(self.server.connections, message)


def _retrieve(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()


def exec_handler(argv: list[str]) -> Handler:
    """A handler that runs ``argv`` per connection with its stdin/stdout bridged."""

    async def handler(ws: ServerWebSocketStream) -> None:
        info = await ws.opened
        address = ws.remote_address
        env = dict(os.environ, WSSTREAM_PATH=ws.request.target)
        if isinstance(address, tuple) and len(address) >= 2:
            env.update(REMOTE_ADDR=str(address[0]), REMOTE_PORT=str(address[1]))
        try:
            process = await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                env=env,
                limit=LINE_LIMIT,
            )
        except OSError as exc:
            click.echo(f"wsstream: cannot run {argv[0]!r}: {describe(exc)}", err=True)
            ws.close(close_code=1000, reason="cannot start the process")
            return
        assert process.stdin is not None and process.stdout is not None
        stdin, stdout = process.stdin, process.stdout

        async def to_process() -> None:
            with contextlib.suppress(Exception):  # the process or the client went away
                async for message in info.readable:
                    stdin.write(message.encode() + b"\n" if isinstance(message, str) else message)
                    await stdin.drain()  # backpressure: a slow process slows the client
            with contextlib.suppress(OSError):
                stdin.close()

        async def from_process() -> None:
            writer = info.writable.get_writer()
            with contextlib.suppress(Exception):  # the client went away
                while line := await stdout.readline():
                    await writer.ready
                    writer.write(
                        line.removesuffix(b"\n").decode("utf-8", "replace")
                    ).add_done_callback(_retrieve)
            writer.release_lock()

        inbound = asyncio.create_task(to_process())
        outbound = asyncio.create_task(from_process())
        try:
            closed: asyncio.Future[Any] = ws.closed
            done, _ = await asyncio.wait([outbound, closed], return_when=asyncio.FIRST_COMPLETED)
            if outbound in done:  # the process closed its stdout: let it exit, then close
                await process.wait()
                ws.close(close_code=1000)
        finally:
            if process.returncode is None:  # the client went first: stop the process
                with contextlib.suppress(ProcessLookupError):
                    process.terminate()
                try:
                    await asyncio.wait_for(process.wait(), TERMINATE_GRACE)
                except TimeoutError:
                    with contextlib.suppress(ProcessLookupError):
                        process.kill()
                    await process.wait()
            inbound.cancel()
            outbound.cancel()
        with contextlib.suppress(Exception):
            await ws.closed

    return handler


def _logged(handler: Handler) -> Handler:
    """Wrap a handler to report each connection's opening and end on stderr."""

    async def logged(ws: ServerWebSocketStream) -> None:
        await ws.opened
        peer = ws.remote_address
        where = f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else str(peer or "unix socket")
        click.echo(f"wsstream: connection from {where} {ws.request.target}", err=True)

        def report(closed: asyncio.Future[Any]) -> None:
            if closed.cancelled() or closed.exception() is not None:
                end = "closed uncleanly"
            else:
                info = closed.result()
                end = f"closed: code={info.close_code} reason={info.reason!r}"
            click.echo(f"wsstream: connection from {where} {end}", err=True)

        ws.closed.add_done_callback(report)
        await handler(ws)

    return logged


EPILOG = f"""
\b
Examples:
  wsstream serve                               # echo server on ws://127.0.0.1:8765/
  wsstream serve --port 0                      # a free port (the URL is printed)
  wsstream serve --broadcast --host 0.0.0.0    # chat: each message to every client
  wsstream serve --exec "python3 -u bot.py"    # a process per connection (like websocketd)
  wsstream serve --unix /tmp/ws.sock

\b
The first line on stdout is the URL listened on.  Ctrl-C or SIGTERM stops the server
(connections are closed with 1001) and exits with 0.

\b
{EXIT_CODES_HELP}
"""


@click.command(epilog=EPILOG)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8765, show_default=True, type=click.IntRange(0, 65535), help="0: any free."
)
@click.option("--unix", "unix_path", metavar="PATH", help="Listen on a Unix socket instead.")
@click.option(
    "--echo", "mode", flag_value="echo", default=True, help="Echo each message (default)."
)
@click.option(
    "--broadcast", "mode", flag_value="broadcast", help="Send each message to every client."
)
@click.option(
    "--exec", "command", metavar="CMD", help="Run CMD per connection, stdin/stdout bridged."
)
@click.option(
    "-p", "--protocol", "protocols", multiple=True, help="A subprotocol to accept (repeatable)."
)
def serve(  # noqa: PLR0917 (click passes options positionally)
    host: str,
    port: int,
    unix_path: str | None,
    mode: str,
    command: str | None,
    protocols: tuple[str, ...],
) -> None:
    """Run a WebSocket server: echo (default), broadcast, or one process per connection."""
    room = None
    if command is not None:
        argv = shlex.split(command)
        if not argv:
            raise click.BadParameter("an empty command", param_hint="--exec")
        handler = exec_handler(argv)
        mode = "exec"
    elif mode == "broadcast":
        room = Broadcast()
        handler = room.handler
    else:
        handler = echo_handler
    run(_serve(_logged(handler), mode, host, port, unix_path, protocols, room))


async def _serve(  # noqa: PLR0917
    handler: Handler,
    mode: str,
    host: str,
    port: int,
    unix_path: str | None,
    protocols: tuple[str, ...],
    room: Broadcast | None,
) -> int:
    try:
        if unix_path is not None:
            server = await unix_serve(handler, unix_path, protocols=protocols)
            url = f"unix:{unix_path}"
        else:
            server = await start_server(handler, host, port, protocols=protocols)
            shown = f"[{host}]" if ":" in host else host
            url = f"ws://{shown}:{server.port}/"
    except OSError as exc:
        raise CommandFailed(f"cannot listen: {describe(exc)}", EXIT_CONNECT_FAILED) from exc
    if room is not None:
        room.server = server  # before the loop runs again: no connection was accepted yet
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with server:
        click.echo(url)
        click.echo(f"wsstream: serving ({mode}) on {url}; Ctrl-C stops", err=True)
        await stop.wait()
    click.echo("wsstream: server stopped", err=True)
    return EXIT_OK
