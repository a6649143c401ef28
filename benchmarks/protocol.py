"""Micro-benchmarks of the Sans-I/O protocol layer, with python-websockets' Sans-I/O layer
side by side where it has the same operation.

Run: ``python benchmarks/protocol.py [--frames N]`` (from the repository root).
Figures: frames (messages) per second, best of 5 runs.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from websocketstream.protocol import Connection

PAYLOAD = bytes(range(64))


def best_rate(fn: Callable[[int], None], n: int, repeat: int = 5) -> float:
    """Run ``fn(n)`` ``repeat`` times; return the best rate in operations per second."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(n)
        best = min(best, time.perf_counter() - t0)
    return n / best


def ours_parse(n: int, *, client: bool, size: int = 64) -> Callable[[int], None]:
    """Parse ``n`` binary frames of ``size`` bytes already in the buffer, one event each."""
    sender = Connection(client=not client)
    for _ in range(n):
        sender.send_binary(PAYLOAD[:size] * (size // 64 or 1))
    wire = sender.data_to_send()

    def run(count: int) -> None:
        conn = Connection(client=client, max_size=None)
        conn.receive_data(wire)
        next_event = conn.next_event
        for _ in range(count):
            next_event()

    return run


def ours_build(client: bool) -> Callable[[int], None]:
    """Queue ``count`` binary 64-byte frames, collecting the output every 16 frames."""

    def run(count: int) -> None:
        conn = Connection(client=client)
        send = conn.send_binary
        data_to_send = conn.data_to_send
        for i in range(count):
            send(PAYLOAD)
            if i & 15 == 15:
                data_to_send()
        data_to_send()

    return run


def websockets_parse(n: int) -> Callable[[int], None] | None:
    """python-websockets' ClientProtocol parsing the same server frames (for the ratio)."""
    try:
        from websockets.frames import Frame, Opcode
        from websockets.protocol import Protocol, Side, State
    except ImportError:
        return None
    frame = Frame(Opcode.BINARY, PAYLOAD).serialize(mask=False, extensions=[])
    wire = frame * n

    def run(count: int) -> None:
        proto = Protocol(Side.CLIENT, state=State.OPEN, max_size=None)
        proto.receive_data(wire[: count * len(frame)])
        proto.events_received()

    return run


def websockets_build() -> Callable[[int], None] | None:
    """python-websockets' ClientProtocol building masked frames (for the ratio)."""
    try:
        from websockets.protocol import Protocol, Side, State
    except ImportError:
        return None

    def run(count: int) -> None:
        proto = Protocol(Side.CLIENT, state=State.OPEN)
        for i in range(count):
            proto.send_binary(PAYLOAD)
            if i & 15 == 15:
                proto.data_to_send()

    return run


def main() -> None:
    """Print a table of rates."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames", type=int, default=200_000)
    args = parser.parse_args()
    n = args.frames
    rows: list[tuple[str, float, float | None]] = []
    ws_parse = websockets_parse(n)
    ws_build = websockets_build()
    parse_client = best_rate(ours_parse(n, client=True), n)
    rows.append(
        (
            "parse 64 B unmasked (client side)",
            parse_client,
            best_rate(ws_parse, n) if ws_parse else None,
        )
    )
    rows.append(
        ("parse 64 B masked (server side)", best_rate(ours_parse(n, client=False), n), None)
    )
    rows.append(
        (
            "build 64 B masked (client side)",
            best_rate(ours_build(True), n),
            best_rate(ws_build, n) if ws_build else None,
        )
    )
    rows.append(("build 64 B unmasked (server side)", best_rate(ours_build(False), n), None))
    m = max(1, n // 64)
    rows.append(
        (
            "parse 4 KiB unmasked (client side)",
            best_rate(ours_parse(m, client=True, size=4096), m),
            None,
        )
    )
    print(f"{'operation':<38}{'ours (M/s)':>12}{'websockets (M/s)':>18}{'ratio':>8}")
    for name, ours, theirs in rows:
        t = f"{theirs / 1e6:>18.3f}" if theirs else f"{'-':>18}"
        r = f"{ours / theirs:>7.1f}x" if theirs else f"{'-':>8}"
        print(f"{name:<38}{ours / 1e6:>12.3f}{t}{r}")


if __name__ == "__main__":
    main()
