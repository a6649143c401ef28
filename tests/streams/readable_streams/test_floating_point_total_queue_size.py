"""WPT streams/readable-streams/floating-point-total-queue-size.any.js."""

from __future__ import annotations

from typing import Any

from .rs_utils import with_controller


def identity_strategy() -> dict[str, Any]:
    return {"size": lambda chunk: chunk, "high_water_mark": 0}


async def test_floating_point_arithmetic_must_manifest_near_number_max() -> None:
    rs, c = with_controller(strategy=identity_strategy())
    c.enqueue(2)
    assert c.desired_size == -2
    c.enqueue(2**53)
    assert c.desired_size == -(2**53) - 2
    reader = rs.get_reader()
    await reader.read()
    assert c.desired_size == -(2**53)
    await reader.read()
    assert c.desired_size == 0, "desired_size must not be negative after all reads"


async def test_floating_point_arithmetic_must_manifest_near_zero() -> None:
    rs, c = with_controller(strategy=identity_strategy())
    c.enqueue(1e-16)
    assert c.desired_size == -1e-16
    c.enqueue(1)
    assert c.desired_size == -1e-16 - 1
    reader = rs.get_reader()
    await reader.read()
    assert c.desired_size == -((1e-16 + 1) - 1e-16), "the total is a float sum, not exact"
    await reader.read()
    assert c.desired_size == 0, "rounding errors are clamped to 0"


async def test_floating_point_arithmetic_near_zero_but_for_real_queue_total_size() -> None:
    rs, c = with_controller(strategy=identity_strategy())
    c.enqueue(1e-16)
    assert c.desired_size == -1e-16
    reader = rs.get_reader()
    await reader.read()
    assert c.desired_size == 0


async def test_floating_point_arithmetic_must_manifest_a_small_denormal() -> None:
    rs, c = with_controller(strategy=identity_strategy())
    c.enqueue(2e-16)
    assert c.desired_size == -2e-16
    c.enqueue(1)
    assert c.desired_size == -2e-16 - 1
    reader = rs.get_reader()
    await reader.read()
    await reader.read()
    assert c.desired_size == 0
