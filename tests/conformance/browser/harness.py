"""Run scenarios with Chromium or with this library; load, save and compare traces.

A trace is ``{"client": [...], "server": [...]}``: what the client API observed (client.js /
client.py) and what the scripted server saw on the wire (wire.py).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from .chromium import Chromium
from .client import run_scenario
from .scenarios import Scenario
from .wire import ScriptedServer

__all__ = ["TRACES", "diff", "load_traces", "run_chromium", "run_ours", "save_traces"]

TRACES = Path(__file__).parent / "traces" / "chromium.json"
Trace = dict[str, Any]


async def run_ours(scenario: Scenario) -> Trace:
    """Run ``scenario`` with this library's client."""
    async with ScriptedServer(scenario.server) as server:
        origin = f"ws://127.0.0.1:{server.port}"
        client, cleanup = await run_scenario(origin, scenario.steps)
        await server.wait(15.0)
    await cleanup
    return {"client": client, "server": server.log}


async def run_chromium(browser: Chromium, scenario: Scenario) -> Trace:
    """Run ``scenario`` in Chromium's page."""
    async with ScriptedServer(scenario.server) as server:
        origin = f"ws://127.0.0.1:{server.port}"
        client = await browser.run(origin, scenario.steps)
        await server.wait(15.0)
    # JSON round trip, as the checked-in file stores it.
    return {"client": json.loads(json.dumps(client)), "server": json.loads(json.dumps(server.log))}


def load_traces() -> dict[str, Any]:
    """The checked-in Chromium traces: ``{"chromium": version, "scenarios": {name: trace}}``."""
    if not TRACES.exists():
        return {"chromium": "", "scenarios": {}}
    data: dict[str, Any] = json.loads(TRACES.read_text())
    return data


def save_traces(data: dict[str, Any]) -> None:
    """Write the traces file (sorted, one scenario per block, stable for diffs)."""
    TRACES.parent.mkdir(parents=True, exist_ok=True)
    out = ["{", f' "chromium": {json.dumps(data["chromium"])},', ' "scenarios": {']
    names = sorted(data["scenarios"])
    for n, name in enumerate(names):
        trace = data["scenarios"][name]
        out.append(f"  {json.dumps(name)}: {{")
        for side in ("client", "server"):
            events = trace[side]
            out.append(f'   "{side}": [')
            for i, event in enumerate(events):
                comma = "," if i < len(events) - 1 else ""
                out.append(f"    {json.dumps(event, ensure_ascii=False, sort_keys=True)}{comma}")
            out.append("   ]," if side == "client" else "   ]")
        out.append("  }," if n < len(names) - 1 else "  }")
    out.extend([" }", "}"])
    TRACES.write_text("\n".join(out) + "\n")


def normalize(trace: Trace) -> Trace:
    """A JSON round trip (tuples become lists)."""
    result: Trace = json.loads(json.dumps(trace))
    return result


def diff(ours: Trace, theirs: Trace) -> list[str]:
    """Human-readable differences between two traces (empty when they match)."""
    lines: list[str] = []
    for side in ("client", "server"):
        a, b = ours.get(side, []), theirs.get(side, [])
        if a != b:
            lines.append(f"{side}:")
            for i in range(max(len(a), len(b))):
                x = a[i] if i < len(a) else "-"
                y = b[i] if i < len(b) else "-"
                mark = "  " if x == y else "!="
                lines.append(f"  {mark} ours={json.dumps(x)}  chromium={json.dumps(y)}")
    return lines


def run(coro: Any) -> Any:
    """asyncio.run for the command line."""
    return asyncio.run(coro)
