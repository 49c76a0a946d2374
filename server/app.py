"""The HTTP service. For now only liveness; the driver-license routes arrive with the API issue."""

from __future__ import annotations

from fastapi import FastAPI

from engine import __version__


def create_app() -> FastAPI:
    app = FastAPI(title="dlocr", version=__version__)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
