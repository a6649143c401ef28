"""The NumPy masking accelerator is imported when the first large payload is masked, not by
``import websocketstream`` (checked in a fresh interpreter each)."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytest.importorskip("numpy")


def run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    return result.stdout.strip()


def test_importing_the_package_does_not_import_numpy() -> None:
    code = "import sys, websocketstream, websocketstream.server; print('numpy' in sys.modules)"
    assert run(code) == "False"


def test_masking_a_small_payload_does_not_import_numpy() -> None:
    code = (
        "import sys; from websocketstream.protocol import frames; "
        "frames.mask_int(bytes(frames.NUMPY_MASK_THRESHOLD - 1), 0x01020304); "
        "print('numpy' in sys.modules)"
    )
    assert run(code) == "False"


@pytest.mark.parametrize("function", ["mask_int", "mask_parts"])
def test_masking_the_first_large_payload_imports_numpy(function: str) -> None:
    code = (
        "import sys; from websocketstream.protocol import frames; "
        f"out = frames.{function}(bytes(frames.NUMPY_MASK_THRESHOLD), 0x01020304); "
        "print('numpy' in sys.modules, frames._numpy is sys.modules.get('numpy'))"
    )
    assert run(code) == "True True"


def test_without_numpy_masking_falls_back_to_pure_python() -> None:
    # A None entry in sys.modules makes ``import numpy`` raise ImportError.
    code = (
        "import sys; sys.modules['numpy'] = None; from websocketstream.protocol import frames; "
        "payload = bytes(range(256)) * 40; "
        "masked = frames.mask_int(payload, 0x01020304); "
        "print(frames._numpy is None, masked == frames.mask_int(payload, 0x01020304, "
        "accelerate=False), frames.mask_int(masked, 0x01020304) == payload)"
    )
    assert run(code) == "True True True"


def test_masking_the_first_large_payload_into_a_buffer_imports_numpy() -> None:
    code = (
        "import sys; from websocketstream.protocol import frames; "
        "n = frames.NUMPY_MASK_THRESHOLD + 3; payload = bytes(range(256)) * (n // 256 + 1); "
        "payload = payload[:n]; out = bytearray(n + 4); "
        "frames.mask_into(payload, 0x01020304, out, 4); "
        "print('numpy' in sys.modules, "
        "bytes(out[4:]) == frames.mask_int(payload, 0x01020304, accelerate=False))"
    )
    assert run(code) == "True True"
