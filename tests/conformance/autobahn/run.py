#!/usr/bin/env python3
"""Run the Autobahn|Testsuite fuzzing server against a WebSocket *client* and
compare the verdicts with the checked-in expectations (expected.json).

Usage (from anywhere; Python 3.11, standard library only)::

    tests/conformance/autobahn/setup.sh            # once: Python 2.7 + wstest
    python tests/conformance/autobahn/run.py [options] [--] [CLIENT ...]

    # the project's client, all cases (1.* - 13.*):
    python tests/conformance/autobahn/run.py
    # the reference client, cases 1-10, agent name "websockets_echo":
    python tests/conformance/autobahn/run.py --cases 1-10 \\
        -- tests/conformance/autobahn/clients/websockets_echo.py

Options: ``--cases`` takes comma-separated case patterns in wstest's syntax
(``'1.*,2.*'``, ``'9.1.*'``, ``'6.4.1'``), or group ranges (``1-10`` is
``1.*,...,10.*``); default all (``*``, i.e. 1.* - 13.*).  ``--exclude-cases``
likewise.  ``--exclude-agent-cases`` takes patterns skipped for this agent only
(wstest's "exclude-agent-cases"; such cases are not counted).  ``--update``
rewrites this agent's section of expected.json from the run.  See ``--help``.

Client calling convention
=========================
CLIENT defaults to ``clients/wss_echo.py`` (the project's WebSocketStream echo
client).  A CLIENT whose first word ends in ``.py`` is run with this script's
own interpreter (``sys.executable``), so a client may import the project's
package and anything else installed next to it.  The harness appends two
arguments and sets three environment variables::

    CLIENT... URL AGENT
    AUTOBAHN_URL=ws://127.0.0.1:PORT     (same as URL; no trailing slash)
    AUTOBAHN_AGENT=AGENT                 (same as AGENT)
    AUTOBAHN_CASE_TIMEOUT=SECONDS        (a bound the client should put on each case)

The client must then, in order:

1. open ``URL/getCaseCount``, read the one text message: the number N of cases;
2. for case = 1 .. N: open ``URL/runCase?case={case}&agent={AGENT}``, offering
   permessage-deflate, and echo every message it receives back to the server
   unchanged (a text message as text, a binary message as binary) until the
   connection is closed; a failed handshake, a connection failed by either
   side or a close is the end of that case, never of the run (many cases
   *expect* the client to fail the connection);
3. open ``URL/updateReports?agent={AGENT}`` and wait until the server closes it
   (the server writes its reports then);
4. exit with status 0.  A non-zero exit fails the run.

The client prints what it likes on stdout/stderr (passed through).  The agent
name is the key in the server's reports and in expected.json; it defaults to
the client script's stem (``wss_echo``, ``websockets_echo``); ``--agent``
overrides it.

AUTOBAHN_CASE_TIMEOUT is ``--case-timeout`` (60 s), or ``--slow-case-timeout``
(480 s, the suite's own longest case timeout) when 12.* or 13.* are selected.

Bounds: the harness kills the client when the server has seen no progress (a
new case, or the report request) for the current case's bound + 15 seconds
(``--case-timeout`` for groups 1-10, ``--slow-case-timeout`` for 12 and 13),
and when the whole run exceeds ``--timeout`` (3600 s).  It then asks the server
for the reports itself, so the cases that did run are judged and the rest
count as missing.

Reports: wstest's HTML/JSON reports go to ``reports/AGENT/`` beside this file
(``--reports`` overrides; emptied at the start of a run; index.html is the
overview).  Runs for the same report directory wait for each other.

Verdicts
========
wstest gives each case a ``behavior`` and a ``behaviorClose``.  Ranking used
for both: OK = NON-STRICT = INFORMATIONAL > UNIMPLEMENTED > everything else
(FAILED, WRONG CODE, UNCLEAN, FAILED BY CLIENT, ...); a case without a result
counts as FAILED.  The run fails (exit 1) if any selected case ranks below its
entry in expected.json; a case with no entry there is expected to be OK.
Exit 0: no regression.  Exit 2: the harness itself could not run.

run_server.py (the same suite, in fuzzingclient mode, against a *server*) imports
this module: its wstest runner (``Wstest``), options, case selection and ``judge``.
"""

from __future__ import annotations

import argparse
import ast
import base64
import collections
import contextlib
import fcntl
import json
import os
import re
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
DEFAULT_CLIENT = HERE / "clients" / "wss_echo.py"
DEFAULT_EXPECTED = HERE / "expected.json"
DEFAULT_REPORTS = HERE / "reports"
DEFAULT_WSTEST = REPO / ".venv-autobahn" / "bin" / "wstest"

GOOD = ("OK", "NON-STRICT", "INFORMATIONAL")
MISSING = "MISSING"


def rank(verdict: str) -> int:
    if verdict in GOOD:
        return 2
    if verdict == "UNIMPLEMENTED":
        return 1
    return 0  # FAILED, WRONG CODE, UNCLEAN, FAILED BY CLIENT, MISSING, anything new


def case_key(case_id: str) -> tuple[int, ...]:
    return tuple(int(part) for part in case_id.split("."))


def parse_patterns(text: str) -> list[str]:
    patterns: list[str] = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        match = re.fullmatch(r"(\d+)-(\d+)", item)
        if match:
            first, last = int(match[1]), int(match[2])
            patterns.extend(f"{group}.*" for group in range(first, last + 1))
        elif re.fullmatch(r"\d+", item):
            patterns.append(f"{item}.*")
        else:
            patterns.append(item)
    return patterns


def pattern_regex(pattern: str) -> re.Pattern[str]:
    # the same translation wstest applies to "exclude-agent-cases"
    return re.compile("^" + pattern.replace(".", r"\.").replace("*", ".*") + "$")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def ws_control(port: int, path: str, timeout: float) -> list[str]:
    """Open ws://127.0.0.1:port/path with a minimal RFC 6455 client, collect the
    text messages until the server's close, answer the close.  Used for the
    harness's own /updateReports when the client could not send it."""
    key = base64.b64encode(os.urandom(16)).decode()
    deadline = time.monotonic() + timeout
    messages: list[str] = []
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(
            (
                f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = sock.recv(4096)
            if not chunk:
                raise ConnectionError("closed during handshake")
            buf += chunk
        head, buf = buf.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise ConnectionError(f"handshake refused: {head[:200]!r}")

        def need(n: int) -> bytes:
            nonlocal buf
            while len(buf) < n:
                sock.settimeout(max(0.1, deadline - time.monotonic()))
                chunk = sock.recv(65536)
                if not chunk:
                    raise ConnectionError("closed before the close frame")
                buf += chunk
            data, buf = buf[:n], buf[n:]
            return data

        while True:
            b0, b1 = need(2)
            length = b1 & 0x7F
            if length == 126:
                (length,) = struct.unpack("!H", need(2))
            elif length == 127:
                (length,) = struct.unpack("!Q", need(8))
            payload = need(length)
            opcode = b0 & 0x0F
            if opcode == 0x1:
                messages.append(payload.decode("utf-8", "replace"))
            elif opcode == 0x8:
                mask = os.urandom(4)
                body = payload[:2]
                masked = bytes(c ^ mask[i % 4] for i, c in enumerate(body))
                sock.sendall(bytes([0x88, 0x80 | len(body)]) + mask + masked)
                return messages


class Wstest:
    """wstest in the background (``mode`` fuzzingserver or fuzzingclient), its output parsed
    for progress."""

    PROGRESS = re.compile(
        r"^(Running test case ID (\S+)|Skipping test case (\S+)|Updating reports)"
    )

    def __init__(
        self,
        wstest: Path,
        spec: dict[str, Any],
        workdir: Path,
        log_path: Path,
        mode: str = "fuzzingserver",
    ) -> None:
        spec_path = workdir / "spec.json"
        spec_path.write_text(json.dumps(spec, indent=2))
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        for name in ("PYTHONHOME", "PYTHONPATH", "VIRTUAL_ENV"):
            env.pop(name, None)
        self.log = log_path.open("w")
        extra = ["-u", "0"] if mode == "fuzzingserver" else []
        self.proc = subprocess.Popen(
            [str(wstest), "-m", mode, "-s", str(spec_path), *extra],
            cwd=workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            start_new_session=True,
        )
        self.cases: list[str] | None = None
        self.last_progress = time.monotonic()
        self.events: list[tuple[float, str]] = []  # (monotonic time, case id or "@reports")
        self.reports_done = threading.Event()
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.log.write(line)
            self.log.flush()
            now = time.monotonic()
            if line.startswith("Cases = "):
                self.cases = [str(c) for c in ast.literal_eval(line[len("Cases = ") :].strip())]
            elif line.startswith("Report generation complete"):
                self.reports_done.set()
            match = self.PROGRESS.match(line)
            if match:
                with self.lock:
                    self.last_progress = now
                    self.events.append((now, match[2] or match[3] or "@reports"))

    def current(self) -> tuple[float, str]:
        """Seconds since the last progress, and the current case ("(none yet)", "@reports")."""
        with self.lock:
            idle = time.monotonic() - self.last_progress
            return idle, self.events[-1][1] if self.events else "(none yet)"

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.reader.join(5)
        self.log.close()


class Server(Wstest):
    """wstest -m fuzzingserver, listening on the port of ``spec["url"]``."""

    def __init__(self, wstest: Path, spec: dict[str, Any], workdir: Path, log_path: Path) -> None:
        self.port = int(spec["url"].rsplit(":", 1)[1])
        super().__init__(wstest, spec, workdir, log_path)

    def wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            if port_accepts(self.port) and self.cases is not None:
                return True
            time.sleep(0.1)
        return False


def start_server(wstest: Path, spec: dict[str, Any], workdir: Path, log_path: Path) -> Server:
    for _attempt in range(3):
        spec["url"] = f"ws://127.0.0.1:{free_port()}"
        server = Server(wstest, spec, workdir, log_path)
        if server.wait_ready(60):
            return server
        server.stop()
    sys.stderr.write(log_path.read_text()[-3000:])
    raise SystemExit("run.py: wstest fuzzingserver did not start (log above)")


def run_client(cmd: list[str], server: Server, agent: str, args: argparse.Namespace) -> str:
    """Run the client under the watchdogs; return "" if it exited 0, else why not."""
    env = dict(os.environ)
    env.update(
        AUTOBAHN_URL=server_url(server),
        AUTOBAHN_AGENT=agent,
        AUTOBAHN_CASE_TIMEOUT=f"{max(case_bound(args, c) for c in server.cases or ['1.1.1']):g}",
    )
    proc = subprocess.Popen(
        [*cmd, server_url(server), agent],
        env=env,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + args.timeout
    with server.lock:
        server.last_progress = time.monotonic()
    problem = ""
    while proc.poll() is None:
        time.sleep(0.25)
        now = time.monotonic()
        idle, current = server.current()
        stall = stall_bound(args, current)
        if now > deadline:
            problem = f"whole run exceeded --timeout {args.timeout:g} s (at case {current})"
        elif idle > stall:
            problem = f"no progress for {idle:.0f} s (stuck in case {current})"
        elif server.proc.poll() is not None:
            problem = "wstest exited while the client was running"
        if problem:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return "client killed: " + problem
    if proc.returncode != 0:
        return f"client exited with status {proc.returncode}"
    return ""


def server_url(server: Server) -> str:
    return f"ws://127.0.0.1:{server.port}"


def load_expected(path: Path) -> dict[str, Any]:
    if path.exists():
        data: dict[str, Any] = json.loads(path.read_text())
        return data
    return {"agents": {}}


def write_expected(path: Path, data: dict[str, Any]) -> None:
    # one case per line, so that a change in a verdict is a one-line diff
    lines = [
        "{",
        f'  "comment": {json.dumps(data.get("comment", EXPECTED_COMMENT))},',
        '  "agents": {',
    ]
    agents = sorted(data["agents"])
    for a_index, agent in enumerate(agents):
        cases = data["agents"][agent]
        lines.append(f"    {json.dumps(agent)}: {{")
        ids = sorted(cases, key=case_key)
        for c_index, case_id in enumerate(ids):
            entry = cases[case_id]
            comma = "," if c_index < len(ids) - 1 else ""
            lines.append(
                f'      {json.dumps(case_id)}: {{"behavior": {json.dumps(entry["behavior"])}, '
                f'"behaviorClose": {json.dumps(entry["behaviorClose"])}}}{comma}'
            )
        lines.append("    }" + ("," if a_index < len(agents) - 1 else ""))
    lines += ["  }", "}", ""]
    path.write_text("\n".join(lines))


EXPECTED_COMMENT = (
    "Autobahn|Testsuite verdicts per agent (client) and case, written by run.py --update. "
    "run.py fails on any case that does worse than listed here "
    "(OK = NON-STRICT = INFORMATIONAL > UNIMPLEMENTED > FAILED/other); "
    "a case not listed is expected to be OK."
)


def group_timings(events: list[tuple[float, str]], end: float) -> dict[int, tuple[int, float]]:
    """Wall-clock seconds per top-level group, from the server's progress lines."""
    result: dict[int, list[float]] = collections.defaultdict(lambda: [0, 0.0])
    for index, (started, case_id) in enumerate(events):
        if case_id == "@reports":
            continue
        finished = events[index + 1][0] if index + 1 < len(events) else end
        slot = result[case_key(case_id)[0]]
        slot[0] += 1
        slot[1] += finished - started
    return {group: (int(n), secs) for group, (n, secs) in sorted(result.items())}


def add_common_arguments(parser: argparse.ArgumentParser, default_expected: Path) -> None:
    """The options run.py and run_server.py share."""
    parser.add_argument(
        "--cases", default="*", help="case patterns, e.g. '1.*,2.*' or 1-10 (default: all)"
    )
    parser.add_argument("--exclude-cases", default="", help="case patterns to leave out")
    parser.add_argument(
        "--exclude-agent-cases", default="", help="case patterns to skip for this agent"
    )
    parser.add_argument("--agent", help="agent name (default: the script's stem)")
    parser.add_argument(
        "--expected", type=Path, default=default_expected, help="expected verdicts (JSON)"
    )
    parser.add_argument(
        "--update", action="store_true", help="rewrite this agent's expected verdicts"
    )
    parser.add_argument(
        "--reports",
        type=Path,
        help="wstest's report directory, emptied first (default: reports/AGENT beside run.py)",
    )
    parser.add_argument(
        "--wstest",
        type=Path,
        default=Path(os.environ.get("AUTOBAHN_WSTEST", DEFAULT_WSTEST)),
        help="wstest executable (default: .venv-autobahn/bin/wstest, or $AUTOBAHN_WSTEST)",
    )
    parser.add_argument(
        "--case-timeout",
        type=float,
        default=60.0,
        help="bound per case of groups 1-10, seconds (60)",
    )
    parser.add_argument(
        "--slow-case-timeout",
        type=float,
        default=480.0,
        help="bound per case of groups 12 and 13 (480: the suite's own longest case timeout)",
    )
    parser.add_argument(
        "--timeout", type=float, default=3600.0, help="bound for the whole run, seconds"
    )


def agent_command(
    args: argparse.Namespace, words: list[str], default: Path, who: str
) -> tuple[list[str], str] | None:
    """The command of the agent (client or server) under test and its agent name; None
    (after saying why) if it cannot run.  A ``.py`` first word runs under this interpreter."""
    command = [word for word in words if word != "--"] or [str(default)]
    if len(command) == 1 and " " in command[0]:
        command = shlex.split(command[0])
    if command[0].endswith(".py"):
        command = [sys.executable, *command]
    script = next((Path(w) for w in command if w.endswith(".py")), None)
    prog = Path(sys.argv[0]).name
    if script is not None and not script.exists():
        print(f"{prog}: {who} script {script} does not exist", file=sys.stderr)
        return None
    agent = args.agent or (script.stem if script else who)
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", agent):
        print(f"{prog}: agent name {agent!r} must be [A-Za-z0-9_.-]+", file=sys.stderr)
        return None
    if not args.wstest.exists():
        print(f"{prog}: {args.wstest} not found: run {HERE / 'setup.sh'} first", file=sys.stderr)
        return None
    return command, agent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Autobahn|Testsuite fuzzingserver against a client; see the module docstring.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_common_arguments(parser, DEFAULT_EXPECTED)
    parser.add_argument(
        "client", nargs=argparse.REMAINDER, help="client command (default: clients/wss_echo.py)"
    )
    args = parser.parse_args(argv)
    found = agent_command(args, args.client, DEFAULT_CLIENT, "client")
    if found is None:
        return 2
    client, agent = found
    reports = (args.reports or DEFAULT_REPORTS / agent).resolve()
    with run_lock(reports):
        return run(args, client, agent, reports)


@contextlib.contextmanager
def run_lock(reports: Path) -> Iterator[None]:
    """One run at a time per report directory (the work tree is shared)."""
    reports.parent.mkdir(parents=True, exist_ok=True)
    with open(reports.parent / f".{reports.name}.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"{Path(sys.argv[0]).name}: another run is using {reports}; waiting for it")
            sys.stdout.flush()
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def case_bound(args: argparse.Namespace, case_id: str) -> float:
    bound: float = args.slow_case_timeout if case_key(case_id)[0] >= 11 else args.case_timeout
    return bound


def stall_bound(args: argparse.Namespace, current: str) -> float:
    """How long wstest may show no progress in ``current`` (a case id, "@reports" or
    "(none yet)") before the run counts as stuck."""
    if current == "@reports":  # wstest writes one HTML and one JSON file per case
        return float(max(args.case_timeout, 300.0)) + 15
    if current.startswith("("):
        return float(args.case_timeout) + 15
    return case_bound(args, current) + 15


def case_spec(args: argparse.Namespace, agent: str, reports: Path) -> dict[str, Any]:
    """The case selection part of a wstest spec; empties (creates) ``reports``."""
    if reports.exists():
        shutil.rmtree(reports)
    reports.mkdir(parents=True)
    agent_excludes = parse_patterns(args.exclude_agent_cases)
    return {
        "outdir": str(reports),
        "cases": parse_patterns(args.cases),
        "exclude-cases": parse_patterns(args.exclude_cases),
        "exclude-agent-cases": {agent: agent_excludes} if agent_excludes else {},
    }


def selected_cases(wstest: Wstest, spec: dict[str, Any]) -> list[str]:
    """The cases wstest will run, less those skipped for the agent."""
    assert wstest.cases is not None
    excluded = [pattern_regex(p) for agent in spec["exclude-agent-cases"].values() for p in agent]
    return [c for c in wstest.cases if not any(r.match(c) for r in excluded)]


def run(args: argparse.Namespace, client: list[str], agent: str, reports: Path) -> int:
    spec = {"url": "", **case_spec(args, agent, reports)}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="autobahn-") as workdir:
        server = start_server(args.wstest, spec, Path(workdir), reports / "wstest.log")
        try:
            selected = selected_cases(server, spec)
            print(
                f"run.py: wstest fuzzingserver on {server_url(server)}, {len(selected)} cases "
                f"({','.join(spec['cases'])}), agent {agent!r}, client: {shlex.join(client)}",
                flush=True,
            )
            problem = run_client(client, server, agent, args)
            clients_end = time.monotonic()
            reported = server.reports_done.wait(0 if problem else 30)
            if not reported and server.proc.poll() is None:
                try:
                    ws_control(server.port, f"/updateReports?agent={agent}", timeout=300)
                    server.reports_done.wait(30)
                except OSError as exc:
                    problem = problem or f"could not get the reports: {exc}"
        finally:
            server.stop()
    elapsed = time.monotonic() - started
    timings = group_timings(server.events, clients_end)
    return judge(args, agent, selected, reports, timings=timings, elapsed=elapsed, problem=problem)


def judge(
    args: argparse.Namespace,
    agent: str,
    selected: list[str],
    reports: Path,
    *,
    timings: dict[int, tuple[int, float]],
    elapsed: float,
    problem: str,
) -> int:
    """Compare wstest's verdicts (``reports/index.json``) with ``args.expected``, print the
    summary, and return the exit status (or rewrite the expectations with ``--update``)."""
    index_path = reports / "index.json"
    results = json.loads(index_path.read_text()).get(agent, {}) if index_path.exists() else {}
    expected_data = load_expected(args.expected)
    expected = expected_data.setdefault("agents", {}).get(agent, {})
    prog, expected_name = Path(sys.argv[0]).name, args.expected.name

    verdicts: collections.Counter[str] = collections.Counter()
    close_verdicts: collections.Counter[str] = collections.Counter()
    regressions: list[str] = []
    improvements: list[str] = []
    rows: list[tuple[str, str, str, str]] = []
    for case_id in sorted(selected, key=case_key):
        got = results.get(case_id, {"behavior": MISSING, "behaviorClose": MISSING})
        want = expected.get(case_id, {"behavior": "OK", "behaviorClose": "OK"})
        verdicts[got["behavior"]] += 1
        close_verdicts[got["behaviorClose"]] += 1
        worse = any(rank(got[k]) < rank(want[k]) for k in ("behavior", "behaviorClose"))
        better = any(rank(got[k]) > rank(want[k]) for k in ("behavior", "behaviorClose"))
        if worse:
            regressions.append(case_id)
        elif better:
            improvements.append(case_id)
        if got["behavior"] != "OK" or got["behaviorClose"] != "OK" or worse:
            mark = "REGRESSION" if worse else ("better than expected" if better else "as expected")
            rows.append((case_id, got["behavior"], got["behaviorClose"], mark))

    print()
    print(f"Autobahn|Testsuite, agent {agent!r}: {len(selected)} cases in {elapsed:.1f} s")
    if timings:
        print("  group  cases  seconds")
        for group, (count, secs) in timings.items():
            print(f"  {group:>5}  {count:>5}  {secs:>7.1f}")
    print("  behavior:      " + ", ".join(f"{v} {n}" for v, n in verdicts.most_common()))
    print("  behaviorClose: " + ", ".join(f"{v} {n}" for v, n in close_verdicts.most_common()))
    if rows:
        print("  cases not OK/OK:")
        print(f"    {'case':<10} {'behavior':<14} {'behaviorClose':<16} vs {expected_name}")
        for case_id, behavior, behavior_close, mark in rows:
            print(f"    {case_id:<10} {behavior:<14} {behavior_close:<16} {mark}")
    print(f"  reports: {reports / 'index.html'}")
    if problem:
        print(f"  PROBLEM: {problem}")

    if args.update:
        if problem or len(results) < len(selected):
            print(f"{prog}: not updating {expected_name} from an incomplete run", file=sys.stderr)
            return 1
        merged = dict(expected)
        for case_id in selected:
            merged[case_id] = {k: results[case_id][k] for k in ("behavior", "behaviorClose")}
        expected_data["agents"][agent] = merged
        write_expected(args.expected, expected_data)
        print(f"{prog}: wrote {len(selected)} verdicts for {agent!r} to {args.expected}")
        return 0

    if improvements:
        print(
            f"  {len(improvements)} cases do better than {expected_name}: "
            "run with --update to record"
        )
    if regressions:
        print(f"  REGRESSIONS ({len(regressions)}): {', '.join(regressions[:50])}")
    failed = len(regressions) + (1 if problem else 0)
    print(f"autobahn: {len(selected) - len(regressions)} passed, {len(regressions)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
