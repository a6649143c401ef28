"""The optional NumPy masking accelerator gives exactly the pure-Python result (RFC 6455 §5.3)."""

from __future__ import annotations

import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from websocketstream.protocol import frames

pytest.importorskip("numpy")


def _reference(payload: bytes, key: int) -> bytes:
    key_bytes = key.to_bytes(4, "little")
    return bytes(b ^ key_bytes[i % 4] for i, b in enumerate(payload))


@given(st.binary(max_size=9000), st.integers(0, 2**32 - 1))
def test_numpy_and_pure_python_masking_agree(payload: bytes, key: int) -> None:
    expected = _reference(payload, key)
    assert frames.mask_int(payload, key, accelerate=False) == expected
    assert frames.mask_int(payload, key) == expected
    assert b"".join(frames.mask_parts(payload, key)) == expected
    assert b"".join(frames.mask_parts(payload, key, accelerate=False)) == expected


@pytest.mark.parametrize("size", [frames.NUMPY_MASK_THRESHOLD, 65535, 65536, (1 << 20) + 3])
def test_large_payloads_round_trip(size: int) -> None:
    payload = os.urandom(size)
    key = int.from_bytes(os.urandom(4), "little")
    masked = frames.mask_int(payload, key)
    assert masked == frames.mask_int(payload, key, accelerate=False)
    assert frames.mask_int(masked, key) == payload


def test_masking_a_memoryview_window() -> None:
    data = bytearray(os.urandom(10_000))
    view = memoryview(data)[3:9003]
    assert frames.mask_int(view, 0xA1B2C3D4) == frames.mask_int(
        bytes(view), 0xA1B2C3D4, accelerate=False
    )
