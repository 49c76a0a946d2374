"""Presents a scored run: a terminal table, a JSON file, a self-contained HTML report, a RESULTS.md section."""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
import math
import platform
import subprocess
from dataclasses import asdict
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from benchmarks.eval.metrics import CardError, Outcome, Rate, Summary
from benchmarks.memory import MemoryUse

WORST_MISSES = 12
CROP_MAX_SIDE_PX = 420
CROP_JPEG_QUALITY = 80
RESULTS_HEADING = "## Accuracy (make bench)"
CELL_W, CELL_H, LABEL_W, HEADER_H = 64, 22, 170, 110


def table(summary: Summary, source: str) -> str:
    """The plain-text table printed to the terminal and appended to RESULTS.md."""
    lines = [
        f"dlocr eval: {summary.images} images from {source}",
        f"  card level (all fields right) {_percent(summary.card_level)}",
        f"  side                          {_percent(summary.side)}",
        f"  type                          {_percent(summary.type)}",
        f"  latency p50 / p95             {summary.latency_p50_ms:.0f} ms / {summary.latency_p95_ms:.0f} ms",
        f"  throughput                    {summary.throughput_per_s:.2f} images/s",
        *_memory_lines(summary.memory),
        "",
        f"  {'field':28} {'accuracy':>17}",
    ]
    lines += [f"  {key:28} {_percent(rate)}" for key, rate in summary.fields.items()]
    lines += ["", f"  {'tier':12} {'images':>6} {'card level':>17} {'side':>17} {'card quad < 2%':>17} {'upright':>17}"]
    lines += [
        f"  {tier:12} {tier_summary.images:6d} {_percent(tier_summary.card_level)} {_percent(tier_summary.side)}"
        f" {_percent_or_dash(tier_summary.cards_found)} {_percent_or_dash(tier_summary.upright)}"
        for tier, tier_summary in summary.tiers.items()
    ]
    judged = {tier: ts for tier, ts in summary.tiers.items() if ts.blur_agrees or ts.glare_agrees or ts.border_agrees}
    if judged:
        lines += ["", f"  {'quality':12} {'blur flag right':>17} {'glare flag right':>17} {'border flag right':>17}"]
        lines += [
            f"  {tier:12} {_percent_or_dash(ts.blur_agrees)} {_percent_or_dash(ts.glare_agrees)}"
            f" {_percent_or_dash(ts.border_agrees)}"
            for tier, ts in judged.items()
        ]
    if summary.confidence:
        lines += ["", f"  {'confidence':12} {'values kept':>17} {'right among them':>17}"]
        lines += [
            f"  {'>= ' + format(band.threshold, '.2f'):12} {_percent(band.kept)} {_percent(band.right)}"
            for band in summary.confidence
        ]
    lines += ["", "  errors: " + (", ".join(f"{code} x{count}" for code, count in summary.errors.items()) or "none")]
    return "\n".join(lines)


def to_json(summary: Summary, outcomes: list[Outcome]) -> dict[str, Any]:
    return {
        "summary": _jsonable(asdict(summary)),
        "images": [
            {
                "image": outcome.image_path.name,
                "tier": outcome.tier,
                "expected_side": outcome.expected_side,
                "predicted_side": outcome.predicted_side,
                "expected_type": outcome.expected_type,
                "predicted_type": outcome.predicted_type,
                "error_code": outcome.error_code,
                "all_correct": outcome.all_correct,
                "latency_ms": round(outcome.latency_s * 1000, 2),
                "misses": [
                    {"field": c.key, "expected": c.expected, "got": c.got, "confidence": c.confidence}
                    for c in outcome.misses
                ],
                "card_errors": [_card_error_json(error) for error in outcome.card_errors],
            }
            for outcome in outcomes
        ],
    }


def _memory_lines(memory: MemoryUse | None) -> list[str]:
    if memory is None:
        return []
    return [
        f"  memory (resident)             {memory.first_mb:.0f} MB after the first image, {memory.last_mb:.0f} MB"
        f" after the last, peak {memory.peak_mb:.0f} MB"
    ]


def write_json(path: Path, summary: Summary, outcomes: list[Outcome]) -> None:
    path.write_text(json.dumps(to_json(summary, outcomes), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_html(path: Path, summary: Summary, outcomes: list[Outcome], source: str) -> None:
    """One file, nothing external: the summary, an accuracy heat map (inline SVG) and the worst misses as crops."""
    worst = sorted(outcomes, key=lambda outcome: (outcome.error_code is None, -len(outcome.misses)))
    worst = [outcome for outcome in worst if not outcome.all_correct][:WORST_MISSES]
    misses_html = "\n".join(_miss_html(outcome) for outcome in worst) or "<p>No misses.</p>"
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>dlocr eval</title>
<style>
body {{ font-family: sans-serif; margin: 24px; color: #222; }}
table {{ border-collapse: collapse; margin: 8px 0 20px; }}
td, th {{ border: 1px solid #ccc; padding: 3px 8px; text-align: left; font-size: 14px; }}
.miss {{ display: flex; gap: 16px; margin: 12px 0; padding: 8px; border: 1px solid #ddd; }}
.miss img {{ max-width: {CROP_MAX_SIDE_PX}px; }}
.bad {{ color: #b00; }}
</style></head><body>
<h1>dlocr eval</h1>
<p>{summary.images} images from <code>{html.escape(source)}</code>, {dt.datetime.now():%Y-%m-%d %H:%M}.</p>
<pre>{html.escape(table(summary, source))}</pre>
<h2>Accuracy by tier and field</h2>
{accuracy_svg(summary)}
<h2>Worst misses</h2>
{misses_html}
</body></html>
"""
    path.write_text(page, encoding="utf-8")


def accuracy_svg(summary: Summary) -> str:
    """A heat map: one row per tier (and `all`), one column per field plus card level, red 0 % to green 100 %."""
    columns = ["card level", *summary.fields]
    rows: list[tuple[str, dict[str, Rate]]] = [("all", {"card level": summary.card_level, **summary.fields})]
    rows += [(tier, {"card level": ts.card_level, **ts.fields}) for tier, ts in summary.tiers.items()]
    width, height = LABEL_W + CELL_W * len(columns), HEADER_H + CELL_H * len(rows)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-size="11">']
    for column, name in enumerate(columns):
        x = LABEL_W + column * CELL_W + CELL_W // 2
        parts.append(f'<text transform="translate({x},{HEADER_H - 6}) rotate(-50)">{html.escape(name)}</text>')
    for row, (name, rates) in enumerate(rows):
        y = HEADER_H + row * CELL_H
        parts.append(f'<text x="4" y="{y + 15}">{html.escape(name)}</text>')
        for column, key in enumerate(columns):
            rate = rates.get(key)
            x = LABEL_W + column * CELL_W
            if rate is None or rate.total == 0:
                parts.append(f'<rect x="{x}" y="{y}" width="{CELL_W}" height="{CELL_H}" fill="#eee"/>')
                continue
            red, green = round(220 * (1 - rate.value)), round(180 * rate.value)
            parts.append(f'<rect x="{x}" y="{y}" width="{CELL_W}" height="{CELL_H}" fill="rgb({red},{green},60)"/>')
            label = f"{rate.value * 100:.0f}%"
            parts.append(f'<text x="{x + 16}" y="{y + 15}" fill="white">{label}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def append_results(path: Path, summary: Summary, source: str) -> None:
    """Add this run's table, with the machine it ran on, at the end of the RESULTS_HEADING section (made if missing)."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    if RESULTS_HEADING not in text:
        text = text.rstrip("\n") + f"\n\n{RESULTS_HEADING}\n"
    section = (
        f"\n### {dt.datetime.now():%Y-%m-%d %H:%M}, {machine_description()}\n\n```\n{table(summary, source)}\n```\n"
    )
    start = text.index(RESULTS_HEADING) + len(RESULTS_HEADING)
    next_heading = text.find("\n## ", start)
    end = len(text) if next_heading < 0 else next_heading + 1
    before, after = text[:end].rstrip("\n") + "\n", text[end:]
    path.write_text(before + section + ("\n" + after if after else ""), encoding="utf-8")


def machine_description() -> str:
    """`lscpu`'s model name and the core count, e.g. `AMD EPYC 7B13, 2 cores`."""
    model, cores = platform.processor() or platform.machine(), ""
    try:
        info = subprocess.run(["lscpu"], capture_output=True, text=True, check=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        info = ""
    for line in info.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "Model name":
            model = value.strip()
        elif key.strip() == "CPU(s)":
            cores = value.strip()
    return f"{model}, {cores or '?'} cores"


def _miss_html(outcome: Outcome) -> str:
    what = f"error {html.escape(outcome.error_code)}" if outcome.error_code else f"{len(outcome.misses)} wrong"
    rows = "".join(
        f"<tr><td>{html.escape(c.key)}</td><td>{html.escape(_show(c.expected))}</td>"
        f'<td class="bad">{html.escape(_show(c.got))}</td></tr>'
        for c in outcome.misses
    )
    side = f"side {outcome.expected_side} → {outcome.predicted_side}"
    return (
        f'<div class="miss"><img src="data:image/jpeg;base64,{_crop_base64(outcome)}" alt="{outcome.image_path.name}">'
        f"<div><b>{html.escape(outcome.image_path.name)}</b> ({html.escape(outcome.tier)}, {html.escape(side)}, "
        f"{what})<table><tr><th>field</th><th>expected</th><th>got</th></tr>{rows}</table></div></div>"
    )


def _crop_base64(outcome: Outcome) -> str:
    """The labelled card(s) cut from the image with a margin (the whole image when there is no card), as JPEG."""
    image = cv2.imread(str(outcome.image_path), cv2.IMREAD_COLOR)
    if image is None:
        return ""
    cards = (outcome.geometry or {}).get("cards") or []
    if cards:
        points = np.array([point for card in cards for point in card["quad"]], np.float32)
        x0, y0 = points.min(axis=0)
        x1, y1 = points.max(axis=0)
        margin = 0.04 * max(x1 - x0, y1 - y0)
        height, width = image.shape[:2]
        left, top = max(int(x0 - margin), 0), max(int(y0 - margin), 0)
        right, bottom = min(int(x1 + margin), width), min(int(y1 + margin), height)
        if right > left and bottom > top:
            image = image[top:bottom, left:right]
    scale = CROP_MAX_SIDE_PX / max(image.shape[:2])
    if scale < 1:
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ok, buffer = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, CROP_JPEG_QUALITY])
    return base64.b64encode(buffer.tobytes()).decode("ascii") if ok else ""


def _show(value: Any) -> str:
    return (
        "(missing)" if value is None else json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    )


def _percent_or_dash(rate: Rate | None) -> str:
    return _percent(rate) if rate is not None else f"{'-':>17}"


def _percent(rate: Rate) -> str:
    return f"{rate.value * 100:6.1f}% ({rate.correct}/{rate.total})".rjust(17)


def _card_error_json(card: CardError) -> dict[str, Any]:
    """A labelled card's corner errors (share of its width; None when no page of its side was found)."""
    return {
        "side": card.side,
        "error": round(card.error, 4) if math.isfinite(card.error) else None,
        "turned": round(card.turned_error, 4) if math.isfinite(card.turned_error) else None,
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        data = {key: _jsonable(item) for key, item in value.items()}
        if set(value) == {"correct", "total"}:  # a Rate: say the accuracy too
            data["accuracy"] = round(value["correct"] / value["total"], 4) if value["total"] else 0.0
        return data
    if isinstance(value, float):
        return round(value, 4)
    return value
