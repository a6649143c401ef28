"""Opening the byte stream under a WebSocket: TCP, TLS and proxies (session layer).

``proxy=True`` (the default) takes the proxy from the standard environment variables
(``wss_proxy``/``https_proxy`` for ``wss:``, ``ws_proxy``/``http_proxy`` for ``ws:``, then
``all_proxy``; ``no_proxy`` exempts hosts); ``proxy=None`` connects directly; a string names the
proxy: ``http://[user:pass@]host:port`` (HTTP CONNECT), ``socks5://``, ``socks5h://``, ``socks4://``.
Proxies are reached through ``python-socks``.
"""

from __future__ import annotations

import asyncio
import errno
import ssl as ssl_module
import urllib.request
from collections.abc import Callable
from typing import Any, TypeVar

from .dom.exceptions import DOMSyntaxError
from .url import WebSocketURL

__all__ = [
    "ProxyError",
    "ProxySetting",
    "SSLSetting",
    "check_ssl_setting",
    "open_transport",
    "redact_proxy_url",
    "select_proxy",
]

P = TypeVar("P", bound=asyncio.BaseProtocol)

SSLSetting = ssl_module.SSLContext | bool | None
ProxySetting = str | bool | None

_PROXY_SCHEMES = ("http", "socks4", "socks5", "socks5h")


class ProxyError(ConnectionError):
    """The proxy could not be reached, refused the tunnel or its credentials, or timed out.

    ``proxy`` is the proxy's URL with any password replaced by ``***``; ``__cause__`` is the
    error ``python-socks`` raised (``ProxyConnectionError``, ``ProxyError`` with the proxy's
    answer, ``ProxyTimeoutError``).
    """

    def __init__(self, message: str, proxy: str) -> None:
        super().__init__(message)
        self.proxy = proxy


def redact_proxy_url(url: str) -> str:
    """``url`` with the password of its userinfo (if any) replaced by ``***``."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    authority, slash, tail = rest.partition("/")
    userinfo, at, hostport = authority.rpartition("@")
    if not at:
        return url
    user, colon, _password = userinfo.partition(":")
    return f"{scheme}://{user}{':***' if colon else ''}@{hostport}{slash}{tail}"


def check_ssl_setting(url: WebSocketURL, ssl: SSLSetting) -> None:
    """Refuse an explicit TLS context for a ``ws:`` URL, and ``ssl=False`` (raise at the
    call, before connecting).

    ``ssl=False`` is refused on purpose: elsewhere it means "no TLS" or "TLS without
    verification", and guessing wrong would either fail or silently drop certificate checks.
    The URL's scheme chooses TLS; an ``ssl.SSLContext`` chooses how it is verified.
    """
    if ssl is False:
        raise TypeError(
            "ssl=False is not supported: the URL's scheme chooses TLS (ws:// or wss://); to "
            "skip certificate verification pass an ssl.SSLContext with check_hostname=False "
            "and verify_mode=ssl.CERT_NONE"
        )
    if isinstance(ssl, bool) or ssl is None:
        if ssl is True and not url.secure:
            raise TypeError("ssl=True needs a wss:// (or https://) URL")
        return
    if not isinstance(ssl, ssl_module.SSLContext):
        raise TypeError(f"ssl must be an ssl.SSLContext, a bool or None, not {type(ssl).__name__}")
    if not url.secure:
        raise TypeError("an ssl.SSLContext was given for a ws:// URL; use wss://")


def check_proxy_setting(proxy: ProxySetting) -> None:
    """Validate ``proxy=`` at the call: a bool, None, or a proxy URL with a known scheme."""
    if proxy is None or isinstance(proxy, bool):
        return
    if not isinstance(proxy, str):
        raise TypeError(f"proxy must be a str URL, a bool or None, not {type(proxy).__name__}")
    scheme = proxy.partition("://")[0].lower()
    if scheme not in _PROXY_SCHEMES:
        raise DOMSyntaxError(
            f"unsupported proxy URL {proxy!r}: use http://, socks4://, socks5:// or socks5h://"
        )


def select_proxy(url: WebSocketURL, proxy: ProxySetting) -> str | None:
    """The proxy URL to use for ``url``, or None for a direct connection."""
    if proxy is None or proxy is False:
        return None
    if isinstance(proxy, str):
        return proxy
    env = urllib.request.getproxies_environment()
    if urllib.request.proxy_bypass_environment(url.hostname, env):  # type: ignore[attr-defined]
        return None
    keys = ("wss", "https", "all") if url.secure else ("ws", "http", "all")
    for key in keys:
        value = env.get(key)
        if value:
            if "://" not in value:
                value = "http://" + value
            return value
    return None


def _tls_context(url: WebSocketURL, ssl: SSLSetting) -> ssl_module.SSLContext | None:
    if not url.secure:
        return None
    if isinstance(ssl, ssl_module.SSLContext):
        return ssl
    return ssl_module.create_default_context()


async def open_transport(
    protocol_factory: Callable[[], P],
    url: WebSocketURL,
    *,
    ssl: SSLSetting = None,
    proxy: ProxySetting = True,
    unix_socket: str | None = None,
    **kwargs: Any,
) -> tuple[asyncio.Transport, P]:
    """Connect to ``url``'s host (through a proxy if one applies), with TLS for ``wss:``.

    ``unix_socket``: connect to the Unix socket at that path instead (no proxy); the URL
    still gives the Host header, the resource and whether TLS is used.

    Returns the transport and the protocol made by ``protocol_factory``.  Raises ``OSError``
    (and ``ssl.SSLError``) for network failures; the caller maps them to a failed connection.
    """
    loop = asyncio.get_running_loop()
    context = _tls_context(url, ssl)
    server_hostname = url.hostname if context is not None else None
    if unix_socket is not None:
        transport, protocol = await loop.create_unix_connection(
            protocol_factory, unix_socket, ssl=context, server_hostname=server_hostname, **kwargs
        )
        return transport, protocol
    proxy_url = select_proxy(url, proxy)
    if proxy_url is None:
        transport, protocol = await loop.create_connection(
            protocol_factory,
            url.hostname,
            url.port,
            ssl=context,
            server_hostname=server_hostname,
            **kwargs,
        )
    else:
        sock = await _connect_through_proxy(proxy_url, url.hostname, url.port)
        try:
            transport, protocol = await loop.create_connection(
                protocol_factory,
                sock=sock,
                ssl=context,
                server_hostname=server_hostname,
                **kwargs,
            )
        except BaseException:
            sock.close()
            raise
    return transport, protocol


async def _connect_through_proxy(proxy_url: str, host: str, port: int) -> Any:
    # Imported on first use: most connections need no proxy.
    from python_socks import ProxyConnectionError, ProxyTimeoutError  # noqa: PLC0415
    from python_socks import ProxyError as SocksProxyError  # noqa: PLC0415
    from python_socks.async_.asyncio import Proxy  # noqa: PLC0415

    original = proxy_url
    rdns = proxy_url.lower().startswith("socks5h://")
    if rdns:
        proxy_url = "socks5://" + proxy_url.partition("://")[2]
    shown = redact_proxy_url(original)
    try:
        proxy = Proxy.from_url(proxy_url, rdns=True if rdns else None)
        return await proxy.connect(dest_host=host, dest_port=port)
    except ProxyTimeoutError as exc:
        raise ProxyError(f"proxy {shown} timed out", shown) from exc
    except ProxyConnectionError as exc:
        detail = "connection refused" if exc.errno == errno.ECONNREFUSED else str(exc)
        raise ProxyError(f"proxy {shown} unreachable: {detail}", shown) from exc
    except SocksProxyError as exc:
        raise ProxyError(
            f"proxy {shown} refused the tunnel to {host}:{port}: {exc}", shown
        ) from exc
