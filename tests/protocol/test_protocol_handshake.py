"""The opening handshake: client request and response checks, server validation."""

from __future__ import annotations

import pytest
from protocol_helpers import drain, frame

from websocketstream.protocol import (
    HANDSHAKE,
    REQUEST,
    TEXT,
    ClientConnection,
    InvalidState,
    ServerConnection,
    State,
)
from websocketstream.protocol.errors import InvalidStatus
from websocketstream.protocol.handshake import accept_key

KEY = "dGhlIHNhbXBsZSBub25jZQ=="
ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="  # RFC 6455 §1.3 example


def client(**kw: object) -> ClientConnection:
    args: dict[str, object] = {"host": "example.com", "port": 80, "key": KEY}
    args.update(kw)
    return ClientConnection(**args)  # type: ignore[arg-type]


def response(*extra: str, status: str = "101 Switching Protocols") -> bytes:
    lines = [
        f"HTTP/1.1 {status}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Accept: {ACCEPT}",
        *extra,
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_accept_key_rfc_example() -> None:
    assert accept_key(KEY) == ACCEPT


def test_client_request() -> None:
    conn = client(
        resource="/chat?x=1",
        protocols=["chat", "superchat"],
        headers=[("Origin", "http://example.com"), ("X-Custom", "v")],
    )
    request = conn.data_to_send().decode()
    assert request.startswith("GET /chat?x=1 HTTP/1.1\r\n")
    for line in [
        "Host: example.com",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {KEY}",
        "Sec-WebSocket-Version: 13",
        "Sec-WebSocket-Protocol: chat, superchat",
        "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits",
        "Origin: http://example.com",
        "X-Custom: v",
    ]:
        assert f"\r\n{line}\r\n" in request
    assert conn.state is State.CONNECTING


@pytest.mark.parametrize(
    ("host", "port", "secure", "expected"),
    [
        ("example.com", 80, False, "example.com"),
        ("example.com", 8080, False, "example.com:8080"),
        ("example.com", 443, True, "example.com"),
        ("example.com", 80, True, "example.com:80"),
        ("::1", 9000, False, "[::1]:9000"),
        ("[::1]", 80, False, "[::1]"),
    ],
)
def test_host_header(host: str, port: int, secure: bool, expected: str) -> None:
    conn = client(host=host, port=port, secure=secure, compression=None)
    request = conn.data_to_send().decode()
    assert f"\r\nHost: {expected}\r\n" in request
    assert "Sec-WebSocket-Extensions" not in request


@pytest.mark.parametrize(
    "name", ["Host", "upgrade", "Connection", "Sec-WebSocket-Key", "sec-websocket-protocol"]
)
def test_user_headers_cannot_override(name: str) -> None:
    with pytest.raises(ValueError):
        client(headers=[(name, "x")])


def test_user_header_errors() -> None:
    with pytest.raises(ValueError):
        client(headers=[("Bad Name", "x")])
    with pytest.raises(ValueError):
        client(headers=[("X", "a\r\nInjected: 1")])
    with pytest.raises(TypeError):
        client(headers=[("X", 1)])
    with pytest.raises(TypeError):
        client(protocols="chat")
    with pytest.raises(ValueError):
        client(protocols=["a", "a"])
    with pytest.raises(ValueError):
        client(protocols=["has space"])
    with pytest.raises(ValueError):
        client(compression="gzip")
    with pytest.raises(ValueError):
        client(resource="/a b")
    with pytest.raises(ValueError):
        client(resource="relative")


def test_send_before_open_raises() -> None:
    conn = client()
    with pytest.raises(InvalidState):
        conn.send_text("x")


def test_response_ok_with_trailing_frames() -> None:
    conn = client(compression=None)
    conn.data_to_send()
    # The first frames arrive in the same packet as the 101 response: none may be lost.
    conn.receive_data(response() + frame(1, b"early") + frame(2, b"bird")[:2])
    event = conn.next_event()
    assert event is not None and event[0] == HANDSHAKE
    assert event[1].status == 101 and event[1].subprotocol == ""
    assert conn.state is State.OPEN
    assert conn.next_event() == (TEXT, "early")
    assert conn.next_event() is None
    conn.receive_data(frame(2, b"bird")[2:])
    assert conn.next_event() == (2, b"bird")


def test_response_split_byte_by_byte() -> None:
    conn = client(compression=None)
    data = response() + frame(1, b"x")
    events = []
    for i in range(len(data)):
        conn.receive_data(data[i : i + 1])
        events += drain(conn)
    assert [e[0] for e in events] == [HANDSHAKE, TEXT]


def failed(conn: ClientConnection, data: bytes) -> str:
    conn.data_to_send()
    conn.receive_data(data)
    assert conn.next_event() is None
    assert conn.state is State.CLOSED and conn.should_close_transport
    assert conn.failure is not None and conn.failure.code == 1006
    return conn.failure.reason


@pytest.mark.parametrize(
    "status", ["200 OK", "301 Moved Permanently", "302 Found", "401 Unauthorized", "500 Oops"]
)
def test_status_other_than_101_fails(status: str) -> None:
    data = response("Location: ws://elsewhere/", status=status)
    data = data.replace(b"\r\n\r\n", b"\r\nContent-Length: 0\r\n\r\n")
    conn = client()
    reason = failed(conn, data)
    assert reason.startswith(f"server answered HTTP {status[:3]}")
    # The whole answer is kept for the client's error (InvalidStatus).
    error = conn.handshake_error
    assert isinstance(error, InvalidStatus)
    assert error.status == int(status[:3])
    assert error.header("location") == "ws://elsewhere/"
    assert error.body == b""


def test_status_other_than_101_with_a_close_delimited_body_fails_at_once() -> None:
    # No Content-Length, not chunked: only the end of the connection would end the body, and a
    # server may keep the connection open. The handshake fails on what came, as Chromium does.
    conn = client()
    data = response(status="500 Oops").replace(b"\r\n\r\n", b"\r\n\r\npartial body")
    reason = failed(conn, data)
    assert reason.startswith("server answered HTTP 500")
    error = conn.handshake_error
    assert isinstance(error, InvalidStatus)
    assert error.body == b"partial body"


def test_interim_responses_are_skipped() -> None:
    conn = client(compression=None)
    conn.receive_data(b"HTTP/1.1 100 Continue\r\n\r\n" + response())
    event = conn.next_event()
    assert event is not None and event[0] == HANDSHAKE


@pytest.mark.parametrize(
    "data",
    [
        response().replace(b"Upgrade: websocket", b"Upgrade: h2c"),
        response().replace(b"Upgrade: websocket\r\n", b""),
        response().replace(b"Connection: Upgrade", b"Connection: keep-alive"),
        response().replace(ACCEPT.encode(), accept_key("AAAAAAAAAAAAAAAAAAAAAA==").encode()),
        response().replace(b"Sec-WebSocket-Accept: " + ACCEPT.encode() + b"\r\n", b""),
        b"garbage\r\n\r\n",
    ],
)
def test_bad_response_headers(data: bytes) -> None:
    failed(client(), data)


def test_tokens_are_case_insensitive() -> None:
    conn = client(compression=None)
    data = response().replace(b"Upgrade: websocket", b"upgrade: WebSocket")
    data = data.replace(b"Connection: Upgrade", b"connection: keep-alive, UPGRADE")
    conn.receive_data(data)
    event = conn.next_event()
    assert event is not None and event[0] == HANDSHAKE


def test_subprotocol_selected() -> None:
    conn = client(protocols=["a", "b"], compression=None)
    conn.receive_data(response("Sec-WebSocket-Protocol: b"))
    event = conn.next_event()
    assert event is not None and event[0] == HANDSHAKE
    assert event[1].subprotocol == "b" and conn.subprotocol == "b"


@pytest.mark.parametrize(
    ("protocols", "header"),
    [
        (["a"], "Sec-WebSocket-Protocol: c"),  # RFC 6455 §4.1: not requested
        ([], "Sec-WebSocket-Protocol: a"),  # none requested
        (["a", "b"], "Sec-WebSocket-Protocol: a, b"),  # two selected
        (["a"], None),  # WHATWG: requested but none selected
        (["a"], "Sec-WebSocket-Protocol: "),  # empty value
    ],
)
def test_subprotocol_failures(protocols: list[str], header: str | None) -> None:
    extra = [header] if header is not None else []
    failed(client(protocols=protocols, compression=None), response(*extra))


def test_extension_not_offered() -> None:
    failed(client(compression=None), response("Sec-WebSocket-Extensions: permessage-deflate"))
    failed(client(), response("Sec-WebSocket-Extensions: x-webkit-deflate-frame"))
    failed(
        client(),
        response(
            "Sec-WebSocket-Extensions: permessage-deflate",
            "Sec-WebSocket-Extensions: permessage-deflate",
        ),
    )


def test_eof_during_handshake() -> None:
    conn = client()
    conn.receive_data(response()[:20])
    assert conn.next_event() is None
    conn.receive_eof()
    assert conn.state is State.CLOSED and conn.failure is not None


# ------------------------------------------------------------------ server


def request(*extra: str, drop: str | None = None, first: str = "GET /path?q HTTP/1.1") -> bytes:
    lines = [
        first,
        "Host: example.com",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {KEY}",
        "Sec-WebSocket-Version: 13",
        *extra,
    ]
    if drop is not None:
        lines = [line for line in lines if not line.lower().startswith(drop.lower())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_server_accepts() -> None:
    conn = ServerConnection()
    conn.receive_data(
        request("Sec-WebSocket-Protocol: chat, superchat", "Origin: http://x")
        + frame(1, b"early", mask=b"abcd")
    )
    event = conn.next_event()
    assert event is not None and event[0] == REQUEST
    req = event[1]
    assert req.target == "/path?q" and req.protocols == ("chat", "superchat") and req.key == KEY
    assert ("origin", "http://x") in req.headers
    assert conn.next_event() is None  # waiting for accept()
    with pytest.raises(ValueError):
        conn.accept("other")
    conn.accept("superchat", headers=[("X-Server", "1")])
    out = conn.data_to_send().decode()
    assert out.startswith("HTTP/1.1 101 ")
    assert f"\r\nSec-WebSocket-Accept: {ACCEPT}\r\n" in out
    assert "\r\nSec-WebSocket-Protocol: superchat\r\n" in out
    assert "\r\nX-Server: 1\r\n" in out
    assert "Sec-WebSocket-Extensions" not in out
    assert conn.state is State.OPEN and conn.subprotocol == "superchat"
    assert conn.next_event() == (TEXT, "early")
    with pytest.raises(InvalidState):
        conn.accept()


def rejected(data: bytes, status: int) -> str:
    conn = ServerConnection()
    conn.receive_data(data)
    assert conn.next_event() is None
    out = conn.data_to_send().decode()
    assert out.startswith(f"HTTP/1.1 {status} "), out
    assert conn.state is State.CLOSED and conn.should_close_transport
    return out


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (request(first="POST / HTTP/1.1"), 405),
        (request(first="GET / HTTP/1.0"), 400),
        (request(drop="Upgrade"), 426),
        (request(drop="Connection"), 426),
        (request(drop="Sec-WebSocket-Version"), 426),
        (request(drop="Sec-WebSocket-Key"), 400),
        (request(f"Sec-WebSocket-Key: {KEY}"), 400),
        (request().replace(KEY.encode(), b"c2hvcnQ="), 400),
        (request().replace(KEY.encode(), b"not base64 at all!!!!!!="), 400),
        (request().replace(b"Version: 13", b"Version: 8"), 426),
        (request("Sec-WebSocket-Protocol: a b"), 400),
        (request("Content-Length: 3") + b"abc", 400),
        (b"NOT HTTP\r\n\r\n", 400),
    ],
)
def test_server_rejects_bad_requests(data: bytes, status: int) -> None:
    out = rejected(data, status)
    if status == 426 and b"Version: 8" in data:
        assert "\r\nSec-WebSocket-Version: 13\r\n" in out


def test_server_headers_too_large() -> None:
    # h11 bounds an incomplete head at 16 KiB: a peer cannot grow it without limit.
    rejected(request("X-Big: " + "x" * 20000)[:-4], 431)


def test_server_reject_by_app() -> None:
    conn = ServerConnection()
    conn.receive_data(request())
    assert conn.next_event() is not None
    conn.reject(403, "go away", headers=[("X-Why", "policy")])
    out = conn.data_to_send()
    assert out.startswith(b"HTTP/1.1 403 Forbidden\r\n") and out.endswith(b"go away")
    assert b"\r\nX-Why: policy\r\n" in out
    assert conn.state is State.CLOSED and conn.should_close_transport
    with pytest.raises(InvalidState):
        conn.reject()


def test_server_eof_before_request() -> None:
    conn = ServerConnection()
    conn.receive_data(request()[:10])
    assert conn.next_event() is None
    conn.receive_eof()
    assert conn.state is State.CLOSED and conn.data_to_send() == b""


def test_fail_while_connecting() -> None:
    conn = client()
    conn.data_to_send()
    conn.fail(1001, "aborted")
    assert conn.state is State.CLOSED and conn.should_close_transport
    assert conn.failure is not None and conn.failure.code == 1001
    assert conn.data_to_send() == b""  # no Close frame before the handshake
