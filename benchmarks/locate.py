"""Measures the OpenCV card locator on a labelled synthetic folder: corner accuracy, misses, false finds, time.

Run: `python -m benchmarks.locate DIR` (make one with `dlocr synth --electronic-share 0 --out DIR`). A labelled card
matches the located quad with the smallest mean corner distance, its corners cyclically shifted by 0 or 2 (which long
edge comes first is the engine's later call); the error is that distance over the card's width.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from benchmarks.eval.metrics import corner_error
from benchmarks.labels import read_folder
from engine.card_locate import LocatedCard, locate_cards

GOOD_ERROR = 0.02  # mean corner distance under 2% of the card's width
MATCH_ERROR = 0.10  # a located quad further off than this is a false find, and the card is missed
EXAMPLES_SHOWN = 8


@dataclass
class TierStats:
    cards: int = 0
    images: int = 0
    errors: list[float] = field(default_factory=list)
    wrong_order: int = 0
    false_finds: int = 0
    all_pages_good: int = 0
    times_ms: list[float] = field(default_factory=list)
    worst: list[tuple[float, str]] = field(default_factory=list)


def measure(folder: Path, limit: int | None = None, enlarge: float = 1.0) -> dict[str, TierStats]:
    """Per tier; `enlarge` scales each photo and its labels first (4032 / 1600 ~ 2.5 makes phone-camera sizes)."""
    stats: dict[str, TierStats] = defaultdict(TierStats)
    for item in read_folder(folder)[:limit]:
        if item.label.geometry is None:
            continue
        image = np.asarray(cv2.imread(str(item.image_path), cv2.IMREAD_COLOR), dtype=np.uint8)
        if enlarge != 1.0:
            image = np.asarray(cv2.resize(image, None, fx=enlarge, fy=enlarge, interpolation=cv2.INTER_CUBIC), np.uint8)
        started = time.perf_counter()
        located = locate_cards(image)
        elapsed_ms = (time.perf_counter() - started) * 1000
        tier = stats[item.label.tier or "?"]
        tier.images += 1
        tier.times_ms.append(elapsed_ms)
        matched: set[int] = set()
        good_pages = 0
        for card in item.label.geometry["cards"]:
            truth = np.array(card["quad"], np.float64) * enlarge
            error, index = _best_match(truth, located)
            tier.cards += 1
            tier.errors.append(error)
            if error < MATCH_ERROR:
                matched.add(index)
                if corner_error(truth, located[index].quad, (1, 3)) < error:
                    tier.wrong_order += 1
            good_pages += error < GOOD_ERROR
            tier.worst.append((error, item.name))
        tier.all_pages_good += good_pages == len(item.label.geometry["cards"])
        tier.false_finds += len(located) - len(matched)
    return stats


def _best_match(truth: npt.NDArray[np.float64], located: list[LocatedCard]) -> tuple[float, int]:
    """(error, index) of the located card nearest to `truth` with a 0/180 shift; (inf, -1) when none was found."""
    errors = [corner_error(truth, card.quad, (0, 1, 2, 3)) for card in located]
    if not errors:
        return float("inf"), -1
    index = int(np.argmin(errors))
    return corner_error(truth, located[index].quad, (0, 2)), index


def print_table(stats: dict[str, TierStats]) -> None:
    print(
        f"{'tier':<8}{'cards':>6}{'<2%':>8}{'all pages':>10}{'median':>8}{'order':>7}{'false':>7}{'p50 ms':>8}"
        f"{'p95 ms':>8}"
    )
    for name, tier in sorted(stats.items()):
        if not tier.errors:
            continue  # screenshots: no card to find
        good = sum(error < GOOD_ERROR for error in tier.errors) / max(tier.cards, 1)
        pages = tier.all_pages_good / max(tier.images, 1)
        median = statistics.median(tier.errors)
        times = sorted(tier.times_ms)
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(
            f"{name:<8}{tier.cards:>6}{good:>8.1%}{pages:>10.1%}{median:>8.2%}{tier.wrong_order:>7}"
            f"{tier.false_finds:>7}{statistics.median(times):>8.1f}{p95:>8.1f}"
        )
    print("<2%: cards with mean corner error under 2% of the card's width; all pages: images with every page <2%;")
    print("order: matches that needed a 90-degree corner shift (landscape order wrong); false: unmatched finds.")


def print_worst(stats: dict[str, TierStats]) -> None:
    worst = sorted((item for tier in stats.values() for item in tier.worst), reverse=True)[:EXAMPLES_SHOWN]
    print("worst:", ", ".join(f"{name} {error:.1%}" for error, name in worst))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="labelled images (dlocr synth --electronic-share 0)")
    parser.add_argument("--worst", action="store_true", help="also list the worst-located images")
    parser.add_argument("--limit", type=int, default=None, help="only the first N images (quick iterations)")
    parser.add_argument("--enlarge", type=float, default=1.0, help="scale photos first (2.5: phone-camera sizes)")
    args = parser.parse_args()
    if args.enlarge <= 0:
        parser.error("--enlarge must be positive")
    stats = measure(args.folder, args.limit, args.enlarge)
    print_table(stats)
    if args.worst:
        print_worst(stats)


if __name__ == "__main__":
    main()
