"""Record Chromium's traces, compare a live run with the checked-in traces, or print a summary.

python -m tests.conformance.browser.record              # re-record every scenario
python -m tests.conformance.browser.record --smoke --check   # CI: live smoke subset
python -m tests.conformance.browser.record --only NAME  # one scenario (repeatable)
python -m tests.conformance.browser.record --summary    # ours vs the recorded traces
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from .chromium import Chromium, find_chromium
from .harness import diff, load_traces, run_chromium, run_ours, save_traces
from .scenarios import SCENARIOS, Scenario


def _select(args: argparse.Namespace) -> list[Scenario]:
    chosen = SCENARIOS
    if args.only:
        chosen = [
            s
            for s in chosen
            if s.name in args.only
            or any(s.name.startswith(o.rstrip("*")) for o in args.only if o.endswith("*"))
        ]
    if args.smoke:
        chosen = [s for s in chosen if s.smoke]
    return chosen


async def _record(args: argparse.Namespace) -> int:
    if find_chromium() is None:
        print("chromium is not installed: nothing recorded", file=sys.stderr)
        return 2
    data = load_traces()
    drift = 0
    async with Chromium() as browser:
        for scenario in _select(args):
            trace = await run_chromium(browser, scenario)
            recorded = data["scenarios"].get(scenario.name)
            if args.check:
                lines = diff(trace, recorded) if recorded is not None else ["not recorded"]
                if lines:
                    drift += 1
                    print(f"DRIFT {scenario.name}")
                    for line in lines:
                        print(
                            "   " + line.replace("ours=", "live=").replace("chromium=", "recorded=")
                        )
                else:
                    print(f"same  {scenario.name}")
            else:
                data["scenarios"][scenario.name] = trace
                print(f"recorded {scenario.name}")
        version = browser.version
    if args.check:
        print(
            f"{drift} of {len(_select(args))} scenarios drifted from the recorded traces "
            f"({version})"
        )
        return 1 if drift else 0
    known = {s.name for s in SCENARIOS}
    data["scenarios"] = {k: v for k, v in data["scenarios"].items() if k in known}
    data["chromium"] = version
    save_traces(data)
    return 0


async def _summary(args: argparse.Namespace) -> int:
    data = load_traces()["scenarios"]
    counts: dict[str, dict[str, Any]] = {}
    for scenario in _select(args):
        recorded = data.get(scenario.name)
        ours = await run_ours(scenario)
        same = recorded is not None and not diff(ours, recorded)
        entry = counts.setdefault(scenario.api, {"match": 0, "deviation": {}, "unexpected": []})
        if same:
            entry["match"] += 1
        elif scenario.deviation:
            entry["deviation"][scenario.deviation] = (
                entry["deviation"].get(scenario.deviation, 0) + 1
            )
        else:
            entry["unexpected"].append(scenario.name)
        if args.verbose and not same:
            print(f"--- {scenario.name} ({scenario.deviation or 'UNEXPECTED'})")
            for line in diff(ours, recorded or {}):
                print("   " + line)
    for api, entry in counts.items():
        print(
            f"{api}: {entry['match']} match, deviations {entry['deviation']}, "
            f"unexpected {entry['unexpected']}"
        )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help="only the smoke subset")
    parser.add_argument(
        "--check", action="store_true", help="compare with the recorded traces; write nothing"
    )
    parser.add_argument("--only", action="append", help="a scenario name (NAME* for a prefix)")
    parser.add_argument(
        "--summary", action="store_true", help="run ours against the recorded traces"
    )
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    return asyncio.run(_summary(args) if args.summary else _record(args))


if __name__ == "__main__":
    sys.exit(main())
