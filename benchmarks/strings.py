"""Line-recognition accuracy of each model set on rendered license values: random IDs, dates, names, addresses,
classes and records in several fonts and sizes, with blur, noise and JPEG. Exact-match rate per kind of value.

Run: `.venv/bin/python -m benchmarks.strings --n 300`. Detection is not involved: each string is one crop.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFont

from benchmarks.results import record_section, stamped
from engine.config import EngineConfig
from engine.manifest import load_manifest
from engine.pipeline import Engine

SECTION = "## Line recognition accuracy on rendered values (make bench-speed)"

FONTS = [
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余"
    "于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷"
    "龙黎史陶贺毛郝顾龚邵万覃武钱戴严欧莫孔向常汤"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鑫淼焱垚喆昊晗琦瑶婧婕璐琳"
PLACES = [
    "河北省秦皇岛市海港区",
    "广东省深圳市南山区",
    "内蒙古自治区赤峰市红山区",
    "四川省成都市武侯区",
    "北京市朝阳区",
]
STREETS = ["建设大街", "人民路", "长青路", "文化路", "解放北路", "迎宾大道"]
CLASSES = ["C1", "C2", "A1", "A2", "B1", "B2", "C1E", "A2D", "B2E", "D", "E"]


def random_value(kind: str, rng: random.Random) -> str:
    if kind == "number":
        body = "".join(rng.choice("0123456789") for _ in range(17))
        return body + rng.choice("0123456789X")
    if kind == "date":
        return f"{rng.randint(1950, 2030)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if kind == "name":
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
    if kind == "address":
        return f"{rng.choice(PLACES)}{rng.choice(STREETS)}{rng.randint(1, 999)}号"
    if kind == "class":
        return rng.choice(CLASSES)
    return f"实习期至{rng.randint(2005, 2030)}年{rng.randint(1, 12):02d}月{rng.randint(1, 28):02d}日。"


def render_value(text: str, rng: random.Random) -> npt.NDArray[np.uint8]:
    """One value as a photographed line: tinted paper, dark ink, a little blur and noise, JPEG round trip."""
    size = rng.randint(18, 34)
    font = ImageFont.truetype(str(rng.choice(FONTS)), size)
    left, top, right, bottom = font.getbbox(text)
    pad = size // 3
    paper = tuple(rng.randint(190, 245) for _ in range(3))
    page = Image.new("RGB", (int(right - left) + 2 * pad, int(bottom - top) + 2 * pad), paper)
    ink = tuple(rng.randint(0, 70) for _ in range(3))
    ImageDraw.Draw(page).text((pad - left, pad - top), text, fill=ink, font=font)
    image = np.asarray(page)[:, :, ::-1].astype(np.float64)
    if rng.random() < 0.5:
        image = np.asarray(cv2.GaussianBlur(image, (0, 0), rng.uniform(0.4, 1.1)), dtype=np.float64)
    image = image + np.random.default_rng(rng.randint(0, 2**31)).normal(0, rng.uniform(2, 9), image.shape)
    ok, jpeg = cv2.imencode(".jpg", np.clip(image, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 60])
    assert ok
    return np.asarray(cv2.imdecode(jpeg, cv2.IMREAD_COLOR), dtype=np.uint8)


KINDS = ["number", "date", "name", "address", "class", "record"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=300, help="strings per kind")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--no-record", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    samples = []
    for kind in KINDS:
        for _ in range(args.n):
            value = random_value(kind, rng)
            samples.append((kind, value, render_value(value, rng)))
    rows = [
        f"{len(samples)} rendered values ({args.n} per kind, seed {args.seed}), exact-match % per kind:",
        "",
        "| model set | " + " | ".join(KINDS) + " | all | ms/line |",
        "|---|" + "---:|" * (len(KINDS) + 2),
    ]
    for name in load_manifest().sets:
        engine = Engine(replace(EngineConfig(), model_set=name))
        start = time.perf_counter()
        results = engine.recognizer.recognize([image for _, _, image in samples])
        per_line = (time.perf_counter() - start) * 1000 / len(samples)
        hits: dict[str, list[bool]] = defaultdict(list)
        for (kind, value, _), result in zip(samples, results, strict=True):
            hits[kind].append(result.text == value)
        rates = [100 * np.mean(hits[kind]) for kind in KINDS]
        overall = 100 * np.mean([hit for kind in KINDS for hit in hits[kind]])
        rows.append(
            f"| {name} | " + " | ".join(f"{rate:.1f}" for rate in rates) + f" | {overall:.1f} | {per_line:.1f} |"
        )
    text = stamped("\n".join(rows))
    print(text)
    if not args.no_record:
        record_section(SECTION, text)


if __name__ == "__main__":
    main()
