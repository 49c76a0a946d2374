"""Fixtures for the HTTP contract: a fake engine returning constructed LicenseResults, images made on the fly,
an in-process client and a real uvicorn server on 127.0.0.1.

Switching to the real engine means adding image-based tests beside these; the fake stays for error paths."""

from __future__ import annotations

import base64
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import cv2
import numpy as np
import pytest
import uvicorn
from fastapi.testclient import TestClient

from engine.results import FieldValue, LicenseResult, PageResult, Quality, ReadOptions
from server.app import create_app
from server.settings import Settings

V2 = "/v2/proj0123/ocr/driver-license"
V1 = "/v1.0/ocr/driver-license"


def quad(x: float, y: float, width: float = 100, height: float = 20) -> tuple:
    return ((x, y), (x + width, y), (x + width, y + height), (x, y + height))


FRONT = PageResult(
    side="front",
    license_type="normal",
    fields={
        "number": FieldValue("150402199902223122", 0.99, quad(100, 50)),
        "name": FieldValue("谢乐桃", 0.97, quad(100, 80)),
        "sex": FieldValue("女", 0.95, quad(300, 80)),
        "nationality": FieldValue("中国", 0.96, quad(400, 80)),
        "address": FieldValue("内蒙古自治区赤峰市33号", 0.9, quad(100, 110)),
        "birth": FieldValue("1999-02-22", 0.98, quad(100, 170)),
        "issue_date": FieldValue("2015-06-18", 0.98, quad(100, 200)),
        "class": FieldValue("C1", 0.93, quad(100, 230)),
        "valid_from": FieldValue("2015-06-18", 0.97, quad(100, 260)),
        "valid_to": FieldValue("2021-06-18", 0.8, None),
        "issuing_authority": FieldValue("河北省秦皇岛市公安局交通警察支队", 0.7, quad(20, 180)),
    },
    side_confidence=0.98,
    quality=Quality(blur=0.1, glare=0.7, border_incomplete=0.05),
    adjusted_jpeg=b"\xff\xd8front",
)
BACK = PageResult(
    side="back",
    license_type="normal",
    fields={
        "number": FieldValue("150402199902223122", 0.99, quad(100, 350)),
        "name": FieldValue("谢乐桃", 0.97, quad(100, 380)),
        "file_number": FieldValue("130300123456", 0.96, quad(300, 380)),
        "record": FieldValue("实习期至2016年06月18日。", 0.9, quad(100, 410)),
    },
    side_confidence=0.95,
)
ELECTRONIC = PageResult(
    side="front",
    license_type="electronic",
    fields={
        "number": FieldValue("150402199902223122", 0.99, quad(10, 50)),
        "name": FieldValue("谢乐桃", 0.97, quad(10, 80)),
        "class": FieldValue("C1", 0.93, quad(10, 110)),
        "accumulated_scores": FieldValue("0", 0.9, quad(10, 140)),
        "status": FieldValue(("正常",), 0.95, quad(10, 170)),
        "file_number": FieldValue("130300123456", 0.96, quad(10, 200)),
        "generation_date": FieldValue("2024-05-01 10:00:00", 0.9, quad(10, 230)),
        "current_time": FieldValue("2024-05-01 10:00:05", 0.9, quad(10, 260)),
    },
    side_confidence=0.99,
)

EngineBehaviour = Callable[[np.ndarray, ReadOptions], LicenseResult]


@dataclass
class FakeEngine:
    """Answers with `pages` (those matching options.side when one is asked for), or runs `behaviour` instead."""

    pages: tuple[PageResult, ...] = (FRONT,)
    behaviour: EngineBehaviour | None = None
    calls: list[tuple[tuple[int, ...], ReadOptions]] = field(default_factory=list)

    def read_license(self, image: np.ndarray, options: ReadOptions) -> LicenseResult:
        self.calls.append((image.shape, options))
        if self.behaviour is not None:
            return self.behaviour(image, options)
        pages = self.pages
        if options.side in ("front", "back"):
            pages = tuple(page for page in pages if page.side == options.side)
        return LicenseResult(pages=pages, timings_ms={"card": 1.5, "textdet": 2.5})


def image_bytes(width: int = 320, height: int = 200, ext: str = ".png") -> bytes:
    ok, encoded = cv2.imencode(ext, np.full((height, width, 3), 200, np.uint8))
    assert ok
    return encoded.tobytes()


def image_b64(width: int = 320, height: int = 200, ext: str = ".png") -> str:
    return base64.b64encode(image_bytes(width, height, ext)).decode("ascii")


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def make_client() -> Iterator[Callable[..., TestClient]]:
    """make_client(engine, **settings) -> a TestClient with the lifespan run (engine loaded)."""
    clients: list[TestClient] = []

    def make(engine: FakeEngine | None = None, **settings: object) -> TestClient:
        app = create_app(Settings(**settings), lambda: engine or FakeEngine())  # type: ignore[arg-type]
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient], engine: FakeEngine) -> TestClient:
    return make_client(engine)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    engine: FakeEngine


@pytest.fixture(scope="module")
def live_server_factory() -> Iterator[Callable[..., LiveServer]]:
    """Real uvicorn servers on 127.0.0.1 in threads, stopped when the module's tests are done."""
    servers: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(settings: Settings, engine: FakeEngine | None = None) -> LiveServer:
        engine = engine or FakeEngine()
        port = free_port()
        app = create_app(settings, lambda: engine)
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        servers.append((server, thread))
        return LiveServer(f"http://127.0.0.1:{port}", engine)

    yield start
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=10)
