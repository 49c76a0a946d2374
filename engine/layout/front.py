"""The main page (主页), both print layouts: old (有效起始日期 + 有效期限 N年) and new (有效期限 A 至 B)."""

from __future__ import annotations

from dataclasses import replace

from engine.layout.fields import (
    AUTHORITY_WORDS,
    LONG_TERM,
    PADDED_DATE_SCORE,
    SEXES,
    add_years,
    find_dates,
    find_id_number,
    normalize_class,
    period_years,
    start_run_into_end,
)
from engine.layout.frame import PlacedLine
from engine.layout.labels import Found, find_label, is_label_only, right_of, strip_noise, value_of
from engine.results import FieldValue


def field(value: str, found: Found, derived: bool = False) -> FieldValue:
    """A FieldValue read from `found`'s line; a derived value (computed, not printed) carries no location."""
    return FieldValue(value=value, score=found.line.line.score, quad=None if derived else found.line.line.quad)


def parse_number(lines: list[PlacedLine]) -> FieldValue | None:
    """The ID number: after the 证号 label when there is one, else any line that holds 18 ID characters."""
    labelled = value_of(lines, "number")
    candidates = ([labelled.line] if labelled else []) + lines
    for line in candidates:
        number = find_id_number(line.text)
        if number:
            return field(number, Found(number, line))
    return None


def parse_front(lines: list[PlacedLine]) -> dict[str, FieldValue]:
    fields: dict[str, FieldValue] = {}
    if number := parse_number(lines):
        fields["number"] = number
    if (name := value_of(lines, "name")) and name.text:
        fields["name"] = field(name.text, name)
    if (sex := value_of(lines, "sex")) and (letter := next((c for c in sex.text if c in SEXES), None)):
        fields["sex"] = field(letter, sex)
    if (nationality := value_of(lines, "nationality")) and nationality.text:
        fields["nationality"] = field(nationality.text, nationality)
    if address := parse_address(lines):
        fields["address"] = address
    for key in ("birth", "issue_date"):
        found = value_of(lines, key)
        if found and (dates := find_dates(found.text)):
            fields[key] = field(dates[0], found)
    if (found_class := value_of(lines, "class")) and (value := normalize_class(found_class.text)):
        fields["class"] = field(value, found_class)
    fields.update(parse_validity(lines))
    if authority := parse_seal(lines):
        fields["issuing_authority"] = authority
    return fields


def parse_address(lines: list[PlacedLine]) -> FieldValue | None:
    """The address row's value, joined with the lines under it down to the 出生日期 row (the wrapped second line)."""
    first = value_of(lines, "address", stop_at_labels=False)
    label = find_label(lines, "address")
    if first is None or label is None:
        return None
    parts = [first.text] + [strip_noise(line.text) for line in right_of(lines, first.line, stop_at_labels=False)]
    floor = find_label(lines, "birth")
    bottom = floor[0].top if floor else first.line.bottom + 2.5 * first.line.height
    below = [
        line
        for line in lines
        if line.top > first.line.bottom - 0.3 * first.line.height
        and line.center_y < bottom
        and line is not label[0]
        and not line.shares_row(first.line)
        and not is_label_only(line)
        and line.left < first.line.right
    ]
    parts += [strip_noise(line.text) for line in sorted(below, key=lambda line: (line.center_y, line.left))]
    value = "".join(part for part in parts if part)
    return field(value, first) if value else None


def parse_validity(lines: list[PlacedLine]) -> dict[str, FieldValue]:
    """valid_from and valid_to, from either print layout; the old layout's valid_to is computed from N years."""
    fields: dict[str, FieldValue] = {}
    old_start = value_of(lines, "valid_from")
    period = value_of(lines, "valid_period", stop_at_labels=False)
    if old_start and (dates := find_dates(old_start.text)):
        fields["valid_from"] = field(dates[0], old_start)
        if period:
            years = period_years(period.text)
            if LONG_TERM in period.text:
                fields["valid_to"] = field(LONG_TERM, period)
            elif years:
                fields["valid_to"] = field(add_years(dates[0], years), period, derived=True)
        return fields
    if period is None:
        return fields
    text = period.text + "".join(line.text for line in right_of(lines, period.line, stop_at_labels=False))
    if (run_together := start_run_into_end(text)) is not None:
        start, end = run_together
        if start is not None:
            fields["valid_from"] = replace(field(start, period), score=min(period.line.line.score, PADDED_DATE_SCORE))
        fields["valid_to"] = field(end, period)
        return fields
    dates = find_dates(text)
    if dates:
        fields["valid_from"] = field(dates[0], period)
    if len(dates) >= 2:
        fields["valid_to"] = field(dates[1], period)
    elif LONG_TERM in text:
        fields["valid_to"] = field(LONG_TERM, period)
    return fields


def parse_seal(lines: list[PlacedLine]) -> FieldValue | None:
    """The red seal's three lines, left of the date labels and below the address, read top to bottom as one."""
    birth = find_label(lines, "birth")
    address = find_label(lines, "address")
    if birth is None:
        return None
    column_right = birth[0].left + 0.3 * birth[0].height
    top = address[0].bottom if address else birth[0].top - 3 * birth[0].height
    seal = [
        line
        for line in lines
        if line.right <= column_right + 2 * line.height
        and line.center_x < birth[0].left
        and line.top >= top
        and not is_label_only(line)
        and not any(character.isdigit() for character in line.text)
    ]
    seal.sort(key=lambda line: line.center_y)
    value = "".join(strip_noise(line.text) for line in seal)
    if not any(word in value for word in AUTHORITY_WORDS):
        return None
    score = min(line.line.score for line in seal)
    return FieldValue(value=value, score=score, quad=seal[0].line.quad)
