"""The HTTP contract with the real engine and models, on a rendered main page."""

import base64

import cv2
import numpy as np
import pytest
from fastapi.testclient import TestClient

from server.app import build_engine, create_app
from server.settings import Settings
from tests.rendering import FRONT_PAGE_FIELDS, render_front_page


def encoded(image: np.ndarray) -> str:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    return base64.b64encode(data.tobytes()).decode()


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Settings(), build_engine), raise_server_exceptions=False) as test_client:
        yield test_client


def test_front_page_reads_every_field_with_locations(client):
    image = render_front_page()
    body = {"image": encoded(image), "side": "front", "return_issuing_authority": True, "return_text_location": True}
    response = client.post("/v2/any-project/ocr/driver-license", json=body)
    assert response.status_code == 200, response.text
    result = response.json()["result"]
    locations = result.pop("text_location")
    assert result == {**FRONT_PAGE_FIELDS, "type": "normal"}
    height, width = image.shape[:2]
    for corners in locations.values():
        assert len(corners) == 4
        assert all(-2 <= x <= width + 2 and -2 <= y <= height + 2 for x, y in corners)
    x0, y0 = locations["number"][0]
    assert 430 <= x0 <= 470 and 120 <= y0 <= 150  # where the ID number was drawn


def test_upside_down_photo_without_side_is_detected_as_the_main_page(client):
    body = {"image": encoded(cv2.rotate(render_front_page(), cv2.ROTATE_180))}
    response = client.post("/v1.0/ocr/driver-license", json=body)
    assert response.status_code == 200, response.text
    result = response.json()["result"]
    assert "issuing_authority" not in result
    assert result["number"] == FRONT_PAGE_FIELDS["number"] and result["class"] == "C1"


def test_asking_for_the_back_page_of_a_main_page_names_the_page_found(client):
    response = client.post("/v2/p/ocr/driver-license", json={"image": encoded(render_front_page()), "side": "back"})
    assert response.status_code == 400
    assert response.json()["error_code"] == "AIS.0104"
    assert "front" in response.json()["error_msg"]


def test_a_page_without_a_license_is_ais_0104(client):
    blank = np.full((400, 600, 3), 240, dtype=np.uint8)
    cv2.putText(blank, "hello world", (50, 200), cv2.FONT_HERSHEY_SIMPLEX, 2, (0, 0, 0), 3)
    response = client.post("/v2/p/ocr/driver-license", json={"image": encoded(blank)})
    assert response.status_code == 400 and response.json()["error_code"] == "AIS.0104"


def test_quality_checks_are_measured_when_asked_for(client):
    sharp, blurred = render_front_page(), cv2.GaussianBlur(render_front_page(), (0, 0), 1.5)
    asked = {"detect_blur": True, "detect_glare": True, "detect_border_integrity": True}
    results = [
        client.post("/v2/p/ocr/driver-license", json={"image": encoded(image), **asked}).json()["result"]
        for image in (sharp, blurred)
    ]
    assert [result["detect_blur_result"] for result in results] == [False, True]
    assert set(results[1]["score_info"]) == {"blur_score", "glare_score", "border_integrity_score"}
    assert results[1]["score_info"]["blur_score"] >= 0.5
    plain = client.post("/v2/p/ocr/driver-license", json={"image": encoded(blurred)}).json()["result"]
    assert "score_info" not in plain and "detect_blur_result" not in plain
