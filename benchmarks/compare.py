"""Compares `dlocr eval --json` reports taken before and after a change, on the same labelled folders.

Run: `python -m benchmarks.compare BEFORE.json AFTER.json [BEFORE2.json AFTER2.json ...]`, one pair per folder (one
pair per seed, say). Prints, summed over the pairs, each tier's fields, card-level and card quads before and after
with the change, the values kept at each confidence band and how many of them were wrong, then every image whose
misses changed: fields fixed, fields broken, and values still wrong but read differently. A pair whose reports
cover different images is refused: the counts would not compare.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EXIT_USAGE = 2
FAILED = "error"  # an image the reader failed on counts its error code as one more miss under this name


@dataclass
class Totals:
    """Counts summed over reports: (correct, total) per tier and measure, and (right, wrong) per confidence band."""

    tiers: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)
    bands: dict[float, tuple[int, int]] = field(default_factory=dict)

    def add(self, summary: dict[str, Any]) -> None:
        for tier, numbers in summary["tiers"].items():
            measures = self.tiers.setdefault(tier, {})
            fields = numbers["fields"].values()
            rates = {
                "fields": (sum(rate["correct"] for rate in fields), sum(rate["total"] for rate in fields)),
                "cards": _pair(numbers["card_level"]),
            }
            if numbers.get("cards_found"):
                rates["quads"] = _pair(numbers["cards_found"])
            for measure, (correct, total) in rates.items():
                old = measures.get(measure, (0, 0))
                measures[measure] = (old[0] + correct, old[1] + total)
        for band in summary.get("confidence", []):
            right, kept = band["right"]["correct"], band["right"]["total"]
            old = self.bands.get(band["threshold"], (0, 0))
            self.bands[band["threshold"]] = (old[0] + right, old[1] + kept - right)


@dataclass(frozen=True)
class ImageChange:
    """One image whose misses differ between the reports."""

    image: str
    tier: str
    fixed: tuple[str, ...]
    broken: tuple[tuple[str, Any], ...]
    """(field, value now read) for each field right before and wrong after."""
    reread: tuple[tuple[str, Any, Any], ...]
    """(field, value before, value after) for each field wrong in both, read differently."""


def image_changes(before: dict[str, Any], after: dict[str, Any], prefix: str = "") -> list[ImageChange]:
    """The images of two reports on one folder whose misses changed, in image order."""
    images_before = {image["image"]: image for image in before["images"]}
    images_after = {image["image"]: image for image in after["images"]}
    if {name: _label(image) for name, image in images_before.items()} != {
        name: _label(image) for name, image in images_after.items()
    }:
        raise ValueError(f"{prefix}the reports cover different images; compare reports of the same folder")
    changes = []
    for name in sorted(images_before):
        was, now = _misses(images_before[name]), _misses(images_after[name])
        if was == now:
            continue
        changes.append(
            ImageChange(
                image=prefix + name,
                tier=images_before[name]["tier"],
                fixed=tuple(key for key in was if key not in now),
                broken=tuple((key, now[key]) for key in now if key not in was),
                reread=tuple((key, was[key], now[key]) for key in was if key in now and was[key] != now[key]),
            )
        )
    return changes


def format_comparison(before: Totals, after: Totals, changes: list[ImageChange]) -> str:
    """The printed comparison: the tier table, the confidence bands, then the changed images."""
    lines = [f"{'tier':12} {'measure':8} {'before':>22} {'after':>22} {'change':>7}"]
    for tier in sorted(before.tiers.keys() | after.tiers.keys()):
        for measure in ("fields", "cards", "quads"):
            was, now = before.tiers.get(tier, {}).get(measure), after.tiers.get(tier, {}).get(measure)
            if was is None and now is None:
                continue
            gained = f"{(now or (0, 0))[0] - (was or (0, 0))[0]:+d}"
            lines.append(f"{tier:12} {measure:8} {_rate(was):>22} {_rate(now):>22} {gained:>7}")
    if before.bands or after.bands:
        lines += ["", f"{'confidence':12} {'right/wrong before':>22} {'right/wrong after':>22}"]
        for threshold in sorted(before.bands.keys() | after.bands.keys()):
            was, now = before.bands.get(threshold), after.bands.get(threshold)
            lines.append(f"{'>= ' + format(threshold, '.2f'):12} {_counts(was):>22} {_counts(now):>22}")
    gained_fields = sum(
        sum(key != FAILED for key in change.fixed) - sum(key != FAILED for key, _ in change.broken)
        for change in changes
    )
    lines += ["", f"{len(changes)} images changed ({gained_fields:+d} fields right)"]
    for change in changes:
        parts = [f"fixed {', '.join(change.fixed)}"] if change.fixed else []
        if change.broken:
            parts.append("broke " + ", ".join(f"{key} ({_value(value)})" for key, value in change.broken))
        if change.reread:
            parts.append(
                "reread " + ", ".join(f"{key} {_value(was)} -> {_value(now)}" for key, was, now in change.reread)
            )
        lines.append(f"  {change.image} [{change.tier}] " + "; ".join(parts))
    return "\n".join(lines)


def compare(paths: list[Path]) -> str:
    """The comparison of reports given as before/after pairs."""
    if not paths or len(paths) % 2:
        raise ValueError("give reports in before/after pairs")
    before, after, changes = Totals(), Totals(), []
    pairs = list(zip(paths[::2], paths[1::2], strict=True))
    for first, second in pairs:
        old, new = _load(first), _load(second)
        before.add(old["summary"])
        after.add(new["summary"])
        changes += image_changes(old, new, prefix=f"{first.stem}/" if len(pairs) > 1 else "")
    return format_comparison(before, after, changes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.compare", description=__doc__.splitlines()[0])
    parser.add_argument("reports", type=Path, nargs="+", metavar="REPORT", help="BEFORE.json AFTER.json, repeated")
    args = parser.parse_args(argv)
    try:
        print(compare(args.reports))
    except (OSError, ValueError, KeyError) as error:
        print(f"compare: {error}", file=sys.stderr)
        return EXIT_USAGE
    return 0


def _load(path: Path) -> dict[str, Any]:
    try:
        report: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not a JSON report: {error}") from error
    if "summary" not in report or "images" not in report:
        raise ValueError(f"{path} is not a `dlocr eval --json` report")
    return report


def _misses(image: dict[str, Any]) -> dict[str, Any]:
    """Field -> value read, for each field the image got wrong; an image that failed counts its error code."""
    misses = {miss["field"]: miss["got"] for miss in image["misses"]}
    if image.get("error_code"):
        misses[FAILED] = image["error_code"]
    return misses


def _label(image: dict[str, Any]) -> tuple[Any, ...]:
    """What the image's label says, as the report keeps it: the same folder gives the same labels."""
    return image["tier"], image["expected_side"], image["expected_type"]


def _pair(rate: dict[str, int]) -> tuple[int, int]:
    return rate["correct"], rate["total"]


def _rate(counts: tuple[int, int] | None) -> str:
    if counts is None:
        return "-"
    correct, total = counts
    return f"{correct}/{total} ({100 * correct / total:.2f}%)" if total else f"{correct}/{total}"


def _counts(counts: tuple[int, int] | None) -> str:
    return "-" if counts is None else f"{counts[0]} / {counts[1]}"


def _value(value: Any) -> str:
    return "missing" if value is None else json.dumps(value, ensure_ascii=False)


if __name__ == "__main__":
    sys.exit(main())
