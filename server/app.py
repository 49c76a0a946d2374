"""The app factory: settings, the engine built once in the lifespan, middleware, error handlers and routes.

`uvicorn server.app:create_app --factory` serves it; `python -m server` does the same with DLOCR_WORKERS processes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from engine import __version__
from server.access import RequestContext
from server.auth import Authenticator
from server.errors import install_handlers
from server.fetch import Allowlist, UrlFetcher
from server.gate import EngineGate
from server.logs import configure_logging
from server.metrics import Metrics
from server.routes import api, router
from server.schema import DriverLicenseRequest
from server.service import LicenseEngine, LicenseService
from server.settings import Settings

THREADPOOL_HEADROOM = 8
"""Threads beyond the engine gate's capacity, so health checks and refusals never wait behind queued work."""


def build_engine() -> LicenseEngine:
    from engine import Engine, EngineConfig  # here, not at import: only serving needs the models

    return Engine(EngineConfig.from_env())


def create_app(settings: Settings | None = None, engine_factory: Callable[[], LicenseEngine] | None = None) -> FastAPI:
    """`engine_factory` runs once at start-up, in a thread (tests pass a fake); the default is the real engine."""
    settings = settings or Settings.from_env()
    metrics = Metrics()
    gate = EngineGate(settings.engine_threads, settings.max_queue, metrics)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging()
        engine = await anyio.to_thread.run_sync(engine_factory or build_engine)
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = max(limiter.total_tokens, gate.capacity + THREADPOOL_HEADROOM)
        fetcher = UrlFetcher(Allowlist(settings.url_allowlist))
        app.state.service = LicenseService(engine, gate, fetcher, metrics, log_fields=settings.log_fields)
        yield
        app.state.service = None

    app = FastAPI(
        title="dlocr",
        version=__version__,
        description="Chinese driving-license OCR, wire-compatible with Huawei Cloud OCR's driver-license API.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.metrics = metrics
    app.state.authenticator = Authenticator(settings.tokens, settings.access_keys)
    app.state.service = None
    install_handlers(app)
    app.include_router(api)
    app.include_router(router)
    app.add_middleware(RequestContext, metrics=metrics)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            schema.setdefault("components", {}).setdefault("schemas", {})["DriverLicenseRequest"] = (
                DriverLicenseRequest.model_json_schema(ref_template="#/components/schemas/{model}")
            )
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
