"""Frame codec and close-code rules, on their own."""

from __future__ import annotations

import pytest
from protocol_helpers import frame

from websocketstream.protocol.close import (
    CloseFrame,
    is_receivable_code,
    is_user_code,
    parse_close,
    serialize_close,
)
from websocketstream.protocol.errors import ProtocolViolation
from websocketstream.protocol.frames import (
    build_frame,
    header,
    mask,
    mask_int,
    masked_small_frame,
    parse_header,
    peek_data_frame,
    random_mask_keys,
)


@pytest.mark.parametrize("n", [0, 1, 125, 126, 127, 65535, 65536, 2**20])
def test_header_lengths_are_minimal(n: int) -> None:
    h = header(0x82, n, False)
    assert h == frame(2, b"", length=n)[: len(h)] if n < 65536 else len(h) == 10
    parsed = parse_header(h, 0)
    assert parsed == (0x82, h[1], n, len(h))


def test_parse_header_incomplete() -> None:
    full = header(0x81, 70000, False)
    for i in range(len(full)):
        assert parse_header(full[:i], 0) is None
    assert parse_header(b"xx" + full, 2) == (0x81, 127, 70000, 12)


def test_parse_header_64bit_msb_is_flagged() -> None:
    data = bytes([0x82, 127]) + (2**63 + 5).to_bytes(8, "big")
    assert parse_header(data, 0) == (0x82, 127, -1, 10)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 5, 63, 64, 255, 256, 257, 1000, 70001])
def test_mask_matches_bytewise_xor(n: int) -> None:
    payload = bytes((i * 7) & 0xFF for i in range(n))
    key = b"\x01\x80\xfe\x7f"
    expected = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    assert mask(payload, key) == expected
    assert mask_int(payload, int.from_bytes(key, "little")) == expected
    assert mask(expected, key) == payload


@pytest.mark.parametrize("n", [0, 1, 3, 4, 64, 125])
def test_masked_small_frame(n: int) -> None:
    payload = bytes(range(n))
    key = b"\x11\x22\x33\x44"
    built = masked_small_frame(0x82, payload, int.from_bytes(key, "little"))
    assert built == frame(2, payload, mask=key)


def test_build_frame_and_keys() -> None:
    assert b"".join(build_frame(0x89, b"hi", None)) == frame(9, b"hi")
    k = int.from_bytes(b"abcd", "little")
    assert b"".join(build_frame(0x89, b"hi", k)) == frame(9, b"hi", mask=b"abcd")
    keys = random_mask_keys()
    assert len(keys) == 1024 and all(0 <= x < 2**32 for x in keys)
    assert len(set(keys) | set(random_mask_keys())) > 2040  # fresh, unpredictable keys


def test_peek_data_frame() -> None:
    head = header(0x82, 70000, False)
    assert peek_data_frame(memoryview(head), 65536, 70000) == (len(head), 70000)
    assert peek_data_frame(memoryview(head), 65536, 69999) is None
    assert peek_data_frame(memoryview(head), 70001, 80000) is None
    assert peek_data_frame(memoryview(head[:3]), 0, 80000) is None
    masked = header(0x00, 70000, True) + b"\1\2\3\4"
    assert peek_data_frame(memoryview(masked), 0, 80000) == (len(masked), 70000)
    assert peek_data_frame(memoryview(header(0x88, 100, False)), 0, 80000) is None


def test_close_payloads() -> None:
    assert parse_close(b"") == CloseFrame(1005, "")
    assert parse_close(b"\x03\xe8") == CloseFrame(1000, "")
    assert parse_close(b"\x0f\xa0caf\xc3\xa9") == CloseFrame(4000, "café")
    with pytest.raises(ProtocolViolation) as e:
        parse_close(b"\x03")
    assert e.value.code == 1002
    with pytest.raises(ProtocolViolation) as e:
        parse_close(b"\x03\xe8\xff")
    assert e.value.code == 1007


@pytest.mark.parametrize(
    "code", [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999]
)
def test_receivable_codes(code: int) -> None:
    assert is_receivable_code(code)
    assert parse_close(code.to_bytes(2, "big")).code == code


@pytest.mark.parametrize(
    "code", [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535]
)
def test_invalid_received_codes(code: int) -> None:
    assert not is_receivable_code(code)
    with pytest.raises(ProtocolViolation) as e:
        parse_close(code.to_bytes(2, "big"))
    assert e.value.code == 1002


def test_serialize_close() -> None:
    assert serialize_close(None) == b""
    assert serialize_close(1000) == b"\x03\xe8"
    assert serialize_close(3001, "é") == b"\x0b\xb9\xc3\xa9"
    assert serialize_close(1011, "x" * 123)[2:] == b"x" * 123
    assert is_user_code(1000) and is_user_code(3000) and is_user_code(4999)
    assert not is_user_code(1001) and not is_user_code(2999) and not is_user_code(5000)
    for code in (1004, 1005, 1006, 1015, 999, 2000, 5000):
        with pytest.raises(ValueError):
            serialize_close(code)
    with pytest.raises(ValueError):
        serialize_close(None, "reason without code")
    with pytest.raises(ValueError):
        serialize_close(1000, "é" * 62)
    with pytest.raises(TypeError):
        serialize_close("1000")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        serialize_close(1000, b"x")  # type: ignore[arg-type]
