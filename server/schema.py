"""The API's request and response bodies as pydantic models: what is validated, and what /openapi.json shows."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

FLAGS = (
    "return_issuing_authority",
    "return_text_location",
    "return_confidence",
    "detect_blur",
    "detect_glare",
    "detect_border_integrity",
    "return_adjusted_image",
)


class DriverLicenseRequest(BaseModel):
    """Huawei's DriverLicenseRequestBody plus opt-in extensions. Types are strict: `"true"` is not a boolean."""

    model_config = ConfigDict(strict=True, extra="ignore")

    image: str | None = Field(
        None,
        description="Base64 JPEG/PNG/BMP/TIFF, at most 10 MB of base64; a data:image/...;base64, prefix and line "
        "breaks are accepted. Exactly one of image and url.",
    )
    url: str | None = Field(
        None, description="http(s) URL of the image; only hosts in DLOCR_URL_ALLOWLIST. Exactly one of image and url."
    )
    side: Literal["front", "back", "double_side"] | None = Field(
        None,
        description="front (main page), back (副页) or double_side (both pages in one image). "
        "Absent or empty: the page is detected.",
    )
    return_issuing_authority: bool = Field(False, description="Return issuing_authority.")
    return_text_location: bool = Field(False, description="Return text_location: each field's four corners.")
    return_confidence: bool = Field(False, description="Extension: return confidence, a score in [0, 1] per field.")
    detect_blur: bool = Field(False, description="Extension: return detect_blur_result and score_info.blur_score.")
    detect_glare: bool = Field(False, description="Extension: return detect_glare_result and score_info.glare_score.")
    detect_border_integrity: bool = Field(
        False,
        description="Extension: return detect_border_integrity_result (true: border incomplete) and "
        "score_info.border_integrity_score.",
    )
    return_adjusted_image: bool = Field(
        False, description="Extension: return adjusted_image, the rectified card as base64 JPEG."
    )

    @field_validator("image", "url", "side", mode="before")
    @classmethod
    def _empty_is_absent(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator(*FLAGS, mode="before")
    @classmethod
    def _null_is_false(cls, value: Any) -> Any:
        return False if value is None else value

    @model_validator(mode="after")
    def _one_source(self) -> DriverLicenseRequest:
        if (self.image is None) == (self.url is None):
            raise ValueError("exactly one of image and url must be given")
        return self


class ScoreInfo(BaseModel):
    """In the ID-card API's style: each score in [0, 1], higher means the problem is more likely present."""

    blur_score: float | None = None
    glare_score: float | None = None
    border_integrity_score: float | None = None


class LicensePage(BaseModel):
    """One page's keys (DriverLicenseFront / DriverLicenseBack); keys the page does not have are absent."""

    model_config = ConfigDict(populate_by_name=True)

    type: Literal["normal", "electronic"] | None = Field(None, description="normal: paper; electronic: 12123 app.")
    number: str | None = None
    name: str | None = None
    sex: str | None = None
    nationality: str | None = None
    address: str | None = None
    birth: str | None = None
    issue_date: str | None = None
    class_: str | None = Field(None, alias="class", description="准驾车型, e.g. C1.")
    valid_from: str | None = None
    valid_to: str | None = None
    issuing_authority: str | None = Field(None, description="Only with return_issuing_authority=true.")
    file_number: str | None = None
    record: str | None = None
    accumulated_scores: str | None = Field(None, description="Electronic license only.")
    status: list[str] | None = Field(None, description="Electronic license only.")
    generation_date: str | None = Field(None, description="Electronic license only.")
    current_time: str | None = Field(None, description="Electronic license only.")
    text_location: dict[str, list[list[int]]] | None = Field(
        None,
        description="Only with return_text_location=true: field -> four [x, y] corners in original-image pixels, "
        "clockwise from top-left.",
    )
    confidence: dict[str, float] | None = Field(None, description="Extension: field -> score in [0, 1].")
    detect_blur_result: bool | None = None
    detect_glare_result: bool | None = None
    detect_border_integrity_result: bool | None = None
    score_info: ScoreInfo | None = None
    adjusted_image: str | None = Field(None, description="Extension: the rectified card, base64 JPEG.")


class DriverLicenseResult(LicensePage):
    """Top level: the main page's keys (or the back page's if only it was found), plus front/back for both pages."""

    front: LicensePage | None = Field(None, description="double_side, or both pages found: the main page.")
    back: LicensePage | None = Field(None, description="double_side, or both pages found: the back page (副页).")


class DriverLicenseResponse(BaseModel):
    result: DriverLicenseResult


class ErrorBody(BaseModel):
    error_code: str
    error_msg: str


class Project(BaseModel):
    id: str
    name: str
    enabled: bool = True


class ProjectList(BaseModel):
    projects: list[Project]
