"""Place names: an address starts with its province, city and county, and the issuing authority is a city's traffic
police. Both are drawn from a closed list (GB/T 2260, engine/data/divisions.csv), so a misread place name is fixed
by the nearest name on the list when that name is clearly nearest (for an address: and in a city the license names
elsewhere).

Nearest means fewest edits (Levenshtein). A longer name that fits almost as well beats a shorter one that fits
exactly (广东省广州市天可区 is 广东省广州市天河区, not 广东省广州市 followed by 天可区). A tie between different names
is broken by the ID number's region code when it names exactly one of them (people mostly live and get their
license where their ID was issued), and otherwise left alone: a place that is not on the list (renamed since, or a
new district) must not be turned into its neighbour. The county the ID number names may be misread more, or lose
more characters, and still be matched: that field vouches for it.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

DIVISIONS_FILE = Path(__file__).resolve().parent.parent / "data" / "divisions.csv"
# Codes whose level has no name of its own: a municipality's districts, a province's directly governed counties.
PLACEHOLDERS = ("市辖区", "县", "省直辖县级行政区划")
# The four municipalities' traffic police are bureaus of their own (seal texts as printed on their licenses).
MUNICIPAL_AUTHORITIES = {
    "11": "北京市公安局公安交通管理局",
    "12": "天津市公安局交通警察总队",
    "31": "上海市公安局交通警察总队",
    "50": "重庆市公安局交通巡逻警察总队",
}
CITY_AUTHORITY_SUFFIX = "交通警察支队"
# Prefectures that are not cities (地区, 盟) have a public security office, not a bureau.
OFFICE_PREFECTURES = ("地区", "盟")
# A correction may change at most this share of the name it puts in (rounded down), and a name must keep at least
# MIN_MATCHED of its characters.
MAX_EDIT_SHARE = 1 / 3
MIN_MATCHED = 4
# An address's county, or an authority, that the license names elsewhere (the ID number's region, the address) may be
# misread this much: another field vouches for it. For an address only a county: a loosely matched city's head
# swallows the county read after it (an authority's head is followed by its shared tail, which must be there).
VOUCHED_MAX_EDIT_SHARE = 1 / 2
# ... and lose this many characters: the matched text may be that much shorter or longer than the name, else a head
# that lost three characters to glare takes the next one to make up its length.
VOUCHED_PREFIX_SLACK = 4
# The text compared with a name's head may be this many characters longer or shorter than the head.
PREFIX_SLACK = 2
# An authority's shared tail may be misread this much (share of its length) and still count as there; the tail of one
# the license names elsewhere, this much: its head is read, and every tail of the list is one of a few fixed words
# (seed 9090 wallet img_0117: 青海省西宁市松安用交至及支队, 5 edits from 公安局交通警察支队, was left unnamed).
MAX_TAIL_EDIT_SHARE = 1 / 2
VOUCHED_MAX_TAIL_EDIT_SHARE = 2 / 3
# Address heads offered for rescoring against the row's own reading (address_head_candidates): misread up to this
# share, and a city's county read in up to this many characters (0: lost to glare) however misread.
CANDIDATE_EDIT_SHARE = 1 / 2
CANDIDATE_COUNTY_CHARS = 4
CANDIDATES_KEPT = 48  # the nearest by edits: scoring each against the row costs ~0.1 ms


@dataclass(frozen=True)
class Place:
    name: str
    """As written at the head of an address (河北省秦皇岛市海港区) or as an authority's seal reads."""
    code: str
    """The GB/T 2260 code it stands for: 6 digits for a county, the first 4 or 2 for a city or a province."""
    tail: str = ""
    """The end of `name` that many places share (公安局交通警察支队): it tells no place from another, so it is
    only required to be roughly there, and the place is matched by the rest of the name, its head."""

    @property
    def head(self) -> str:
        return self.name[: len(self.name) - len(self.tail)]


@dataclass(frozen=True)
class Correction:
    text: str
    code: str
    """The code of the place the corrected text names (for later choices, such as the authority's city)."""
    head: str
    """The place's own name in the corrected text (Place.head): what a reading that did not misread the place
    starts with."""


@dataclass(frozen=True)
class HeadIndex:
    """A list of places as the matcher needs it, built once: their heads, the heads' lengths, and the shortest and
    longest head (the prefix lengths worth trying)."""

    places: tuple[Place, ...]
    heads: list[str]
    lengths: npt.NDArray[np.int_]
    shortest: int
    longest: int

    @classmethod
    def of(cls, places: tuple[Place, ...]) -> HeadIndex:
        heads = [place.head for place in places]
        lengths = np.array([len(head) for head in heads])
        return cls(places, heads, lengths, int(lengths.min()), int(lengths.max()))


@cache
def address_heads() -> tuple[Place, ...]:
    """Every province + city + county, province + city, and municipality + district name, in every spelling the
    list has had (a renamed county keeps its old name on older licenses)."""
    names = _divisions()
    heads = set()
    for code, spellings in names.items():
        if code.endswith("0000"):
            continue
        for name in _named(spellings):
            for province in names.get(code[:2] + "0000", ("",)):
                if code.endswith("00"):
                    heads.add(Place(province + name, code[:4]))
                    continue
                for city in names.get(code[:4] + "00", ("",)):
                    heads.add(Place(province + ("" if city in PLACEHOLDERS else city) + name, code))
    return tuple(sorted(heads, key=lambda place: (place.code, place.name)))


@cache
def authorities() -> tuple[Place, ...]:
    """The traffic police detachment of every prefecture (and county-level city governed by its province), and the
    municipalities' bureaus."""
    names = _divisions()
    # A municipality's name ends at its first 市 (北京市): the rest is its bureau's own name.
    found = {Place(name, code, name[name.index("市") + 1 :]) for code, name in MUNICIPAL_AUTHORITIES.items()}
    for code, spellings in names.items():
        if code[:2] in MUNICIPAL_AUTHORITIES or code.endswith("0000"):
            continue
        directly_governed = code[4:] != "00" and "省直辖县级行政区划" in names.get(code[:4] + "00", ())
        if not (code.endswith("00") or directly_governed):
            continue
        for name in _named(spellings):
            tail = ("公安处" if name.endswith(OFFICE_PREFECTURES) else "公安局") + CITY_AUTHORITY_SUFFIX
            for province in names[code[:2] + "0000"]:
                found.add(Place(province + name + tail, code if directly_governed else code[:4], tail))
    return tuple(sorted(found, key=lambda place: (place.code, place.name)))


def correct_address_head(address: str, region_hints: Sequence[str]) -> Correction | None:
    """The address with its place head replaced by the nearest listed one; None when no listed name clearly fits.
    The text is unchanged (but the code known) when it already starts with a listed name. `region_hints` are codes
    of places the license names elsewhere (the ID number's region, the authority's city): the first breaks a tie,
    and a change must name a place in one of their cities, because the list lacks names given since it was made and
    a new district one character away from a listed one (济南市钢城区, 2019, and 历城区) must stay as read."""
    matches = _head_matches(address, _address_index())
    strict = {place for _, place, _ in matches}
    counties = tuple(place for hint in region_hints if len(hint) == 6 for place in _counties().get(hint, ()))
    if counties:
        vouched = _head_matches(address, HeadIndex.of(counties), VOUCHED_MAX_EDIT_SHARE, VOUCHED_PREFIX_SLACK)
        matches += [match for match in vouched if match[1] not in strict]
    chosen = _clear_winner(matches, region_hints[0] if region_hints else None)
    if chosen is None:
        return None
    place, length = chosen
    corrected = place.name + address[length:]
    if corrected != address and not _vouched(place, region_hints):
        return None
    return Correction(corrected, place.code, place.head)


@dataclass(frozen=True)
class HeadReading:
    """An address read with a listed place head in place of its first `replaced` characters."""

    head: Place
    replaced: int


def address_head_candidates(address: str) -> list[HeadReading]:
    """Readings of an address whose place head is on the list, for the row's own probabilities to choose from
    (field_decode.address_head_reading): heads within CANDIDATE_EDIT_SHARE edits of the text's start, and for a city
    so matched each of its counties in place of the next 0 to CANDIDATE_COUNTY_CHARS characters. The city followed
    by the rest as read is one reading too (a district named since the list was made), unless the rest starts with
    the end of one of its counties' names (青岛市区 for 崂山区): glare took that county's first characters. Empty
    when the address already starts with a listed county."""
    if starts_with_county(address):
        return []
    matches = _head_matches(address, _address_index(), CANDIDATE_EDIT_SHARE, VOUCHED_PREFIX_SLACK)
    readings = {}
    for _, place, length in matches:
        counties = [
            county
            for county in (_city_counties().get(place.code, ()) if len(place.code) == 4 else ())
            if county.name.startswith(place.name)
        ]
        if not _starts_with_county_end(address[length:], place, counties):
            readings[place.name + address[length:]] = HeadReading(place, length)
        for county in counties:
            for read in range(CANDIDATE_COUNTY_CHARS + 1):
                readings.setdefault(county.name + address[length + read :], HeadReading(county, length + read))
    kept = readings.values()
    edits = {reading: Levenshtein.distance(reading.head.name, address[: reading.replaced]) for reading in kept}
    return sorted(edits, key=edits.__getitem__)[:CANDIDATES_KEPT]


def _starts_with_county_end(rest: str, city: Place, counties: list[Place]) -> bool:
    """`rest` starts with a proper end of one of `counties`' own names (those names less `city`'s): 区 or 山区 of
    崂山区. That is a county whose first characters were lost (glare), not a district the list lacks."""
    own_names = (county.name[len(city.name) :] for county in counties)
    return any(rest.startswith(own[start:]) for own in own_names for start in range(1, len(own)))


def is_listed_region(code: str) -> bool:
    """The six digits are a listed division's code (GB/T 2260 since 2000), as an ID number's region."""
    return code in _divisions()


@cache
def listed_region_codes() -> tuple[str, ...]:
    """Every listed division's code (is_listed_region's), in a fixed order."""
    return tuple(sorted(_divisions()))


def is_listed_city_code(code: str) -> bool:
    """The first four digits are a listed prefecture's code (a city, or a province's directly administered counties),
    as a file number's first four name the city that issued it."""
    return code[:4] in _city_codes()


@cache
def _city_codes() -> frozenset[str]:
    return frozenset(code[:4] for code in _divisions() if not code.endswith("0000"))


def is_listed_authority(authority: str) -> bool:
    """The text is a listed issuing authority's name, whole."""
    return authority in _authority_names()


@cache
def _authority_names() -> frozenset[str]:
    return frozenset(place.name for place in authorities())


def starts_with_county(address: str) -> bool:
    """The address starts with a listed county's full head (province, city and county)."""
    return _starts_with_one_of(address, _county_names())


def starts_with_place(address: str) -> bool:
    """The address starts with a listed county's full head, or with a city that has no counties (广东省东莞市)."""
    return starts_with_county(address) or _starts_with_one_of(address, _countyless_city_names())


def _starts_with_one_of(address: str, names: frozenset[str]) -> bool:
    return any(address[:length] in names for length in range(1, len(address) + 1))


def _vouched(place: Place, region_hints: Sequence[str]) -> bool:
    """The place lies in a city that one of the codes names."""
    return any(place.code.startswith(hint[:4]) for hint in region_hints)


def correct_authority(authority: str, region_hints: Sequence[str]) -> Correction | None:
    """The nearest listed authority to a seal's reading; None when none clearly fits. `region_hints`, most trusted
    first, are codes (the address's county, the ID number's region) that break a tie; their cities' authorities may
    be misread more (VOUCHED_MAX_EDIT_SHARE) and still be matched, as the address's county is: glare and the seal's
    red take more of a seal's characters than of a printed row's."""
    index = _authority_index()
    matches = _authority_matches(authority, index)
    vouched = tuple(place for place in index.places if any(hint.startswith(place.code) for hint in region_hints))
    if vouched:
        strict = {place for _, place, _ in matches}
        loose = _authority_matches(
            authority, HeadIndex.of(vouched), VOUCHED_MAX_EDIT_SHARE, VOUCHED_PREFIX_SLACK, VOUCHED_MAX_TAIL_EDIT_SHARE
        )
        matches += [match for match in loose if match[1] not in strict]
    if (chosen := _winner_by_hints(matches, region_hints)) is not None:
        return Correction(chosen.name, chosen.code, chosen.head)
    return _authority_without_province(authority, region_hints)


def _authority_without_province(authority: str, region_hints: Sequence[str]) -> Correction | None:
    """The authority whose seal reads from its city on: glare took the province that starts the seal's first line
    (厦门市公安局交通警察支队 for 福建省厦门市…, seed 9090 hard img_0081). The city is matched as strictly as a
    whole name (MIN_MATCHED): a head of up to four characters (厦门市) must be read exactly, so no province is put
    before a short city's misread name; a longer one may be a third misread."""
    chosen = _winner_by_hints(_authority_matches(authority, _provinceless_authority_index()), region_hints)
    if chosen is None:
        return None
    place = _provinceless_authorities()[chosen]
    return Correction(place.name, place.code, place.head)


def _winner_by_hints(scored: list[tuple[int, Place, int]], region_hints: Sequence[str]) -> Place | None:
    """The _clear_winner of the matches, with the first of the region hints that settles a tie; None when none does."""
    for hint in [*region_hints, None]:
        if (chosen := _clear_winner(scored, hint)) is not None:
            return chosen[0]
    return None


def _authority_matches(
    authority: str,
    index: HeadIndex,
    max_edit_share: float = MAX_EDIT_SHARE,
    slack: int = PREFIX_SLACK,
    max_tail_edit_share: float = MAX_TAIL_EDIT_SHARE,
) -> list[tuple[int, Place, int]]:
    """_head_matches of the authorities in `index` whose shared tail is roughly there after the matched head."""
    return [
        (score, place, length)
        for score, place, length in _head_matches(authority, index, max_edit_share, slack)
        if _tail_is_there(place.tail, authority[length:], max_tail_edit_share)
    ]


def _head_matches(
    text: str, index: HeadIndex, max_edit_share: float = MAX_EDIT_SHARE, slack: int = PREFIX_SLACK
) -> list[tuple[int, Place, int]]:
    """(score, place, length) for every place whose head is within `max_edit_share` edits of text[:length] for some
    length within `slack` of the head's. The score is the head's length less twice its edits: a long head that fits
    almost as well beats a short one that fits exactly."""
    if not text:
        return []
    lengths = range(max(1, index.shortest - slack), min(len(text), index.longest + slack) + 1)
    if not lengths:
        return []
    prefixes = [text[:length] for length in lengths]
    distances = process.cdist(prefixes, index.heads, scorer=Levenshtein.distance, dtype=np.int32)
    head_lengths = index.lengths
    out_of_reach = np.abs(np.array(lengths)[:, None] - head_lengths[None, :]) > slack
    distances[out_of_reach] = np.iinfo(np.int32).max
    rows = distances.argmin(axis=0)
    edits = distances[rows, np.arange(len(index.places))]
    close = (edits <= np.floor(head_lengths * max_edit_share)) & (
        head_lengths - edits >= np.minimum(head_lengths, MIN_MATCHED)
    )
    return [
        (int(head_lengths[place] - 2 * edits[place]), index.places[int(place)], lengths[int(rows[place])])
        for place in np.flatnonzero(close)
    ]


def _tail_is_there(tail: str, read: str, max_edit_share: float) -> bool:
    """The read rest of an authority is its place's shared tail, within `max_edit_share` edits, or the tail's start:
    a seal's last line (警察支队) is the one most often lost to glare or the seal's red."""
    return any(Levenshtein.distance(tail[:end], read) <= end * max_edit_share for end in range(len(tail), -1, -1))


@cache
def _address_index() -> HeadIndex:
    return HeadIndex.of(address_heads())


@cache
def _counties() -> dict[str, tuple[Place, ...]]:
    """The address heads of each county code (a county has one per spelling of it and its city)."""
    by_code: dict[str, list[Place]] = {}
    for place in address_heads():
        if len(place.code) == 6:
            by_code.setdefault(place.code, []).append(place)
    return {code: tuple(places) for code, places in by_code.items()}


@cache
def _county_names() -> frozenset[str]:
    return frozenset(place.name for places in _counties().values() for place in places)


@cache
def _countyless_city_names() -> frozenset[str]:
    counties = _city_counties()
    return frozenset(place.name for place in address_heads() if len(place.code) == 4 and place.code not in counties)


@cache
def _city_counties() -> dict[str, tuple[Place, ...]]:
    """The county address heads of each city code (4 digits)."""
    by_city: dict[str, list[Place]] = {}
    for code, places in _counties().items():
        by_city.setdefault(code[:4], []).extend(places)
    return {code: tuple(places) for code, places in by_city.items()}


@cache
def _authority_index() -> HeadIndex:
    return HeadIndex.of(authorities())


@cache
def _provinceless_authorities() -> dict[Place, Place]:
    """Each province's authorities named without the province (厦门市公安局交通警察支队), to their full names. The
    municipalities' bureaus are left out: their city is their province."""
    names = _divisions()
    shortened = {}
    for place in authorities():
        if place.code[:2] in MUNICIPAL_AUTHORITIES:
            continue
        for province in names[place.code[:2] + "0000"]:
            if place.name.startswith(province):
                shortened[Place(place.name[len(province) :], place.code, place.tail)] = place
    return shortened


@cache
def _provinceless_authority_index() -> HeadIndex:
    return HeadIndex.of(tuple(_provinceless_authorities()))


def _clear_winner(scored: list[tuple[int, Place, int]], region: str | None) -> tuple[Place, int] | None:
    """The best-scored place when it is the only one with that score, or when the region code picks one of the
    tied places (the longest code that matches decides). A tied place that contains another tied one (a city and
    its county) gives way to it: both read the city alike, and the county explains more of the text."""
    if not scored:
        return None
    top = max(score for score, _, _ in scored)
    tied = [(place, length) for score, place, length in scored if score == top]
    codes = {place.code for place, _ in tied}
    tied = [
        (place, length)
        for place, length in tied
        if not any(code.startswith(place.code) for code in codes - {place.code})
    ]
    if (single := _one_place(tied)) is not None:
        return single
    if region is None:
        return None
    for width in (6, 4, 2):
        matching = [(place, length) for place, length in tied if place.code[:width] == region[:width]]
        if matching:
            return _one_place(matching)
    return None


def _one_place(tied: list[tuple[Place, int]]) -> tuple[Place, int] | None:
    """The tied match when all of them name one place (one name, or one code), else None. Spellings of one code that
    tie (乔口区 and 硚口区 are both one edit from 研口区) go to the list's newest."""
    if len({place.name for place, _ in tied}) == 1:
        return tied[0]
    if len({place.code for place, _ in tied}) == 1:
        return max(tied, key=lambda match: _spelling_rank(match[0]))
    return None


def _spelling_rank(place: Place) -> int:
    """Where the place's own name comes among its code's spellings in the list, which gives them oldest first."""
    spellings = _divisions().get(place.code.ljust(6, "0"), ())
    return max((rank for rank, spelling in enumerate(spellings) if spelling in place.name), default=-1)


def _named(spellings: tuple[str, ...]) -> list[str]:
    return [name for name in spellings if name not in PLACEHOLDERS]


@cache
def _divisions() -> dict[str, tuple[str, ...]]:
    """Every name each code has had."""
    names: dict[str, list[str]] = {}
    with DIVISIONS_FILE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(line for line in handle if not line.startswith("#")):
            names.setdefault(row["code"], []).append(row["name"])
    return {code: tuple(spellings) for code, spellings in names.items()}
