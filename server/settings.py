"""The server's settings, typed and read from DLOCR_* environment variables in one place, with their defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from engine.config import _non_negative_int as non_negative_int

DEFAULT_PORT = 8080
DEFAULT_PROJECT_ID = "dlocr-local"
QUEUE_PER_ENGINE_THREAD = 4
"""DLOCR_MAX_QUEUE defaults to this many waiting requests per engine thread: a few seconds of work, not minutes."""
MAX_ENGINE_THREADS_DEFAULT = 4


@dataclass(frozen=True)
class Settings:
    tokens: frozenset[str] = frozenset()
    """DLOCR_TOKENS=tok1,tok2: accepted X-Auth-Token values."""
    access_keys: Mapping[str, str] = field(default_factory=dict)
    """DLOCR_ACCESS_KEYS=AK1:SK1,AK2:SK2: access key -> secret key for SDK-HMAC-SHA256 signatures."""
    url_allowlist: tuple[str, ...] = ()
    """DLOCR_URL_ALLOWLIST=host,*.example.com,10.0.0.0/8,*: where `url` may fetch from; empty turns `url` off."""
    engine_threads: int = 1
    """DLOCR_ENGINE_THREADS: requests the engine runs at once in one process (default min(4, CPU cores))."""
    max_queue: int = QUEUE_PER_ENGINE_THREAD
    """DLOCR_MAX_QUEUE: requests that may wait for an engine thread; one more is answered 429 APIG.0308 at once."""
    workers: int = 1
    """DLOCR_WORKERS: server processes (`python -m server`), each with its own engine."""
    log_fields: bool = False
    """DLOCR_LOG_FIELDS=1: put recognized field values in the access log (off: logs hold no personal data)."""
    project_id: str = DEFAULT_PROJECT_ID
    """DLOCR_PROJECT_ID: the project id `GET /v3/projects` hands to an SDK configured with a region only."""

    @property
    def auth_enabled(self) -> bool:
        return bool(self.tokens or self.access_keys)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        engine_threads = _positive_int(
            env, "DLOCR_ENGINE_THREADS", min(MAX_ENGINE_THREADS_DEFAULT, os.cpu_count() or 1)
        )
        return cls(
            tokens=frozenset(_list(env, "DLOCR_TOKENS")),
            access_keys=_access_keys(env.get("DLOCR_ACCESS_KEYS", "")),
            url_allowlist=tuple(_list(env, "DLOCR_URL_ALLOWLIST")),
            engine_threads=engine_threads,
            max_queue=_non_negative_int(env, "DLOCR_MAX_QUEUE", QUEUE_PER_ENGINE_THREAD * engine_threads),
            workers=_positive_int(env, "DLOCR_WORKERS", 1),
            log_fields=env.get("DLOCR_LOG_FIELDS", "").strip().lower() in ("1", "true", "yes", "on"),
            project_id=env.get("DLOCR_PROJECT_ID", "").strip() or DEFAULT_PROJECT_ID,
        )


def _list(env: Mapping[str, str], name: str) -> list[str]:
    return [item.strip() for item in env.get(name, "").split(",") if item.strip()]


def _access_keys(text: str) -> dict[str, str]:
    keys: dict[str, str] = {}
    for pair in (item.strip() for item in text.split(",")):
        if not pair:
            continue
        access_key, sep, secret_key = pair.partition(":")
        if not sep or not access_key.strip() or not secret_key.strip():
            raise ValueError("DLOCR_ACCESS_KEYS must be AK:SK pairs separated by commas, e.g. AK1:SK1,AK2:SK2")
        keys[access_key.strip()] = secret_key.strip()
    return keys


def _non_negative_int(env: Mapping[str, str], name: str, default: int) -> int:
    return non_negative_int(env, name) if env.get(name, "").strip() else default


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    value = _non_negative_int(env, name, default)
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")
    return value
