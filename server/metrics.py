"""Prometheus metrics: requests and errors by code, latency per stage, engine queue depth. Never field values.

Each app gets its own registry (tests build many apps). With several worker processes, set PROMETHEUS_MULTIPROC_DIR
to an empty directory and /metrics aggregates every worker (prometheus-client's multiprocess mode).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

LATENCY_BUCKETS_S = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "dlocr_requests",
            "Requests answered, by route and HTTP status.",
            ["route", "status"],
            registry=self.registry,
        )
        self.errors = Counter("dlocr_errors", "Error answers, by error_code.", ["error_code"], registry=self.registry)
        self.request_seconds = Histogram(
            "dlocr_request_duration_seconds",
            "Time from request to response, by route.",
            ["route"],
            buckets=LATENCY_BUCKETS_S,
            registry=self.registry,
        )
        self.stage_seconds = Histogram(
            "dlocr_stage_duration_seconds",
            "Time per stage: the server's (fetch, decode, queue_wait, engine) and the engine's own timings_ms.",
            ["stage"],
            buckets=LATENCY_BUCKETS_S,
            registry=self.registry,
        )
        self.queue_depth = Gauge(
            "dlocr_queue_depth",
            "Requests waiting for an engine thread.",
            registry=self.registry,
            multiprocess_mode="livesum",
        )
        self.in_flight = Gauge(
            "dlocr_engine_in_flight",
            "Requests the engine is running.",
            registry=self.registry,
            multiprocess_mode="livesum",
        )

    def observe_stages(self, timings_ms: Mapping[str, float]) -> None:
        for stage, milliseconds in timings_ms.items():
            self.stage_seconds.labels(stage=stage).observe(milliseconds / 1000.0)

    def render(self) -> bytes:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            registry = CollectorRegistry()
            MultiProcessCollector(registry)
            return generate_latest(registry)
        return generate_latest(self.registry)
