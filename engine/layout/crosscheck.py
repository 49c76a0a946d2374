"""Cross-field correction: the ID number's check digit, its birth and sex digits, and the validity period's length,
used to fix a single misread character when exactly one candidate satisfies them; place names in the address and
the issuing authority, fixed to the nearest listed name when one is clearly nearest. Never invents an unsupported
value."""

from __future__ import annotations

import math
import re
from dataclasses import replace

from rapidfuzz.distance import Levenshtein

from engine.layout.fields import (
    VALID_YEARS,
    add_years,
    after_today,
    birth_from_id,
    digits_of,
    in_order,
    is_date,
    is_valid_id,
    probation_note,
    sex_from_id,
)
from engine.layout.names import starts_as_names_do
from engine.layout.places import (
    correct_address_head,
    correct_authority,
    is_listed_authority,
    is_listed_city_code,
    is_listed_region,
    starts_with_place,
)
from engine.results import FieldValue

# Characters a recognizer confuses in ID numbers (digits and the final X), each with its likely true readings.
CONFUSIONS = {
    "0": "869",
    "8": "036B",
    "6": "058",
    "9": "04",
    "1": "74",
    "7": "1",
    "4": "1",
    "3": "8",
    "5": "6",
    "2": "7",
    "X": "4",
}
# A corrected field keeps at most this confidence: it was inferred, not read cleanly.
CORRECTED_SCORE = 0.8
# A resident ID number of a mainland province (codes 11-65) is issued to Chinese citizens only, so a main page with
# such a number read valid prints this nationality: filled where the row was lost (glare took 12 such rows on the
# photo, hard and wallet tiers of seeds 2026/4242/9090/5555/3131/6262). Hong Kong, Macau and Taiwan residents (81-83,
# 71) and foreigners (permanent residence numbers start with 9) print their own. A recent print's 中国/CHN lost whole
# comes back as 中国.
CITIZEN_NATIONALITY = "中国"
MAINLAND_PROVINCE_CODES = range(11, 66)
# A value that cannot be right as it stands keeps at most this confidence (unsure_where_impossible), so that a user
# routing unsure fields to a person sees it: it is returned as read, never invented into a plausible one.
IMPOSSIBLE_SCORE = 0.3
# No number an address prints (road, building, room) runs to six digits: such a run is two numbers read together, the
# unit between them lost or read as a digit (长江路114411幢 for 114号11幢, 38号181202号 for 18幢1202), in each of the
# 26 addresses read so on seeds 2026/4242/9090/5555 (4 of them above 0.3) and none of their 688 printed ones.
RUN_TOGETHER_NUMBERS = re.compile(r"\d{6}")
# A seal read with misread characters and mended to a city other than the one the address names: one of the two was
# misread (湖北省卖昌市 mended to 湖北省宜昌市 for 河北省秦皇岛市 at 0.63, 山西临市 to 临汾 for 太原 at 0.8, seeds 4242
# wallet img_0187 and hard img_0153), or the license was issued away from home. The authority scores at most this:
# a person should look. A seal whose place was read as printed is left as read.
AWAY_AUTHORITY_SCORE = 0.4
# A printed birth date this many characters or fewer from a valid ID number's birth digits is mended to them; one
# further off disagrees with the number outright. Seeds 2026-6262: 1 of 971 main pages read a valid number and a birth
# further off, 2025-03-01 at 0.997 beside 430103199306112327 (3131 hard img_0167, its validity start read from a
# frame 11% off the card); the birth was the misread one.
BIRTH_MEND_CHARS = 2
# Chinese names have a surname and a given name: one character alone lost the rest.
MIN_NAME_LENGTH = 2
# A record with a date in it is the probation note (实习期至2016年08月25日。); one read otherwise lost or misread
# part of it (实习期至2022年08月17, 实习限至…, 四至…114日 came back at 0.96-0.99; 2021年07月14日, its head lost
# under glare, and 北期2023005月29日 at 0.87-0.9).
DATED_RECORD = re.compile(r"\d{4}\D{0,2}\d")
PROBATION_RECORD = re.compile(r"实习期至\d{4}年\d{2}月\d{2}日。?")
# A first license's probation ends this many years after its first issue: the back page's note then carries the
# date the main page's first issue date gives. A record read with characters lost or misread around that date
# (`月湖至` for 实习期至, `日。` as `11`, `14日` as `114日`, a head under glare) is the note when its digits hold the
# date in order with at most PROBATION_EXTRA_DIGITS more, and it lies within VOUCHED_PROBATION_MAX_EDITS of the note
# (seeds 2026, 4242, 9090 and 5555: 5 wallet records read 2-5 edits off it). That is more edits than a back page alone
# may have (field_decode.PROBATION_MAX_EDITS): here the main page vouches for the date.
PROBATION_YEARS = 1
PROBATION_EXTRA_DIGITS = 2
VOUCHED_PROBATION_MAX_EDITS = 6
# A card whose validity starts on the first issue date is the first card, whose back page carries the note: its
# record read blank lost the note (glare), so the blank scores this. On the synthetic sets the note is printed exactly
# on first cards; 3131 wallet img_0178 read it blank at 0.9.
FIRST_CARD_BLANK_RECORD_SCORE = 0.3
# A blank record is told by nothing being read on its rows, which is as true of a page read badly: on a back page whose
# ID number (the largest, darkest value every page prints) did not come out valid, 16 of the 22 blank records on
# seeds 2026/4242/9090/5555 were right (hard photos; the rest held a note blurred or shaded past reading), against
# all 281 on pages with a valid number. Such a blank scores this.
UNREAD_PAGE_BLANK_RECORD_SCORE = 0.7
# Dates every license keeps in order: (earlier, later, whether they may fall on one day). A license is first issued
# after its holder's birth, and its validity starts on or after that first issue.
DATE_ORDER = (("birth", "issue_date", False), ("issue_date", "valid_from", True))
# The validity row's end is read with its start: when the start is the misread date, so is the end (two of two on
# seeds 2026/4242/9090/5555).
SAME_ROW_AS = {"valid_from": ("valid_to",)}


def correct_fields(fields: dict[str, FieldValue], front: bool) -> dict[str, FieldValue]:
    """Every cross-field correction of one page; `front` pages print birth, sex and nationality, which a valid ID
    number fills. What still cannot be right is then marked unsure."""
    corrected = correct_places(first_period_end(correct_validity(correct_number(fields, fill_from_number=front))))
    return unsure_where_out_of_order(unsure_where_impossible(blank_record_as_sure_as_the_page(corrected)))


def blank_record_as_sure_as_the_page(fields: dict[str, FieldValue]) -> dict[str, FieldValue]:
    """A blank record on a page without a valid ID number scored at most UNREAD_PAGE_BLANK_RECORD_SCORE."""
    record = fields.get("record")
    if record is None or record.value != "" or is_valid_id(_text(fields.get("number")) or ""):
        return fields
    return {**fields, "record": replace(record, score=min(record.score, UNREAD_PAGE_BLANK_RECORD_SCORE))}


def unsure_where_impossible(fields: dict[str, FieldValue]) -> dict[str, FieldValue]:
    """Values no license prints, scored at most IMPOSSIBLE_SCORE: an ID number that fails its check digit or holds
    no real birth date, a one-character name, an address that could not be printed (_possible_address), a file number
    whose first four digits name no listed city, an authority that is no listed one (a seal read in part), a birth,
    first issue or validity start after today, a dated record that is not the probation note whole. On seeds 2026 and
    4242 every such value was wrong; a county created after the place list was made is better sent to a person than
    passed."""
    possible = {
        "number": is_valid_id,
        "name": lambda text: len(text) >= MIN_NAME_LENGTH,
        "address": _possible_address,
        # A file number (档案编号) is its issuing city's four-digit code and an eight-digit serial: 5 of the 15 read
        # wrong on seeds 2026/4242/9090/5555 named no listed city (one at 0.93), none of the 584 printed ones. A
        # license first issued in a city abolished before 2000 is sent to a person.
        "file_number": is_listed_city_code,
        "issuing_authority": is_listed_authority,
        **dict.fromkeys(("birth", "issue_date", "valid_from"), _not_after_today),
        "record": lambda text: not DATED_RECORD.search(text) or PROBATION_RECORD.fullmatch(text) is not None,
    }
    marked = dict(fields)
    for key, check in possible.items():
        text = _text(fields.get(key))
        if text is not None and not check(text):
            marked[key] = replace(fields[key], score=min(fields[key].score, IMPOSSIBLE_SCORE))
    return marked


def _possible_address(text: str) -> bool:
    """The address starts with a listed place (not a head lost to glare) and runs no two numbers together
    (RUN_TOGETHER_NUMBERS). It ends with the unit of its last number (号, 室, 组) or a place's name: one ending with a
    bare number lost its last character (5555 hard img_0177: `…前进村10组342` at 0.999; every printed address of the
    six synthetic seeds and of the 150 real-print pages ends so)."""
    return starts_with_place(text) and not RUN_TOGETHER_NUMBERS.search(text) and not text[-1:].isdigit()


def unsure_where_out_of_order(fields: dict[str, FieldValue]) -> dict[str, FieldValue]:
    """Two dates out of their order (DATE_ORDER): one of them is misread, and the less sure one (with the dates read
    on its row, SAME_ROW_AS) scores at most IMPOSSIBLE_SCORE. On seeds 2026/4242/9090/5555 the less sure one was the
    misread one each of the three times (a validity start a digit before its first issue, at 0.89 and 0.91)."""
    marked = dict(fields)
    for earlier, later, same_day in DATE_ORDER:
        first, second = fields.get(earlier), fields.get(later)
        before, after = _text(first), _text(second)
        if first is None or second is None or before is None or after is None:
            continue
        if not (is_date(before) and is_date(after)) or before < after or (same_day and before == after):
            continue
        unsure = earlier if first.score < second.score else later
        for key in (unsure, *SAME_ROW_AS.get(unsure, ())):
            if key in marked:
                marked[key] = replace(marked[key], score=min(marked[key].score, IMPOSSIBLE_SCORE))
    return marked


def correct_places(fields: dict[str, FieldValue]) -> dict[str, FieldValue]:
    """The issuing authority and the address's place head as the nearest listed names (layout/places.py). The ID
    number's region breaks ties; the authority's city also vouches for a change of the address's head, and the
    address's place breaks a tie of the authority left open. A seal mended to a city the address does not name scores
    at most AWAY_AUTHORITY_SCORE."""
    number = _text(fields.get("number"))
    id_regions = [number[:6]] if number is not None and is_valid_id(number) else []
    authority, address = _text(fields.get("issuing_authority")), _text(fields.get("address"))
    named = correct_authority(authority, id_regions) if authority else None
    head = correct_address_head(address, id_regions + ([named.code] if named else [])) if address else None
    if authority and named is None and head is not None:
        named = correct_authority(authority, [head.code, *id_regions])
    fixed = dict(fields)
    for key, correction in (("issuing_authority", named), ("address", head)):
        if correction is not None and correction.text != _text(fields[key]):
            fixed[key] = replace(fields[key], value=correction.text, score=min(fields[key].score, CORRECTED_SCORE))
    if (
        named is not None
        and head is not None
        and not _same_city(named.code, head.code)
        and not (authority or "").startswith(named.head)  # the seal's place itself was misread and mended
    ):
        seal = fixed["issuing_authority"]
        fixed["issuing_authority"] = replace(seal, score=min(seal.score, AWAY_AUTHORITY_SCORE))
    return fixed


def _same_city(code: str, other: str) -> bool:
    """Two division codes lie in one city (or one names the province-level city the other lies in)."""
    width = min(len(code), len(other), 4)
    return code[:width] == other[:width]


def correct_number(fields: dict[str, FieldValue], fill_from_number: bool) -> dict[str, FieldValue]:
    """Fix an ID number whose check digit fails when exactly one single-character change makes it valid and
    consistent with the printed birth date and sex; on pages that print them (`fill_from_number`), fill a missing
    birth, sex or nationality from a valid ID number."""
    number = fields.get("number")
    if number is None or not isinstance(number.value, str):
        return fields
    birth = _text(fields.get("birth"))
    sex = _text(fields.get("sex"))
    fixed = dict(fields)
    if not _consistent(number.value, birth, sex):
        candidates = {
            candidate
            for candidate in _single_changes(number.value)
            if is_valid_id(candidate) and _consistent(candidate, birth, sex)
        }
        if len(candidates) == 1:
            fixed["number"] = replace(number, value=candidates.pop(), score=min(number.score, CORRECTED_SCORE))
    value = fixed["number"].value
    if fill_from_number and isinstance(value, str) and is_valid_id(value):
        derived_score = min(fixed["number"].score, CORRECTED_SCORE)
        if "sex" not in fixed and (derived := sex_from_id(value)):
            fixed["sex"] = FieldValue(derived, derived_score, None)
        if "birth" not in fixed and (derived := birth_from_id(value)):
            fixed["birth"] = FieldValue(derived, derived_score, None)
        if "nationality" not in fixed and _mainland_resident(value):
            fixed["nationality"] = FieldValue(CITIZEN_NATIONALITY, derived_score, None)
    if is_valid_id(number.value):
        fixed.update(_from_valid_number(number.value, fixed))
    return fixed


def _mainland_resident(number: str) -> bool:
    """The ID number's region is a listed division of a mainland province (MAINLAND_PROVINCE_CODES)."""
    return int(number[:2]) in MAINLAND_PROVINCE_CODES and is_listed_region(number[:6])


def _from_valid_number(number: str, fields: dict[str, FieldValue]) -> dict[str, FieldValue]:
    """A number read valid outright vouches for its birth and sex digits: the check digit catches every single
    misread digit, so a printed birth date a digit or two away from them, or the other sex, is what was misread. A
    birth further off was read from another row (a frame off the card), or the number is another valid one: the
    birth stays as read and scores at most IMPOSSIBLE_SCORE (BIRTH_MEND_CHARS)."""
    fixed = {}
    birth, derived_birth = fields.get("birth"), birth_from_id(number)
    if birth is not None and derived_birth is not None:
        differing = _differing_characters(str(birth.value), derived_birth)
        if 0 < differing <= BIRTH_MEND_CHARS:
            fixed["birth"] = replace(birth, value=derived_birth, score=min(birth.score, CORRECTED_SCORE))
        elif differing > BIRTH_MEND_CHARS:
            fixed["birth"] = replace(birth, score=min(birth.score, IMPOSSIBLE_SCORE))
    sex, derived_sex = fields.get("sex"), sex_from_id(number)
    if sex is not None and derived_sex is not None and sex.value != derived_sex:
        fixed["sex"] = replace(sex, value=derived_sex, score=min(sex.score, CORRECTED_SCORE))
    return fixed


def _consistent(number: str, birth: str | None, sex: str | None) -> bool:
    if not is_valid_id(number):
        return False
    return (birth is None or birth_from_id(number) == birth) and (sex is None or sex_from_id(number) == sex)


def same_holder(
    front: dict[str, FieldValue], back: dict[str, FieldValue]
) -> tuple[dict[str, FieldValue], dict[str, FieldValue]]:
    """Both pages of one license name the same person: where their number or name differ, the better reading goes
    on both. A valid ID number beats an invalid one (two valid ones that differ are left alone); a name that holds
    the other's characters in order beats it (a faint character lost), else the more confident one. A page that
    lost the number or name (glare) gets the other page's, when that number is valid; without a place on the page."""
    front, back = dict(front), dict(back)
    for key, better in (("number", _better_number), ("name", _better_name)):
        first, second = front.get(key), back.get(key)
        if first is None or second is None:
            present = first or second
            if present is not None and (key == "name" or is_valid_number(present)):
                copied = FieldValue(present.value, min(present.score, CORRECTED_SCORE), None)
                front.setdefault(key, copied)
                back.setdefault(key, copied)
            continue
        if first.value == second.value:
            continue
        chosen = better(first, second)
        if chosen is not None:
            front[key] = first if chosen is first else replace(chosen, score=min(chosen.score, CORRECTED_SCORE))
            back[key] = second if chosen is second else replace(chosen, score=min(chosen.score, CORRECTED_SCORE))
    return front, back


def probation_after_first_issue(front: dict[str, FieldValue], back: dict[str, FieldValue]) -> dict[str, FieldValue]:
    """The back page's fields, its record mended to the probation note when it reads nearly so and its digits hold
    the date the main page's first issue date gives (PROBATION_YEARS later). A note of another date stands, and so
    does a record that reads otherwise. A first card's blank record scores at most FIRST_CARD_BLANK_RECORD_SCORE."""
    issued, record = _text(front.get("issue_date")), back.get("record")
    if issued is None or record is None or not is_date(issued):
        return back
    text, end = str(record.value), add_years(issued, PROBATION_YEARS)
    if text == "" and _text(front.get("valid_from")) == issued:
        return {**back, "record": replace(record, score=min(record.score, FIRST_CARD_BLANK_RECORD_SCORE))}
    note = probation_note(end)
    if text == note:
        return back
    digits, wanted = digits_of(text), digits_of(end)
    extra = len(digits) - len(wanted)
    if not (0 <= extra <= PROBATION_EXTRA_DIGITS and in_order(wanted, digits)):
        return back
    if Levenshtein.distance(text, note) > VOUCHED_PROBATION_MAX_EDITS:
        return back
    return {**back, "record": replace(record, value=note, score=min(record.score, CORRECTED_SCORE))}


def _better_number(first: FieldValue, second: FieldValue) -> FieldValue | None:
    valid = [value for value in (first, second) if is_valid_number(value)]
    return valid[0] if len(valid) == 1 else None


def is_valid_number(number: FieldValue | None) -> bool:
    """The field holds a valid ID number (GB 11643 check digit and a real birth date)."""
    return number is not None and isinstance(number.value, str) and is_valid_id(number.value)


def _better_name(first: FieldValue, second: FieldValue) -> FieldValue | None:
    one, other = str(first.value), str(second.value)
    if _holds_in_order(one, other):
        return first
    if _holds_in_order(other, one):
        return second
    return first if first.score >= second.score else second


def _holds_in_order(longer: str, shorter: str) -> bool:
    """`longer` holds `shorter`'s characters in order, and what it adds before them is no surname: a page found a
    little off lets the label's 名 in ahead of the name, misread (铭徐子雨 for 徐子雨)."""
    stray_start = longer.endswith(shorter) and starts_as_names_do(shorter) and not starts_as_names_do(longer)
    return len(longer) > len(shorter) and in_order(shorter, longer) and not stray_start


def correct_validity(fields: dict[str, FieldValue]) -> dict[str, FieldValue]:
    """Fix one misread digit of valid_from or valid_to when the two dates are not 6 or 10 years apart and exactly one
    single-digit change makes them so. Renewals keep the first issue's anniversary, so when both dates could take
    the change, the one whose month and day then agree with issue_date's wins."""
    start, end = _text(fields.get("valid_from")), _text(fields.get("valid_to"))
    if start is None or end is None or not (is_date(start) and is_date(end)):
        return fields
    if any(add_years(start, years) == end for years in VALID_YEARS):
        return fields
    candidates = [("valid_to", add_years(start, years)) for years in VALID_YEARS]
    candidates += [("valid_from", add_years(end, -years)) for years in VALID_YEARS]
    issued = _text(fields.get("issue_date"))
    candidates = [
        (key, value)
        for key, value in candidates
        if _differing_characters(value, _text(fields[key]) or "") == 1
        and (key == "valid_to" or _could_start(value, issued))
    ]
    if len(candidates) > 1 and issued is not None:
        anniversary = [
            (key, value) for key, value in candidates if (value if key == "valid_from" else start)[5:] == issued[5:]
        ]
        candidates = anniversary or candidates
    if len(candidates) != 1:
        return fields
    key, value = candidates[0]
    return {**fields, key: replace(fields[key], value=value, score=min(fields[key].score, CORRECTED_SCORE))}


def first_period_end(fields: dict[str, FieldValue]) -> dict[str, FieldValue]:
    """A license valid from its first issue date is the first one, and a first license runs 6 years (实施条例 第二十
    六条): its end, when lost or read as no later than its start, is that."""
    start, issued, end = (_text(fields.get(key)) for key in ("valid_from", "issue_date", "valid_to"))
    if start is None or start != issued or not is_date(start):
        return fields
    if end is not None and not (is_date(end) and end <= start):
        return fields
    score = min(fields["valid_from"].score, fields["issue_date"].score, CORRECTED_SCORE)
    quad = fields["valid_to"].quad if "valid_to" in fields else None
    return {**fields, "valid_to": FieldValue(add_years(start, VALID_YEARS[0]), score, quad)}


def _not_after_today(day: str) -> bool:
    """The text is no date, or a date no later than today."""
    return not is_date(day) or not after_today(day)


def _could_start(valid_from: str, issued: str | None) -> bool:
    """A license's validity starts on or after its first issue and not after today."""
    return (issued is None or not is_date(issued) or valid_from >= issued) and _not_after_today(valid_from)


def _differing_characters(first: str, second: str) -> int | float:
    """How many positions two equally long texts differ at; infinity when their lengths differ."""
    if len(first) != len(second):
        return math.inf
    return sum(a != b for a, b in zip(first, second, strict=True))


def _single_changes(number: str) -> list[str]:
    return [
        number[:index] + alternative + number[index + 1 :]
        for index, character in enumerate(number)
        for alternative in CONFUSIONS.get(character, "")
    ]


def _text(value: FieldValue | None) -> str | None:
    return value.value if value is not None and isinstance(value.value, str) else None
