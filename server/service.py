"""The recognition pipeline behind the routes: validate -> (fetch | base64) -> decode -> engine -> map.

The engine is anything with `read_license` (typing.Protocol), so tests inject a fake that returns constructed
LicenseResults; the app's lifespan builds the real engine.Engine once.
"""

from __future__ import annotations

import base64
import binascii
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar
from urllib.parse import unquote

from engine.image import BGRImage, decode_image
from engine.results import LicenseResult, ReadOptions
from server.errors import ApiError
from server.fetch import UrlFetcher
from server.gate import EngineGate
from server.mapping import OutputOptions, to_response
from server.metrics import Metrics
from server.schema import DriverLicenseRequest, DriverLicenseResponse

MAX_BASE64_CHARS = 10 * 1024 * 1024
"""Huawei: the base64 string may be at most 10 MB."""
_DATA_URI_PREFIX = re.compile(r"^data:[\w.+-]*/?[\w.+-]*;base64,", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")
_URL_SAFE = str.maketrans("-_", "+/")
T = TypeVar("T")


class LicenseEngine(Protocol):
    """What the server needs from the engine; engine.Engine satisfies it, and so does a test's fake."""

    def read_license(self, image: BGRImage, options: ReadOptions) -> LicenseResult: ...


@dataclass
class LicenseService:
    engine: LicenseEngine
    gate: EngineGate
    fetcher: UrlFetcher
    metrics: Metrics
    log_fields: bool = False

    def recognize(self, request: DriverLicenseRequest, log: dict[str, Any]) -> DriverLicenseResponse:
        log["side"] = request.side or "auto"
        with self.gate.admit():
            data = self._image_bytes(request, log)
            with self.gate.slot() as waited:
                self.metrics.stage_seconds.labels(stage="queue_wait").observe(waited)
                image = self._timed("decode", lambda: decode_image(data))
                options = ReadOptions(
                    side=request.side,
                    return_adjusted_image=request.return_adjusted_image,
                    measure_quality=request.detect_blur or request.detect_glare or request.detect_border_integrity,
                    read_authority=request.return_issuing_authority,
                )
                result = self._timed("engine", lambda: self.engine.read_license(image, options))
        self.metrics.observe_stages(result.timings_ms)
        response = to_response(result, request.side == "double_side", OutputOptions.from_request(request))
        log["pages"] = [f"{page.side}/{page.license_type}" for page in result.pages]
        if self.log_fields:
            log["result"] = response.model_dump(mode="json", by_alias=True, exclude_none=True)["result"]
        return response

    def _image_bytes(self, request: DriverLicenseRequest, log: dict[str, Any]) -> bytes:
        if request.url is not None:
            log["source"] = "url"
            data = self._timed("fetch", lambda: self.fetcher.fetch(request.url or ""))
        else:
            log["source"] = "image"
            data = decode_base64(request.image or "")
        log["image_bytes"] = len(data)
        return data

    def _timed(self, stage: str, work: Callable[[], T]) -> T:
        started = time.perf_counter()
        try:
            return work()
        finally:
            self.metrics.stage_seconds.labels(stage=stage).observe(time.perf_counter() - started)


def decode_base64(text: str) -> bytes:
    """Base64 as clients really send it: a data URI prefix, line breaks, URL-encoding, URL-safe letters, no padding."""
    text = _DATA_URI_PREFIX.sub("", text.strip(), count=1)
    if "%" in text:  # '%' is never base64: the string was URL-encoded (Baidu's API asks for that)
        text = unquote(text)
    text = _WHITESPACE.sub("", text)
    if len(text) > MAX_BASE64_CHARS:
        raise ApiError("AIS.0103", "The base64 image is larger than 10 MB.")
    text = text.translate(_URL_SAFE) + "=" * (-len(text) % 4)
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise ApiError("AIS.0102", "The image is not valid base64.") from error
