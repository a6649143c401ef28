"""The WebSockets Standard's URL and subprotocol handling (WPT websockets/Create-*)."""

from __future__ import annotations

import dataclasses

import pytest

from websocketstream.dom import DOMException, DOMSyntaxError
from websocketstream.url import WebSocketURL, get_url_record, validate_protocols

HOST = "web-platform.test"


# --- WPT Create-invalid-urls.any.js -------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "ws://foo bar.com/",
        "wss://foo bar.com/",
        f"ftp://{HOST}/",
        "mailto:example@example.org",
        "about:blank",
        f"ws://{HOST}/#",
        f"ws://{HOST}/#test",
        "#test",
        "?test",
        "test",
        "",
        "ws://",
        "ws://h:65536/",
        "ws://[::1/",
        "file:///etc/passwd",
        "data:text/plain,x",
        "javascript:alert(1)",
    ],
)
def test_invalid_urls_raise_syntax_error(url: str) -> None:
    with pytest.raises(DOMSyntaxError) as info:
        get_url_record(url)
    error = info.value
    assert error.name == "SyntaxError"
    assert error.code == 12
    assert isinstance(error, DOMException)
    assert isinstance(error, ValueError)
    assert error.message


def test_fragment_with_base_is_still_a_syntax_error() -> None:
    with pytest.raises(DOMSyntaxError, match=r"[Ff]ragment"):
        get_url_record("#test", f"http://{HOST}/echo")
    with pytest.raises(DOMSyntaxError, match=r"[Ff]ragment"):
        get_url_record("#", f"ws://{HOST}/echo")


def test_empty_fragment_after_query_is_a_syntax_error() -> None:
    with pytest.raises(DOMSyntaxError):
        get_url_record(f"ws://{HOST}/echo?a=1#")


def test_scheme_error_message_names_the_scheme() -> None:
    with pytest.raises(DOMSyntaxError, match="'ftp'"):
        get_url_record(f"ftp://{HOST}/")


@pytest.mark.parametrize("bad", [None, 1, b"ws://host/", ["ws://host/"]])
def test_non_str_url_is_type_error(bad: object) -> None:
    with pytest.raises(TypeError):
        get_url_record(bad)  # type: ignore[arg-type]


def test_non_str_base_is_type_error() -> None:
    with pytest.raises(TypeError):
        get_url_record("/x", b"ws://host/")  # type: ignore[arg-type]


def test_invalid_base_is_syntax_error() -> None:
    with pytest.raises(DOMSyntaxError):
        get_url_record("/echo", "not a url")


# --- Valid URLs ----------------------------------------------------------------------------------


def test_plain_ws_url() -> None:
    r = get_url_record(f"ws://{HOST}:8880/echo")
    assert r == WebSocketURL(
        href=f"ws://{HOST}:8880/echo",
        scheme="ws",
        host=HOST,
        hostname=HOST,
        port=8880,
        resource_name="/echo",
        secure=False,
        origin=f"ws://{HOST}:8880",
        host_header=f"{HOST}:8880",
    )
    assert str(r) == r.href


def test_http_becomes_ws() -> None:
    r = get_url_record(f"http://{HOST}:8880/echo")
    assert r.href == f"ws://{HOST}:8880/echo"
    assert r.scheme == "ws"
    assert not r.secure
    assert r.origin == f"ws://{HOST}:8880"


def test_https_becomes_wss() -> None:
    r = get_url_record(f"https://{HOST}/echo")
    assert r.href == f"wss://{HOST}/echo"
    assert r.scheme == "wss"
    assert r.secure
    assert r.port == 443
    assert r.origin == f"wss://{HOST}"


def test_scheme_is_case_insensitive() -> None:
    assert get_url_record("WSS://Example.COM/").href == "wss://example.com/"
    assert get_url_record("HTTP://example.com/").href == "ws://example.com/"


@pytest.mark.parametrize(
    ("url", "port", "host_header", "href"),
    [
        ("ws://example.com/", 80, "example.com", "ws://example.com/"),
        ("ws://example.com:80/", 80, "example.com", "ws://example.com/"),
        ("wss://example.com/", 443, "example.com", "wss://example.com/"),
        ("wss://example.com:443/", 443, "example.com", "wss://example.com/"),
        ("ws://example.com:443/", 443, "example.com:443", "ws://example.com:443/"),
        ("wss://example.com:80/", 80, "example.com:80", "wss://example.com:80/"),
        ("http://example.com:80/", 80, "example.com", "ws://example.com/"),
        ("https://example.com:443/", 443, "example.com", "wss://example.com/"),
        ("http://example.com:443/", 443, "example.com:443", "ws://example.com:443/"),
        ("ws://example.com:0/", 0, "example.com:0", "ws://example.com:0/"),
    ],
)
def test_default_ports(url: str, port: int, host_header: str, href: str) -> None:
    r = get_url_record(url)
    assert r.port == port
    assert r.host_header == host_header
    assert r.href == href


def test_idn_host_is_punycoded() -> None:
    r = get_url_record("ws://例え.テスト/")
    assert r.href == "ws://xn--r8jz45g.xn--zckzah/"
    assert r.host == r.hostname == r.host_header == "xn--r8jz45g.xn--zckzah"
    assert r.origin == "ws://xn--r8jz45g.xn--zckzah"
    assert r.host.isascii()


def test_host_is_lowercased() -> None:
    assert get_url_record("ws://ExAmPle.COM/").host == "example.com"


def test_ipv6_host() -> None:
    r = get_url_record("ws://[::1]:8080/chat")
    assert r.href == "ws://[::1]:8080/chat"
    assert r.host == "[::1]"
    assert r.hostname == "::1"
    assert r.host_header == "[::1]:8080"
    assert r.port == 8080
    assert r.origin == "ws://[::1]:8080"


def test_ipv6_host_default_port_and_compression() -> None:
    r = get_url_record("wss://[0:0:0:0:0:0:0:1]:443/")
    assert r.href == "wss://[::1]/"
    assert r.host == "[::1]"
    assert r.hostname == "::1"
    assert r.host_header == "[::1]"
    assert r.port == 443


def test_ipv4_host() -> None:
    r = get_url_record("ws://127.0.0.1:9000")
    assert r.hostname == r.host == "127.0.0.1"
    assert r.port == 9000
    assert r.resource_name == "/"


def test_query_is_kept() -> None:
    r = get_url_record(f"ws://{HOST}/echo?a=1&b=2")
    assert r.resource_name == "/echo?a=1&b=2"
    assert r.href == f"ws://{HOST}/echo?a=1&b=2"


def test_empty_query_is_kept() -> None:
    r = get_url_record(f"ws://{HOST}/echo?")
    assert r.href == f"ws://{HOST}/echo?"
    assert r.resource_name == "/echo?"


def test_query_without_path() -> None:
    r = get_url_record(f"ws://{HOST}?x=1")
    assert r.href == f"ws://{HOST}/?x=1"
    assert r.resource_name == "/?x=1"


def test_empty_path_is_slash() -> None:
    r = get_url_record(f"ws://{HOST}")
    assert r.href == f"ws://{HOST}/"
    assert r.resource_name == "/"


def test_spaces_and_non_ascii_are_percent_encoded() -> None:
    r = get_url_record(f"ws://{HOST}/a b/ä?q r=ä")
    assert r.href == f"ws://{HOST}/a%20b/%C3%A4?q%20r=%C3%A4"
    assert r.resource_name == "/a%20b/%C3%A4?q%20r=%C3%A4"


def test_existing_percent_encoding_is_preserved() -> None:
    r = get_url_record(f"ws://{HOST}/echo%20x?v=%2F%zz")
    assert r.resource_name == "/echo%20x?v=%2F%zz"


def test_hash_inside_userinfo_is_not_a_fragment() -> None:
    r = get_url_record("ws://us%23er:p%3Fw@example.com/x")
    assert r.href == "ws://us%23er:p%3Fw@example.com/x"
    assert r.resource_name == "/x"
    assert r.origin == "ws://example.com"


def test_dot_segments_are_resolved() -> None:
    assert get_url_record(f"ws://{HOST}/a/../b/./c").resource_name == "/b/c"


def test_lone_surrogate_becomes_replacement_character() -> None:
    r = get_url_record(f"ws://{HOST}/\ud800")
    assert r.resource_name == "/%EF%BF%BD"


@pytest.mark.parametrize(
    ("url", "base", "href"),
    [
        ("/echo", f"ws://{HOST}/", f"ws://{HOST}/echo"),
        ("echo", f"http://{HOST}/dir/page", f"ws://{HOST}/dir/echo"),
        ("../echo?x", f"https://{HOST}:8443/a/b/c", f"wss://{HOST}:8443/a/echo?x"),
        ("?q", f"wss://{HOST}/p", f"wss://{HOST}/p?q"),
        ("//other.test/x", f"https://{HOST}/", "wss://other.test/x"),
        ("ws://abs.test/y", f"https://{HOST}/", "ws://abs.test/y"),
        ("", f"http://{HOST}/here", f"ws://{HOST}/here"),
    ],
)
def test_relative_urls_with_base(url: str, base: str, href: str) -> None:
    assert get_url_record(url, base).href == href


def test_relative_url_against_non_websocket_base() -> None:
    with pytest.raises(DOMSyntaxError):
        get_url_record("/echo", "ftp://host/")


def test_record_is_frozen_and_slotted() -> None:
    r = get_url_record("ws://example.com/")
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.port = 1  # type: ignore[misc]
    assert not hasattr(r, "__dict__")
    assert hash(r) == hash(get_url_record("ws://example.com:80"))


# --- Protocols (WPT Create-protocol*.any.js, websocketstream/constructor.any.js) -----------------


@pytest.mark.parametrize(
    "protocols",
    [
        ["echo", "echo"],  # Create-protocols-repeated
        ["echo", "eCho"],  # Create-protocols-repeated-case-insensitive
        ["ec ho"],  # Create-protocol-with-space
        ["\u0080echo"],  # Create-non-ascii-protocol-string
        ["/echo"],  # separator
        [""],  # Create-protocol-empty
        ["echo", ""],
        ["🔌"],
        ["a,b"],
        ["a;b"],
        ["(x)"],
        ['"q"'],
        ["tab\t"],
        ["nul\x00"],
        ["del\x7f"],
        ["{x}"],
        ["a=b"],
        ["@"],
        ["[x]"],
    ],
)
@pytest.mark.parametrize("allow_string", [True, False])
def test_invalid_protocols_raise_syntax_error(protocols: list[str], allow_string: bool) -> None:
    with pytest.raises(DOMSyntaxError) as info:
        validate_protocols(protocols, allow_string=allow_string)
    assert info.value.name == "SyntaxError"


@pytest.mark.parametrize("protocol", ["ec ho", "\u0080echo", "/echo", ""])
def test_invalid_single_string_protocol_raises_syntax_error(protocol: str) -> None:
    with pytest.raises(DOMSyntaxError):
        validate_protocols(protocol, allow_string=True)


def test_valid_protocols() -> None:
    assert validate_protocols(["echo", "chat.v2", "x-y_z"]) == ("echo", "chat.v2", "x-y_z")
    tchars = "!#$%&'*+-.^_`|~09AZaz"
    assert validate_protocols([tchars]) == (tchars,)


def test_empty_protocols() -> None:
    assert validate_protocols([]) == ()
    assert validate_protocols(()) == ()
    assert validate_protocols((), allow_string=True) == ()


def test_any_iterable_works() -> None:
    assert validate_protocols(("a", "b")) == ("a", "b")
    assert validate_protocols(p for p in ["a", "b"]) == ("a", "b")
    assert validate_protocols({"a": 1}) == ("a",)


def test_plain_string_allowed_for_websocket() -> None:
    assert validate_protocols("echo", allow_string=True) == ("echo",)
    assert validate_protocols("echo", True) == ("echo",)


def test_plain_string_is_type_error_for_websocketstream() -> None:
    with pytest.raises(TypeError):
        validate_protocols("echo")
    with pytest.raises(TypeError):
        validate_protocols("echo", allow_string=False)


@pytest.mark.parametrize("protocols", [[1], ["echo", None], [b"echo"], 5, None, b"echo"])
def test_non_str_protocols_are_type_errors(protocols: object) -> None:
    with pytest.raises(TypeError):
        validate_protocols(protocols, allow_string=True)


def test_only_equal_names_are_duplicates() -> None:
    # The case-insensitive comparison is ASCII only: these differ and are both valid.
    assert validate_protocols(["a", "A-"]) == ("a", "A-")
