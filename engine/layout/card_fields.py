"""Fields of a rectified page, by position, character by character.

Labels are pre-printed at fixed places on the card, values are printed inside known zones (zones.py). The recognizer
says where along its line each character sits, so every character gets a card position and goes to the zone holding
it: a label read together with its value (`姓名张三`), a misread label (`娃名`) or an English label caught in a value's
box falls outside the value's zone and drops out, without matching any label text. Input lines have quads in card
millimetres; so do the FieldValue quads returned (the caller maps them to the photo).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import pairwise

import numpy as np

from engine.layout.fields import (
    AUTHORITY_WORDS,
    FILE_NUMBER,
    LONG_TERM,
    PADDED_DATE_SCORE,
    SEXES,
    add_years,
    date_with_year_head_lost,
    find_dated_spans,
    find_dates,
    find_id_number,
    id_number_with_birth,
    normalize_class,
    period_years,
    read_in_full,
    sex_from_id,
    start_run_into_end,
)
from engine.layout.labels import LABELS
from engine.layout.names import NAME_PART_SEPARATOR, starts_as_names_do
from engine.layout.places import is_listed_region, starts_with_place
from engine.layout.row_offset import NO_OFFSET, RowOffset
from engine.layout.zones import BACK_ZONES, FRONT_ZONES, Zone, zone_of
from engine.results import FieldValue, Quad, TextLine

# The labels left and right of the name on each page: a card found a millimetre off lets their nearest characters
# into the name's strip (名胡欣, 彭瑞辉档).
FRONT_NAME_NEIGHBOURS = ("姓名", "性别")
BACK_NAME_NEIGHBOURS = ("姓名", "档案编号")
# A name starts at its zone's left edge: read whole, its first character's centre lies 1.6-6.0 mm in (462 names of
# seeds 2026 and 4242). Further in, the character before it was lost (a surname under glare), and each of the 17
# names read so was wrong: the value stays, but its confidence is capped to flag it for a person.
LATE_NAME_START_MM = 7.0
LATE_NAME_SCORE = 0.3
# A name whose first character is no listed surname (names.starts_as_names_do) was misread there in each of the 41
# such names of seeds 2026/4242/9090/5555, 7 of them at 0.58-0.97 (工刚 for 丁刚, 日伟 for 白伟): it scores at most
# this. The value stays, so the rare holder whose surname is off the list (邗, 妫) is only shown to a person.
UNLISTED_SURNAME_SCORE = 0.4
# Neighbouring characters of an address row stand at most 0.84 line heights apart, centre to centre (224 right
# addresses of seeds 2026 and 4242). A wider gap is characters the recognizer skipped (under glare, mostly): past a
# listed place head, every address read so was wrong, 7 of them at confidence 0.87-1.0. The value stays, flagged.
LOST_CHARACTERS_GAP = 1.0
# A digit is half as wide, so the step from one to the next character is at most 0.67 line heights (2,760 such steps
# in right addresses of seeds 2026/4242/9090/5555; one at 1.81 in an address already flagged). A wider step after a
# digit lost a character there: 48 addresses read so were wrong, 34 of them at 0.5-0.98 (长江路29号 for 292号).
LOST_AFTER_DIGIT_GAP = 0.75
LOST_CHARACTERS_SCORE = 0.3
# The printer starts an address's second row only once the first is full: in the 334 right two-row addresses of seeds
# 2026/4242/5555/9090 the first row's last character stood 75.9-83.8 mm in (68.4 on a hard photo's card found 5%
# off). A first row ending further left lost its end to glare (`西湖路164号401号` for `164号院8号楼4门401号` at 0.999):
# the value stays, flagged (LOST_CHARACTERS_SCORE). On seeds 3131 and 6262 this flags 6 of 59 wrong two-row
# addresses, three of them at 0.9-1.0, and none of 166 right ones.
FULL_ROW_MIN_END_MM = 74.0
# An ID number rebuilt from the printed birth date (_id_number_by_birth) scores at most this: a person should see it.
REBUILT_NUMBER_SCORE = 0.8
# Confidence that blank record rows are blank: nothing legible was read there.
BLANK_RECORD_SCORE = 0.9
# ... and that they are blank when digits but no Chinese were read there: a probation note's date, its characters
# lost to blur, in each of the 10 such rows on seeds 2026/4242/9090/5555 (hard photos; `202305919`, `20211122`).
# The record stays empty, as no note can be told from digits alone, but flagged for a person.
UNREAD_RECORD_SCORE = 0.3
# The 记录 label's characters, which a frame found a few millimetres off (a sleeve's edge) moves into the record row;
# no record starts with them (seed 9090 photo img_0051 read `录` as its record at 0.91).
RECORD_LABEL = "记录"
# Fields no grammar vouches for, and their zones: a character the recognizer likely skipped there (textrec.lost_steps)
# caps the field's score at the probability that nothing is there, unless another line read a character at that
# place. On seeds 2026/4242/9090/5555 the cap fell on 99 names and addresses read, 93 of them wrong (丁强 for
# 丁强蕾 at 0.998, 秦娟 for 秦娟琤) and 6 right, 3 of those from 0.9 or more (each at 0.38-0.5).
SKIP_CHECKED_ZONES = {"name": ("name",), "address": ("address", "address2")}
# Two characters of different lines closer than this share of the line height are one printed character.
OVERLAP = 0.45
# Characters on one line whose centres are closer than this share of the line height are in the same row.
SAME_ROW = 0.5


@dataclass(frozen=True)
class PlacedChar:
    """One recognized character at its centre in card millimetres, with its line's height and index."""

    text: str
    x: float
    y: float
    height: float
    score: float
    line: int


def place_characters(lines: list[TextLine]) -> list[PlacedChar]:
    """Every character of every line at its position on the card (lines read upright, quads in millimetres)."""
    placed = []
    for index, line in enumerate(lines):
        positions = line.char_positions
        if len(positions) != len(line.text):
            positions = tuple((i + 0.5) / len(line.text) for i in range(len(line.text)))
        scores = line.char_scores if len(line.char_scores) == len(line.text) else (line.score,) * len(line.text)
        for character, position, score in zip(line.text, positions, scores, strict=True):
            if not character.isspace():
                placed.append(_placed(line, index, character, position, score))
    return placed


def place_skipped(lines: list[TextLine]) -> list[PlacedChar]:
    """Where each line's recognizer likely skipped a character (TextLine.lost), as characters with no text scored
    by the probability that nothing is there."""
    return [
        _placed(line, index, "", position, blank) for index, line in enumerate(lines) for position, blank in line.lost
    ]


def _placed(line: TextLine, index: int, text: str, position: float, score: float) -> PlacedChar:
    quad = np.array(line.quad, dtype=np.float64)
    top_left, top_right, bottom_left = quad[0], quad[1], quad[3]
    x, y = top_left + position * (top_right - top_left) + (bottom_left - top_left) / 2
    return PlacedChar(text, float(x), float(y), float(np.linalg.norm(bottom_left - top_left)), float(score), index)


def without_overlaps(chars: list[PlacedChar]) -> list[PlacedChar]:
    """One character per printed position: line crops are read a little past their ends, so neighbouring lines
    can both read the same character (`姓名白` + `白强`); the surer reading stays."""
    kept: list[PlacedChar] = []
    for char in sorted(chars, key=lambda c: -c.score):
        if not _read_elsewhere_at(char, kept):
            kept.append(char)
    return kept


def _read_elsewhere_at(char: PlacedChar, others: list[PlacedChar]) -> bool:
    """Another line of `others` read a character where `char` stands: within OVERLAP of its line height each way."""
    reach = OVERLAP * char.height
    return any(
        other.line != char.line and abs(other.x - char.x) < reach and abs(other.y - char.y) < reach for other in others
    )


def by_zone(
    placed: list[PlacedChar], zones: tuple[Zone, ...], row_offset: RowOffset = NO_OFFSET
) -> dict[str, list[PlacedChar]]:
    """Placed characters (place_characters) grouped by the zone holding their centre, one per printed position,
    each group in reading order. Zones move with the rows' offset: a frame found a little too tall moves the bottom
    rows to their zones' edges."""
    grouped: dict[str, list[PlacedChar]] = {}
    for char in without_overlaps(placed):
        key = zone_of(zones, char.x, char.y - row_offset.at(char.y))
        if key is not None:
            grouped.setdefault(key, []).append(char)
    return {key: _reading_order(chars) for key, chars in grouped.items()}


def unsure_where_skipped(
    fields: dict[str, FieldValue],
    lines: list[TextLine],
    placed: list[PlacedChar],
    zones: tuple[Zone, ...],
    row_offset: RowOffset,
) -> dict[str, FieldValue]:
    """The fields of SKIP_CHECKED_ZONES scored at most the probability that nothing is where their lines likely
    skipped a character, unless another line read one there (it is then in the value). `placed`: the lines'
    characters (place_characters)."""
    capped = dict(fields)
    for mark in place_skipped(lines):
        if _read_elsewhere_at(mark, placed):
            continue
        zone = zone_of(zones, mark.x, mark.y - row_offset.at(mark.y))
        for key, keys in SKIP_CHECKED_ZONES.items():
            if zone in keys and key in capped:
                capped[key] = replace(capped[key], score=min(capped[key].score, mark.score))
    return capped


def parse_front_card(lines: list[TextLine], row_offset: RowOffset = NO_OFFSET) -> dict[str, FieldValue]:
    placed = place_characters(lines)
    zones = by_zone(placed, FRONT_ZONES, row_offset)
    fields: dict[str, FieldValue] = {}
    dates = {key: date for key in ("birth", "issue_date") if (date := _first_date(zones.get(key, [])))}
    sex = _first_of(zones.get("sex", []), SEXES)
    number_chars = zones.get("number", [])
    if number := _id_number(number_chars) or _id_number_by_birth(number_chars, dates.get("birth"), sex):
        fields["number"] = number
    if name := _name(zones.get("name", []), FRONT_NAME_NEIGHBOURS, _left_edge(FRONT_ZONES, "name")):
        fields["name"] = name
    if sex:
        fields["sex"] = sex
    if nationality := _nationality(zones.get("nationality", [])):
        fields["nationality"] = nationality
    if address := _address(zones.get("address", []), zones.get("address2", [])):
        fields["address"] = address
    fields.update(dates)
    if licence_class := _class(zones.get("class", [])):
        fields["class"] = licence_class
    fields.update(_validity(zones.get("validity", [])))
    if authority := _seal(zones.get("seal", [])):
        fields["issuing_authority"] = authority
    return unsure_where_skipped(fields, lines, placed, FRONT_ZONES, row_offset)


def parse_back_card(lines: list[TextLine], row_offset: RowOffset = NO_OFFSET) -> dict[str, FieldValue]:
    placed = place_characters(lines)
    zones = by_zone(placed, BACK_ZONES, row_offset)
    fields: dict[str, FieldValue] = {}
    if number := _id_number(zones.get("number", [])):
        fields["number"] = number
    if name := _name(zones.get("name", []), BACK_NAME_NEIGHBOURS, _left_edge(BACK_ZONES, "name")):
        fields["name"] = name
    chars = zones.get("file_number", [])
    if match := FILE_NUMBER.search(_text(chars)):
        fields["file_number"] = _value(match.group(0), chars)
    fields["record"] = _record(zones.get("record", []) + zones.get("record2", []))
    return unsure_where_skipped(fields, lines, placed, BACK_ZONES, row_offset)


def _record(chars: list[PlacedChar]) -> FieldValue:
    """The 记录 rows exactly as printed, full-width punctuation kept; `""` when the rows are blank (the page has
    the field, it is empty). Records are Chinese sentences: a reading without a Chinese character is no record (the
    ruled lines, a stamp's edge, or a note's bare digits), and one with digits leaves the blank unsure."""
    printed = [char for char in chars if _is_printed(char.text)]
    while printed and printed[0].text in RECORD_LABEL:
        printed.pop(0)
    value = _value(_text(printed), printed) if printed else None
    if value is None or not any(_is_cjk(character) for character in str(value.value)):
        unread = value is not None and any(character.isdigit() for character in str(value.value))
        return FieldValue(value="", score=UNREAD_RECORD_SCORE if unread else BLANK_RECORD_SCORE, quad=None)
    return value


def _value(text: str, chars: list[PlacedChar], derived: bool = False) -> FieldValue:
    """A field read from `chars`: their mean score, and the box around them (none when derived)."""
    score = float(np.mean([char.score for char in chars])) if chars else 0.0
    return FieldValue(value=text, score=score, quad=None if derived or not chars else _box(chars))


def _box(chars: list[PlacedChar]) -> Quad:
    """The rectangle around the characters: a character's width is its pitch on the line (digits are narrower than
    they are tall), else its height."""
    half = max(char.height for char in chars) / 2
    xs = sorted(char.x for char in chars)
    pitch = float(np.median(np.diff(xs))) if len(xs) >= 2 else 2 * half
    half_width = min(half, pitch / 2)
    left, right = xs[0] - half_width, xs[-1] + half_width
    top = min(char.y for char in chars) - half
    bottom = max(char.y for char in chars) + half
    return ((left, top), (right, top), (right, bottom), (left, bottom))


def _text(chars: list[PlacedChar]) -> str:
    return "".join(char.text for char in chars)


def _kept(chars: list[PlacedChar], keep: Callable[[str], bool]) -> FieldValue | None:
    kept = [char for char in chars if keep(char.text)]
    return _value(_text(kept), kept) if kept else None


def _address(first_row: list[PlacedChar], second_row: list[PlacedChar]) -> FieldValue | None:
    """The address's printed characters (its two rows' zones), less a trailing 一 after its last unit (号, 室, 组):
    the dashed rule under the value read as a character. One with a gap in a row wider than LOST_CHARACTERS_GAP
    (LOST_AFTER_DIGIT_GAP after a digit) past a listed place head, or with a second row under a first that ends short
    of FULL_ROW_MIN_END_MM, scores at most LOST_CHARACTERS_SCORE."""
    first_row, second_row = ([char for char in row if _is_printed(char.text)] for row in (first_row, second_row))
    kept = first_row + second_row
    while len(kept) >= 2 and kept[-1].text == RULE_AS_ONE and kept[-2].text in ADDRESS_UNIT_ENDS:
        kept.pop()
    if not kept:
        return None
    text = WRAPPED_ROOM_DOOR.sub(r"\1门\2", _text(kept))
    address = _value(text, kept)
    first_row, second_row = kept[: len(first_row)], kept[len(first_row) :]  # less the rule dropped off its end
    ends_short = bool(first_row and second_row) and max(char.x for char in first_row) < FULL_ROW_MIN_END_MM
    # A head with a gap is mended from the place list (crosscheck.correct_places); past a listed head it cannot be.
    if ends_short or (starts_with_place(text) and _lost_characters(kept)):
        return replace(address, score=min(address.score, LOST_CHARACTERS_SCORE))
    return address


def _lost_characters(chars: list[PlacedChar]) -> bool:
    """Some step between neighbouring characters of one row (chars in reading order) is wider than a right reading's:
    LOST_AFTER_DIGIT_GAP line heights after a digit, LOST_CHARACTERS_GAP after any other character."""
    return any(
        second.x - first.x > first.height * (LOST_AFTER_DIGIT_GAP if first.text.isdigit() else LOST_CHARACTERS_GAP)
        for first, second in pairwise(chars)
        if abs(second.y - first.y) < SAME_ROW * first.height
    )


def _name(chars: list[PlacedChar], neighbours: tuple[str, str], start_mm: float) -> FieldValue | None:
    """The name's characters without the ends of the labels beside it: a leading end of the label before (名, 姓名),
    a trailing start of the label after (档, 性别). A name is never only label characters. One whose first character
    stands LATE_NAME_START_MM or more past `start_mm`, where names start, scores at most LATE_NAME_SCORE; one that
    starts with no listed surname, at most UNLISTED_SURNAME_SCORE."""
    kept = [char for char in chars if _is_name_character(char.text)]
    before, after = neighbours
    leading = _label_end_length(kept, before)
    trailing = next((size for size in range(len(after), 0, -1) if _text(kept[-size:]) == after[:size]), 0)
    if len(kept) - leading - trailing >= 1:
        kept = kept[leading : len(kept) - trailing]
    if not kept:
        return None
    name = _value(_text(kept), kept)
    if kept[0].x - start_mm >= LATE_NAME_START_MM:
        return replace(name, score=min(name.score, LATE_NAME_SCORE))
    if not starts_as_names_do(str(name.value)):
        return replace(name, score=min(name.score, UNLISTED_SURNAME_SCORE))
    return name


def _label_end_length(chars: list[PlacedChar], label: str) -> int:
    """How many of `chars`' first characters are the end of `label` (名 or 姓名 of 姓名): the label read with the
    value after it, all or its end."""
    return next((size for size in range(len(label), 0, -1) if _text(chars[:size]) == label[-size:]), 0)


def _left_edge(zones: tuple[Zone, ...], key: str) -> float:
    return next(zone.x0 for zone in zones if zone.key == key)


def _is_cjk(character: str) -> bool:
    """A Chinese character, of any CJK ideograph block (the recognizer's alphabet reaches extension B and past)."""
    return unicodedata.name(character, "").startswith(IDEOGRAPH_NAMES)


def _is_foreign_script(character: str) -> bool:
    """Kana or hangul, which no Chinese license prints: the recognizer's alphabet holds them, and it reads noise
    under glare or blur as them (`ルア人た` for 中国)."""
    return unicodedata.name(character, "").startswith(FOREIGN_SCRIPT_NAMES)


def _is_name_character(character: str) -> bool:
    """Names are Chinese characters (and a middle dot), never Latin letters, digits or punctuation."""
    return _is_cjk(character) or character == NAME_PART_SEPARATOR


def _is_printed(character: str) -> bool:
    """Addresses and records mix Chinese, digits and full-width punctuation; Latin letters are English label noise,
    ASCII dots and dashes are the dotted underline read as text, and kana or hangul are noise (_is_foreign_script)."""
    return (
        not (character.isascii() and (character.isalpha() or character in RULE_READINGS))
        and character != "—"
        and not _is_foreign_script(character)
    )


RULE_READINGS = ".-_~·"
IDEOGRAPH_NAMES = ("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH")
FOREIGN_SCRIPT_NAMES = ("HIRAGANA", "KATAKANA", "HANGUL")
RULE_AS_ONE = "一"
# The thin 门 of `号楼U门R号` misread as 丁 or 17, often where the address wraps (field_decode.address_room_reading
# sees one line at a time): 丁 never stands between a unit and its room, and a unit run into a 5-6 digit room is no
# flat number (flats are floor + two digits).
WRAPPED_ROOM_DOOR = re.compile(r"(号楼\d{1,2})(?:丁|17)(\d{3,4}[号室])$")
ADDRESS_UNIT_ENDS = "号室组"


def _id_number(chars: list[PlacedChar]) -> FieldValue | None:
    number = find_id_number(_text(chars))
    return _value(number, chars) if number else None


def _id_number_by_birth(chars: list[PlacedChar], birth: FieldValue | None, sex: FieldValue | None) -> FieldValue | None:
    """An ID number read with digits of its birth part lost, rebuilt from the birth date printed on the page
    (fields.id_number_with_birth) when that date scores above PADDED_DATE_SCORE (read in full, and not unsurely), the
    reading's region is a listed one and the number agrees with the printed sex; scored at most REBUILT_NUMBER_SCORE."""
    if birth is None or birth.score <= PADDED_DATE_SCORE:
        return None
    number = id_number_with_birth(_text(chars), str(birth.value))
    if number is None or not is_listed_region(number[:6]) or (sex is not None and sex.value != sex_from_id(number)):
        return None
    value = _value(number, chars)
    return replace(value, score=min(value.score, REBUILT_NUMBER_SCORE))


def _first_of(chars: list[PlacedChar], choices: tuple[str, ...]) -> FieldValue | None:
    found = next((char for char in chars if char.text in choices), None)
    return _value(found.text, [found]) if found else None


def _nationality(chars: list[PlacedChar]) -> FieldValue | None:
    """As printed (`中国`, recent prints `中国/CHN`); Latin letters count only after the slash. Its label, read
    with it where the frame sits a label's width off (3131 photo img_0233: `国籍中国`), is no part of its text, score
    or box."""
    cjk = [char for char in chars if _is_cjk(char.text)]
    if label_end := max(_label_end_length(cjk, label) for label in LABELS["nationality"]):
        chars = chars[chars.index(cjk[label_end - 1]) + 1 :]
    text = _text(chars)
    chinese = "".join(character for character in text if _is_cjk(character))
    if not chinese:
        return None
    code = re.search(r"/\s*([A-Z]{3})", text)
    return _value(f"{chinese}/{code.group(1)}" if code else chinese, chars)


def _first_date(chars: list[PlacedChar]) -> FieldValue | None:
    """The row's first date, or one whose year lost its first digit (fields.date_with_year_head_lost): a guess, as a
    date not read in full is (_date)."""
    text = _text(chars)
    date = next(iter(find_dates(text)), None) or date_with_year_head_lost(text)
    return _date(date, text, _value(date, chars)) if date else None


def _date(date: str, text: str, value: FieldValue) -> FieldValue:
    """`value`, scored at most PADDED_DATE_SCORE unless `date` was read in full in `text`."""
    return value if read_in_full(date, text) else replace(value, score=min(value.score, PADDED_DATE_SCORE))


def _class(chars: list[PlacedChar]) -> FieldValue | None:
    value = normalize_class(_text(chars))
    return _value(value, chars) if value else None


def _validity(chars: list[PlacedChar]) -> dict[str, FieldValue]:
    """valid_from and valid_to from either print: two dates, a date and `长期`, or a date and `N年` (old print); or
    a start that lost its day into the end (fields.start_run_into_end)."""
    text = _text(chars)
    if (run_together := start_run_into_end(text)) is not None:
        start, end = run_together
        fields = {}
        if start is not None:
            shown = _value(start, chars)
            fields["valid_from"] = replace(shown, score=min(shown.score, PADDED_DATE_SCORE))
        return fields | {"valid_to": _value(end, chars)}
    dated = find_dated_spans(text)
    if not dated:
        return {}
    # Each date is scored and boxed by its own characters: a misread end does not make a well-read start unsure.
    (start, start_span), *later = dated
    fields = {"valid_from": _date(start, text, _value(start, chars[start_span]))}
    if later:
        end, end_span = later[0]
        fields["valid_to"] = _date(end, text, _value(end, chars[end_span]))
    elif LONG_TERM in text:
        at = text.index(LONG_TERM)
        fields["valid_to"] = _value(LONG_TERM, chars[at : at + len(LONG_TERM)])
    elif years := period_years(text):
        fields["valid_to"] = _date(start, text, _value(add_years(start, years), chars, derived=True))
    return fields


def _seal(chars: list[PlacedChar]) -> FieldValue | None:
    """The seal's lines read top to bottom as one name; a reading without a police word is not the authority."""
    value = _kept(chars, _is_cjk)
    if value is None or not any(word in str(value.value) for word in AUTHORITY_WORDS):
        return None
    return value


def _reading_order(chars: list[PlacedChar]) -> list[PlacedChar]:
    """Rows top to bottom (a row: characters within half a line height of its first one), each left to right."""
    rows: list[list[PlacedChar]] = []
    for char in sorted(chars, key=lambda c: c.y):
        if rows and abs(char.y - rows[-1][0].y) < SAME_ROW * max(char.height, rows[-1][0].height):
            rows[-1].append(char)
        else:
            rows.append([char])
    return [char for row in rows for char in sorted(row, key=lambda c: c.x)]
