"""``wsstream connect``: a WebSocketStream client on the terminal, or in a pipeline.

On a terminal (standard input and output both terminals) it is interactive: each line typed
is a message, each message received is printed, Ctrl-D closes cleanly.  Otherwise it streams:
standard input is framed into messages and piped into the writable, the readable is piped into
standard output, and each side waits on the other's backpressure, so memory stays flat
whatever the size of the transfer.

Framing when piped: by default, line framing (each input line, without its newline, is a text
message; each message received is written followed by a newline); with ``--binary``, chunk
framing (input read in chunks of up to 64 KiB, each a binary message; messages received are
written as they are, with no separator).
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import sys
from collections.abc import Sequence

import click
from rich.console import Console
from rich.markup import escape

from .. import WebSocketCloseInfo, WebSocketStream
from ._common import (
    EXIT_CLOSED_IN_ERROR,
    EXIT_CODES_HELP,
    EXIT_CONNECT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    CommandFailed,
    describe,
    run,
)
from ._stdio import CHUNK, LINE_LIMIT, open_stdin, open_stdout

__all__ = ["connect", "format_binary", "parse_header"]

#: Close codes that end a session normally (exit code 0).
NORMAL_CLOSE_CODES = (1000, 1001, 1005, None)
#: How many bytes of a binary message the interactive view shows in hex.
HEX_SHOWN = 32


def parse_header(
    ctx: click.Context | None, param: click.Parameter | None, values: Sequence[str]
) -> list[tuple[str, str]]:
    """``--header "Name: value"`` (a click callback): a list of (name, value) pairs."""
    headers = []
    for value in values:
        name, colon, content = value.partition(":")
        if not colon or not name.strip():
            raise click.BadParameter(f"{value!r} is not of the form 'Name: value'", ctx, param)
        headers.append((name.strip(), content.strip()))
    return headers


def format_binary(data: bytes) -> str:
    """A binary message as the interactive view shows it: its size and (the start of) its hex."""
    shown = data[:HEX_SHOWN].hex(" ")
    more = " ..." if len(data) > HEX_SHOWN else ""
    return f"binary, {len(data)} bytes: {shown}{more}"


def _insecure_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


EPILOG = f"""
\b
Examples:
  wsstream connect ws://127.0.0.1:8765/            # type lines; Ctrl-D closes
  wsstream connect wss://example.test/chat -p chat.v1 -H "Authorization: Bearer T"
  cat big.txt | wsstream connect ws://127.0.0.1:8765/ > out.txt     # line framing
  wsstream connect --binary ws://127.0.0.1:8765/ < image.png > copy.png  # chunk framing
  wsstream connect --proxy socks5h://127.0.0.1:1080 wss://example.test/
  wsstream connect --unix /tmp/ws.sock ws://localhost/chat

\b
{EXIT_CODES_HELP}
"""


@click.command(epilog=EPILOG)
@click.argument("url")
@click.option(
    "-p", "--protocol", "protocols", multiple=True, help="Offer this subprotocol (repeatable)."
)
@click.option(
    "-H",
    "--header",
    "headers",
    multiple=True,
    callback=parse_header,
    help="Extra handshake header 'Name: value' (repeatable).",
)
@click.option(
    "--binary",
    is_flag=True,
    help="Send binary messages; when piped, frame stdin in chunks instead of lines.",
)
@click.option(
    "-k", "--insecure", is_flag=True, help="wss://: do not verify the server's certificate."
)
@click.option(
    "--proxy",
    metavar="URL",
    help="http://, socks5://, socks5h:// or socks4:// proxy (default: from the environment).",
)
@click.option(
    "--unix",
    "unix_socket",
    metavar="PATH",
    help="Connect through this Unix socket (the URL still gives Host and path).",
)
@click.option(
    "--linger",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0),
    metavar="SECONDS",
    help="Piped: after end of input, close once nothing arrived for SECONDS (inf: never).",
)
def connect(  # noqa: PLR0917 (click passes options positionally)
    url: str,
    protocols: tuple[str, ...],
    headers: list[tuple[str, str]],
    binary: bool,
    insecure: bool,
    proxy: str | None,
    unix_socket: str | None,
    linger: float,
) -> None:
    """Connect to a WebSocket server at URL.

    On a terminal, each line typed is sent as a message and each message received is printed
    (text as text, binary as its size and hex); Ctrl-D closes cleanly and the close code and
    reason are printed.

    With standard input or output redirected, it streams with backpressure in both
    directions: by default each input line is a text message and each message received is
    written followed by a newline; with --binary, input is sent in binary chunks of up to
    64 KiB and messages are written with no separator.  At the end of input it keeps
    receiving until the server has been silent for --linger seconds (replies still on their
    way, such as an echo server's, are not lost), then closes cleanly.
    """
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    run(
        _connect(url, protocols, headers, binary, insecure, proxy, unix_socket, linger, interactive)
    )


async def _connect(  # noqa: PLR0917
    url: str,
    protocols: tuple[str, ...],
    headers: list[tuple[str, str]],
    binary: bool,
    insecure: bool,
    proxy: str | None,
    unix_socket: str | None,
    linger: float,
    interactive: bool,
) -> int:
    secure = url.lower().startswith(("wss:", "https:"))
    try:
        wss = WebSocketStream(
            url,
            protocols=protocols,
            headers=headers,
            ssl=_insecure_context() if insecure and secure else None,
            proxy=proxy if proxy is not None else True,
            unix_socket=unix_socket,
        )
    except (ValueError, TypeError) as exc:  # DOMSyntaxError is a ValueError
        raise CommandFailed(describe(exc), EXIT_USAGE) from exc
    try:
        await wss.opened
    except Exception as exc:
        raise CommandFailed(describe(exc), EXIT_CONNECT_FAILED) from exc
    try:
        if interactive:
            return await _interactive(wss, binary, Console(highlight=False))
        return await _piped(wss, binary, linger)
    except asyncio.CancelledError:  # Ctrl-C: tell the server before leaving (exit code 130)
        wss.close(close_code=1000, reason="interrupted")
        raise


def _exit_code(end: WebSocketCloseInfo) -> int:
    return EXIT_OK if end.close_code in NORMAL_CLOSE_CODES else EXIT_CLOSED_IN_ERROR


async def _await_closed(wss: WebSocketStream) -> tuple[WebSocketCloseInfo | None, str]:
    """The close info, or (None, the error's one line) when the close was unclean."""
    try:
        return await wss.closed, ""
    except Exception as exc:
        return None, describe(exc)


def _retrieve(future: asyncio.Future[None]) -> None:
    if not future.cancelled():
        future.exception()


async def _interactive(wss: WebSocketStream, binary: bool, console: Console) -> int:
    info = await wss.opened
    details = f" protocol={info.protocol!r}" if info.protocol else ""
    details += f" extensions={info.extensions!r}" if info.extensions else ""
    console.print(f"[green]connected to {escape(wss.url)}[/]{escape(details)}")
    console.print("[dim]type a line to send it; Ctrl-D closes[/]")
    stdin = await open_stdin()

    async def send_lines() -> None:
        writer = info.writable.get_writer()
        with contextlib.suppress(Exception):  # the connection ended first: nothing to send
            while line := await stdin.reader.readline():
                text = line.decode("utf-8", "replace").removesuffix("\n")
                await writer.write(text.encode() if binary else text)
            wss.close(close_code=1000)  # Ctrl-D

    async def print_messages() -> None:
        with contextlib.suppress(Exception):  # an unclean close is reported below
            async for message in info.readable:
                if isinstance(message, str):
                    console.print(f"[cyan]<[/] {escape(message)}")
                else:
                    console.print(f"[cyan]<[/] [magenta]{escape(format_binary(message))}[/]")

    sender = asyncio.create_task(send_lines())
    printer = asyncio.create_task(print_messages())
    try:
        end, error = await _await_closed(wss)
        await printer
    finally:
        sender.cancel()
        stdin.close()
    if end is None:
        console.print(f"[red]closed uncleanly: {escape(error)}[/]")
        return EXIT_CLOSED_IN_ERROR
    style = "green" if _exit_code(end) == EXIT_OK else "red"
    console.print(f"[{style}]closed: code={end.close_code} reason={end.reason!r}[/]")
    return _exit_code(end)


async def _until_quiet(linger: float, last_received: list[float]) -> None:
    """Wait until nothing was received for ``linger`` seconds (a timeout, not a sync point:
    after end of input, replies still on their way are written out before closing)."""
    loop = asyncio.get_running_loop()
    while (left := last_received[0] + linger - loop.time()) > 0:
        await asyncio.sleep(left)


async def _piped(wss: WebSocketStream, binary: bool, linger: float) -> int:
    info = await wss.opened
    stdin = await open_stdin()
    stdout = await open_stdout()
    input_error: list[str] = []
    loop = asyncio.get_running_loop()
    last_received = [loop.time()]

    async def pump_in() -> None:
        """stdin -> the writable, each message written once the writable has room."""
        writer = info.writable.get_writer()
        reader = stdin.reader
        line_number = 0
        try:
            while True:
                payload: str | bytes
                if binary:
                    payload = await reader.read(CHUNK)
                    if not payload:
                        break
                else:
                    try:
                        line = await reader.readline()
                    except ValueError:  # no newline within LINE_LIMIT bytes
                        input_error.append(
                            f"line {line_number + 1} of stdin is longer than "
                            f"{LINE_LIMIT >> 20} MiB: use --binary"
                        )
                        break
                    if not line:
                        break
                    line_number += 1
                    try:
                        payload = line.removesuffix(b"\n").decode()
                    except UnicodeDecodeError:
                        input_error.append(
                            f"line {line_number} of stdin is not UTF-8: use --binary"
                        )
                        break
                room = writer.desired_size
                if room is None or room <= 0:
                    await writer.ready  # backpressure: wait until the writable has room
                writer.write(payload).add_done_callback(_retrieve)
            if not input_error:
                await writer.ready  # everything written was handed to the socket
                await _until_quiet(linger, last_received)
            await writer.close()
        except Exception:  # the connection ended from the other side: stop sending
            return
        finally:
            if input_error:
                wss.close()

    async def pump_out() -> None:
        """The readable -> stdout, each message after stdout has drained the previous ones."""
        out = stdout.writer
        separator = b"" if binary else b"\n"
        try:
            async for value in info.readable:
                last_received[0] = loop.time()
                out.write(value.encode() if isinstance(value, str) else value)
                if separator:
                    out.write(separator)
                await out.drain()  # backpressure: stop reading while stdout is full
        except (BrokenPipeError, ConnectionResetError):  # whoever read stdout went away
            wss.close()
        except Exception:  # an unclean close: reported by _await_closed
            return

    sender = asyncio.create_task(pump_in())
    receiver = asyncio.create_task(pump_out())
    try:
        end, error = await _await_closed(wss)
        await receiver
    finally:
        sender.cancel()
        stdin.close()
        await stdout.aclose()
    if input_error:
        raise CommandFailed(input_error[0], EXIT_USAGE)
    if end is None:
        raise CommandFailed(error, EXIT_CLOSED_IN_ERROR)
    code = _exit_code(end)
    if code != EXIT_OK:
        click.echo(f"wsstream: closed with code {end.close_code} {end.reason!r}", err=True)
    return code
