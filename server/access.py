"""The outermost layer of every request: an X-Request-Id, one JSON access-log line, request metrics, and the last
answer to an exception nothing else handled (500 ModelArts.4505, logged with its traceback, never sent)."""

from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.errors import INTERNAL_ERROR, ApiError, error_response
from server.logs import request_id_var
from server.metrics import Metrics

logger = logging.getLogger(__name__)
access_logger = logging.getLogger("server.access")

REQUEST_ID_HEADER = "X-Request-Id"
MAX_ERROR_BODY_BYTES = 4096
LOG_STATE_KEY = "dlocr_log"
"""scope["state"] key of a dict the route fills with what the access line may say (see service.RequestLog)."""


class RequestContext:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        log: dict[str, Any] = {}
        scope.setdefault("state", {})[LOG_STATE_KEY] = log
        status = 0
        error_body = bytearray()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            elif message["type"] == "http.response.body" and status >= 400:
                error_body.extend(message.get("body", b"")[: MAX_ERROR_BODY_BYTES - len(error_body)])
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            logger.exception("unhandled error")
            if status == 0:  # nothing sent yet: the caller still gets the table's JSON
                error_body.clear()
                await error_response(ApiError(INTERNAL_ERROR))(scope, receive, send_with_id)
        finally:
            self._record(scope, status, bytes(error_body), time.perf_counter() - started, log)
            request_id_var.reset(token)

    def _record(self, scope: Scope, status: int, error_body: bytes, seconds: float, log: dict[str, Any]) -> None:
        route = getattr(scope.get("route"), "path", None) or "unmatched"
        error_code = _error_code(error_body) if status >= 400 else None
        self.metrics.requests.labels(route=route, status=str(status)).inc()
        self.metrics.request_seconds.labels(route=route).observe(seconds)
        if error_code:
            self.metrics.errors.labels(error_code=error_code).inc()
        client = scope.get("client")
        access_logger.info(
            "%s %s %s",
            scope["method"],
            route,
            status,
            extra={
                "method": scope["method"],
                "route": route,
                "status": status,
                "error_code": error_code,
                "duration_ms": round(seconds * 1000, 1),
                "client": client[0] if client else None,
                **log,
            },
        )


def _error_code(body: bytes) -> str | None:
    try:
        code = json.loads(body).get("error_code")
    except (ValueError, AttributeError):
        return None
    return code if isinstance(code, str) else None
