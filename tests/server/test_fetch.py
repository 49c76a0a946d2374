"""`url` input: off by default, allow-listed hosts only, every resolved address and every redirect hop checked.
Only ever fetches from a server these tests start on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from fastapi.testclient import TestClient

from server.fetch import Allowlist, FetchFailed, FetchTooLarge, UrlFetcher, UrlRefused
from tests.server.conftest import V2, FakeEngine, image_bytes

PNG = image_bytes(300, 200)


class Handler(BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[int, dict[str, str], bytes]]] = {
        "/card.png": (200, {"Content-Type": "image/png"}, PNG),
        "/redirect": (302, {"Location": "/card.png"}, b""),
        "/redirect-private": (302, {"Location": "http://10.1.2.3/card.png"}, b""),
        "/redirect-elsewhere": (302, {"Location": "http://example.org/card.png"}, b""),
        "/loop": (302, {"Location": "/loop"}, b""),
        "/missing": (404, {}, b"not here"),
        "/big": (200, {}, b"\0" * (10 * 1024 * 1024 + 1)),
    }

    def do_GET(self) -> None:
        status, headers, body = self.routes.get(self.path, (404, {}, b""))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


class Origin(ThreadingHTTPServer):
    def handle_error(self, *_: object) -> None:
        pass  # the fetcher hangs up on /big on purpose


@pytest.fixture(scope="module")
def origin() -> Iterator[str]:
    server = Origin(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def fetcher(*entries: str, resolver: Callable[[str, int], list[str]] | None = None) -> UrlFetcher:
    if resolver is None:
        return UrlFetcher(Allowlist(entries))
    return UrlFetcher(Allowlist(entries), resolver=resolver)


def test_url_input_over_http(make_client: Callable[..., TestClient], origin: str) -> None:
    engine = FakeEngine()
    client = make_client(engine, url_allowlist=("127.0.0.1",))
    response = client.post(V2, json={"url": f"{origin}/redirect"})
    assert response.status_code == 200, response.text
    assert engine.calls[-1][0] == (200, 300, 3)


def test_url_input_is_off_by_default(client: TestClient, origin: str) -> None:
    response = client.post(V2, json={"url": f"{origin}/card.png"})
    assert response.json()["error_code"] == "ModelArts.4601"
    assert "DLOCR_URL_ALLOWLIST" in response.json()["error_msg"]


@pytest.mark.parametrize("entries", [("*",), ("*.example.com",), ("localhost",), ("127.0.0.2",)])
def test_loopback_needs_to_be_listed_itself(origin: str, entries: tuple[str, ...]) -> None:
    with pytest.raises(UrlRefused):
        fetcher(*entries).fetch(f"{origin}/card.png")


@pytest.mark.parametrize("entries", [("127.0.0.1",), ("127.0.0.0/8",)])
def test_listed_loopback_is_fetched(origin: str, entries: tuple[str, ...]) -> None:
    assert fetcher(*entries).fetch(f"{origin}/card.png") == PNG


def test_a_listed_name_may_resolve_to_a_private_address(origin: str) -> None:
    port = int(origin.rsplit(":", 1)[1])
    assert (
        fetcher("cards.internal", resolver=lambda *_: ["127.0.0.1"]).fetch(f"http://cards.internal:{port}/card.png")
        == PNG
    )


def test_a_wildcard_name_resolving_to_a_private_address_is_refused() -> None:
    resolver = lambda *_: ["93.184.215.14", "10.0.0.7"]  # noqa: E731  one bad address is enough to refuse
    with pytest.raises(UrlRefused, match=r"10\.0\.0\.7"):
        fetcher("*.example.com", resolver=resolver).fetch("http://img.example.com/card.png")


@pytest.mark.parametrize(
    "url",
    [
        "ftp://127.0.0.1/card.png",
        "file:///etc/passwd",
        "http:///card.png",
        "gopher://127.0.0.1/",
        "http://[::1]/card.png",
    ],
)
def test_other_schemes_and_hosts_are_refused(url: str) -> None:
    with pytest.raises(UrlRefused):
        fetcher("127.0.0.1").fetch(url)


@pytest.mark.parametrize("path", ["/redirect-private", "/redirect-elsewhere"])
def test_redirects_are_checked_hop_by_hop(origin: str, path: str) -> None:
    with pytest.raises(UrlRefused):
        fetcher("127.0.0.1").fetch(f"{origin}{path}")


@pytest.mark.parametrize(
    ("path", "error"), [("/loop", FetchFailed), ("/missing", FetchFailed), ("/big", FetchTooLarge)]
)
def test_failed_downloads(origin: str, path: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        fetcher("127.0.0.1").fetch(f"{origin}{path}")


def test_too_large_is_a_size_error_over_http(make_client: Callable[..., TestClient], origin: str) -> None:
    client = make_client(url_allowlist=("127.0.0.1",))
    assert client.post(V2, json={"url": f"{origin}/big"}).json()["error_code"] == "AIS.0103"
    assert client.post(V2, json={"url": f"{origin}/missing"}).json()["error_code"] == "ModelArts.4603"
