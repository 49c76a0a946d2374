"""The back page (副页): 证号, 姓名, 档案编号 and the 记录 lines."""

from __future__ import annotations

from engine.layout.fields import FILE_NUMBER
from engine.layout.frame import PlacedLine
from engine.layout.front import field, parse_number
from engine.layout.labels import find_label, is_label_only, strip_noise, value_of
from engine.results import FieldValue


def parse_back(lines: list[PlacedLine]) -> dict[str, FieldValue]:
    fields: dict[str, FieldValue] = {}
    if number := parse_number(lines):
        fields["number"] = number
    if (name := value_of(lines, "name")) and name.text:
        fields["name"] = field(name.text, name)
    if (file_number := value_of(lines, "file_number")) and (match := FILE_NUMBER.search(file_number.text)):
        fields["file_number"] = field(match.group(0), file_number)
    if record := parse_record(lines):
        fields["record"] = record
    return fields


def parse_record(lines: list[PlacedLine]) -> FieldValue | None:
    """The first record line, exactly as printed: after 记录 on its row, else the first line below the label."""
    found = value_of(lines, "record", stop_at_labels=False)
    if found and found.text:
        return field(found.text, found)
    label = find_label(lines, "record")
    if label is None:
        return None
    below = sorted(
        (line for line in lines if line.top >= label[0].center_y and not is_label_only(line) and line is not label[0]),
        key=lambda line: (line.center_y, line.left),
    )
    if not below:
        return None
    text = strip_noise(below[0].text)
    return FieldValue(value=text, score=below[0].line.score, quad=below[0].line.quad) if text else None
