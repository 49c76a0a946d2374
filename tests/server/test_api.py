"""The request and response contract with plain HTTP clients: routes, strict parameters, absent keys, sides."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from engine.results import ReadOptions
from tests.server.conftest import BACK, ELECTRONIC, FRONT, V1, V2, FakeEngine, image_b64, image_bytes

FRONT_KEYS = {"type", "number", "name", "sex", "nationality", "address", "birth", "issue_date", "class"}
FRONT_KEYS |= {"valid_from", "valid_to"}


@pytest.mark.parametrize(
    "path", [V1, V2, "/v2/%7Bproject_id%7D/ocr/driver-license", "/v2/any-project/ocr/driver-license"]
)
@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json;charset=utf-8", "application/json; charset=UTF-8"]
)
def test_both_routes_answer_the_same(client: TestClient, path: str, content_type: str) -> None:
    body = json.dumps({"image": image_b64(), "side": "front"}).encode()
    response = client.post(path, content=body, headers={"Content-Type": content_type})
    assert response.status_code == 200, response.text
    result = response.json()["result"]
    assert set(result) == FRONT_KEYS  # no issuing_authority unless asked, no empty strings for missing keys
    assert result["class"] == "C1" and result["type"] == "normal"
    assert len(response.headers["X-Request-Id"]) == 32


def test_issuing_authority_only_when_asked(client: TestClient) -> None:
    asked = client.post(V2, json={"image": image_b64(), "return_issuing_authority": True}).json()["result"]
    assert asked["issuing_authority"] == "河北省秦皇岛市公安局交通警察支队"
    not_asked = client.post(V2, json={"image": image_b64(), "return_issuing_authority": False}).json()["result"]
    assert "issuing_authority" not in not_asked


def test_text_location_is_four_integer_corners_per_field_with_a_location(client: TestClient) -> None:
    result = client.post(V2, json={"image": image_b64(), "return_text_location": True}).json()["result"]
    locations = result["text_location"]
    assert locations["name"] == [[100, 80], [200, 80], [200, 100], [100, 100]]
    assert "valid_to" not in locations  # derived from a period in years: it has no place on the card
    assert "issuing_authority" not in locations  # not asked for, so not located either
    assert set(locations) < set(result)
    assert "text_location" not in client.post(V2, json={"image": image_b64()}).json()["result"]


@pytest.mark.parametrize(
    "flag", ["return_issuing_authority", "return_text_location", "return_confidence", "detect_blur"]
)
@pytest.mark.parametrize("value", ["true", "false", 1, 0, "1", [], {}])
def test_flags_are_strict_booleans(client: TestClient, flag: str, value: object) -> None:
    response = client.post(V2, json={"image": image_b64(), flag: value})
    assert response.status_code == 400
    assert response.json()["error_code"] == "AIS.0101"
    assert flag in response.json()["error_msg"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"image": ""},
        {"side": "front"},
        {"image": 12345},
        {"url": ["http://a"]},
        {"image": "aGVsbG8=", "side": "FRONT"},
        {"image": "aGVsbG8=", "side": "both"},
        {"image": "aGVsbG8=", "side": 1},
    ],
)
def test_bad_parameters_are_ais_0101(client: TestClient, body: dict[str, object]) -> None:
    response = client.post(V2, json=body)
    assert (response.status_code, response.json()["error_code"]) == (400, "AIS.0101")


def test_null_and_empty_mean_absent(client: TestClient, engine: FakeEngine) -> None:
    body = {"image": image_b64(), "url": None, "side": "", "return_text_location": None}
    assert client.post(V2, json=body).status_code == 200
    assert engine.calls[-1][1] == ReadOptions(side=None, measure_quality=False, read_authority=False)


@pytest.mark.parametrize("side", ["front", "back", "double_side"])
def test_side_reaches_the_engine(client: TestClient, engine: FakeEngine, side: str) -> None:
    engine.pages = (FRONT, BACK)
    client.post(V2, json={"image": image_b64(), "side": side, "return_adjusted_image": True})
    assert engine.calls[-1][1] == ReadOptions(
        side=side,  # type: ignore[arg-type]
        return_adjusted_image=True,
        measure_quality=False,  # no quality check was asked for: the engine skips measuring them
        read_authority=False,  # nor the authority: the engine skips reading the seal
    )


@pytest.mark.parametrize("flag", ["detect_blur", "detect_glare", "detect_border_integrity"])
def test_a_quality_check_asked_for_has_the_engine_measure_quality(
    client: TestClient, engine: FakeEngine, flag: str
) -> None:
    client.post(V2, json={"image": image_b64(), flag: True})
    assert engine.calls[-1][1].measure_quality


def test_the_authority_asked_for_has_the_engine_read_the_seal(client: TestClient, engine: FakeEngine) -> None:
    client.post(V2, json={"image": image_b64(), "return_issuing_authority": True})
    assert engine.calls[-1][1].read_authority


def test_back_page(client: TestClient, engine: FakeEngine) -> None:
    engine.pages = (BACK,)
    result = client.post(V1, json={"image": image_b64(), "side": "back"}).json()["result"]
    assert result == {
        "type": "normal",
        "number": "150402199902223122",
        "name": "谢乐桃",
        "file_number": "130300123456",
        "record": "实习期至2016年06月18日。",
    }


def test_absent_side_detects_the_page(client: TestClient, engine: FakeEngine) -> None:
    engine.pages = (BACK,)
    result = client.post(V2, json={"image": image_b64()}).json()["result"]
    assert result["record"] and "front" not in result and "back" not in result
    assert engine.calls[-1][1].side is None


def test_double_side_fills_front_back_and_the_top_level_from_the_main_page(
    client: TestClient, engine: FakeEngine
) -> None:
    engine.pages = (BACK, FRONT)
    result = client.post(V2, json={"image": image_b64(), "side": "double_side"}).json()["result"]
    assert result["front"]["class"] == "C1" and result["back"]["file_number"] == "130300123456"
    assert {key: result[key] for key in FRONT_KEYS} == {key: result["front"][key] for key in FRONT_KEYS}
    assert "file_number" not in result  # the top level is the main page, not a merge of both


def test_double_side_with_one_page_found_returns_that_page_only(client: TestClient, engine: FakeEngine) -> None:
    engine.pages = (BACK,)
    result = client.post(V2, json={"image": image_b64(), "side": "double_side"}).json()["result"]
    assert "front" not in result
    assert result["back"]["record"] == result["record"]


def test_both_pages_found_without_side_returns_both_objects(client: TestClient, engine: FakeEngine) -> None:
    engine.pages = (FRONT, BACK)
    result = client.post(V2, json={"image": image_b64()}).json()["result"]
    assert result["name"] == result["front"]["name"] and result["back"]["record"]


def test_electronic_license_status_is_a_list_of_strings(client: TestClient, engine: FakeEngine) -> None:
    engine.pages = (ELECTRONIC,)
    result = client.post(V2, json={"image": image_b64()}).json()["result"]
    assert result["type"] == "electronic"
    assert result["status"] == ["正常"]
    assert result["accumulated_scores"] == "0" and result["generation_date"] and result["current_time"]


def test_extensions_are_opt_in(client: TestClient) -> None:
    plain = client.post(V2, json={"image": image_b64()}).json()["result"]
    assert not {"confidence", "score_info", "adjusted_image", "detect_blur_result"} & set(plain)
    body = {
        "image": image_b64(),
        "return_confidence": True,
        "detect_blur": True,
        "detect_glare": True,
        "detect_border_integrity": True,
        "return_adjusted_image": True,
    }
    result = client.post(V2, json=body).json()["result"]
    assert result["confidence"]["number"] == 0.99 and set(result["confidence"]) == FRONT_KEYS - {"type"}
    assert result["detect_blur_result"] is False and result["detect_glare_result"] is True
    assert result["detect_border_integrity_result"] is False
    assert result["score_info"] == {"blur_score": 0.1, "glare_score": 0.7, "border_integrity_score": 0.05}
    assert base64.b64decode(result["adjusted_image"]) == b"\xff\xd8front"


def test_score_info_holds_only_the_scores_asked_for(client: TestClient) -> None:
    result = client.post(V2, json={"image": image_b64(), "detect_glare": True}).json()["result"]
    assert result["score_info"] == {"glare_score": 0.7} and "detect_blur_result" not in result


@pytest.mark.parametrize(
    "encode",
    [
        lambda data: "data:image/png;base64," + base64.b64encode(data).decode(),
        lambda data: base64.encodebytes(data).decode(),  # line breaks every 76 characters
        lambda data: base64.b64encode(data).decode().replace("+", "%2B").replace("/", "%2F").replace("=", "%3D"),
        lambda data: base64.urlsafe_b64encode(data).decode().rstrip("="),
    ],
    ids=["data-uri", "line-breaks", "url-encoded", "url-safe-unpadded"],
)
def test_base64_as_clients_send_it(client: TestClient, engine: FakeEngine, encode: Callable[[bytes], str]) -> None:
    response = client.post(V2, json={"image": encode(image_bytes(321, 203))})
    assert response.status_code == 200, response.text
    assert engine.calls[-1][0] == (203, 321, 3)


@pytest.mark.parametrize("ext", [".jpg", ".png", ".bmp", ".tiff"])
def test_accepted_formats(client: TestClient, ext: str) -> None:
    assert client.post(V2, json={"image": image_b64(ext=ext)}).status_code == 200


def test_base64_over_10_mb_is_ais_0103(client: TestClient) -> None:
    response = client.post(V2, json={"image": "A" * (10 * 1024 * 1024 + 4)})
    assert (response.status_code, response.json()["error_code"]) == (400, "AIS.0103")


def test_openapi_describes_the_real_schema(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert "class" in schemas["LicensePage"]["properties"] and "class_" not in schemas["LicensePage"]["properties"]
    request_schema = schemas["DriverLicenseRequest"]["properties"]
    assert request_schema["return_text_location"]["type"] == "boolean"
    assert set(request_schema["side"]["anyOf"][0]["enum"]) == {"front", "back", "double_side"}
    operation = document["paths"]["/v2/{project_id}/ocr/driver-license"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("DriverLicenseRequest")
    assert {"200", "400", "401", "413", "429", "500"} <= set(operation["responses"])
