"""The official Huawei Cloud Python SDK (huaweicloudsdkocr 3.1.219) against a real uvicorn server on 127.0.0.1,
signing with AK/SK as it always does (shared/reference/cloud-apis.md §9, option A: an explicit endpoint)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkocr.v1 import DriverLicenseRequestBody, OcrClient, RecognizeDriverLicenseRequest

from server.settings import Settings
from tests.server.conftest import BACK, ELECTRONIC, FRONT, FakeEngine, LiveServer, image_b64

ACCESS_KEY, SECRET_KEY = "SDKTESTAK", "SDKTESTSK"


@pytest.fixture(scope="module")
def server(live_server_factory: Callable[..., LiveServer]) -> LiveServer:
    return live_server_factory(Settings(access_keys={ACCESS_KEY: SECRET_KEY}), FakeEngine(pages=(FRONT, BACK)))


def ocr_client(server: LiveServer, secret_key: str = SECRET_KEY) -> OcrClient:
    credentials = BasicCredentials(ACCESS_KEY, secret_key, "proj0123")
    return OcrClient.new_builder().with_credentials(credentials).with_endpoints([server.url]).build()


def recognize(client: OcrClient, **body: object) -> object:
    request = RecognizeDriverLicenseRequest(body=DriverLicenseRequestBody(**body))
    return client.recognize_driver_license(request)


def test_front(server: LiveServer) -> None:
    response = recognize(ocr_client(server), image=image_b64(), side="front", return_issuing_authority=True)
    result = response.result
    assert (result.name, result._class, result.type) == ("谢乐桃", "C1", "normal")
    assert result.issuing_authority == "河北省秦皇岛市公安局交通警察支队"
    assert result.file_number is None and result.front is None
    assert len(response.x_request_id) == 32


def test_back_with_text_location(server: LiveServer) -> None:
    result = recognize(ocr_client(server), image=image_b64(), side="back", return_text_location=True).result
    assert result.file_number == "130300123456" and result.record == "实习期至2016年06月18日。"
    assert result.text_location["record"] == [[100, 410], [200, 410], [200, 430], [100, 430]]
    assert result.sex is None


def test_double_side(server: LiveServer) -> None:
    result = recognize(ocr_client(server), image=image_b64(), side="double_side").result
    assert result.front.number == result.back.number == "150402199902223122"
    assert result.front._class == "C1" and result.back.file_number == "130300123456"
    assert result.name == "谢乐桃"


def test_electronic_status_list(live_server_factory: Callable[..., LiveServer]) -> None:
    server = live_server_factory(Settings(access_keys={ACCESS_KEY: SECRET_KEY}), FakeEngine(pages=(ELECTRONIC,)))
    result = recognize(ocr_client(server), image=image_b64()).result
    assert result.status == ["正常"] and result.type == "electronic"


def test_wrong_secret_key_is_apig_0301(server: LiveServer) -> None:
    with pytest.raises(ClientRequestException) as raised:
        recognize(ocr_client(server, secret_key="WRONG"), image=image_b64(), side="front")
    assert (raised.value.status_code, raised.value.error_code) == (401, "APIG.0301")
    assert raised.value.request_id


def test_invalid_image_is_ais_0102(server: LiveServer) -> None:
    with pytest.raises(ClientRequestException) as raised:
        recognize(ocr_client(server), image="bm90IGFuIGltYWdl", side="front")  # base64 of "not an image"
    assert (raised.value.status_code, raised.value.error_code) == (400, "AIS.0102")


def test_region_without_project_id_finds_one_through_iam(server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from huaweicloudsdkocr.v1.region.ocr_region import OcrRegion

    monkeypatch.setenv("HUAWEICLOUD_SDK_IAM_ENDPOINT", server.url)
    monkeypatch.setenv("HUAWEICLOUD_SDK_REGION_OCR_CN_NORTH_4", server.url)
    client = (
        OcrClient.new_builder()
        .with_credentials(BasicCredentials(ACCESS_KEY, SECRET_KEY))
        .with_region(OcrRegion.value_of("cn-north-4"))
        .build()
    )
    assert recognize(client, image=image_b64(), side="front").result.name == "谢乐桃"
