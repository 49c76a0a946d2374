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


# A main page (new layout) as text placed at card positions measured on the shared specimen (card ~1090 x 712 px).
FRONT_PAGE = [
    ("中华人民共和国机动车驾驶证", 240, 55, 40),
    ("证号", 333, 140, 30),
    ("150402199902223122", 452, 136, 36),
    ("姓名", 100, 196, 30),
    ("谢乐桃", 166, 200, 38),
    ("性别", 514, 192, 30),
    ("女", 600, 200, 34),
    ("国籍", 682, 190, 30),
    ("中国", 786, 200, 34),
    ("住址", 99, 262, 30),
    ("内蒙古自治区赤峰市33号", 194, 267, 34),
    ("河北省秦皇", 98, 395, 34),
    ("出生日期", 313, 392, 30),
    ("1999-02-22", 456, 392, 36),
    ("岛市公安局", 101, 466, 34),
    ("初次领证日期", 316, 463, 30),
    ("2015-06-18", 508, 460, 36),
    ("交通警察支队", 99, 535, 34),
    ("准驾车型", 316, 532, 30),
    ("C1", 544, 536, 36),
    ("有效期限", 102, 605, 30),
    ("2015-06-18至2021-06-18", 256, 604, 36),
]
FRONT_PAGE_FIELDS = {
    "number": "150402199902223122",
    "name": "谢乐桃",
    "sex": "女",
    "nationality": "中国",
    "address": "内蒙古自治区赤峰市33号",
    "birth": "1999-02-22",
    "issue_date": "2015-06-18",
    "class": "C1",
    "valid_from": "2015-06-18",
    "valid_to": "2021-06-18",
    "issuing_authority": "河北省秦皇岛市公安局交通警察支队",
}


def render_front_page() -> np.ndarray:
    """FRONT_PAGE drawn on a pale green card; returns (712, 1090, 3) uint8 BGR."""
    page = Image.new("RGB", (1090, 712), (205, 232, 215))
    draw = ImageDraw.Draw(page)
    for text, x, y, size in FRONT_PAGE:
        draw.text((x, y), text, fill=(35, 35, 35), font=font("noto-sans", size))
    return np.ascontiguousarray(np.asarray(page)[:, :, ::-1])
