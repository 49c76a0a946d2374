"""The one error table: every error code the API answers with, its HTTP status and message, and the handlers.

Codes and messages are Huawei Cloud OCR's (see shared/reference/cloud-apis.md §3), so SDK users can keep their
error handling. A message may carry a detail after the table's text; the code is what clients should match on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from engine.errors import (
    EngineFault,
    ImageSizeOutOfRange,
    InvalidInput,
    NoLicenseFound,
    RecognitionFailed,
    WrongSide,
)
from server.fetch import FetchFailed, FetchTooLarge, UrlRefused
from server.gate import Overloaded

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ErrorSpec:
    status: int
    message: str


ERRORS: dict[str, ErrorSpec] = {
    "AIS.0101": ErrorSpec(400, "The input parameter is invalid."),
    "AIS.0102": ErrorSpec(400, "The image format is not supported."),
    "AIS.0103": ErrorSpec(400, "The image size does not meet the requirements."),
    "AIS.0104": ErrorSpec(400, "The image is not supported or the image quality is poor."),
    "AIS.0105": ErrorSpec(400, "Recognition failed."),
    "ModelArts.4105": ErrorSpec(400, "The JSON format of the input data is incorrect."),
    "ModelArts.4505": ErrorSpec(500, "Backend service internal error."),
    "ModelArts.4508": ErrorSpec(503, "Service not start."),
    "ModelArts.4601": ErrorSpec(400, "The URL is not allowed."),
    "ModelArts.4603": ErrorSpec(400, "Obtaining the file from the URL failed."),
    "APIG.0101": ErrorSpec(404, "The API does not exist or has not been published in the environment."),
    "APIG.0201": ErrorSpec(413, "Request entity too large."),
    "APIG.0301": ErrorSpec(401, "Incorrect IAM authentication information:"),
    "APIG.0308": ErrorSpec(429, "The throttling threshold has been reached: policy user over ratelimit"),
}
INTERNAL_ERROR = "ModelArts.4505"
"""Our fault (engine fault, a bug): 500 so clients and monitors see a server error; the body never holds a traceback."""


class ApiError(Exception):
    """An answer from the table; `detail` is appended to the table's message and must hold no field values."""

    def __init__(self, code: str, detail: str = "") -> None:
        if code not in ERRORS:
            raise KeyError(f"{code} is not in the error table")
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail

    @property
    def status(self) -> int:
        return ERRORS[self.code].status

    @property
    def message(self) -> str:
        base = ERRORS[self.code].message
        return f"{base} {self.detail}" if self.detail else base


EXCEPTION_CODES: tuple[tuple[type[Exception], str], ...] = (
    (WrongSide, "AIS.0104"),
    (NoLicenseFound, "AIS.0104"),
    (ImageSizeOutOfRange, "AIS.0103"),
    (InvalidInput, "AIS.0102"),  # UnsupportedFormat, and any other input the engine cannot decode
    (RecognitionFailed, "AIS.0105"),
    (EngineFault, INTERNAL_ERROR),  # a model file or inference failed: logged with its traceback
    (UrlRefused, "ModelArts.4601"),
    (FetchFailed, "ModelArts.4603"),
    (FetchTooLarge, "AIS.0103"),
    (Overloaded, "APIG.0308"),
)
"""The engine's, the fetcher's and the gate's exceptions, most specific first, onto the table's codes."""


def api_error(error: Exception) -> ApiError | None:
    """The table's answer to an exception, or None if it is not one we raise on purpose."""
    if isinstance(error, ApiError):
        return error
    code = next((code for kind, code in EXCEPTION_CODES if isinstance(error, kind)), None)
    if code is None:
        return None
    if isinstance(error, WrongSide):
        return ApiError(code, f"The image shows the {error.found} page, not the {error.requested} page asked for.")
    if isinstance(error, NoLicenseFound):
        return ApiError(code, "No driving license was found in the image.")
    if code == INTERNAL_ERROR:
        return ApiError(code)  # our own fault: the details go to the log, not to the caller
    if isinstance(error, Overloaded):
        return ApiError(code, f"({error}); retry in a few seconds.")
    return ApiError(code, _sentence(str(error)))


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".") if text else ""


def error_response(error: ApiError, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        {"error_code": error.code, "error_msg": error.message}, status_code=error.status, headers=headers
    )


def install_handlers(app: FastAPI) -> None:
    """Turn ApiError and Starlette's own 404/405 into table answers. Anything else is caught by RequestContext."""

    async def on_known_error(_: Request, error: Exception) -> JSONResponse:
        answer = api_error(error)
        assert answer is not None
        if answer.code == INTERNAL_ERROR:
            logger.error("internal error: %s", type(error).__name__, exc_info=error)
        return error_response(answer)

    async def on_http_error(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, StarletteHTTPException)
        if error.status_code in (404, 405):
            return error_response(ApiError("APIG.0101"))
        logger.warning("unexpected HTTP exception %s: %s", error.status_code, error.detail)
        return error_response(ApiError("AIS.0101"))

    async def on_validation_error(_: Request, error: Exception) -> JSONResponse:
        return error_response(ApiError("AIS.0101", "A path or query parameter is invalid."))

    app.add_exception_handler(RequestValidationError, on_validation_error)
    kinds: list[type[Exception]] = [ApiError, *(kind for kind, _ in EXCEPTION_CODES)]
    for kind in kinds:
        app.add_exception_handler(kind, on_known_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
