"""The wheel ``make dist`` builds installs into a fresh virtual environment and works there.

No package index is used: the wheel is built offline (``--no-build-isolation``, hatchling
from the test's environment), installed with ``--no-index``, and the fresh environment finds
the dependencies (h11, ada-url, python-socks) through a ``.pth`` line naming this
environment's site-packages, not through ``--system-site-packages``.  A plain path line does
not run that directory's ``.pth`` files, so this checkout's editable install stays out.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import asyncio, pathlib, sys
import websocketstream
from websocketstream import WebSocketStream, serve
from websocketstream.server import echo_handler

location = pathlib.Path(websocketstream.__file__).resolve()
assert location.is_relative_to(pathlib.Path(sys.prefix).resolve()), location
assert (location.parent / "py.typed").exists()


async def main() -> None:
    async with await serve(echo_handler) as server:
        async with WebSocketStream(f"ws://127.0.0.1:{server.port}/") as wss:
            info = await wss.opened
            await info.writable.get_writer().write("from the wheel")
            async for message in info.readable:
                print(message)
                break


asyncio.run(main())
"""


def _run(*command: str | Path, cwd: Path | None = None) -> str:
    result = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=cwd,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.mark.dist
def test_the_wheel_installs_into_a_fresh_venv(tmp_path: Path) -> None:
    # make dist's command, into a temporary directory.
    wheels = tmp_path / "dist"
    _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--disable-pip-version-check",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "--wheel-dir",
        wheels,
        ROOT,
    )
    [wheel] = wheels.glob("websocketstream-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert "websocketstream/py.typed" in names
    assert not [name for name in names if name.startswith("tests/")]

    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    _run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-index",
        "--no-deps",
        wheel,
    )
    purelib = _run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))")
    site = Path(purelib.strip())
    (site / "test-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    assert _run(python, "-c", SCRIPT, cwd=tmp_path) == "from the wheel\n"
    # The wsstream command comes with the wheel (a console script; click and rich are deps).
    assert _run(venv / "bin" / "wsstream", "--version", cwd=tmp_path).startswith("wsstream, ")
