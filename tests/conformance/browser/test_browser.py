"""Our WebSocketStream against Chromium's recorded traces (traces/chromium.json).

Every scenario must match Chromium exactly, or name a deviation listed in
docs/deviations.md (then it must still differ: a fixed deviation is removed from the list).
Re-record with ``make conformance-browser`` (needs Chromium).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from .harness import diff, load_traces, run_ours
from .scenarios import SCENARIOS, Scenario

RECORDED: dict[str, Any] = load_traces()["scenarios"]
DEVIATIONS = (Path(__file__).parents[3] / "docs" / "deviations.md").read_text()
LISTED = set(re.findall(r"\(browser:\s+([a-z0-9-]+)\)", DEVIATIONS))


def test_every_scenario_is_recorded() -> None:
    missing = [s.name for s in SCENARIOS if s.name not in RECORDED]
    assert not missing, f"not recorded (run make conformance-browser): {missing}"


def test_every_listed_deviation_is_used() -> None:
    used = {s.deviation for s in SCENARIOS if s.deviation}
    assert used <= LISTED, f"deviations not in docs/deviations.md: {used - LISTED}"
    assert used >= LISTED, f"listed deviations no scenario shows: {LISTED - used}"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
async def test_scenario(scenario: Scenario) -> None:
    recorded = RECORDED.get(scenario.name)
    if recorded is None:
        pytest.skip("not recorded")
    ours = await run_ours(scenario)
    lines = diff(ours, recorded)
    if scenario.deviation is None:
        assert not lines, "differs from Chromium:\n" + "\n".join(lines)
    else:
        assert lines, f"matches Chromium now: drop deviation {scenario.deviation!r}"
