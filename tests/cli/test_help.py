"""Every command's --help: usage, examples, exit codes; the console script and -m agree."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from websocketstream import __version__

from .helpers import cli_env, run_cli

COMMANDS = ["connect", "serve", "demo", "bench"]


@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS)])
def test_help_shows_usage_examples_and_exit_codes(command: list[str]) -> None:
    result = run_cli(*command, "--help")
    assert result.returncode == 0
    text = result.stdout.decode()
    assert text.startswith("Usage: wsstream")
    assert "Examples:" in text
    assert "Exit codes:" in text
    assert "wsstream " + (command[0] if command else "") in text


def test_the_group_lists_every_command() -> None:
    text = run_cli("--help").stdout.decode()
    for command in COMMANDS:
        assert f"  {command} " in text


def test_the_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "wsstream"
    path = str(script) if script.exists() else shutil.which("wsstream")
    assert path is not None, "the wsstream console script is not installed"
    result = subprocess.run(
        [path, "--version"], capture_output=True, env=cli_env(), check=False, timeout=60
    )
    assert result.returncode == 0
    assert result.stdout.decode().strip() == f"wsstream, version {__version__}"


def test_an_unknown_command_is_bad_usage() -> None:
    result = run_cli("nope")
    assert result.returncode == 2
    assert "No such command" in result.stderr.decode()


def test_importing_the_library_imports_neither_click_nor_rich() -> None:
    code = "import sys, websocketstream; print(sorted({'click', 'rich'} & set(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, check=False, timeout=60
    )
    assert result.stdout.decode().strip() == "[]"
