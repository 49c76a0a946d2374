"""The 交管12123 electronic license: the main page's fields plus 档案编号, 累积记分, 状态, 生成时间, 当前时间 and
the issuing authority's own row. App pages put a value right of its label or on the line under it."""

from __future__ import annotations

import re

from engine.layout.fields import FILE_NUMBER, find_dates
from engine.layout.frame import PlacedLine
from engine.layout.front import field, parse_front
from engine.layout.labels import Found, find_label, is_label_only, strip_noise, value_of
from engine.results import FieldValue

TIME = re.compile(r"(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?")
STATUS_SEPARATORS = re.compile(r"[、,，/\s]+")


def value_near(lines: list[PlacedLine], key: str) -> Found | None:
    """Right of the label or on the same line, else the first line under the label that starts near it."""
    found = value_of(lines, key)
    if found and found.text:
        return found
    label = find_label(lines, key)
    if label is None:
        return None
    anchor = label[0]
    below = [
        line
        for line in lines
        if line.top >= anchor.bottom - 0.2 * anchor.height
        and line.top <= anchor.bottom + 1.5 * anchor.height
        and abs(line.left - anchor.left) <= 2 * anchor.height
        and not is_label_only(line)
    ]
    if not below:
        return None
    nearest = min(below, key=lambda line: line.top)
    return Found(strip_noise(nearest.text), nearest)


def timestamp(text: str) -> str | None:
    """`YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS` as printed on the page."""
    dates = find_dates(text)
    if not dates:
        return None
    clock = TIME.search(text[text.find(dates[0][:4]) + 4 :] if dates[0][:4] in text else text)
    if clock is None:
        return dates[0]
    hours, minutes, seconds = clock.group(1), clock.group(2), clock.group(3)
    return f"{dates[0]} {int(hours):02d}:{minutes}" + (f":{seconds}" if seconds else "")


def parse_electronic(lines: list[PlacedLine]) -> dict[str, FieldValue]:
    fields = parse_front(lines)
    fields.pop("issuing_authority", None)  # no seal on a screenshot: the authority has its own row
    for key in ("name", "nationality", "sex", "class", "address"):
        if key not in fields and (found := value_near(lines, key)) and found.text:
            fields[key] = field(found.text, found)
    if (found := value_near(lines, "file_number")) and (match := FILE_NUMBER.search(found.text)):
        fields["file_number"] = field(match.group(0), found)
    if (found := value_near(lines, "accumulated_scores")) and (digits := re.search(r"\d+", found.text)):
        fields["accumulated_scores"] = field(digits.group(0), found)
    if (found := value_near(lines, "status")) and found.text:
        statuses = tuple(part for part in STATUS_SEPARATORS.split(found.text) if part)
        fields["status"] = FieldValue(value=statuses, score=found.line.line.score, quad=found.line.line.quad)
    for key in ("generation_date", "current_time"):
        if (found := value_near(lines, key)) and (value := timestamp(found.text)):
            fields[key] = field(value, found)
    if (found := value_near(lines, "issuing_authority")) and found.text:
        fields["issuing_authority"] = field(found.text, found)
    return fields
