"""A bounded queue in front of the engine, so overload is answered 429 at once instead of timing out."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from server.metrics import Metrics


class Overloaded(Exception):
    """Every engine thread is busy and the queue is full (APIG.0308)."""


class EngineGate:
    """A bounded queue in front of the engine: `admit` refuses at once when full, `slot` waits for a thread."""

    def __init__(self, threads: int, max_queue: int, metrics: Metrics) -> None:
        self.capacity = threads + max_queue
        self._admitted = 0
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(threads)
        self._metrics = metrics

    @contextmanager
    def admit(self) -> Iterator[None]:
        with self._lock:
            if self._admitted >= self.capacity:
                raise Overloaded(f"{self.capacity} requests are already running or queued")
            self._admitted += 1
        try:
            yield
        finally:
            with self._lock:
                self._admitted -= 1

    @contextmanager
    def slot(self) -> Iterator[float]:
        """Hold one engine thread; yields the seconds spent waiting for it."""
        started = time.perf_counter()
        self._metrics.queue_depth.inc()
        try:
            self._slots.acquire()
        finally:
            self._metrics.queue_depth.dec()
        waited = time.perf_counter() - started
        self._metrics.in_flight.inc()
        try:
            yield waited
        finally:
            self._metrics.in_flight.dec()
            self._slots.release()
