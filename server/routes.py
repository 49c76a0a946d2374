"""The HTTP routes and their dependencies: body (size-capped), authentication, parsing, and the service."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError

from server.access import LOG_STATE_KEY
from server.auth import Authenticator, SignedRequest
from server.errors import ERRORS, ApiError
from server.metrics import Metrics
from server.schema import DriverLicenseRequest, DriverLicenseResponse, ErrorBody, Project, ProjectList
from server.service import LicenseService
from server.settings import Settings

MAX_BODY_BYTES = 12 * 1024 * 1024
"""APIG refuses bodies over 12 MB (413 APIG.0201): 10 MB of base64 plus room for the rest of the JSON."""
DEFAULT_REGION = "cn-north-4"

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "model": ErrorBody,
        "description": ", ".join(code for code, spec in ERRORS.items() if spec.status == status),
    }
    for status in sorted({spec.status for spec in ERRORS.values()})
}
REQUEST_BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DriverLicenseRequest"}}},
    }
}


async def read_body(request: Request) -> bytes:
    """The raw body, refused past MAX_BODY_BYTES without reading it all. AK/SK signs these exact bytes."""
    too_large = ApiError("APIG.0201", f"The body is larger than {MAX_BODY_BYTES // (1024 * 1024)} MB.")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


async def authenticate(request: Request, body: Annotated[bytes, Depends(read_body)]) -> None:
    authenticator: Authenticator = request.app.state.authenticator
    identity = authenticator.authenticate(
        SignedRequest(
            method=request.method,
            path=request.scope.get("raw_path", request.url.path.encode()).decode("latin-1").split("?")[0],
            query=request.scope.get("query_string", b"").decode("latin-1"),
            headers=request.headers,
            body=body,
        )
    )
    if identity is not None:
        access_log(request)["caller"] = identity


def access_log(request: Request) -> dict[str, Any]:
    """What this request's access-log line may say beyond method, route and status (see server.access)."""
    log: dict[str, Any] = request.scope.setdefault("state", {}).setdefault(LOG_STATE_KEY, {})
    return log


def parse_license_request(body: Annotated[bytes, Depends(read_body)]) -> DriverLicenseRequest:
    """JSON that does not parse is ModelArts.4105; JSON of the wrong shape or types is AIS.0101."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError) as error:  # ValueError covers bad UTF-8; RecursionError, absurd nesting
        raise ApiError("ModelArts.4105") from error
    if not isinstance(payload, dict):
        raise ApiError("AIS.0101", "The body must be a JSON object.")
    try:
        return DriverLicenseRequest.model_validate(payload)
    except ValidationError as error:
        raise ApiError("AIS.0101", _describe(error)) from error


def _describe(error: ValidationError) -> str:
    """The first problem, naming the parameter but never echoing its value (it may be 10 MB of base64)."""
    first = error.errors(include_input=False, include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"])
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}." if where else f"{message[:1].upper()}{message[1:]}."


def get_service(request: Request) -> LicenseService:
    service: LicenseService | None = getattr(request.app.state, "service", None)
    if service is None:
        raise ApiError("ModelArts.4508", "The engine is still loading.")
    return service


router = APIRouter()
api = APIRouter(dependencies=[Depends(authenticate)], responses=ERROR_RESPONSES)


RECOGNIZE_ROUTE: dict[str, Any] = {
    "response_model": DriverLicenseResponse,
    "response_model_exclude_none": True,
    "openapi_extra": REQUEST_BODY_DOC,
    "summary": "Recognize a driving license (机动车驾驶证)",
}


@api.post("/v2/{project_id}/ocr/driver-license", **RECOGNIZE_ROUTE)
def recognize_driver_license(
    project_id: str,
    service: Annotated[LicenseService, Depends(get_service)],
    body: Annotated[DriverLicenseRequest, Depends(parse_license_request)],
    log: Annotated[dict[str, Any], Depends(access_log)],
) -> DriverLicenseResponse:
    """Huawei Cloud OCR's RecognizeDriverLicense; any project id is accepted."""
    return service.recognize(body, log)


@api.post("/v1.0/ocr/driver-license", **RECOGNIZE_ROUTE)
def recognize_driver_license_v1(
    service: Annotated[LicenseService, Depends(get_service)],
    body: Annotated[DriverLicenseRequest, Depends(parse_license_request)],
    log: Annotated[dict[str, Any], Depends(access_log)],
) -> DriverLicenseResponse:
    """The legacy path, same body and answer, for clients written before the v2 API."""
    return service.recognize(body, log)


@api.get("/v3/projects", response_model=ProjectList)
def list_projects(request: Request, name: str | None = None) -> ProjectList:
    """IAM's project list, so an SDK configured with a region but no project id finds one."""
    settings: Settings = request.app.state.settings
    return ProjectList(projects=[Project(id=settings.project_id, name=name or DEFAULT_REGION)])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """Alive: the process answers."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"model": ErrorBody}})
def readyz(request: Request) -> Response:
    """Ready: the engine's models are loaded and requests are served."""
    if getattr(request.app.state, "service", None) is None:
        return JSONResponse({"status": "loading"}, status_code=503)
    return JSONResponse({"status": "ready"})


@router.get("/metrics", response_class=Response)
def metrics(request: Request) -> Response:
    """Prometheus text format."""
    registry: Metrics = request.app.state.metrics
    return Response(registry.render(), media_type="text/plain; version=0.0.4; charset=utf-8")
