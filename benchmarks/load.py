"""Load generator for a running server: a fixed number of concurrent clients post license images for a fixed time.

Run: `make bench-load` (starts a server too) or `.venv/bin/python -m benchmarks.load --url http://127.0.0.1:8080
--duration 30 --concurrency 4 [--images DIR]`. Prints requests done, requests per second, latency percentiles of the
200 answers and the count of every other answer by status and error_code.
"""

from __future__ import annotations

import argparse
import base64
import math
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from benchmarks.labels import IMAGE_SUFFIXES

DEFAULT_PROJECT = "dlocr-load"
DEFAULT_SYNTH_IMAGES = 8
DEFAULT_SYNTH_SEED = 2026
REQUEST_TIMEOUT_S = 60.0
"""Per request; a request started before the deadline may finish after it, so a run lasts at most duration + this."""
READY_POLL_S = 0.5


@dataclass(frozen=True)
class Outcome:
    """One request: its latency, and the HTTP status and error_code (status None: no answer, error_code says why)."""

    latency_ms: float
    status: int | None
    error_code: str | None = None


@dataclass(frozen=True)
class LoadSummary:
    requests: int
    elapsed_s: float
    requests_per_s: float
    ok: int
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    """Latency percentiles of the 200 answers only (a fast 429 would make an overloaded server look quick)."""
    failures: dict[str, int]
    """`"429 APIG.0308"` / `"no answer ReadTimeout"` -> count, most frequent first."""


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (the smallest value with at least `fraction` of the values at or below it)."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0.0 < fraction <= 1.0:
        raise ValueError("fraction must be within (0, 1]")
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)), 1) - 1]


def failure_key(outcome: Outcome) -> str:
    status = "no answer" if outcome.status is None else str(outcome.status)
    return f"{status} {outcome.error_code or '-'}"


def summarize(outcomes: Sequence[Outcome], elapsed_s: float) -> LoadSummary:
    """Counts, throughput over the whole run and latency percentiles of the successful requests."""
    if elapsed_s <= 0:
        raise ValueError("elapsed_s must be positive")
    latencies = [outcome.latency_ms for outcome in outcomes if outcome.status == 200]
    failures = Counter(failure_key(outcome) for outcome in outcomes if outcome.status != 200)
    return LoadSummary(
        requests=len(outcomes),
        elapsed_s=elapsed_s,
        requests_per_s=len(outcomes) / elapsed_s,
        ok=len(latencies),
        p50_ms=percentile(latencies, 0.50) if latencies else None,
        p95_ms=percentile(latencies, 0.95) if latencies else None,
        p99_ms=percentile(latencies, 0.99) if latencies else None,
        failures=dict(failures.most_common()),
    )


def format_summary(summary: LoadSummary) -> str:
    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value:.0f}"

    lines = [
        f"requests done     {summary.requests} in {summary.elapsed_s:.1f} s ({summary.ok} answered 200)",
        f"requests per s    {summary.requests_per_s:.2f}",
        f"latency of 200s   p50 {ms(summary.p50_ms)} ms, p95 {ms(summary.p95_ms)} ms, p99 {ms(summary.p99_ms)} ms",
    ]
    if summary.failures:
        lines.append("not 200:")
        lines.extend(f"  {count:6d}  {key}" for key, count in summary.failures.items())
    else:
        lines.append("not 200:          none")
    return "\n".join(lines)


def load_images(folder: Path) -> list[bytes]:
    paths = sorted(path for path in folder.iterdir() if path.suffix.lower() in IMAGE_SUFFIXES)
    if not paths:
        raise SystemExit(f"load: no images ({', '.join(IMAGE_SUFFIXES)}) in {folder}")
    return [path.read_bytes() for path in paths]


def synth_images(count: int, seed: int) -> list[bytes]:
    """A handful of generated license photos and screenshots, the same bytes for the same seed."""
    from benchmarks.synth.generate import SynthConfig, make_image, plan_images

    return [make_image(plan)[0] for plan in plan_images(SynthConfig(n=count, seed=seed))]


def request_body(image: bytes) -> dict[str, object]:
    return {"image": base64.b64encode(image).decode("ascii")}


def post_one(client: httpx.Client, url: str, body: dict[str, object]) -> Outcome:
    start = time.perf_counter()
    try:
        response = client.post(url, json=body)
    except httpx.HTTPError as error:
        return Outcome((time.perf_counter() - start) * 1000, None, type(error).__name__)
    latency_ms = (time.perf_counter() - start) * 1000
    if response.status_code == 200:
        return Outcome(latency_ms, 200)
    try:
        error_code = response.json().get("error_code")
    except ValueError:
        error_code = None
    return Outcome(latency_ms, response.status_code, error_code if isinstance(error_code, str) else None)


def wait_ready(base_url: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if httpx.get(f"{base_url}/readyz", timeout=READY_POLL_S * 4).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() >= deadline:
            raise SystemExit(f"load: {base_url}/readyz did not answer 200 within {timeout_s:.0f} s")
        time.sleep(READY_POLL_S)


def run_load(
    base_url: str, bodies: Sequence[dict[str, object]], duration_s: float, concurrency: int, project: str
) -> LoadSummary:
    """`concurrency` threads, each with its own connection, post the bodies in turn until `duration_s` has passed."""
    url = f"{base_url}/v2/{project}/ocr/driver-license"
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    start = time.perf_counter()
    deadline = start + duration_s

    def client_loop(index: int) -> None:
        mine: list[Outcome] = []
        with httpx.Client(timeout=REQUEST_TIMEOUT_S) as client:
            turn = index
            while time.perf_counter() < deadline:
                mine.append(post_one(client, url, bodies[turn % len(bodies)]))
                turn += concurrency
        with lock:
            outcomes.extend(mine)

    threads = [threading.Thread(target=client_loop, args=(i,), daemon=True) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return summarize(outcomes, time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__)
    parser.add_argument("--url", required=True, help="the server, e.g. http://127.0.0.1:8080")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds to send requests for")
    parser.add_argument("--concurrency", type=int, default=4, help="clients sending at once")
    parser.add_argument("--images", type=Path, help="a folder of images (default: generate a few in-process)")
    parser.add_argument("--synth-count", type=int, default=DEFAULT_SYNTH_IMAGES)
    parser.add_argument("--seed", type=int, default=DEFAULT_SYNTH_SEED)
    parser.add_argument("--project", default=DEFAULT_PROJECT)
    parser.add_argument("--wait-ready", type=float, default=0.0, help="first wait up to this many s for /readyz")
    args = parser.parse_args(argv)
    if args.duration <= 0 or args.concurrency < 1:
        parser.error("--duration must be positive and --concurrency at least 1")
    base_url = args.url.rstrip("/")
    images = load_images(args.images) if args.images else synth_images(args.synth_count, args.seed)
    bodies = [request_body(image) for image in images]
    if args.wait_ready > 0:
        wait_ready(base_url, args.wait_ready)
    source = args.images or f"{len(images)} generated (seed {args.seed})"
    print(f"load: {base_url}, {args.concurrency} clients for {args.duration:g} s, images: {source}", flush=True)
    summary = run_load(base_url, bodies, args.duration, args.concurrency, args.project)
    print(format_summary(summary))
    return 0 if summary.ok else 1  # not one 200: the server is down or misconfigured, not slow


if __name__ == "__main__":
    sys.exit(main())
