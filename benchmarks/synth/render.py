"""Draws one license page, upright and flat, at PX_PER_MM: tint and guilloche, pre-printed labels, printed values.

Output is RGB uint8 (H, W, 3) in card pixels (88 x 60 mm) with an alpha mask for the rounded corners. Pre-printed
parts (title, labels, rules, boxes) sit where layout.py says; the printer's values are shifted and tilted as a whole,
the way a dot-matrix printer misfeeds the card, and the red seal is stamped over whatever lies under it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFont

from benchmarks.synth import fonts
from benchmarks.synth.fonts import Face
from benchmarks.synth.identity import License
from benchmarks.synth.layout import (
    CARD_HEIGHT_MM,
    CARD_WIDTH_MM,
    CORNER_RADIUS_MM,
    ENGLISH_DROP_MM,
    ENGLISH_SIZE_MM,
    LABEL_SIZE_MM,
    SUBTITLE_Y,
    TITLE_Y,
    PageLayout,
    Rect,
    Slot,
    back_layout,
    front_layout,
)

RGBImage = npt.NDArray[np.uint8]
"""Shape (H, W, 3), uint8, RGB."""
Mask = npt.NDArray[np.uint8]
"""Shape (H, W), uint8, 255 = fully covered."""
FloatImage = npt.NDArray[np.float32]
Colour = tuple[float, float, float]
"""RGB in [0, 1]."""

PX_PER_MM = 12.0
CARD_SIZE_PX = (round(CARD_WIDTH_MM * PX_PER_MM), round(CARD_HEIGHT_MM * PX_PER_MM))
PATTERN_VARIANTS = 4

LABEL_INK: Colour = (0.11, 0.11, 0.13)
NUMBER_BOX_PURPLE: Colour = (0.42, 0.38, 0.53)
SEAL_RED: Colour = (0.80, 0.15, 0.20)
RULE_DASH_PX = (2, 2)  # dots and gaps of the dashed underlines: fine dotting, as on the specimen
RULE_THICKNESS_PX = 2
BOX_THICKNESS_PX = 2
SEAL_BORDER_MM = 0.55
# Printer misfeed: the whole value print shifts and turns a little against the pre-printed card.
MAX_PRINT_SHIFT_MM = (1.3, 0.9)
MAX_PRINT_TILT_DEG = 1.0
MAX_VALUE_JITTER_MM = 0.25
CJK_GLYPH_HEIGHT = 0.88  # a CJK glyph's height as a share of its advance (one em)
DOT_PITCH_PX = 3  # ~0.25 mm: a 24-pin printer's dot pitch at PX_PER_MM
# The specimen's printer slashes its zeros (Ø), which the recognizer reads 8, 9 or 6: this share of cards is printed
# so. The slash runs inside the zero's oval, corner to corner, as thick as the glyph's strokes.
SLASHED_ZERO_SHARE = 0.5
SLASH_INSET = (0.2, 0.1)  # of the zero's width and height, at each end of the slash
SLASH_WIDTH = 0.1  # of the zero's height

Side = Literal["front", "back"]


@dataclass(frozen=True)
class CardStyle:
    """The per-card draws that make two cards of the same person look different."""

    title_face: Face
    label_face: Face
    english_face: Face
    value_face: Face
    digit_face: Face
    class_face: Face
    seal_face: Face
    tint: Colour
    pattern_variant: int
    print_shift_mm: tuple[float, float]
    print_tilt_deg: float
    digit_squeeze: float
    name_tracking: float
    value_ink: Colour
    value_opacity: float
    dot_matrix: bool
    slashed_zero: bool
    seal_even_split: bool
    seal_shift_mm: tuple[float, float]
    seal_tilt_deg: float
    sex_english: str


@dataclass(frozen=True)
class CardImage:
    """A drawn page: RGB pixels and the alpha of its rounded corners, both in card pixels."""

    rgb: RGBImage
    alpha: Mask
    side: Side


def random_style(rng: np.random.Generator) -> CardStyle:
    def pick(faces: tuple[Face, ...]) -> Face:
        return faces[int(rng.integers(0, len(faces)))]

    ink = float(rng.uniform(0.12, 0.28))
    # Drawn from a child stream: the cards a seed drew before this draw existed keep every other draw.
    slashed_zero = bool(rng.spawn(1)[0].random() < SLASHED_ZERO_SHARE)
    return CardStyle(
        title_face=pick(fonts.TITLE_FACES),
        label_face=pick(fonts.LABEL_FACES),
        english_face=pick(fonts.ENGLISH_FACES),
        value_face=pick(fonts.VALUE_FACES),
        digit_face=pick(fonts.DIGIT_FACES),
        class_face=pick(fonts.CLASS_FACES),
        seal_face=pick(fonts.SEAL_FACES),
        tint=(float(rng.uniform(0.62, 0.76)), float(rng.uniform(0.86, 0.93)), float(rng.uniform(0.78, 0.88))),
        pattern_variant=int(rng.integers(0, PATTERN_VARIANTS)),
        print_shift_mm=(
            float(rng.uniform(-1, 1) * MAX_PRINT_SHIFT_MM[0]),
            float(rng.uniform(-1, 1) * MAX_PRINT_SHIFT_MM[1]),
        ),
        print_tilt_deg=float(rng.uniform(-1, 1) * MAX_PRINT_TILT_DEG),
        digit_squeeze=float(rng.uniform(0.72, 0.92)),
        name_tracking=float(rng.uniform(0.15, 0.45)),
        value_ink=(ink, ink, ink + 0.04),
        value_opacity=float(rng.uniform(0.78, 0.95)),
        dot_matrix=bool(rng.random() < 0.7),
        slashed_zero=slashed_zero,
        seal_even_split=bool(rng.random() < 0.7),
        seal_shift_mm=(float(rng.uniform(-1.2, 1.2)), float(rng.uniform(-1.2, 1.2))),
        seal_tilt_deg=float(rng.uniform(-2.0, 2.0)),
        sex_english="M&F" if rng.random() < 0.5 else "Sex",
    )


def render_page(license: License, side: Side, rng: np.random.Generator, style: CardStyle | None = None) -> CardImage:
    """Draw the main page (`front`) or the back page (`back`) of `license`."""
    style = style or random_style(rng)
    if side == "front":
        layout = front_layout(
            old=license.layout == "old", sex_english=style.sex_english if license.layout == "old" else "Sex"
        )
        values = front_values(license)
    else:
        layout = back_layout(barcode=bool(rng.random() < 0.5))
        values = back_values(license)
    width, height = CARD_SIZE_PX
    card = _background(style, rng)
    _draw_number_box(card, layout.number_box, style)
    if layout.photo is not None:
        _draw_photo_placeholder(card, layout.photo, rng)

    labels = _draw_labels(layout, style, (width, height))
    _multiply_ink(card, labels, LABEL_INK, 1.0)
    if layout.barcode is not None:
        _multiply_ink(card, _barcode_mask(layout.barcode, rng, (width, height)), LABEL_INK, 0.95)

    printed = _draw_values(layout, values, style, rng, (width, height))
    if style.dot_matrix:
        printed = _dot_matrix(printed)
    _multiply_ink(card, printed, style.value_ink, style.value_opacity)

    if layout.seal is not None:
        seal = _draw_seal(license.authority, layout.seal, style, rng, (width, height))
        _multiply_ink(card, seal, SEAL_RED, float(rng.uniform(0.85, 1.0)))
    rgb = np.clip(card * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return CardImage(rgb=rgb, alpha=rounded_corners(width, height), side=side)


def front_values(license: License) -> dict[str, str]:
    """What the printer puts in each front slot; `address` is split into its two lines when drawn."""
    values = {
        "number": license.person.id_number,
        "name": license.person.name,
        "sex": license.person.sex,
        "nationality": license.nationality,
        "address": license.person.address,
        "birth": license.person.birth.isoformat(),
        "issue_date": license.issue_date.isoformat(),
        "class": license.license_class,
    }
    if license.layout == "old":
        values["valid_from"] = license.valid_from.isoformat()
        values["valid_for"] = "长期" if license.validity_years is None else f"{license.validity_years}年"
    else:
        values["valid_period"] = f"{license.valid_from.isoformat()} 至 {license.valid_to}"
    return values


def back_values(license: License) -> dict[str, str]:
    return {
        "number": license.person.id_number,
        "name": license.person.name,
        "file_number": license.file_number,
        "record": license.record,
    }


def seal_lines(authority: str, even_split: bool) -> tuple[str, str, str]:
    """The authority in three lines: near-equal chunks (the specimen: 河北省秦皇/岛市公安局/交通警察支队),
    or split where the words end (河北省秦皇岛/市公安局/交通警察支队)."""
    if not even_split and "公安局" in authority:
        head, tail = authority.split("公安局", 1)
        if head.endswith("市") and len(head) > 2 and tail:
            return head[:-1], "市公安局", tail
        if tail:
            return head, "公安局", tail
    size = len(authority) // 3
    first, second = authority[:size], authority[size : 2 * size]
    return first, second, authority[2 * size :]


# --- background -------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=PATTERN_VARIANTS)
def _guilloche(variant: int) -> FloatImage:
    """Security-print line pattern in [0, 1], (H, W) float32: crossing families of wavy fine lines and a rosette.

    Cached per process; a pure function of `variant`, so caching cannot change any output."""
    rng = np.random.default_rng(1000 + variant)
    width, height = CARD_SIZE_PX
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32) / np.float32(PX_PER_MM)
    pattern = np.zeros((height, width), np.float32)
    for _ in range(2):
        angle = rng.uniform(0, np.pi)
        along = xs * np.cos(angle) + ys * np.sin(angle)
        across = -xs * np.sin(angle) + ys * np.cos(angle)
        wave = rng.uniform(1.5, 3.5) * np.sin(2 * np.pi * across / rng.uniform(12, 30) + rng.uniform(0, 6.3))
        phase = 2 * np.pi * (along + wave) / rng.uniform(0.55, 0.8)
        pattern += ((0.5 + 0.5 * np.cos(phase)) ** 6).astype(np.float32)
    centre_x, centre_y = rng.uniform(30, 60), rng.uniform(25, 50)
    radius = np.hypot(xs - centre_x, ys - centre_y)
    theta = np.arctan2(ys - centre_y, xs - centre_x)
    rosette = (0.5 + 0.5 * np.cos(2 * np.pi * radius / 0.9 + 2.5 * np.sin(8 * theta))) ** 8
    pattern += (rosette * np.exp(-((radius / 22.0) ** 2))).astype(np.float32) * 1.5
    return np.clip(pattern / 2.0, 0, 1)


def _background(style: CardStyle, rng: np.random.Generator) -> FloatImage:
    """Tinted card stock, (H, W, 3) float32 RGB in [0, 1], lighter at the top like the specimen."""
    width, height = CARD_SIZE_PX
    pattern = _guilloche(style.pattern_variant)
    tint = np.array(style.tint, np.float32)
    lighten = np.linspace(0.35, 0.0, height, dtype=np.float32)[:, None, None] * np.float32(rng.uniform(0.3, 1.0))
    base = tint[None, None, :] * (1 - lighten) + lighten
    strength = float(rng.uniform(0.07, 0.15))
    shade = cv2.merge([1.0 - strength * pattern] * 3)
    return cv2.multiply(np.ascontiguousarray(np.broadcast_to(base, (height, width, 3))), shade).astype(
        np.float32, copy=False
    )


def rounded_corners(width: int, height: int) -> Mask:
    """The alpha of a card's rounded corners at PX_PER_MM: 255 on the card, 0 outside its corner arcs."""
    radius = round(CORNER_RADIUS_MM * PX_PER_MM)
    alpha = np.zeros((height, width), np.uint8)
    cv2.rectangle(alpha, (radius, 0), (width - 1 - radius, height - 1), 255, -1)
    cv2.rectangle(alpha, (0, radius), (width - 1, height - 1 - radius), 255, -1)
    for x, y in (
        (radius, radius),
        (width - 1 - radius, radius),
        (radius, height - 1 - radius),
        (width - 1 - radius, height - 1 - radius),
    ):
        cv2.circle(alpha, (x, y), radius, 255, -1, lineType=cv2.LINE_AA)
    return alpha


# --- pre-printed parts ------------------------------------------------------------------------------------------


def _px(mm: float) -> int:
    return round(mm * PX_PER_MM)


def _draw_number_box(card: FloatImage, box: Rect, style: CardStyle) -> None:
    """The purple `证号` box with the label knocked out in white."""
    x0, y0, x1, y1 = _px(box.x0), _px(box.y0), _px(box.x1), _px(box.y1)
    card[y0:y1, x0:x1] = np.array(NUMBER_BOX_PURPLE, np.float32)
    text = _render_line("证号", LABEL_SIZE_MM * 1.1 * PX_PER_MM, style.label_face, style.english_face, tracking=0.35)
    mask = np.asarray(text, np.float32) / 255.0
    height, width = mask.shape
    top, left = (y0 + y1 - height) // 2, (x0 + x1 - width) // 2
    region = card[top : top + height, left : left + width]
    region += (1.0 - region) * mask[:, :, None] * 0.95


def _draw_photo_placeholder(card: FloatImage, box: Rect, rng: np.random.Generator) -> None:
    """A plain head-and-shoulders silhouette on a pale ground: where the holder's photo goes. Never a face."""
    x0, y0, x1, y1 = _px(box.x0), _px(box.y0), _px(box.x1), _px(box.y1)
    width, height = x1 - x0, y1 - y0
    ground = rng.uniform(0.86, 0.97)
    photo = np.full((height, width, 3), ground, np.float32)
    photo[:, :, 2] = min(ground + float(rng.uniform(0, 0.05)), 1.0)
    centre_x = width // 2 + int(rng.integers(-width // 12, width // 12 + 1))
    head_y = int(height * rng.uniform(0.36, 0.42))
    head = (int(width * 0.2), int(height * 0.2))
    hair = tuple(float(v) for v in rng.uniform(0.08, 0.25, 1).repeat(3) * (1.0, 0.92, 0.85))
    skin = tuple(float(v) for v in rng.uniform(0.72, 0.88) * np.array((1.0, 0.9, 0.82)))
    clothes = tuple(float(v) for v in rng.uniform(0.1, 0.6, 3))
    cv2.ellipse(
        photo, (centre_x, height + height // 10), (int(width * 0.55), int(height * 0.33)), 0, 180, 360, clothes, -1
    )
    cv2.rectangle(photo, (centre_x - width // 11, head_y), (centre_x + width // 11, int(height * 0.8)), skin, -1)
    cv2.ellipse(photo, (centre_x, head_y - head[1] // 8), (head[0] + 6, head[1] + 8), 0, 0, 360, hair, -1)
    cv2.ellipse(photo, (centre_x, head_y + head[1] // 8), (head[0] - 4, head[1]), 0, 0, 360, skin, -1)
    cv2.ellipse(photo, (centre_x, head_y - head[1] // 2), (head[0] + 2, head[1] // 2), 0, 180, 360, hair, -1)
    card[y0:y1, x0:x1] = cv2.GaussianBlur(photo, (0, 0), 2.5)


def _draw_labels(layout: PageLayout, style: CardStyle, size: tuple[int, int]) -> Mask:
    """Title, labels, rules and boxes: everything printed on the blank card before the holder's data."""
    image = Image.new("L", size, 0)
    draw = ImageDraw.Draw(image)
    title = fonts.load_font(style.title_face, round(layout.title_size * PX_PER_MM))
    draw.text((size[0] / 2, _px(TITLE_Y)), layout.title, fill=255, font=title, anchor="mm")
    if layout.subtitle is not None:
        subtitle = _render_line(layout.subtitle, 1.5 * PX_PER_MM, style.label_face, style.english_face)
        target_width = draw.textlength(layout.title, font=title) * 0.98
        subtitle = subtitle.resize((round(target_width), subtitle.height), Image.Resampling.BILINEAR)
        image.paste(subtitle, (round((size[0] - subtitle.width) / 2), _px(SUBTITLE_Y) - subtitle.height // 2), subtitle)
    label_height = LABEL_SIZE_MM * 0.88 * PX_PER_MM
    for label in layout.labels:
        chinese = _render_line(label.chinese, label_height, style.label_face, style.english_face)
        image.paste(chinese, (_px(label.x), _px(label.y) - chinese.height // 2), chinese)
        if label.english is not None:
            english = _render_line(
                label.english, ENGLISH_SIZE_MM * 0.73 * PX_PER_MM, style.label_face, style.english_face,
                max_width_px=max(chinese.width * 1.9, 14 * PX_PER_MM),
            )  # fmt: skip
            image.paste(english, (_px(label.x), _px(label.y + ENGLISH_DROP_MM) - english.height // 2), english)
    mask = np.array(image)
    for rule in layout.rules:
        y, x0, x1 = _px(rule.y), _px(rule.x0), _px(rule.x1)
        row = mask[y : y + RULE_THICKNESS_PX, x0:x1]
        if rule.dashed:
            dots = (np.arange(x1 - x0) % sum(RULE_DASH_PX)) < RULE_DASH_PX[0]
            row[:, dots] = np.maximum(row[:, dots], 200)
        else:
            row[:] = np.maximum(row, 170)
    for box in layout.boxes:
        cv2.rectangle(mask, (_px(box.x0), _px(box.y0)), (_px(box.x1), _px(box.y1)), 255, BOX_THICKNESS_PX)
    return mask


def _barcode_mask(box: Rect, rng: np.random.Generator, size: tuple[int, int]) -> Mask:
    mask = np.zeros((size[1], size[0]), np.uint8)
    x, x1 = _px(box.x0), _px(box.x1)
    while x < x1:
        bar = int(rng.integers(1, 4)) * 2
        if rng.random() < 0.55:
            mask[_px(box.y0) : _px(box.y1), x : min(x + bar, x1)] = 255
        x += bar
    return mask


# --- the printer's values ---------------------------------------------------------------------------------------


def _draw_values(
    layout: PageLayout, values: dict[str, str], style: CardStyle, rng: np.random.Generator, size: tuple[int, int]
) -> Mask:
    """Every value, shifted and tilted as one print job, each with its own small jitter."""
    image = Image.new("L", size, 0)
    slots = {slot.key: slot for slot in layout.slots}
    lines = dict(values)
    if "address" in lines and "address2" in slots:
        lines["address"], lines["address2"] = _wrap_address(
            values["address"], slots["address"], slots["address2"], style
        )
    shift_x, shift_y = style.print_shift_mm
    for key, text in lines.items():
        slot = slots.get(key)
        if slot is None or not text:
            continue
        line = _render_value(key, text, slot, style)
        jitter = rng.uniform(-MAX_VALUE_JITTER_MM, MAX_VALUE_JITTER_MM, 2)
        tilt = style.print_tilt_deg + float(rng.uniform(-0.3, 0.3))
        line = line.rotate(tilt, resample=Image.Resampling.BILINEAR, expand=True)
        x = slot.x + shift_x + jitter[0]
        if slot.centered:
            x = slot.x + (slot.max_width - line.width / PX_PER_MM) / 2 + shift_x / 3
        y = slot.y + shift_y + jitter[1]
        image.paste(line, (_px(x), _px(y) - line.height // 2), line)
    return np.array(image)


def _render_value(key: str, text: str, slot: Slot, style: CardStyle) -> Image.Image:
    height = slot.size * PX_PER_MM
    if key == "class":
        line = _render_line(text, height, style.class_face, style.class_face, tracking=0.25)
        return line.resize((round(line.width * 1.25), line.height), Image.Resampling.BILINEAR)
    tracking = style.name_tracking if key == "name" else 0.04
    return _render_line(
        text, height, style.value_face, style.digit_face, latin_squeeze=style.digit_squeeze, tracking=tracking,
        max_width_px=slot.max_width * PX_PER_MM, slashed_zero=style.slashed_zero,
    )  # fmt: skip


def _wrap_address(address: str, first: Slot, second: Slot, style: CardStyle) -> tuple[str, str]:
    """Split where the first line runs out of room; the rest goes under the label, from the left margin."""
    available = first.max_width * PX_PER_MM
    height = first.size * PX_PER_MM
    for cut in range(len(address), 0, -1):
        if _line_width(address[:cut], height, style.digit_face, style.digit_squeeze, 0.04) <= available:
            return address[:cut], address[cut:]
    return address, ""


def _line_width(text: str, glyph_height_px: float, latin_face: Face, latin_squeeze: float, tracking: float) -> float:
    """The width _render_line gives `text`, without drawing it."""
    latin = fonts.font_for_height(latin_face, glyph_height_px)
    cjk_advance = glyph_height_px / CJK_GLYPH_HEIGHT * (1 + tracking)
    return sum(latin.getlength(char) * latin_squeeze if char.isascii() else cjk_advance for char in text)


def _render_line(
    text: str,
    glyph_height_px: float,
    cjk_face: Face,
    latin_face: Face,
    latin_squeeze: float = 1.0,
    tracking: float = 0.0,
    max_width_px: float | None = None,
    slashed_zero: bool = False,
) -> Image.Image:
    """One line as an L image whose vertical middle is the line's centre: CJK in `cjk_face`, ASCII in `latin_face`
    squeezed to `latin_squeeze` of its width, `tracking` ems between CJK characters, squeezed to `max_width_px`;
    each zero slashed when `slashed_zero`."""
    cjk = fonts.font_for_height(cjk_face, glyph_height_px)
    latin = fonts.font_for_height(latin_face, glyph_height_px)
    line_height = round(glyph_height_px * 1.6)
    middle = line_height / 2
    runs: list[tuple[bool, str]] = []
    for char in text:
        is_latin = char.isascii()
        if runs and runs[-1][0] == is_latin:
            runs[-1] = (is_latin, runs[-1][1] + char)
        else:
            runs.append((is_latin, char))
    pieces: list[Image.Image] = []
    for is_latin, run in runs:
        font = latin if is_latin else cjk
        reference = font.getbbox("0" if is_latin else "国", anchor="ls")
        baseline = middle - (reference[1] + reference[3]) / 2
        if is_latin:
            width = max(round(font.getlength(run)), 1)
            piece = Image.new("L", (width, line_height), 0)
            ImageDraw.Draw(piece).text((0, baseline), run, fill=255, font=font, anchor="ls")
            if slashed_zero:
                _slash_zeros(piece, run, font, baseline)
            if latin_squeeze != 1.0:
                piece = piece.resize((max(round(width * latin_squeeze), 1), line_height), Image.Resampling.BILINEAR)
        else:
            advance = glyph_height_px / CJK_GLYPH_HEIGHT * (1 + tracking)
            piece = Image.new("L", (max(round(advance * len(run)), 1), line_height), 0)
            draw = ImageDraw.Draw(piece)
            for index, char in enumerate(run):
                draw.text((index * advance, baseline), char, fill=255, font=font, anchor="ls")
        pieces.append(piece)
    total = sum(piece.width for piece in pieces)
    line = Image.new("L", (max(total, 1), line_height), 0)
    x = 0
    for piece in pieces:
        line.paste(piece, (x, 0))
        x += piece.width
    if max_width_px is not None and line.width > max_width_px:
        line = line.resize((max(round(max_width_px), 1), line_height), Image.Resampling.BILINEAR)
    return line


def _slash_zeros(piece: Image.Image, run: str, font: ImageFont.FreeTypeFont, baseline: float) -> None:
    """A slash across each zero of `run`, drawn at `baseline` in `piece` from x = 0, from the oval's lower left to its
    upper right (SLASH_INSET)."""
    left, top, right, bottom = font.getbbox("0", anchor="ls")
    width, height = right - left, bottom - top
    inset_x, inset_y = SLASH_INSET[0] * width, SLASH_INSET[1] * height
    draw = ImageDraw.Draw(piece)
    for index, character in enumerate(run):
        if character != "0":
            continue
        x = font.getlength(run[:index]) + left
        start = (x + inset_x, baseline + bottom - inset_y)
        end = (x + width - inset_x, baseline + top + inset_y)
        draw.line([start, end], fill=255, width=max(round(SLASH_WIDTH * height), 1))


def _dot_matrix(mask: Mask) -> Mask:
    """Break strokes into printer dots, then let the ink spread a little, as the specimen's values look."""
    height, width = mask.shape
    dots = np.zeros((height, width), np.float32)
    dots[::DOT_PITCH_PX, ::DOT_PITCH_PX] = 1.0
    dots = cv2.dilate(dots, np.ones((2, 2), np.uint8)).astype(np.float32, copy=False)
    dotted = mask.astype(np.float32) * (0.45 + 0.55 * dots)
    return np.clip(cv2.GaussianBlur(dotted, (0, 0), 0.8) * 1.15, 0, 255).astype(np.uint8)


def _draw_seal(authority: str, box: Rect, style: CardStyle, rng: np.random.Generator, size: tuple[int, int]) -> Mask:
    """The square red seal: a border and the authority in three lines, stamped with uneven ink."""
    side = round(box.width * PX_PER_MM)
    stamp = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(stamp)
    border = round(SEAL_BORDER_MM * PX_PER_MM)
    draw.rectangle(
        (border // 2, border // 2, side - 1 - border // 2, side - 1 - border // 2), outline=255, width=border
    )
    inner = side - 4 * border
    line_height = inner / 3 * 0.62
    for index, text in enumerate(seal_lines(authority, style.seal_even_split)):
        line = _render_line(text, line_height, style.seal_face, style.seal_face, tracking=0.02, max_width_px=inner)
        centre_y = 2 * border + inner * (index + 0.5) / 3
        stamp.paste(line, (round((side - line.width) / 2), round(centre_y - line.height / 2)), line)
    stamp = stamp.rotate(style.seal_tilt_deg, resample=Image.Resampling.BILINEAR, expand=True)
    image = Image.new("L", size, 0)
    x = _px(box.x0 + style.seal_shift_mm[0]) - (stamp.width - side) // 2
    y = _px(box.y0 + style.seal_shift_mm[1]) - (stamp.height - side) // 2
    image.paste(stamp, (x, y), stamp)
    mask = np.array(image, np.float32)
    # Uneven stamp pressure: a low-frequency field that fades parts of the seal.
    pressure = cv2.resize(rng.uniform(0.7, 1.0, (6, 9)).astype(np.float32), size, interpolation=cv2.INTER_CUBIC)
    return np.clip(mask * pressure, 0, 255).astype(np.uint8)


def _multiply_ink(card: FloatImage, mask: Mask, ink: Colour, opacity: float) -> None:
    """Print `ink` where `mask` is set, multiplying like real ink over the tint (in place, on the mask's bounds)."""
    x, y, width, height = cv2.boundingRect(mask)
    if width == 0 or height == 0:
        return
    coverage = mask[y : y + height, x : x + width].astype(np.float32)
    darkening = (np.float32(opacity / 255.0) * (1.0 - np.array(ink, np.float32))).reshape(3, 1)
    # One C pass: factor = 1 - coverage * darkening, per channel (cv2.transform applies [gain | bias] rows).
    factor = cv2.transform(coverage[:, :, None], np.hstack([-darkening, np.ones((3, 1), np.float32)]))
    region = card[y : y + height, x : x + width]
    cv2.multiply(region, factor, dst=region)
