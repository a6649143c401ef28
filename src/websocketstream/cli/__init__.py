"""The ``wsstream`` command: connect, serve, demo and bench, on the public API only.

Installed as a console script (``wsstream``) and runnable as ``python -m websocketstream``.
Built with click (commands) and rich (terminal output); both are dependencies of the package,
so ``pip install websocketstream`` gives a working command.
"""

from __future__ import annotations

import click

from .. import __version__
from ._common import EXIT_CODES_HELP
from .bench import bench
from .connect import connect
from .demo import demo
from .serve import serve

__all__ = ["main"]


@click.group(
    epilog=f"""
\b
Examples:
  wsstream serve --port 8765 &                 # an echo server
  wsstream connect ws://127.0.0.1:8765/        # talk to it
  wsstream demo --seconds 5                    # backpressure, live
  wsstream bench                               # client benchmark table

\b
{EXIT_CODES_HELP}
""",
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="wsstream")
def main() -> None:
    """WebSocket client, server and tools on websocketstream (the web's WebSocketStream)."""


main.add_command(connect)
main.add_command(serve)
main.add_command(demo)
main.add_command(bench)
