"""Printed labels as data, and finding a label's value among the page's lines (same line, or to its right)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from engine.layout.frame import PlacedLine
from engine.results import Quad, TextLine

# Chinese labels of every page kind, each with the variants generic OCR reads for it.
LABELS: dict[str, tuple[str, ...]] = {
    "number": ("证号", "正号", "証号", "驾驶证号"),
    "name": ("姓名",),
    "sex": ("性别",),
    "nationality": ("国籍",),
    "address": ("住址",),
    "birth": ("出生日期",),
    "issue_date": ("初次领证日期", "初次领证日", "领证日期"),
    "class": ("准驾车型",),
    "valid_from": ("有效起始日期", "起始日期"),
    "valid_period": ("有效期限",),
    "file_number": ("档案编号",),
    "record": ("记录",),
    "accumulated_scores": ("累积记分", "累计记分"),
    "status": ("状态",),
    "generation_date": ("生成时间", "生成日期"),
    "current_time": ("当前时间",),
    "issuing_authority": ("发证机关",),
}
# English labels and title words: evidence for the layout, never part of a value.
ENGLISH_NOISE = re.compile(
    r"Driving\s*Licen[cs]e.*|of\s+the\s+People.*|Date\s*of\s*First\s*Issue|Date\s*of\s*Birth|Valid\s*Period|"
    r"Valid\s*From|Valid\s*For|Issue\s*Date|Nationality|Birthday|Address|Class|Name|Sex|M\s*&\s*F",
    re.IGNORECASE,
)
SEPARATORS = " :：;；,，"
ALL_LABEL_TEXTS = tuple(text for variants in LABELS.values() for text in variants)


@dataclass(frozen=True)
class Found:
    """A value's text and the line it was read from."""

    text: str
    line: PlacedLine


def strip_noise(text: str) -> str:
    return ENGLISH_NOISE.sub("", text).strip(SEPARATORS)


def is_label_only(line: PlacedLine) -> bool:
    """The line holds nothing but labels, English label words and separators."""
    rest = strip_noise(line.text)
    for label in sorted(ALL_LABEL_TEXTS, key=len, reverse=True):
        rest = rest.replace(label, "")
    return not rest.strip(SEPARATORS)


def find_label(lines: list[PlacedLine], field: str) -> tuple[PlacedLine, str] | None:
    """The first line holding one of the field's label variants, and the variant found."""
    for line in lines:
        for variant in LABELS[field]:
            if variant in line.text:
                return line, variant
    return None


def value_of(lines: list[PlacedLine], field: str, stop_at_labels: bool = True) -> Found | None:
    """The field's value: the text after its label on the same line, else the first non-label line to its right on
    the same row (left of the next label on that row when `stop_at_labels`)."""
    found = find_label(lines, field)
    if found is None:
        return None
    label_line, variant = found
    remainder = strip_noise(label_line.text.split(variant, 1)[1])
    remainder = _cut_at_next_label(remainder)
    if remainder:
        return Found(remainder, label_line)
    right = right_of(lines, label_line, stop_at_labels)
    return Found(strip_noise(right[0].text), right[0]) if right else None


def right_of(lines: list[PlacedLine], anchor: PlacedLine, stop_at_labels: bool = True) -> list[PlacedLine]:
    """Non-label lines on the anchor's row to its right, left to right, up to the next label when asked."""
    same_row = sorted(
        # Centres, not edges: a tilted or offset print makes a value's box overlap its label's end.
        (line for line in lines if line is not anchor and line.shares_row(anchor) and line.center_x > anchor.right),
        key=lambda line: line.left,
    )
    values: list[PlacedLine] = []
    for line in same_row:
        if is_label_only(line):
            if stop_at_labels and any(label in line.text for label in ALL_LABEL_TEXTS):
                break
            continue
        if stop_at_labels and values and _starts_with_label(line.text):
            break
        values.append(line)
    return values


def _starts_with_label(text: str) -> bool:
    return any(text.startswith(label) for label in ALL_LABEL_TEXTS)


def _cut_at_next_label(text: str) -> str:
    """`谢乐桃性别女` -> `谢乐桃`: a merged line keeps only the text before the next label."""
    cut = len(text)
    for label in ALL_LABEL_TEXTS:
        index = text.find(label)
        if index >= 0:
            cut = min(cut, index)
    return text[:cut].strip(SEPARATORS)


def split_at_labels(lines: list[PlacedLine]) -> list[PlacedLine]:
    """Split lines the detector merged across a label (`交通警察支队 准驾车型`, `谢乐桃性别女`) so that every label
    starts a line; the pieces' boxes and quads are apportioned along the line by character widths."""
    return [piece for line in lines for piece in _split(line)]


def _split(line: PlacedLine) -> list[PlacedLine]:
    starts = [index for label in ALL_LABEL_TEXTS if (index := line.text.find(label, 1)) > 0]
    if not starts:
        return [line]
    cut = min(starts)
    head, tail = line.text[:cut], line.text[cut:]
    if not head.strip(SEPARATORS):
        return [line]
    share = printed_width(head) / printed_width(line.text)
    middle = line.left + share * (line.right - line.left)
    first = PlacedLine(_piece(line, head.strip(), 0.0, share), line.left, line.top, middle, line.bottom)
    rest = PlacedLine(_piece(line, tail, share, 1.0), middle, line.top, line.right, line.bottom)
    return [first, *_split(rest)]


def printed_width(text: str) -> float:
    """Printed width in em: CJK characters are full width, digits and Latin letters about half."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in text) or 1.0


def _piece(line: PlacedLine, text: str, start: float, end: float) -> TextLine:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = line.line.quad

    def along(ax: float, ay: float, bx: float, by: float, t: float) -> tuple[float, float]:
        return (ax + t * (bx - ax), ay + t * (by - ay))

    quad: Quad = (
        along(x0, y0, x1, y1, start),
        along(x0, y0, x1, y1, end),
        along(x3, y3, x2, y2, end),
        along(x3, y3, x2, y2, start),
    )
    return replace(line.line, text=text, quad=quad, char_scores=())
