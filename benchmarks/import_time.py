"""What ``import websocketstream`` costs, beside ``import websockets.asyncio.client``, in one run.

    python benchmarks/import_time.py [--runs 20]

Each import runs in a fresh interpreter, the modules taking turns (so a busy machine slows
them alike).  Two figures per module, medians of the runs:
  wall      the process's wall time minus that of ``python -c pass`` (same run);
  cumul.    the import's own time as ``python -X importtime`` reports it (cumulative
            microseconds of the top-level package, start-up excluded: less noisy).
The last column says whether NumPy was imported (the masking accelerator is loaded when the
first large payload is masked, never by the import).

Bytecode is cached as an installed package's is (``PYTHONDONTWRITEBYTECODE`` is dropped and a
warm-up import per module writes ``__pycache__``): without it, a source checkout would be
compiled at every import and measured against installed wheels' ``.pyc`` files.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time

MODULES = ["websocketstream", "websockets.asyncio.client", "asyncio"]

_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run_once(statement: str) -> tuple[float, str]:
    """Wall seconds of a fresh interpreter running ``statement`` with -X importtime, and its
    stderr (the import-time table)."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        capture_output=True,
        text=True,
        check=True,
        env=_ENV,
    )
    return time.perf_counter() - start, result.stderr + "\n" + result.stdout


def cumulative_us(table: str, module: str) -> int:
    """The cumulative microseconds -X importtime reports for ``module``."""
    pattern = re.compile(r"import time:\s+\d+ \|\s+(\d+) \| *" + re.escape(module) + r"\s*$", re.M)
    match = pattern.search(table)
    return int(match.group(1)) if match else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="fresh interpreters per module")
    args = parser.parse_args()

    baseline: list[float] = []
    wall: dict[str, list[float]] = {m: [] for m in MODULES}
    cumul: dict[str, list[int]] = {m: [] for m in MODULES}
    numpy_loaded: dict[str, bool] = {}
    for module in MODULES:  # warm-up: write the bytecode caches
        run_once(f"import {module}")
    for _ in range(args.runs):
        baseline.append(run_once("pass")[0])
        for module in MODULES:
            statement = f"import sys, {module}; print('numpy' in sys.modules)"
            seconds, output = run_once(statement)
            wall[module].append(seconds)
            top = module.split(".")[0]
            cumul[module].append(max(cumulative_us(output, module), cumulative_us(output, top)))
            numpy_loaded[module] = output.strip().endswith("True")

    base = statistics.median(baseline)
    print(f"runs={args.runs}, python {sys.version.split()[0]}, medians")
    print(f"{'module':28} {'wall ms':>9} {'cumul. ms':>10}  numpy")
    for module in MODULES:
        extra = (statistics.median(wall[module]) - base) * 1000
        own = statistics.median(cumul[module]) / 1000
        print(f"{module:28} {extra:9.1f} {own:10.1f}  {'yes' if numpy_loaded[module] else 'no'}")
    print(f"(python -c pass itself: {base * 1000:.1f} ms)")


if __name__ == "__main__":
    main()
