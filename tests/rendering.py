"""Render known strings into images with Debian's CJK fonts (installed by scripts/setup.sh)."""

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

CJK_FONTS = {
    "noto-sans": Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    "noto-serif": Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    "wqy-zenhei": Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
}


def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    path = CJK_FONTS[name]
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run scripts/setup.sh (it installs the Debian CJK fonts)")
    return ImageFont.truetype(str(path), size)


def render_lines(lines: list[str], font_name: str = "noto-sans", size: int = 32, width: int = 900) -> np.ndarray:
    """A white page with one string per row in black; returns (H, W, 3) uint8 BGR."""
    row = int(size * 1.9)
    page = Image.new("RGB", (width, row * len(lines) + size), "white")
    draw = ImageDraw.Draw(page)
    face = font(font_name, size)
    for index, text in enumerate(lines):
        draw.text((size, size // 2 + row * index), text, fill="black", font=face)
    return np.ascontiguousarray(np.asarray(page)[:, :, ::-1])
