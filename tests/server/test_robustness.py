"""A battery of bad inputs: every one gets a table answer in the 4xx range, never a 500 or a traceback."""

from __future__ import annotations

import base64
import json
import struct
import zlib

import pytest
from fastapi.testclient import TestClient

from tests.server.conftest import V1, V2, image_bytes


def png_header(width: int, height: int) -> bytes:
    """A PNG whose IHDR claims width x height pixels, with no image data worth decoding."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return b"\x89PNG\r\n\x1a\n" + chunk + b"\x00\x00\x00\x00IEND\xaeB`\x82"


def b64(data: bytes) -> dict[str, str]:
    return {"image": base64.b64encode(data).decode()}


RAW_BODIES = {
    "empty body": b"",
    "non-UTF-8 bytes": b'{"image": "\xff\xfe\xfd"}',
    "deeply nested JSON": b'{"image": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "deeply nested object": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    "truncated JSON": b'{"image": "aGVsbG8',
    "JSON array": b'["image"]',
    "JSON string": b'"image"',
    "JSON null": b"null",
    "a form, not JSON": b"image=abc&side=front",
    "NaN": b'{"image": NaN}',
}
JSON_BODIES = {
    "truncated JPEG": b64(image_bytes(400, 300, ".jpg")[:300]),
    "zero-byte image": {"image": ""},
    "one-byte image": b64(b"\xff"),
    "PNG header claiming 100000 x 100000": b64(png_header(100_000, 100_000)),
    "PNG header claiming 0 x 0": b64(png_header(0, 0)),
    "GIF": b64(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
    "text as image": b64("机动车驾驶证".encode()),
    "number for image": {"image": 123},
    "number for side": {"image": "aGVsbG8=", "side": 2},
    "object for url": {"url": {"href": "http://127.0.0.1/"}},
    "URL to a private address": {"url": "http://10.0.0.1/license.jpg"},
    "URL to link-local metadata": {"url": "http://169.254.169.254/latest/meta-data/"},
    "file URL": {"url": "file:///etc/passwd"},
    "huge number": {"image": "aGVsbG8=", "return_confidence": 10**400},
    "lone surrogate": {"image": "\ud800"},
}


@pytest.mark.parametrize("body", RAW_BODIES.values(), ids=RAW_BODIES.keys())
def test_raw_bodies(client: TestClient, body: bytes) -> None:
    response = client.post(V2, content=body, headers={"Content-Type": "application/json"})
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["error_code"] in ("ModelArts.4105", "AIS.0101")


@pytest.mark.parametrize("body", JSON_BODIES.values(), ids=JSON_BODIES.keys())
def test_json_bodies(client: TestClient, body: dict[str, object]) -> None:
    response = client.post(V1, content=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["error_code"].startswith(("AIS.01", "ModelArts.46", "ModelArts.4105"))
    assert "Traceback" not in response.text


def test_the_huge_png_header_is_a_size_error(client: TestClient) -> None:
    response = client.post(V2, json=b64(png_header(100_000, 100_000)))
    assert response.json()["error_code"] == "AIS.0103"


def test_a_declared_oversized_body_is_refused_before_it_is_read(client: TestClient) -> None:
    response = client.post(V2, content=b"{}", headers={"Content-Length": str(13 * 1024 * 1024)})
    assert (response.status_code, response.json()["error_code"]) == (413, "APIG.0201")
