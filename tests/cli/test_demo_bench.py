"""``wsstream demo`` and ``wsstream bench``, end to end (short runs)."""

from __future__ import annotations

import importlib.util
import sys

from .helpers import run_cli


def test_demo_runs_the_mdn_example_then_the_backpressure_view() -> None:
    result = run_cli("demo", "--seconds", "0.5")
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode()
    assert "received #1: ping" in text
    assert "closed cleanly: code=1000" in text
    assert "messages received (client, slowly)" in text
    assert "The reader took" in text
    assert result.stderr == b""


def test_demo_rejects_a_duration_out_of_range() -> None:
    result = run_cli("demo", "--seconds", "0")
    assert result.returncode == 2
    assert "--seconds" in result.stderr.decode()


def test_examples_demo_runs_the_shared_mdn_example() -> None:
    import subprocess
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "examples" / "demo.py"
    result = subprocess.run(
        [sys.executable, str(example)], capture_output=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().count("received #") == 5


def test_bench_prints_a_table_for_every_installed_client() -> None:
    result = run_cli("bench", "--repeat", "1", "--scale", "0.01")
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode()
    for scenario in ("echo_rtt", "echo_msgs", "echo_mb"):
        assert scenario in text
    for peer in ("websockets", "aiohttp", "picows"):
        if importlib.util.find_spec(peer) is not None:
            assert peer in text
        else:
            assert "skipped: " in text and peer in text
    assert "websocketstream" in text


def test_bench_rejects_an_unknown_client() -> None:
    result = run_cli("bench", "--clients", "websocketstream,nope")
    assert result.returncode == 2
    assert "unknown client 'nope'" in result.stderr.decode()
