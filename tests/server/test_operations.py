"""Operations: probes, metrics, access logs without personal data, the bounded queue, settings, worker processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from engine.results import LicenseResult
from server.app import create_app
from server.settings import Settings
from tests.server.conftest import FRONT, V2, FakeEngine, LiveServer, free_port, image_b64

NAME = FRONT.fields["name"].value
NUMBER = FRONT.fields["number"].value


def test_probes(engine: FakeEngine) -> None:
    client = TestClient(create_app(Settings(), lambda: engine))
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 503  # lifespan not run: the engine is not loaded
    with client:
        assert client.get("/readyz").json() == {"status": "ready"}


def test_metrics_count_requests_errors_and_stages_without_values(client: TestClient) -> None:
    client.post(V2, json={"image": image_b64(), "return_issuing_authority": True})
    client.post(V2, json={"image": "***"})
    text = client.get("/metrics").text
    assert 'dlocr_requests_total{route="/v2/{project_id}/ocr/driver-license",status="200"} 1.0' in text
    assert 'dlocr_errors_total{error_code="AIS.0102"} 1.0' in text
    for stage in ("decode", "engine", "queue_wait", "card", "textdet"):
        assert f'dlocr_stage_duration_seconds_count{{stage="{stage}"}} 1.0' in text
    assert "dlocr_queue_depth 0.0" in text
    assert NAME not in text and NUMBER not in text


def test_access_log_holds_no_field_values(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    response = client.post(V2, json={"image": image_b64(), "return_issuing_authority": True})
    access = [record for record in caplog.records if record.name == "server.access"]
    assert len(access) == 1
    line = vars(access[0])
    assert line["request_id"] == response.headers["X-Request-Id"]
    assert line["status"] == 200 and line["pages"] == ["front/normal"] and line["image_bytes"] > 0
    everything = json.dumps({key: str(value) for key, value in line.items()}, ensure_ascii=False)
    assert NAME not in everything and NUMBER not in everything and image_b64()[:40] not in everything


def test_field_values_in_the_log_only_when_opted_in(
    make_client: Callable[..., TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    make_client(log_fields=True).post(V2, json={"image": image_b64()})
    access = next(record for record in caplog.records if record.name == "server.access")
    assert vars(access)["result"]["name"] == NAME


def test_overload_is_answered_429_at_once(live_server_factory: Callable[..., LiveServer]) -> None:
    entered, release = threading.Semaphore(0), threading.Event()

    def slow(*_: object) -> LicenseResult:
        entered.release()
        release.wait(10)
        return LicenseResult(pages=(FRONT,))

    server = live_server_factory(Settings(engine_threads=1, max_queue=1), FakeEngine(behaviour=slow))
    body = {"image": image_b64()}
    with ThreadPoolExecutor(2) as pool, httpx.Client(base_url=server.url, timeout=10) as http:
        running = pool.submit(http.post, V2, json=body)
        assert entered.acquire(timeout=5)  # the one engine thread is busy
        queued = pool.submit(http.post, V2, json=body)
        deadline = time.monotonic() + 5
        while "dlocr_queue_depth 1.0" not in http.get("/metrics").text:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        started = time.perf_counter()
        refused = http.post(V2, json=body)
        assert time.perf_counter() - started < 1.0
        assert (refused.status_code, refused.json()["error_code"]) == (429, "APIG.0308")
        assert http.get("/healthz").status_code == 200  # probes never wait behind the queue
        release.set()
        assert running.result().status_code == 200 and queued.result().status_code == 200


def test_settings_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "DLOCR_TOKENS": "tok1, tok2,",
            "DLOCR_ACCESS_KEYS": "AK1:SK1,AK2:SK:2",
            "DLOCR_URL_ALLOWLIST": "127.0.0.1,*.example.com",
            "DLOCR_ENGINE_THREADS": "3",
            "DLOCR_WORKERS": "2",
            "DLOCR_LOG_FIELDS": "1",
        }
    )
    assert settings.tokens == {"tok1", "tok2"} and settings.access_keys == {"AK1": "SK1", "AK2": "SK:2"}
    assert settings.url_allowlist == ("127.0.0.1", "*.example.com")
    assert (settings.engine_threads, settings.max_queue, settings.workers) == (3, 12, 2)
    assert settings.log_fields and settings.auth_enabled
    assert not Settings.from_env({}).auth_enabled


@pytest.mark.parametrize(
    "environ",
    [{"DLOCR_ACCESS_KEYS": "AK1"}, {"DLOCR_WORKERS": "0"}, {"DLOCR_MAX_QUEUE": "-1"}, {"DLOCR_ENGINE_THREADS": "x"}],
)
def test_malformed_settings_fail_loudly(environ: dict[str, str]) -> None:
    with pytest.raises(ValueError, match=next(iter(environ))):
        Settings.from_env(environ)


@pytest.mark.skipif(not Path("models/files").exists(), reason="model files not fetched (make models)")
def test_python_m_server_starts_workers_with_the_real_engine() -> None:
    port = free_port()
    env = {**os.environ, "DLOCR_WORKERS": "2"}
    process = subprocess.Popen(
        [sys.executable, "-m", "server", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not become ready"
            time.sleep(0.2)
    finally:
        process.terminate()
        output = process.communicate(timeout=15)[0].decode()
    assert output.count("Started server process") >= 2 or "Started parent process" in output, output
