"""Rows read whole but with digits misread for their look-alikes, mended digit by digit.

A dot-matrix print's zero is slashed, and the recognizer reads it 8, 9 or 6 (`2015-86-18至2821-86-18` for
2015-06-18至2021-06-18; `159482199902223122` for 150402199902223122, whose check character two misreads kept right):
each character was read at a step of its own, only the digits are wrong. Every value the row's grammar allows is
scored at the digits' steps (a validity row's linked dates, an ID number's listed regions) and the likeliest taken,
when it leads every other by a margin and the line supports it as a whole. An ID number read a character or two short
is scored over every path of the line instead (number_with_lost): which steps read which digit is not known there.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from engine.field_decode import (
    Probabilities,
    alphabet_index,
    ctc_log_likelihoods,
    expected_reading,
    is_past_date,
    is_validity_row,
    normalize_validity,
)
from engine.layout.fields import (
    ID_CHECK_CHARACTERS,
    ID_WEIGHTS,
    VALID_YEARS,
    add_years,
    birth_from_id,
    is_valid_id,
)
from engine.layout.places import is_listed_region, listed_region_codes
from engine.textrec import kept_steps

# A start date, then an end date, 至长期, or the old print's label and period (`有效期限6年`; the label is pre-printed
# and may fall outside the strip: `10年`), every character read at a step of its own. Between two dates stands 至,
# which a faint print reads as a sign (±, ￥), with a space beside, or not at all; before the start, a character or
# two of the label's end (：).
DATE_SHAPE = r"\d{4}[-./]\d{2}[-./]\d{2}"
DATED_ROW = re.compile(
    rf"(?P<lead>\D{{0,2}}?){DATE_SHAPE}"
    rf"(?:(?P<middle>\D{{0,3}}?)(?P<end>{DATE_SHAPE})|至长期|(?:有效期限)?(?:6|10)年|有效期限长期)"
)
DATE_DIGITS = 8
REGION_DIGITS = 6  # an ID number starts with its division's GB/T 2260 code
CHECK_POSITION = 17
# No license in this print started its validity before this year.
FIRST_START_YEAR = 1980
# The likeliest row must lead every other by this many nats (natural log) at the digits' steps: with fewer, the
# steps do not tell which digits were printed.
DIGIT_MARGIN = 5.0
# An ID number read invalid or in no listed division is wrong as read, so its mend needs only lead the next valid
# listed number by this many nats (a margin over a million candidates, where DIGIT_MARGIN's 5 held back right mends
# 1.9 and 3.6 nats clear: real print hard img_0001, 9090 hard img_0107 with slashed zeros); it scores at most
# card_reader.CHECKED_NUMBER_SCORE.
NUMBER_MARGIN = 1.5
# An ID number's middle digit other than the read one is tried at a step where it is at most this many nats less
# likely; at most this many steps are tried (2**8 middles against every listed region).
LOOKALIKE_MAX_LOSS = 5.0
UNSURE_MIDDLE_STEPS = 8
# An ID number read with this many of its characters or fewer lost (glare or blur folded their steps into blank:
# `2201021709246573` for 220102198709246573) is mended to the valid numbers that hold its reading (number_with_lost).
MAX_LOST_CHARACTERS = 2
# Keeps log() finite for a digit the recognizer gave no probability at all.
FLOOR_PROBABILITY = 1e-12


def mended_validity(probabilities: Probabilities, alphabet: Sequence[str], text: str) -> str | None:
    """The validity row `text` (rejected by its grammar) with its dates' digits replaced by the likeliest linked dates
    (the end 6 or 10 years after the start, on its month and day; a 长期 or old-print row has its start only) at the
    steps they were read at, when they lead every other such dates by DIGIT_MARGIN and the line's probabilities put
    the mended row, 至 between its dates, at most field_decode.EXPECTED_TEXT_MAX_LOG_RATIO below the reading
    (expected_reading); returned without the label's end before it. None when the row is not one of DATED_ROW's
    shapes read a character per step."""
    shape = DATED_ROW.fullmatch(text)
    if shape is None:
        return None
    steps = kept_steps(probabilities)
    if len(steps) != len(text):
        return None
    positions = [index for index, character in enumerate(text) if character.isdecimal()]  # DATED_ROW's \d
    two_dates = shape.group("end") is not None
    positions = positions[: 2 * DATE_DIGITS if two_dates else DATE_DIGITS]
    rows = _linked_rows(date.today()) if two_dates else _start_rows(date.today())
    best = _likeliest_row(_digit_log_probabilities(probabilities, alphabet, steps[positions]), rows)
    if best is None:
        return None
    characters = list(text)
    for position, digit in zip(positions, best.tolist(), strict=True):
        characters[position] = str(digit)
    if two_dates:
        characters[shape.start("middle") : shape.end("middle")] = ["至"]
    mended = "".join(characters)
    row = normalize_validity(mended[shape.end("lead") :])
    if mended == text or not is_validity_row(row):
        return None
    return row if expected_reading(probabilities, alphabet, text, [mended]) is not None else None


def likeliest_listed_number(probabilities: Probabilities, alphabet: Sequence[str], text: str) -> str | None:
    """The ID number `text` (read a character per step; failing its check, or in a division no list holds) mended to
    the valid number of a listed division that the steps rank first: any listed region, with the middle digits
    (birth date and sequence) as read or, at up to UNSURE_MIDDLE_STEPS of their least sure steps, the digit the step
    gives next, and the check character that follows. Taken when it leads every other such number by NUMBER_MARGIN
    and the line puts it at most field_decode.EXPECTED_TEXT_MAX_LOG_RATIO below the reading."""
    # isdecimal, as ID_PATTERN's \d: str.isdigit also takes ① and ², which _middle_choices' int() refuses.
    if len(text) != CHECK_POSITION + 1 or not text[:CHECK_POSITION].isdecimal():
        return None
    if is_valid_id(text) and is_listed_region(text[:REGION_DIGITS]):
        return None
    steps = kept_steps(probabilities)
    columns = alphabet_index(alphabet)
    if len(steps) != len(text) or "X" not in columns:
        return None
    table = _digit_log_probabilities(probabilities, alphabet, steps[:CHECK_POSITION])
    weights = np.array(ID_WEIGHTS)
    codes, region_scores, region_sums = _region_contenders(table[:REGION_DIGITS], weights[:REGION_DIGITS])
    middles = _middle_choices(table[REGION_DIGITS:], text[REGION_DIGITS:CHECK_POSITION])
    middle_scores = table[np.arange(REGION_DIGITS, CHECK_POSITION), middles].sum(axis=1)
    middle_sums = middles @ weights[REGION_DIGITS:]
    check_step = probabilities[steps[CHECK_POSITION]]
    check_logs = np.log(np.maximum([check_step[columns[c]] for c in ID_CHECK_CHARACTERS], FLOOR_PROBABILITY))
    totals = (region_sums[:, None] + middle_sums[None, :]) % len(ID_CHECK_CHARACTERS)
    scores = region_scores[:, None] + middle_scores[None, :] + check_logs[totals]
    # An ID number's birth date is a date no later than today, as field_decode.DATE_SPEC's are.
    births = ("{}{}{}{}-{}{}-{}{}".format(*middle[:DATE_DIGITS]) for middle in middles.tolist())
    born = np.array([is_past_date(birth) for birth in births])
    scores[:, ~born] = -np.inf
    best = _leader(scores.ravel(), NUMBER_MARGIN)
    if best is None:
        return None
    region, middle = divmod(best, len(middles))
    mended = codes[region] + "".join(map(str, middles[middle].tolist())) + ID_CHECK_CHARACTERS[totals[region, middle]]
    return expected_reading(probabilities, alphabet, text, [mended])


def number_with_lost(probabilities: Probabilities, alphabet: Sequence[str], text: str) -> str | None:
    """The ID number `text`, read with 1 to MAX_LOST_CHARACTERS of its 18 characters lost, mended to the valid number
    of a listed division, born no later than today, that holds the reading in order and that the line's
    probabilities (every CTC path) rank first of all such numbers by NUMBER_MARGIN (a lone one needs no margin), when
    the line puts it at most field_decode.EXPECTED_TEXT_MAX_LOG_RATIO below the reading."""
    lost = CHECK_POSITION + 1 - len(text)
    if not 1 <= lost <= MAX_LOST_CHARACTERS or not (_digits(text) or (_digits(text[:-1]) and text[-1] == "X")):
        return None
    longer = _with_inserted_digits(text, lost)
    if _digits(text):  # the check character X lost
        longer |= {digits + "X" for digits in _with_inserted_digits(text, lost - 1)}
    # _checked keeps the order (sorted, so ties resolve alike on every run); a past birth date is a real one too.
    numbers = [
        number
        for number in _checked(sorted(longer))
        if is_listed_region(number[:REGION_DIGITS]) and is_past_date(birth_from_id(number) or "")
    ]
    if not numbers:
        return None
    scores = ctc_log_likelihoods(probabilities, alphabet, numbers)
    best = int(np.argmax(scores)) if len(numbers) == 1 else _leader(scores, NUMBER_MARGIN)
    if best is None or not np.isfinite(scores[best]):
        return None
    return expected_reading(probabilities, alphabet, text, [numbers[best]])


def _digits(text: str) -> bool:
    """`text` is ASCII digits only: str.isdigit alone also takes ９, ① and ², which _checked cannot weigh."""
    return text.isascii() and text.isdigit()


def _with_inserted_digits(text: str, count: int) -> set[str]:
    """Every text `count` digits longer that holds `text` in order."""
    texts = {text}
    for _ in range(count):
        texts = {
            longer[:position] + digit + longer[position:]
            for longer in texts
            for position in range(len(longer) + 1)
            for digit in "0123456789"
        }
    return texts


def _checked(numbers: list[str]) -> list[str]:
    """The 18-character `numbers` whose check character is right, found at once over all of them (thousands: two
    lost digits can go in ~150 places, ten digits each)."""
    codes = np.frombuffer("".join(numbers).encode("ascii"), dtype=np.uint8).reshape(len(numbers), -1).astype(np.intp)
    digits, checks = codes[:, :CHECK_POSITION] - ord("0"), codes[:, CHECK_POSITION]
    expected = np.frombuffer(ID_CHECK_CHARACTERS.encode("ascii"), dtype=np.uint8)
    right = ((digits >= 0) & (digits <= 9)).all(axis=1)
    right &= expected[(digits @ np.array(ID_WEIGHTS)) % len(ID_CHECK_CHARACTERS)] == checks
    return [number for number, keep in zip(numbers, right.tolist(), strict=True) if keep]


def _region_contenders(
    table: npt.NDArray[np.float64], weights: npt.NDArray[np.intp]
) -> tuple[list[str], npt.NDArray[np.float64], npt.NDArray[np.intp]]:
    """The listed regions that can lead or come second: the two likeliest (at the region's steps, `table`) of each
    residue of their check sum (its region part, under `weights`) mod 11. The rest of the number adds the same to
    every region of one residue, so no other region can take either place. Returns their codes, scores and sums."""
    regions = _region_rows()
    scores = table[np.arange(REGION_DIGITS), regions].sum(axis=1)
    sums = regions @ weights
    residues = sums % len(ID_CHECK_CHARACTERS)
    kept = np.concatenate(
        [
            np.flatnonzero(residues == residue)[np.argsort(scores[residues == residue])[::-1][:2]]
            for residue in range(len(ID_CHECK_CHARACTERS))
        ]
    )
    return [listed_region_codes()[index] for index in kept], scores[kept], sums[kept]


def _middle_choices(table: npt.NDArray[np.float64], read: str) -> npt.NDArray[np.intp]:
    """Every choice of an ID number's middle digits (rows of len(read)): the digits as read, and at the
    UNSURE_MIDDLE_STEPS steps whose next digit is likeliest next to the read one (within LOOKALIKE_MAX_LOSS), either."""
    digits = np.array([int(digit) for digit in read])
    ranked = np.argsort(table, axis=1)[:, ::-1]
    others = np.where(ranked[:, 0] == digits, ranked[:, 1], ranked[:, 0])
    rows = np.arange(len(read))
    losses = table[rows, digits] - table[rows, others]
    unsure = [int(step) for step in np.argsort(losses)[:UNSURE_MIDDLE_STEPS] if losses[step] <= LOOKALIKE_MAX_LOSS]
    choices = np.repeat(digits[None, :], 2 ** len(unsure), axis=0)
    for bit, step in enumerate(unsure):
        flipped = (np.arange(len(choices)) >> bit) & 1 == 1
        choices[flipped, step] = others[step]
    return choices


def _digit_log_probabilities(
    probabilities: Probabilities, alphabet: Sequence[str], steps: npt.NDArray[np.intp]
) -> npt.NDArray[np.float64]:
    """(len(steps), 10): log P(digit) at each of the line's `steps` (those that read the digits in question)."""
    columns = alphabet_index(alphabet)
    digit_columns = np.array([columns[digit] for digit in "0123456789"])
    return np.log(np.maximum(probabilities[np.ix_(steps, digit_columns)], FLOOR_PROBABILITY))


def _likeliest_row(table: npt.NDArray[np.float64], rows: npt.NDArray[np.intp]) -> npt.NDArray[np.intp] | None:
    """The row of digits (one per position of `table`) likeliest under it, when it leads every other by
    DIGIT_MARGIN."""
    best = _leader(table[np.arange(table.shape[0]), rows].sum(axis=1))
    return None if best is None else rows[best]


def _leader(scores: npt.NDArray[np.float64], margin: float = DIGIT_MARGIN) -> int | None:
    """The index of the highest score, when it is finite and leads the next by `margin`."""
    if len(scores) < 2:
        return None
    runner_up, best = np.argpartition(scores, -2)[-2:]
    leads = np.isfinite(scores[best]) and scores[best] - scores[runner_up] >= margin
    return int(best) if leads else None


@functools.lru_cache(maxsize=1)
def _region_rows() -> npt.NDArray[np.intp]:
    return _digit_rows(list(listed_region_codes()))


def _start_dates(today: date) -> list[str]:
    """Every date from FIRST_START_YEAR to `today`, as YYYY-MM-DD."""
    first = date(FIRST_START_YEAR, 1, 1)
    return [(first + timedelta(days=offset)).isoformat() for offset in range((today - first).days + 1)]


@functools.lru_cache(maxsize=1)
def _start_rows(today: date) -> npt.NDArray[np.intp]:
    """_start_dates, each as a row of its eight digits."""
    return _digit_rows([start.replace("-", "") for start in _start_dates(today)])


@functools.lru_cache(maxsize=1)
def _linked_rows(today: date) -> npt.NDArray[np.intp]:
    """Every (start, end) a validity row can hold, its start from FIRST_START_YEAR to `today` and its end 6 or 10
    years on (VALID_YEARS), as a row of sixteen digits."""
    starts = _start_dates(today)
    ends = [add_years(start, years).replace("-", "") for years in VALID_YEARS for start in starts]
    return np.hstack([np.vstack([_start_rows(today)] * len(VALID_YEARS)), _digit_rows(ends)])


def _digit_rows(texts: list[str]) -> npt.NDArray[np.intp]:
    return np.array([[int(digit) for digit in text] for text in texts], dtype=np.intp)
