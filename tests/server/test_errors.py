"""One case per row of the error table: each code, its HTTP status, the JSON body and the request id header."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from engine.errors import EngineFault, ModelFileError, NoLicenseFound, RecognitionFailed, WrongSide
from server.app import create_app
from server.errors import ERRORS, ApiError, api_error
from server.settings import Settings
from tests.server.conftest import V1, V2, FakeEngine, free_port, image_b64


def raising(error: Exception) -> FakeEngine:
    def behaviour(*_: object) -> Any:
        raise error

    return FakeEngine(behaviour=behaviour)


def fill_the_queue(app: FastAPI) -> None:
    app.state.held = app.state.service.gate.admit()  # one request admitted and never leaving: capacity 1 is full
    app.state.held.__enter__()


@dataclass
class Case:
    code: str
    json: Any = None
    content: bytes | None = None
    path: str = V2
    method: str = "POST"
    settings: dict[str, Any] = field(default_factory=dict)
    engine: FakeEngine = field(default_factory=FakeEngine)
    headers: dict[str, str] = field(default_factory=dict)
    prepare: Callable[[FastAPI], None] | None = None
    start: bool = True


IMAGE = {"image": image_b64()}
CASES = [
    Case("AIS.0101", json={"image": image_b64(), "url": "http://127.0.0.1/a.png"}),
    Case("AIS.0102", json={"image": "this is not base64 ***"}),
    Case("AIS.0103", json={"image": image_b64(60, 60)}),
    Case("AIS.0104", json=IMAGE, engine=raising(NoLicenseFound("nothing there"))),
    Case("AIS.0105", json=IMAGE, engine=raising(RecognitionFailed("no text lines"))),
    Case("ModelArts.4105", content=b'{"image": '),
    Case("ModelArts.4505", json=IMAGE, engine=raising(EngineFault("inference failed"))),
    Case("ModelArts.4508", json=IMAGE, start=False),
    Case("ModelArts.4601", json={"url": "http://127.0.0.1/a.png"}),
    Case(
        "ModelArts.4603",
        json={"url": f"http://127.0.0.1:{free_port()}/a.png"},
        settings={"url_allowlist": ("127.0.0.1",)},
    ),
    Case("APIG.0101", path="/v2/proj0123/ocr/vehicle-license", json=IMAGE),
    Case("APIG.0201", content=b"x" * (12 * 1024 * 1024 + 1)),
    Case("APIG.0301", json=IMAGE, settings={"tokens": frozenset({"tok1"})}),
    Case("APIG.0308", json=IMAGE, settings={"engine_threads": 1, "max_queue": 0}, prepare=fill_the_queue),
]


def test_every_row_of_the_table_has_a_case() -> None:
    assert sorted(case.code for case in CASES) == sorted(ERRORS)


@pytest.mark.parametrize("case", CASES, ids=[case.code for case in CASES])
def test_error_table_row(case: Case) -> None:
    app = create_app(Settings(**case.settings), lambda: case.engine)
    client = TestClient(app, raise_server_exceptions=False)
    if case.start:
        client.__enter__()
    try:
        if case.prepare is not None:
            case.prepare(app)
        response = client.request(case.method, case.path, json=case.json, content=case.content, headers=case.headers)
    finally:
        if case.start:
            client.__exit__(None, None, None)
    assert response.status_code == ERRORS[case.code].status
    body = response.json()
    assert set(body) == {"error_code", "error_msg"}
    assert body["error_code"] == case.code
    assert body["error_msg"].startswith(ERRORS[case.code].message)
    assert "Traceback" not in response.text
    assert len(response.headers["X-Request-Id"]) == 32


def test_wrong_side_names_the_page_that_was_found(client: TestClient) -> None:
    client.app.state.service.engine.behaviour = lambda *_: (_ for _ in ()).throw(WrongSide("front", "back"))
    response = client.post(V1, json={"image": image_b64(), "side": "front"})
    assert response.status_code == 400
    assert response.json()["error_code"] == "AIS.0104"
    assert "back page" in response.json()["error_msg"]


def test_internal_errors_never_reach_the_caller(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    client.app.state.service.engine.behaviour = lambda *_: 1 / 0  # a bug, not an EngineError
    response = client.post(V2, json={"image": image_b64()})
    assert response.status_code == 500
    assert response.json() == {"error_code": "ModelArts.4505", "error_msg": ERRORS["ModelArts.4505"].message}
    request_id = response.headers["X-Request-Id"]
    logged = [record for record in caplog.records if record.levelname == "ERROR"]
    assert logged and all(getattr(record, "request_id", None) == request_id for record in logged)
    assert any("ZeroDivisionError" in json.dumps(str(record.exc_info)) for record in logged)


def test_model_file_errors_are_internal_and_say_nothing_about_files() -> None:
    answer = api_error(ModelFileError("/secret/path/model.onnx is missing"))
    assert answer is not None and answer.code == "ModelArts.4505" and "secret" not in answer.message


def test_unknown_codes_are_refused_at_once() -> None:
    with pytest.raises(KeyError):
        ApiError("AIS.9999")
