"""Engine latency per tier for what a request asks for: everything (`make bench`'s reading: the issuing authority
and the quality signals) against the API's default request (neither), on a labelled synthetic folder.

Run: `python -m benchmarks.request_cost out/bench [--limit N]`. Each image is read both ways, one right after the
other in alternating order, twice, and each way keeps its faster time, so the two ways see the same machine load; the
table gives each way's median and the median of the per-image differences. Fields are not scored here (`make bench`
does).
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time
from collections import defaultdict
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from benchmarks.labels import read_folder
from engine.errors import EngineError
from engine.pipeline import Engine
from engine.results import ReadOptions

WAYS = {
    "everything": ReadOptions(),
    "API default": ReadOptions(read_authority=False, measure_quality=False),
}
ROUNDS = 2


def measure(folder: Path, limit: int | None) -> dict[str, dict[str, list[float]]]:
    """Per tier, per way: each image's fastest read in ms."""
    engine = Engine()
    items = read_folder(folder)[:limit]
    times: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for number, item in enumerate(items):
        image = np.asarray(cv2.imread(str(item.image_path)), np.uint8)
        if number == 0:
            _read(engine, image, WAYS["everything"])  # the first run of a model shape pays for its set-up
        order = list(WAYS) if number % 2 == 0 else list(reversed(WAYS))
        fastest: dict[str, float] = {}
        for _ in range(ROUNDS):
            for way in order:
                fastest[way] = min(fastest.get(way, float("inf")), _read(engine, image, WAYS[way]))
        for tier in (item.label.tier or "untiered", "all"):
            for way, ms in fastest.items():
                times[tier][way].append(ms)
    return times


def _read(engine: Engine, image: npt.NDArray[np.uint8], options: ReadOptions) -> float:
    started = time.perf_counter()
    with contextlib.suppress(EngineError):  # a page not found costs its time all the same
        engine.read_license(image, options)
    return (time.perf_counter() - started) * 1000


def table(times: dict[str, dict[str, list[float]]]) -> str:
    first, second = WAYS
    lines = [f"{'tier':<12}{'images':>7}{first + ' p50':>18}{second + ' p50':>18}{'paired difference p50':>24}"]
    for tier in sorted(times, key=lambda name: (name == "all", name)):
        ways = times[tier]
        differences = [b - a for a, b in zip(ways[first], ways[second], strict=True)]
        lines.append(
            f"{tier:<12}{len(ways[first]):>7}{statistics.median(ways[first]):>15.1f} ms"
            f"{statistics.median(ways[second]):>15.1f} ms{statistics.median(differences):>+21.1f} ms"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="labelled images (dlocr synth)")
    parser.add_argument("--limit", type=int, help="only the first N images")
    args = parser.parse_args()
    print(table(measure(args.folder, args.limit)))


if __name__ == "__main__":
    main()
