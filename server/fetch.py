"""Fetching an image from `url`, only from allow-listed hosts and never, by surprise, from inside the network.

Every hop (the first URL and each redirect) is checked: scheme, host against DLOCR_URL_ALLOWLIST, and every address
the host resolves to. The connection then goes to an address that was checked, so a second DNS answer cannot
swap in another one. Non-public addresses (loopback, private, link-local...) pass only when the host name itself
or the address (or a network holding it) is listed; a wildcard entry never lets them through.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from collections.abc import Callable, Sequence
from urllib.parse import urljoin, urlsplit

import httpx

logger = logging.getLogger(__name__)

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5
CONNECT_TIMEOUT_S = 3.0
READ_TIMEOUT_S = 5.0
TOTAL_TIMEOUT_S = 10.0
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]


class UrlRefused(Exception):
    """The URL is not one this server may fetch (ModelArts.4601)."""


class FetchFailed(Exception):
    """The URL was allowed, but the download failed (ModelArts.4603)."""


class FetchTooLarge(Exception):
    """The file at the URL is larger than MAX_IMAGE_BYTES (AIS.0103)."""


def resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise FetchFailed(f"cannot resolve {host}") from error
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class Allowlist:
    """Entries: `host`, `*.example.com`, `*` (any host, public addresses only), an IP address, or a network."""

    def __init__(self, entries: Sequence[str]) -> None:
        self.hosts: set[str] = set()
        self.suffixes: list[str] = []
        self.any_host = False
        self.networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for entry in (item.strip().lower().rstrip(".") for item in entries):
            if entry == "*":
                self.any_host = True
            elif entry.startswith("*."):
                self.suffixes.append(entry[1:])
            else:
                try:
                    self.networks.append(ipaddress.ip_network(entry, strict=False))
                except ValueError:
                    self.hosts.add(entry)

    @property
    def enabled(self) -> bool:
        return bool(self.hosts or self.suffixes or self.any_host or self.networks)

    def host_allowed(self, host: str) -> bool:
        address = _as_address(host)
        if address is not None:
            return self.any_host or self.address_listed(address)
        return self.any_host or host in self.hosts or any(host.endswith(suffix) for suffix in self.suffixes)

    def address_allowed(self, host: str, address: IPAddress) -> bool:
        return address.is_global or host in self.hosts or self.address_listed(address)

    def address_listed(self, address: IPAddress) -> bool:
        return any(address in network for network in self.networks)


class UrlFetcher:
    def __init__(self, allowlist: Allowlist, resolver: Resolver = resolve, max_bytes: int = MAX_IMAGE_BYTES) -> None:
        self.allowlist = allowlist
        self.resolver = resolver
        self.max_bytes = max_bytes

    def fetch(self, url: str) -> bytes:
        """The body at `url`, following at most MAX_REDIRECTS redirects, each re-checked."""
        if not self.allowlist.enabled:
            raise UrlRefused("url input is turned off on this server (DLOCR_URL_ALLOWLIST is empty)")
        deadline = time.monotonic() + TOTAL_TIMEOUT_S
        timeout = httpx.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S)
        with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
            for _ in range(MAX_REDIRECTS + 1):
                outcome = self._get(client, url, deadline)
                if isinstance(outcome, bytes):
                    return outcome
                url = urljoin(url, outcome)
        raise FetchFailed(f"more than {MAX_REDIRECTS} redirects")

    def _get(self, client: httpx.Client, url: str, deadline: float) -> bytes | str:
        """One hop: check, connect to a checked address; the body (bytes) or a redirect's target (str)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UrlRefused("only http and https URLs with a host are accepted")
        host = parts.hostname.lower().rstrip(".")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as error:
            raise UrlRefused("the URL has an invalid port") from error
        if not self.allowlist.host_allowed(host):
            raise UrlRefused(f"host {host} is not in DLOCR_URL_ALLOWLIST")
        addresses = [ipaddress.ip_address(item.split("%")[0]) for item in self.resolver(host, port)]
        if not addresses:
            raise FetchFailed(f"{host} resolves to no address")
        refused = [str(address) for address in addresses if not self.allowlist.address_allowed(host, address)]
        if refused:
            raise UrlRefused(f"{host} resolves to a non-public address that is not listed: {', '.join(refused)}")
        last_error: Exception | None = None
        for address in addresses:
            try:
                return self._get_from(client, url, parts.scheme, host, address, port, deadline)
            except httpx.ConnectError as error:
                last_error = error
        raise FetchFailed(f"cannot connect to {host}") from last_error

    def _get_from(
        self, client: httpx.Client, url: str, scheme: str, host: str, address: IPAddress, port: int, deadline: float
    ) -> bytes | str:
        parts = urlsplit(url)
        netloc = f"[{address}]" if address.version == 6 else str(address)
        pinned = parts._replace(netloc=f"{netloc}:{port}").geturl()
        default_port = port == (443 if scheme == "https" else 80)
        headers = {"Host": host if default_port else f"{host}:{port}", "Accept": "image/*"}
        try:
            with client.stream("GET", pinned, headers=headers, extensions={"sni_hostname": host}) as response:
                if response.status_code in REDIRECT_STATUSES and "location" in response.headers:
                    return response.headers["location"]
                if response.status_code != 200:
                    raise FetchFailed(f"the server answered HTTP {response.status_code}")
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self.max_bytes:
                    raise FetchTooLarge(f"the file at the URL is larger than {self.max_bytes // (1024 * 1024)} MB")
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise FetchTooLarge(f"the file at the URL is larger than {self.max_bytes // (1024 * 1024)} MB")
                    if time.monotonic() > deadline:
                        raise FetchFailed(f"the download took longer than {TOTAL_TIMEOUT_S:.0f} s")
                    chunks.append(chunk)
        except httpx.ConnectError:
            raise
        except httpx.HTTPError as error:
            raise FetchFailed(f"the download failed: {type(error).__name__}") from error
        return b"".join(chunks)


def _as_address(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None
