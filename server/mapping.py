"""LicenseResult -> the API's JSON: which page goes where, which keys are returned, and in what shape.

Decisions where Huawei's documents are silent (also in the README):
- The top-level keys are always those of one page: the main page if it was found, else the back page. So code
  written for side=front keeps working with double_side or with a detected side.
- `front` and `back` objects are added for double_side, and whenever the engine found both pages. For double_side
  with only one page found the answer is still 200 with only that page's object; the missing one is absent.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from engine.quality import PROBLEM_SCORE
from engine.results import LicenseResult, PageResult, Quad
from server.schema import DriverLicenseRequest, DriverLicenseResponse, DriverLicenseResult, LicensePage

PAGE_FIELDS = frozenset(
    field.alias or name
    for name, field in LicensePage.model_fields.items()
    if name
    not in {
        "type",
        "text_location",
        "confidence",
        "detect_blur_result",
        "detect_glare_result",
        "detect_border_integrity_result",
        "score_info",
        "adjusted_image",
    }
)
"""The recognized-value keys a page may carry; anything else the engine returns is not part of the API."""

SCORE_DECIMALS = 4


@dataclass(frozen=True)
class OutputOptions:
    """What the caller asked to see, taken from the request once."""

    issuing_authority: bool = False
    text_location: bool = False
    confidence: bool = False
    blur: bool = False
    glare: bool = False
    border_integrity: bool = False
    adjusted_image: bool = False

    @classmethod
    def from_request(cls, request: DriverLicenseRequest) -> OutputOptions:
        return cls(
            issuing_authority=request.return_issuing_authority,
            text_location=request.return_text_location,
            confidence=request.return_confidence,
            blur=request.detect_blur,
            glare=request.detect_glare,
            border_integrity=request.detect_border_integrity,
            adjusted_image=request.return_adjusted_image,
        )


def to_response(result: LicenseResult, double_side: bool, options: OutputOptions) -> DriverLicenseResponse:
    """The engine raised already if no page (or not the requested page) was found, so `result.pages` is not empty."""
    front, back = result.page("front"), result.page("back")
    primary = front or back or result.pages[0]
    body: dict[str, Any] = page_json(primary, options)
    if double_side or (front is not None and back is not None):
        for side, page in (("front", front), ("back", back)):
            if page is not None:
                body[side] = page_json(page, options)
    return DriverLicenseResponse(result=DriverLicenseResult.model_validate(body))


def page_json(page: PageResult, options: OutputOptions) -> dict[str, Any]:
    """One page as the API's keys (by alias: `class`), only the keys the page has and the caller asked for."""
    fields = {
        key: value
        for key, value in page.fields.items()
        if key in PAGE_FIELDS and (options.issuing_authority or key != "issuing_authority")
    }
    body: dict[str, Any] = {"type": page.license_type}
    body.update({key: list(value.value) if key == "status" else value.value for key, value in fields.items()})
    if options.text_location:
        body["text_location"] = {key: _corners(value.quad) for key, value in fields.items() if value.quad is not None}
    if options.confidence:
        body["confidence"] = {key: round(value.score, SCORE_DECIMALS) for key, value in fields.items()}
    body.update(_quality_json(page, options))
    if options.adjusted_image and page.adjusted_jpeg is not None:
        body["adjusted_image"] = base64.b64encode(page.adjusted_jpeg).decode("ascii")
    return body


def _quality_json(page: PageResult, options: OutputOptions) -> dict[str, Any]:
    checks = (
        (options.blur, "detect_blur_result", "blur_score", page.quality.blur),
        (options.glare, "detect_glare_result", "glare_score", page.quality.glare),
        (
            options.border_integrity,
            "detect_border_integrity_result",
            "border_integrity_score",
            page.quality.border_incomplete,
        ),
    )
    body: dict[str, Any] = {}
    scores: dict[str, float] = {}
    for asked, result_key, score_key, score in checks:
        if asked:
            body[result_key] = score >= PROBLEM_SCORE
            scores[score_key] = round(score, SCORE_DECIMALS)
    if scores:
        body["score_info"] = scores
    return body


def _corners(quad: Quad) -> list[list[int]]:
    """Four [x, y] corners in original-image pixels, clockwise from top-left, as the engine's quads already are."""
    return [[round(x), round(y)] for x, y in quad]
