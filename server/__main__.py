"""`python -m server [--host H] [--port P]`: uvicorn with DLOCR_WORKERS processes, each building its own engine."""

from __future__ import annotations

import argparse

import uvicorn

from server.settings import DEFAULT_PORT, Settings


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    args = parser.parse_args()
    settings = Settings.from_env()  # fails here, before any worker starts, on a malformed DLOCR_* value
    uvicorn.run(
        "server.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=settings.workers,
        access_log=False,  # the app writes its own JSON access line with the request id
    )


if __name__ == "__main__":
    main()
