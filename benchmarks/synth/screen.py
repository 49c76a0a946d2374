"""Draws a 交管12123 electronic-license screenshot: a phone page, white and blue, with a QR block and a live clock.

No card edges: the whole image is the screen. Output is RGB uint8 (H, W, 3) at SCREEN_SIZE_PX.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from benchmarks.synth import fonts
from benchmarks.synth.identity import License
from benchmarks.synth.render import RGBImage

SCREEN_SIZE_PX = (720, 1560)  # a 1080 x 2340 phone at two thirds, inside the 1000-1600 px long-side budget
STATUS_BAR_PX = 56
NAV_BAR_PX = 96
BLUE = (38, 110, 228)
PAGE_GREY = (241, 244, 249)
LABEL_GREY = (120, 126, 138)
VALUE_INK = (28, 30, 36)
FIELD_ROW_PX = 58
QR_MODULES = 29
QR_SIZE_PX = 290
VALUE_LEFT_PX = 230
# From the QR code's top edge down: its margin, the generation date and the live clock, and the bottom margin.
CLOCK_BLOCK_PX = 60 + 56 + 50


def screen_fields(license: License) -> list[tuple[str, str]]:
    """The rows the app shows, label and value, in screen order."""
    person = license.person
    return [
        ("姓名", person.name),
        ("性别", person.sex),
        ("国籍", license.nationality),
        ("证号", person.id_number),
        ("住址", person.address),
        ("出生日期", person.birth.isoformat()),
        ("初次领证日期", license.issue_date.isoformat()),
        ("准驾车型", license.license_class),
        ("有效期限", f"{license.valid_from.isoformat()}至{license.valid_to}"),
        ("发证机关", license.authority),
        ("档案编号", license.file_number),
        ("累积记分", license.accumulated_scores),
        ("状态", "、".join(license.status)),
    ]


def render_screen(license: License, rng: np.random.Generator) -> RGBImage:
    width, height = SCREEN_SIZE_PX
    face = fonts.SCREEN_FACES[int(rng.integers(0, len(fonts.SCREEN_FACES)))]
    image = Image.new("RGB", (width, height), PAGE_GREY)
    draw = ImageDraw.Draw(image)
    small, body, title = fonts.load_font(face, 26), fonts.load_font(face, 30), fonts.load_font(face, 36)

    # Phone status bar and the app's blue title bar.
    draw.rectangle((0, 0, width, STATUS_BAR_PX + NAV_BAR_PX), fill=BLUE)
    draw.text(
        (28, STATUS_BAR_PX // 2),
        f"{int(rng.integers(7, 23))}:{int(rng.integers(0, 60)):02d}",
        fill="white",
        font=small,
        anchor="lm",
    )
    draw.rectangle((width - 80, 18, width - 36, 38), outline="white", width=2)
    draw.rectangle((width - 77, 21, width - 77 + int(rng.integers(8, 39)), 35), fill="white")
    nav_y = STATUS_BAR_PX + NAV_BAR_PX // 2
    draw.text((width / 2, nav_y), "电子驾驶证", fill="white", font=title, anchor="mm")
    draw.line((40, nav_y, 56, nav_y - 16), fill="white", width=4)
    draw.line((40, nav_y, 56, nav_y + 16), fill="white", width=4)

    # The license panel: a white rounded card with a blue band holding the title.
    panel_top = STATUS_BAR_PX + NAV_BAR_PX + 30
    rows = screen_fields(license)
    # A value wider than the row wraps onto a second line, as the app does (long addresses and authorities).
    value_width = width - VALUE_LEFT_PX - 36
    splits = [_wrap_at(draw, value, body, value_width) for _, value in rows]
    row_lines = [1 if split == len(value) else 2 for (_, value), split in zip(rows, splits, strict=True)]
    panel_bottom = panel_top + 110 + FIELD_ROW_PX * sum(row_lines) + 20
    draw.rounded_rectangle((24, panel_top, width - 24, panel_bottom), radius=22, fill="white")
    draw.rounded_rectangle((24, panel_top, width - 24, panel_top + 90), radius=22, fill=(220, 233, 252))
    draw.text((width / 2, panel_top + 45), "中华人民共和国机动车驾驶证", fill=BLUE, font=title, anchor="mm")
    y = panel_top + 110 + FIELD_ROW_PX // 2
    for (label, value), lines, split in zip(rows, row_lines, splits, strict=True):
        draw.text((52, y), label, fill=LABEL_GREY, font=small, anchor="lm")
        draw.text((VALUE_LEFT_PX, y), value[:split], fill=VALUE_INK, font=body, anchor="lm")
        if lines == 2:
            draw.text((VALUE_LEFT_PX, y + FIELD_ROW_PX), value[split:], fill=VALUE_INK, font=body, anchor="lm")
        y += FIELD_ROW_PX * lines

    # QR block with the three finder squares, then the generation date and the live clock under it.
    qr_top = panel_bottom + 40
    # The QR code shrinks so the live clock under it stays on the screen after a long (wrapped) panel.
    qr_size = min(QR_SIZE_PX, height - qr_top - CLOCK_BLOCK_PX)
    qr_left = (width - qr_size) // 2
    draw.rounded_rectangle(
        (qr_left - 24, qr_top - 24, qr_left + qr_size + 24, qr_top + qr_size + 24), radius=16, fill="white"
    )
    image.paste(_qr_block(rng, qr_size), (qr_left, qr_top))
    text_y = qr_top + qr_size + 60
    draw.text(
        (width / 2, text_y),
        f"生成时间：{license.generation_date.isoformat()}",
        fill=LABEL_GREY,
        font=small,
        anchor="mm",
    )
    draw.text(
        (width / 2, text_y + 56),
        f"当前时间：{license.current_time:%Y-%m-%d %H:%M:%S}",
        fill=BLUE,
        font=body,
        anchor="mm",
    )
    return np.asarray(image, dtype=np.uint8).copy()


def _wrap_at(draw: ImageDraw.ImageDraw, value: str, font: ImageFont.FreeTypeFont, max_width: float) -> int:
    """How many characters of `value` fit on one row (all of them when it fits)."""
    for end in range(len(value), 0, -1):
        if draw.textlength(value[:end], font=font) <= max_width:
            return end
    return len(value)


def _qr_block(rng: np.random.Generator, size: int) -> Image.Image:
    """Random modules with QR finder patterns: reads as a QR code to a detector, encodes nothing."""
    modules = (rng.random((QR_MODULES, QR_MODULES)) < 0.5).astype(np.uint8)
    finder = np.ones((7, 7), np.uint8)
    finder[1:6, 1:6] = 0
    finder[2:5, 2:5] = 1
    for row, col in ((0, 0), (0, QR_MODULES - 7), (QR_MODULES - 7, 0)):
        modules[max(row - 1, 0) : row + 8, max(col - 1, 0) : col + 8] = 0
        modules[row : row + 7, col : col + 7] = finder
    pixels = cv2.resize((1 - modules) * 255, (size, size), interpolation=cv2.INTER_NEAREST)
    return Image.fromarray(pixels.astype(np.uint8)).convert("RGB")
