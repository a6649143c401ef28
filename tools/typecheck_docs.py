"""Type-check user code as users write it: ``mypy --strict`` on ``examples/`` and on every
```python block of README.md and docs/*.md (each block a module of its own, in a temporary
directory).  Run by ``make typecheck-docs``, part of ``make test``."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"```python\n(.*?)```", re.S)

# Mistakes a user's checker must catch: with --strict (warn_unused_ignores), an ignore that
# is not needed is an error, so each line below must be flagged with exactly that code.
MISTAKES = """
from websocketstream import WebSocket, WebSocketStream


async def misspelled() -> None:
    WebSocketStream("ws://127.0.0.1/", open_timout=5)  # type: ignore[call-arg]
    WebSocketStream("ws://127.0.0.1/", protocol="chat")  # type: ignore[call-arg]
    WebSocketStream("ws://127.0.0.1/", max_size="1MB")  # type: ignore[arg-type]
    WebSocket("ws://127.0.0.1/", ping_intervall=5)  # type: ignore[call-arg]
"""


def extract(target: Path) -> dict[Path, str]:
    """Write each documented block and each example to ``target``; return the files and
    where each came from."""
    files: dict[Path, str] = {}
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        stem = re.sub(r"\W", "_", doc.stem.lower())
        for n, match in enumerate(BLOCK.finditer(doc.read_text()), start=1):
            path = target / f"{stem}_{n}.py"
            path.write_text(match.group(1))
            files[path] = f"{doc.relative_to(ROOT)} block {n}"
    path = target / "mistakes.py"
    path.write_text(MISTAKES)
    files[path] = "tools/typecheck_docs.py MISTAKES"
    for example in sorted((ROOT / "examples").glob("*.py")):
        path = target / f"example_{example.stem}.py"
        shutil.copyfile(example, path)
        files[path] = str(example.relative_to(ROOT))
    return files


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="typecheck-docs-") as tmp:
        files = extract(Path(tmp))
        config = Path(tmp) / "mypy.ini"
        config.write_text("[mypy]\nstrict = True\npython_version = 3.11\n")
        command = [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            str(config),
            "--cache-dir",
            str(ROOT / ".mypy_cache" / "docs"),
            *map(str, files),
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=tmp)
        # Name the documents, not the temporary files.
        out = result.stdout
        for path, origin in files.items():
            out = out.replace(path.name, origin)
        print(out, end="")
        print(result.stderr, end="", file=sys.stderr)
        return result.returncode


if __name__ == "__main__":
    sys.exit(main())
