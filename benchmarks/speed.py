"""Per-stage OCR latency for each model set on a rendered card-sized image; prints a table, records RESULTS.md.

Run: `make bench-speed` (or `.venv/bin/python -m benchmarks.speed --runs 15`). Medians over the runs, since the
machines are shared and noisy; every model set is measured in the same process, one after the other.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFont

from benchmarks.results import record_section, stamped
from engine.config import EngineConfig
from engine.geometry import crop_quad
from engine.manifest import load_manifest
from engine.pipeline import Engine

SECTION = "## Speed per OCR stage (make bench-speed)"
FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
# A main page's text at the card resolution the engine will rectify to (88 x 60 mm at ~12 px/mm).
CARD_SIZE = (1056, 720)
CARD_LINES = [
    (300, 30, 30, "中华人民共和国机动车驾驶证"),
    (130, 95, 28, "证号 150402199902223122"),
    (40, 160, 26, "姓名 谢乐桃"),
    (430, 160, 26, "性别 女"),
    (640, 160, 26, "国籍 中国"),
    (40, 220, 26, "住址 内蒙古自治区赤峰市红山区"),
    (40, 270, 26, "哈达街道长青路33号"),
    (40, 340, 26, "出生日期 1999-02-22"),
    (40, 400, 26, "初次领证日期 2015-06-18"),
    (40, 460, 26, "准驾车型 C1"),
    (40, 520, 26, "有效期限 2015-06-18 至 2021-06-18"),
    (60, 600, 22, "河北省秦皇岛市公安局交通警察支队"),
]


@dataclass(frozen=True)
class StageTimes:
    model_set: str
    lines: int
    detection_ms: float
    recognition_per_line_ms: float
    classifier_per_line_ms: float
    total_ms: float


def render_card() -> npt.NDArray[np.uint8]:
    page = Image.new("RGB", CARD_SIZE, (222, 238, 230))
    draw = ImageDraw.Draw(page)
    for x, y, size, text in CARD_LINES:
        draw.text((x, y), text, fill=(30, 30, 30), font=ImageFont.truetype(str(FONT), size))
    return np.ascontiguousarray(np.asarray(page)[:, :, ::-1])


def median_ms(action: Callable[[], object], runs: int) -> float:
    action()  # warm-up: the first run allocates ONNX Runtime's buffers
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def measure(model_set: str, image: npt.NDArray[np.uint8], runs: int, threads: int) -> StageTimes:
    config = replace(EngineConfig(), model_set=model_set)
    config = replace(config, runtime=replace(config.runtime, intra_op_threads=threads))
    engine = Engine(config)
    detections = engine.detector.detect(image)
    crops = [crop_quad(image, detection.quad)[0] for detection in detections]
    lines = max(len(crops), 1)
    detection = median_ms(lambda: engine.detector.detect(image), runs)
    recognition = median_ms(lambda: engine.recognizer.recognize(crops), runs)
    classifier = engine.classifier
    classification = median_ms(lambda: classifier.upside_down(crops), runs) if classifier else 0.0
    total = median_ms(lambda: engine.read_text(image), runs)
    return StageTimes(model_set, len(crops), detection, recognition / lines, classification / lines, total)


def table(rows: list[StageTimes], image: npt.NDArray[np.uint8]) -> str:
    height, width = image.shape[:2]
    header = [
        f"Card-sized image {width}x{height}, whole-image detection (limit 960 px), medians.",
        "",
        "| model set | lines | detection ms | recognition ms/line | classifier ms/line | read_text total ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    body = [
        f"| {r.model_set} | {r.lines} | {r.detection_ms:.1f} | {r.recognition_per_line_ms:.1f} | "
        f"{r.classifier_per_line_ms:.2f} | {r.total_ms:.1f} |"
        for r in rows
    ]
    return "\n".join(header + body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--threads", type=int, default=0, help="intra-op threads (0: one per core)")
    parser.add_argument("--sets", nargs="*", default=None, help="model sets (default: all in the manifest)")
    parser.add_argument("--no-record", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()
    image = render_card()
    sets = args.sets or list(load_manifest().sets)
    rows = [measure(name, image, args.runs, args.threads) for name in sets]
    text = stamped(table(rows, image))
    print(text)
    if not args.no_record:
        record_section(SECTION, text)


if __name__ == "__main__":
    main()
