#!/usr/bin/env python3
"""Run the Autobahn|Testsuite fuzzing client against a WebSocket *server* and compare
the verdicts with the checked-in expectations (expected_server.json).

Usage (from anywhere; Python 3.11, standard library only)::

    tests/conformance/autobahn/setup.sh            # once: Python 2.7 + wstest
    python tests/conformance/autobahn/run_server.py [options] [--] [SERVER ...]

    # the project's echo server, all cases (1.* - 13.*):
    python tests/conformance/autobahn/run_server.py
    # cases 1-10 only (what CI runs):
    python tests/conformance/autobahn/run_server.py --cases 1-10

The options are run.py's (``--cases``, ``--exclude-cases``, ``--exclude-agent-cases``,
``--agent``, ``--expected``, ``--update``, ``--reports``, ``--wstest``, the timeouts);
see run.py's docstring and ``--help``.  This script shares run.py's code: the wstest
process, the case selection, and the judging and summary (the same verdict ranking, and
a case that does worse than expected_server.json fails the run).

Server calling convention
=========================
SERVER defaults to ``servers/wss_echo_server.py`` (the project's echo server on
``websocketstream.serve``).  A SERVER whose first word ends in ``.py`` runs with this
script's own interpreter.  The harness appends one argument, a free port::

    SERVER... PORT

The server must listen on 127.0.0.1:PORT, accept a WebSocket handshake on any path
(permessage-deflate offered by the suite in 12.* and 13.*), echo every message back
unchanged (text as text, binary as binary), accept messages of up to 16 MiB (9.*), and
keep serving until SIGTERM.  The harness waits (60 s at most) until the port accepts
connections, then runs ``wstest -m fuzzingclient`` with a spec naming
``ws://127.0.0.1:PORT`` and the agent (default: the server script's stem,
``wss_echo_server``).  wstest connects once per case and writes its reports when the
last case is done, then exits.

Bounds: when wstest shows no progress (a new case, or a report file written) for the
current case's bound + 15 seconds, the harness kills the server: wstest then fails the
remaining cases' connections, writes the reports of the cases that ran (the rest count
as missing) and exits.  Past ``--timeout`` wstest is killed too.  A server that exits
on its own while wstest runs fails the run.

Reports go to ``reports/AGENT/`` beside this file, with ``wstest.log`` and the server's
output in ``server.log``.  Exit 0: no regression; 1: a regression, a missing case, or a
server that crashed or hung; 2: the harness itself could not run.
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as common  # run.py beside this file

DEFAULT_SERVER = common.HERE / "servers" / "wss_echo_server.py"
DEFAULT_EXPECTED = common.HERE / "expected_server.json"
EXPECTED_COMMENT = (
    "Autobahn|Testsuite (fuzzingclient) verdicts per agent (server) and case, written by "
    "run_server.py --update. run_server.py fails on any case that does worse than listed "
    "here (OK = NON-STRICT = INFORMATIONAL > UNIMPLEMENTED > FAILED/other); a case not "
    "listed is expected to be OK."
)


def start_agent(command: list[str], log_path: Path) -> tuple[subprocess.Popen[bytes], int]:
    """Start the server on a free port; return it once the port accepts connections."""
    for _attempt in range(3):
        port = common.free_port()
        with log_path.open("ab") as log:
            proc = subprocess.Popen(
                [*command, str(port)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if common.port_accepts(port):
                return proc, port
            time.sleep(0.1)
        stop_agent(proc)
    sys.stderr.write(log_path.read_text(errors="replace")[-3000:])
    raise SystemExit(f"run_server.py: the server did not listen: {shlex.join(command)}")


def stop_agent(proc: subprocess.Popen[bytes]) -> int:
    """SIGTERM, then SIGKILL after 10 s; return the exit status."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return proc.returncode


def report_ages(reports: Path) -> list[float]:
    """Seconds since wstest wrote each of its report files (it writes them all once the
    last case is done), the logs left out."""
    now = time.time()
    return [
        now - entry.stat().st_mtime
        for entry in os.scandir(reports)
        if entry.is_file() and not entry.name.endswith(".log")
    ]


def watch(
    wstest: common.Wstest,
    server: subprocess.Popen[bytes],
    reports: Path,
    args: argparse.Namespace,
) -> str:
    """Wait for wstest to finish; return "" or what went wrong with the server."""
    deadline = time.monotonic() + args.timeout
    problem = ""
    while wstest.proc.poll() is None:
        time.sleep(0.25)
        idle, current = wstest.current()
        if time.monotonic() > deadline:
            problem = problem or f"whole run exceeded --timeout {args.timeout:g} s ({current})"
            wstest.stop()
        elif problem:
            continue  # the server is gone: wstest fails what is left and writes its reports
        elif server.poll() is not None:
            problem = f"the server exited with status {server.returncode} (in case {current})"
        elif idle > common.stall_bound(args, current):
            writing = min(report_ages(reports), default=float("inf"))  # past the last case
            if writing > common.stall_bound(args, "@reports"):
                problem = f"no progress for {idle:.0f} s (stuck in case {current}): server killed"
                stop_agent(server)
    return problem


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Autobahn|Testsuite fuzzingclient against a server; see the docstring.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    common.add_common_arguments(parser, DEFAULT_EXPECTED)
    parser.add_argument(
        "server",
        nargs=argparse.REMAINDER,
        help="server command (default: servers/wss_echo_server.py)",
    )
    args = parser.parse_args(argv)
    found = common.agent_command(args, args.server, DEFAULT_SERVER, "server")
    if found is None:
        return 2
    command, agent = found
    reports = (args.reports or common.DEFAULT_REPORTS / agent).resolve()
    with common.run_lock(reports):
        return run(args, command, agent, reports)


def run(args: argparse.Namespace, command: list[str], agent: str, reports: Path) -> int:
    spec = common.case_spec(args, agent, reports)
    started = time.monotonic()
    server, port = start_agent(command, reports / "server.log")
    url = f"ws://127.0.0.1:{port}"
    spec["servers"] = [{"agent": agent, "url": url}]
    try:
        with tempfile.TemporaryDirectory(prefix="autobahn-") as workdir:
            wstest = common.Wstest(
                args.wstest, spec, Path(workdir), reports / "wstest.log", mode="fuzzingclient"
            )
            try:
                deadline = time.monotonic() + 60
                while wstest.cases is None and wstest.proc.poll() is None:
                    if time.monotonic() > deadline:
                        break
                    time.sleep(0.1)
                if wstest.cases is None:
                    wstest.stop()
                    sys.stderr.write((reports / "wstest.log").read_text()[-3000:])
                    print("run_server.py: wstest fuzzingclient did not start", file=sys.stderr)
                    return 2
                selected = common.selected_cases(wstest, spec)
                print(
                    f"run_server.py: wstest fuzzingclient against {url}, {len(selected)} cases "
                    f"({','.join(spec['cases'])}), agent {agent!r}, server: "
                    f"{shlex.join(command)}",
                    flush=True,
                )
                problem = watch(wstest, server, reports, args)
            finally:
                wstest.stop()
    finally:
        status = stop_agent(server)
    # the last case ended when wstest began to write its reports
    cases_end = time.monotonic() - max(report_ages(reports), default=0.0)
    if not problem and status not in (0, -signal.SIGTERM):
        problem = f"the server exited with status {status} when stopped (see server.log)"
    if wstest.proc.returncode != 0 and not problem:
        problem = f"wstest exited with status {wstest.proc.returncode} (see wstest.log)"
    elapsed = time.monotonic() - started
    if args.update and not args.expected.exists():
        common.write_expected(args.expected, {"comment": EXPECTED_COMMENT, "agents": {}})
    timings = common.group_timings(wstest.events, cases_end)
    return common.judge(
        args, agent, selected, reports, timings=timings, elapsed=elapsed, problem=problem
    )


if __name__ == "__main__":
    sys.exit(main())
