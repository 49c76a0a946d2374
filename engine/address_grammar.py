"""An address row's grammar (`...号 N幢 N单元 N室`, `...村 N组 N号`): the rewrites that mend what a misreading broke in
its numbers and the words between them. Pure text; field_decode weighs each rewrite against the row's pixels.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

# Flats are numbered floor + two digits (804, 2204): after 号楼 and a unit, a room of five digits or more is a misread
# 门 (as 1, 01, or 门1). A row that starts with 门 continues a unit number that ended the row before.
ROOM_REWRITES = (
    (re.compile(r"(楼\d{1,2}?)0?1(\d{3,4}[号室])"), r"\1门\2"),
    (re.compile(r"((?:^|\d)门)1(\d{4}[号室])"), r"\1\2"),
)
# After the house number's 号 an address goes on with a building (1-2 digits and 幢, 栋 or 号楼), maybe a unit, and the
# room (floor + two digits). A run of five or six digits right after 号 is no house's, building's or room's number: it
# is a building number and a room whose word between was lost (`38号22幢1903室` read `38号221903室`).
BUILDING_WORDS = ("幢", "栋", "号楼")
NUMBER_RUN_AFTER_HOUSE = re.compile(r"(?<=号)\d{5,6}(?=[号室]|$)")
BUILDING_NUMBER_DIGITS = (1, 2)
# A room has 3-4 digits; a room number split by the row's wrap leaves 2 on one row.
WHOLE_ROOM_DIGITS = (3, 4)
ROOM_DIGITS = (2, WHOLE_ROOM_DIGITS[1])
# A row that wraps after 号楼, a one-digit unit and the room's first digits (`18号楼2门25` + `04号`): its 门 misread as
# 1, 01 or 11 (its two strokes) runs the unit into the room (`楼21125`). Which digits were 门 shows only with the
# next row's: the room they make must have 3-4 digits (wrapped_room_rewrites).
WRAPPED_ROOM = re.compile(r"号楼(\d)(\d+)$")
DOOR_MISREADS = ("11", "01", "1")
# One character between a number and a room of 3-4 digits stands for the building's word; one that is none of the
# words printed there (这 or 孩 for 幢) is a misread. At a row's start the building number ended the row before.
MISREAD_BUILDING_WORD = re.compile(r"(?:(?<=\d)|^)[^\d\s幢栋楼元门号室座](?=\d{3,4}室)")
SINGLE_CHARACTER_BUILDING_WORDS = ("幢", "栋")
# A courtyard (院) after a house number holds numbered buildings: `205号院21号楼`. One Chinese character between the
# house number's 号 and a building number, where no word the grammar prints there stands, is a misread 院 (皖, 饮).
# Where the row wraps after the building's 号 (its 楼 starts the next row) the same holds; on the address's last row
# `205号X21号` may be a courtyard's house, and is left alone.
COURTYARD_WORD = "院"
MISREAD_COURTYARD_WORD = re.compile(r"(?<=\d号)[^\x00-\x7f\W\d院楼门幢栋号室元](?=\d{1,2}号(楼|$))")
# A number after a name that follows the house number (an estate: `65号明珠花园6栋4单元`) is a building's, and a unit
# has one digit: 2-3 digits right before 单元, or ending a wrapped row after such a name, are a building and a unit
# number whose building word was lost. At a row's start the name ended the row before.
LOST_BUILDING_WORD = re.compile(r"(?:号[^\d号]*[^\W\d号村组幢栋楼元门室院]|^)(\d{2,3})(?=单元|$)")
# A unit (单元) follows a building numbered with 幢 or 栋, and has one digit: a character between that digit and 元
# other than 单 is a misread 单 (`3栋4年元803室`). After 号楼 the unit is a 门.
UNIT_WORD = "单"
MISREAD_UNIT_WORD = re.compile(r"(?<=[幢栋]\d)[^\d\s单](?=元)")
# A village's group (组) follows the village (村), and its number has 1-2 digits: `村11组240号`. A group with no 村 or
# number before it lost its 村 (often the first character of a wrapped row); a character between the group number and
# the house number that is not 组 is a misread 组; a run of four digits or more after 村 is a group and a house number
# whose 组 was lost.
VILLAGE_WORD = "村"
GROUP_WORD = "组"
GROUP_WITHOUT_VILLAGE = re.compile(r"(?:(?<=[^\d村])|^)(?=\d{1,2}组)")
MISREAD_GROUP_WORD = re.compile(r"(村\d{1,2})[^\d\s组](\d{1,4}号)")
NUMBER_RUN_AFTER_VILLAGE = re.compile(r"(?<=村)\d{4,6}(?=号|$)")
GROUP_NUMBER_DIGITS = (1, 2)
HOUSE_NUMBER_DIGITS = (1, 4)
# An address ends with its house or room number and 号 or 室; a last character lost or misread there (室 as 空 or 富)
# leaves the number bare or followed by something else. A wrapped address may put only its last character on its
# second row; a Chinese character there other than 号 or 室 is a misread ending (the dashed rule under the value reads
# as 一, and Latin letters are label noise: neither is the address's).
ADDRESS_END = re.compile(r"(\d)[^\d号室]?$")
LONE_MISREAD_END = re.compile(r"[^\x00-\x7f\W\d号室一]")
ADDRESS_ENDINGS = ("号", "室")


def wrapped_room_rewrites(text: str, continued_digits: int) -> set[str]:
    """A row ending in 号楼, a unit and digits (WRAPPED_ROOM), with 门 put back for its misreading (DOOR_MISREADS)
    where the digits left, with the next row's first `continued_digits`, make a room of WHOLE_ROOM_DIGITS."""
    match = WRAPPED_ROOM.search(text)
    if match is None:
        return set()
    head, digits = text[: match.start(2)], match.group(2)
    low, high = WHOLE_ROOM_DIGITS
    return {
        head + "门" + digits[len(misread) :]
        for misread in DOOR_MISREADS
        if digits.startswith(misread) and low <= len(digits) - len(misread) + continued_digits <= high
    }


def address_rewrites(text: str, ends_address: bool = False) -> set[str]:
    """Readings of an address row that mend what its grammar (`...号 N幢 N单元 N室`, `...村 N组 N号`) cannot explain:
    a thin 门 misread in a room number (ROOM_REWRITES); a building, village or group word lost or misread next to
    a number; on the line that `ends_address`, a number not followed by 号 or 室, or a last row of one misread
    character. Each rule also applies to the others' rewrites, so a row with two flaws gets both mended."""
    rewrites: set[str] = set()
    for rewrite in ADDRESS_RULES:
        for reading in [text, *rewrites]:
            rewrites |= rewrite(reading, ends_address)
    return rewrites - {text}


def _room_rewrites(text: str, ends_address: bool) -> set[str]:
    return {pattern.sub(replacement, text, count=1) for pattern, replacement in ROOM_REWRITES}


def _building_rewrites(text: str, ends_address: bool) -> set[str]:
    rewrites = set()
    for match in NUMBER_RUN_AFTER_HOUSE.finditer(text):
        rewrites |= _split_number(text, match, BUILDING_NUMBER_DIGITS, ROOM_DIGITS, BUILDING_WORDS)
    for match in MISREAD_BUILDING_WORD.finditer(text):
        rewrites |= {text[: match.start()] + word + text[match.end() :] for word in SINGLE_CHARACTER_BUILDING_WORDS}
    for match in MISREAD_COURTYARD_WORD.finditer(text):
        if match.group(1) or not ends_address:
            rewrites.add(text[: match.start()] + COURTYARD_WORD + text[match.end() :])
    for match in LOST_BUILDING_WORD.finditer(text):
        run_starts_row, wraps = match.start(1) == 0, match.end() == len(text)
        if wraps and (ends_address or run_starts_row):
            continue  # a number that ends the address, or is all a wrapped row has, says nothing of what follows
        rewrites |= {text[: match.end() - 1] + word + text[match.end() - 1 :] for word in BUILDING_WORDS}
    return rewrites


def _unit_rewrites(text: str, ends_address: bool) -> set[str]:
    return {text[: match.start()] + UNIT_WORD + text[match.end() :] for match in MISREAD_UNIT_WORD.finditer(text)}


def _village_rewrites(text: str, ends_address: bool) -> set[str]:
    rewrites = {
        text[: match.start()] + VILLAGE_WORD + text[match.start() :] for match in GROUP_WITHOUT_VILLAGE.finditer(text)
    }
    rewrites |= {
        text[: match.start()] + match.expand(rf"\1{GROUP_WORD}\2") + text[match.end() :]
        for match in MISREAD_GROUP_WORD.finditer(text)
    }
    for match in NUMBER_RUN_AFTER_VILLAGE.finditer(text):
        rewrites |= _split_number(text, match, GROUP_NUMBER_DIGITS, HOUSE_NUMBER_DIGITS, (GROUP_WORD,))
    return rewrites


def _end_rewrites(text: str, ends_address: bool) -> set[str]:
    if not ends_address:
        return set()
    if LONE_MISREAD_END.fullmatch(text):
        return set(ADDRESS_ENDINGS)
    return (
        {ADDRESS_END.sub(rf"\g<1>{ending}", text) for ending in ADDRESS_ENDINGS} if ADDRESS_END.search(text) else set()
    )


def _split_number(
    text: str, run: re.Match[str], head_digits: tuple[int, ...], tail_digits: tuple[int, int], words: Sequence[str]
) -> set[str]:
    """`text` with one of `words` put into the digit `run`: after its first N digits (N in `head_digits`), before a
    rest of `tail_digits` digits (least, most). Neither number starts with 0."""
    digits = run.group()
    rewrites = set()
    for head in head_digits:
        tail = digits[head:]
        if tail_digits[0] <= len(tail) <= tail_digits[1] and digits[0] != "0" and tail[0] != "0":
            before, after = text[: run.start()] + digits[:head], tail + text[run.end() :]
            rewrites |= {before + word + after for word in words}
    return rewrites


ADDRESS_RULES: tuple[Callable[[str, bool], set[str]], ...] = (
    _room_rewrites,
    _building_rewrites,
    _unit_rewrites,
    _village_rewrites,
    _end_rewrites,
)
