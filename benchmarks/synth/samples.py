"""Draws the few sample images in docs/samples (`python -m benchmarks.synth.samples docs/samples`): one per tier.

Saved as palette PNGs at reading size so each stays under SAMPLE_MAX_BYTES.
"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from benchmarks.synth.generate import ImagePlan, make_image

SAMPLE_WIDTH_PX = 720
SAMPLE_MAX_BYTES = 200_000
SAMPLES_SEED = 7
# (file name, tier, image index): indexes picked so the set shows both pages, both prints and a quarter turn.
SAMPLES = (
    ("scan.png", "scan", 3),
    ("photo.png", "photo", 2),
    ("photo-sleeve.png", "photo", 5),
    ("hard.png", "hard", 1),
    ("wallet.png", "wallet", 1),
    ("screenshot.png", "screenshot", 1),
)


def write_samples(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, tier, index in SAMPLES:
        data, _ = make_image(ImagePlan(index=index, tier=tier, master_seed=SAMPLES_SEED))
        decoded = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        if decoded is None:
            raise RuntimeError(f"cannot decode the {tier} sample")
        image = cv2.cvtColor(decoded, cv2.COLOR_BGR2RGB)
        path = folder / name
        width = SAMPLE_WIDTH_PX
        while True:  # noisy photos compress badly: shrink until the file fits
            scale = min(width / image.shape[1], 1.0)
            small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
            Image.fromarray(small).quantize(colors=256, dither=Image.Dither.NONE).save(path, optimize=True)
            if path.stat().st_size <= SAMPLE_MAX_BYTES:
                break
            width = round(width * 0.9)
        written.append(path)
    return written


if __name__ == "__main__":
    for sample in write_samples(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/samples")):
        print(f"{sample} ({sample.stat().st_size // 1000} KB)")
