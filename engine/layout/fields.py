"""Grammars and validators of license values: GB 11643 ID numbers, dates, the class vocabulary, periods."""

from __future__ import annotations

import calendar
import re
from datetime import date

# GB 11643-1999: weights of the first 17 digits, and the check character for each sum mod 11.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARACTERS = "10X98765432"
ID_PATTERN = re.compile(r"\d{17}[\dX]")
DATE_PATTERN = re.compile(r"(\d{4})\D{0,2}(\d{1,2})\D{0,2}(\d{1,2})")
# A date read with its year's first digit lost (glare, or a strip that starts a little late: `011-01-03` for
# 2011-01-03). Three digits left that start with 9 can only be 19xx, and with 0 only 20xx: a license's dates lie in
# 1900-2099, and a lost second, third or fourth digit leaves 1xx or 2xx.
YEAR_HEAD_LOST = re.compile(r"^\D{0,2}([09]\d{2})\D{1,2}(\d{2})\D{1,2}(\d{2})(?!\d)")

SINGLE_CLASSES = ("A1", "A2", "A3", "B1", "B2", "C1", "C2", "C3", "C4", "C5", "C6", "D", "E", "F", "M", "N", "P")
CLASS_TOKEN = re.compile("|".join(sorted(SINGLE_CLASSES, key=len, reverse=True)))
LONG_TERM = "长期"
# A license runs 6 years, its renewal 10, then for life (长期) (道路交通安全法实施条例 第二十六条).
VALID_YEARS = (6, 10)
# So a license's period follows from how many years after the first issue it starts: on it, 6 years; 6 years after,
# 10; 16 years after, for life. (A renewal after a 12-point cycle runs 6 again: the history is the usual one only.)
RENEWAL_PERIODS: dict[int, int | str] = {0: VALID_YEARS[0], VALID_YEARS[0]: VALID_YEARS[1], sum(VALID_YEARS): LONG_TERM}
# The back page's usual record, the end of the first license's probation (12 months after first issue).
PROBATION_NOTE = "实习期至{year}年{month}月{day}日。"
SEXES = ("男", "女")
FILE_NUMBER = re.compile(r"\d{12}")
"""The back page's and the e-license's 档案编号: 12 digits."""
# The seal names a traffic-police unit; a reading lacking all of these is not the authority.
AUTHORITY_WORDS = ("公安", "交通", "交警", "支队", "大队", "管理局")

# A date with a one-digit month or day (a digit lost, 0 supplied) is a guess: 2 of the 4 on seed 2026 were wrong (at
# 0.96 and 0.999). So is a validity start run into its end (start_run_into_end): its day is the end's.
PADDED_DATE_SCORE = 0.3
# A validity row whose start lost its day and 至 (glare) runs into its end: `2018-122024-12-02`. A date read from the
# row's start takes its day from the end's year (2018-12-20, at 0.97 on seed 3131 wallet img_0064). The end, whole at
# the row's end, stands (start_run_into_end).
ROW_END_DATE = re.compile(r"(\d{4})\D{0,2}(\d{2})\D{0,2}(\d{2})$")

# An ID number rebuilt from the printed birth date (id_number_with_birth) must have had this many of its birth digits
# read: they place the reading's region and tail.
MIN_BIRTH_DIGITS_READ = 3

# Characters generic OCR confuses in digit fields, mapped to the digit they almost always are on a license.
DIGIT_LOOKALIKES = str.maketrans(
    {"O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "|": "1", "Z": "2", "S": "5", "B": "8", "x": "X"}
)


def id_check_character(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARACTERS[total % 11]


def is_valid_id(number: str) -> bool:
    """An 18-character citizen ID with a correct check character and a real birth date."""
    return (
        ID_PATTERN.fullmatch(number) is not None
        and id_check_character(number[:17]) == number[17]
        and birth_from_id(number) is not None
    )


def birth_from_id(number: str) -> str | None:
    """YYYY-MM-DD from digits 7-14 of an ID number, or None when they are not a date."""
    return format_date(number[6:10], number[10:12], number[12:14]) if len(number) >= 14 else None


def sex_from_id(number: str) -> str | None:
    """男 for an odd 17th digit, 女 for an even one."""
    # isdecimal, not isdigit: the recognizer's alphabet holds ①, ² and the like, digits that int() refuses.
    return None if len(number) < 17 or not number[16].isdecimal() else ("男" if int(number[16]) % 2 else "女")


def format_date(year: str, month: str, day: str) -> str | None:
    try:
        parsed = date(int(year), int(month), int(day))
    except (ValueError, OverflowError):  # a misread run of digits can be longer than any C long
        return None
    if not 1900 <= parsed.year <= 2100:
        return None
    return parsed.isoformat()


def find_dates(text: str) -> list[str]:
    """Every date in `text` as YYYY-MM-DD, whatever the separators (-, ., /, 年月日, or a misread of them)."""
    return [date for date, _ in find_dated_spans(text)]


def find_dated_spans(text: str) -> list[tuple[str, slice]]:
    """Every date in `text` (find_dates) with the slice of `text` it was read from."""
    cleaned = text.translate(DIGIT_LOOKALIKES)  # one character for one: the slices hold in `text`
    found = [(format_date(*match.groups()), slice(*match.span())) for match in DATE_PATTERN.finditer(cleaned)]
    return [(date, span) for date, span in found if date is not None]


def date_with_year_head_lost(text: str) -> str | None:
    """The date `text` starts with when its year's first digit was lost (YEAR_HEAD_LOST), that digit put back; None
    when that date lies after today, as no birth or first issue does (`086-10-17` lost more than a digit)."""
    match = YEAR_HEAD_LOST.search(text.translate(DIGIT_LOOKALIKES))
    if match is None:
        return None
    year, month, day = match.groups()
    mended = format_date(("1" if year.startswith("9") else "2") + year, month, day)
    return None if mended is None or after_today(mended) else mended


def read_in_full(date: str, text: str) -> bool:
    """Every digit of `date` (YYYY-MM-DD, found in `text` by find_dates) was read, in a row: none was supplied to pad
    a month or day read as one digit. A license prints both with two digits, so one digit is one lost: `195228` gives
    1952-02-08 for a printed 1952-08-28."""
    return digits_of(date) in digits_of(text.translate(DIGIT_LOOKALIKES))


def find_id_number(text: str) -> str | None:
    """The 18-character ID number in `text`, lookalike letters mapped to digits; None when there is none."""
    cleaned = _id_characters(text)
    # A stray character before or after the number shifts the window; the one with a valid check digit wins.
    windows = [cleaned[i : i + 18] for i in range(max(len(cleaned) - 17, 0))]
    candidates = [window for window in windows if ID_PATTERN.fullmatch(window)]
    return next((window for window in candidates if is_valid_id(window)), candidates[0] if candidates else None)


def id_number_with_birth(text: str, birth: str) -> str | None:
    """The ID number of a reading that lost digits of its birth part (glare, blur), rebuilt from the page's printed
    birth date (YYYY-MM-DD), which is those digits: the reading's first six digits as the region, its last four as
    the sequence and check character, and what it read between them (at least MIN_BIRTH_DIGITS_READ digits) found in
    the birth date, in order. None unless the reading is short of 18 characters and the rebuilt number passes its
    check character."""
    cleaned = re.sub(r"[^\dX]", "", _id_characters(text))
    birth_digits = digits_of(birth)
    if not 6 + MIN_BIRTH_DIGITS_READ + 4 <= len(cleaned) < 18 or len(birth_digits) != 8 or "X" in cleaned[:-1]:
        return None
    region, between, tail = cleaned[:6], cleaned[6:-4], cleaned[-4:]
    number = region + birth_digits + tail
    return number if in_order(between, birth_digits) and is_valid_id(number) else None


def _id_characters(text: str) -> str:
    """An ID number's reading without spaces, lookalike letters as digits, its check character upper case."""
    return re.sub(r"\s", "", text).translate(DIGIT_LOOKALIKES).upper()


def normalize_class(text: str) -> str | None:
    """The class value (`C1`, `A2D`, `B2E`, ...) in `text`, or None when it has no class token."""
    cleaned = re.sub(r"[\s,，、/]", "", text.upper()).replace("O", "0")
    # A digit 1/2 misread as a letter after the class letter: "CI" -> "C1", "Bz" -> "B2".
    cleaned = re.sub(r"([ABC])[IL|]", r"\g<1>1", cleaned)
    cleaned = re.sub(r"([ABC])Z", r"\g<1>2", cleaned)
    tokens = CLASS_TOKEN.findall(cleaned)
    return "".join(tokens) if tokens else None


def is_date(text: str) -> bool:
    """`text` is a real calendar date written YYYY-MM-DD, in format_date's years."""
    return format_date(text[:4], text[5:7], text[8:]) == text


def add_years(start: str, years: int) -> str:
    """`start` (YYYY-MM-DD) plus whole years, keeping month and day (29 Feb falls back to 28 Feb)."""
    begin = date.fromisoformat(start)
    year = begin.year + years
    day = min(begin.day, calendar.monthrange(year, begin.month)[1])
    return date(year, begin.month, day).isoformat()


def period_years(text: str) -> int | None:
    """The number of years in a printed validity period like `6年` or `10年`, read after the row's first date when
    it has one: `2015-06-186年` is 6 years, not 186."""
    cleaned = text.translate(DIGIT_LOOKALIKES)
    first_date = DATE_PATTERN.search(cleaned)
    match = re.search(r"(\d{1,2})\s*年", cleaned[first_date.end() :] if first_date else cleaned)
    return int(match.group(1)) if match else None


def after_today(day: str) -> bool:
    """A YYYY-MM-DD date later than today: no license was issued or started its validity then."""
    return day > date.today().isoformat()


def is_chinese(character: str) -> bool:
    """A CJK unified ideograph (its extension A included), not punctuation, a Latin letter or a digit."""
    return "\u3400" <= character <= "\u9fff"


def digits_of(text: str) -> str:
    """The ASCII digits of `text`, in order: 2024-09-28 gives 20240928."""
    return re.sub(r"\D", "", text)


def in_order(wanted: str, text: str) -> bool:
    """Every character of `wanted` appears in `text`, in order (others may stand between)."""
    remaining = iter(text)
    return all(character in remaining for character in wanted)


def probation_note(end: str) -> str:
    """The probation note for a probation that ends on `end` (YYYY-MM-DD)."""
    return PROBATION_NOTE.format(year=end[:4], month=end[5:7], day=end[8:])


def start_run_into_end(text: str) -> tuple[str | None, str] | None:
    """(start, end) of a validity row whose start lost its day and ran into a whole end date (ROW_END_DATE): the
    start is the one date a license's period (VALID_YEARS) puts before the end whose year and month the row shows, None
    when no period fits. None for a row whose first date ends before its last starts."""
    cleaned = text.translate(DIGIT_LOOKALIKES)
    first, last = DATE_PATTERN.search(cleaned), ROW_END_DATE.search(cleaned)
    if first is None or last is None or not first.start() < last.start() < first.end():
        return None
    end = format_date(*last.groups())
    if end is None:
        return None
    shown = digits_of(cleaned[: last.start()])
    starts = [start for years in VALID_YEARS if digits_of(start := add_years(end, -years))[:6] == shown]
    return (starts[0] if starts else None), end
