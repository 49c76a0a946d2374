"""Readers: callables from image bytes to the API's `result` (or its error), in process or over HTTP.

A reader is any `Callable[[bytes], Prediction]`, so tests hand in a fake one built from known predictions.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.results import LicenseResult, PageResult

DEFAULT_PROJECT = "dlocr"
DEFAULT_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Prediction:
    """What a reader returned for one image: the API-shaped `result`, or an error code and message."""

    result: dict[str, Any] | None
    error_code: str | None = None
    error_msg: str | None = None
    cards: tuple[tuple[str, tuple[tuple[float, float], ...]], ...] | None = None
    """(side, corners clockwise from the upright card's top-left) of each page found: only in-process readers
    know them (the API does not return the card), so only they are scored for card finding."""
    flags: tuple[tuple[bool, bool, bool], ...] | None = None
    """(blurred, glared, border incomplete) as each card page's quality signals say (engine.quality.PROBLEM_SCORE,
    as the API reports them); only in-process readers give them."""


Reader = Callable[[bytes], Prediction]


class ReaderUnavailable(Exception):
    """The reader cannot run at all (no read_license yet, server unreachable): stop with this one-line message."""


def engine_reader() -> Reader:
    """The engine in this process, configured from the DLOCR_* environment, detecting the side itself."""
    from engine.config import EngineConfig
    from engine.errors import EngineError
    from engine.image import decode_image
    from engine.pipeline import Engine
    from engine.quality import PROBLEM_SCORE
    from engine.results import ReadOptions

    engine = Engine(EngineConfig.from_env())
    read_license = getattr(engine, "read_license", None)
    if read_license is None:
        raise ReaderUnavailable(
            "the engine has no read_license yet (engine.pipeline.Engine.read_license); "
            "evaluate a running server with --url instead"
        )
    options = ReadOptions(side=None)

    def read(data: bytes) -> Prediction:
        try:
            result = read_license(decode_image(data), options)
        except EngineError as error:
            return Prediction(result=None, error_code=type(error).__name__, error_msg=str(error), cards=())
        cards = tuple((page.side, page.card_quad) for page in result.pages if page.card_quad is not None)
        flags = tuple(
            (
                page.quality.blur >= PROBLEM_SCORE,
                page.quality.glare >= PROBLEM_SCORE,
                page.quality.border_incomplete >= PROBLEM_SCORE,
            )
            for page in result.pages
            if page.card_quad is not None
        )
        return Prediction(result=license_result_to_api(result), cards=cards, flags=flags)

    return read


def license_result_to_api(result: LicenseResult) -> dict[str, Any]:
    """The engine's result as the API's `result` object asked with `return_confidence`: one page's fields, or
    `front` and `back` for two pages, each page with its `confidence` per field."""
    if len(result.pages) >= 2:
        front, back = result.page("front"), result.page("back")
        return {"front": _page_fields(front) if front else {}, "back": _page_fields(back) if back else {}}
    return _page_fields(result.pages[0]) if result.pages else {}


def _page_fields(page: PageResult) -> dict[str, Any]:
    fields: dict[str, Any] = {
        name: list(field.value) if isinstance(field.value, tuple) else field.value
        for name, field in page.fields.items()
    }
    if page.license_type == "electronic":
        fields.setdefault("type", "electronic")
    fields["confidence"] = {name: field.score for name, field in page.fields.items()}
    return fields


def http_reader(
    url: str, project: str = DEFAULT_PROJECT, side: str | None = None, timeout_s: float = DEFAULT_TIMEOUT_S
) -> Reader:
    """A running server: POST /v2/{project}/ocr/driver-license with the image in base64 (and `side` when given),
    asking for each field's confidence (`return_confidence`, this server's extension of the API)."""
    endpoint = f"{url.rstrip('/')}/v2/{project}/ocr/driver-license"

    def read(data: bytes) -> Prediction:
        body: dict[str, Any] = {"image": base64.b64encode(data).decode("ascii"), "return_confidence": True}
        if side is not None:
            body["side"] = side
        request = urllib.request.Request(
            endpoint, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout_s) as response:
                payload = json.loads(response.read())
        except urllib.error.HTTPError as error:
            return _error_prediction(error.code, error.read())
        except urllib.error.URLError as error:
            raise ReaderUnavailable(f"cannot reach {endpoint}: {error.reason}") from error
        result = payload.get("result") if isinstance(payload, dict) else None
        return Prediction(result=result if isinstance(result, dict) else {})

    return read


def _error_prediction(status: int, body: bytes) -> Prediction:
    """The spec's error body is {"error_code", "error_msg"}; anything else is reported by its HTTP status."""
    try:
        payload = json.loads(body)
    except ValueError:
        payload = None
    if isinstance(payload, dict) and "error_code" in payload:
        return Prediction(result=None, error_code=str(payload["error_code"]), error_msg=str(payload.get("error_msg")))
    return Prediction(result=None, error_code=f"HTTP {status}", error_msg=body[:200].decode("utf-8", "replace"))
