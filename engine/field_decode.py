"""Field-aware CTC decoding: a line's (T, C) probabilities re-decoded with only the field's characters allowed, the
top-K texts by prefix beam search, and the most probable one that the field's grammar accepts.
"""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import Levenshtein

from engine.address_grammar import address_rewrites, wrapped_room_rewrites
from engine.layout.fields import (
    CLASS_TOKEN,
    FILE_NUMBER,
    LONG_TERM,
    RENEWAL_PERIODS,
    SEXES,
    SINGLE_CLASSES,
    VALID_YEARS,
    add_years,
    after_today,
    digits_of,
    find_dates,
    format_date,
    in_order,
    is_chinese,
    is_date,
    is_valid_id,
    period_years,
    probation_note,
    read_in_full,
)
from engine.layout.names import COMPOUND_SURNAMES, NAME_CHARACTERS, NAME_PART_SEPARATOR, NAME_STARTS
from engine.layout.places import address_head_candidates
from engine.textrec import BLANK, ctc_greedy_decode, kept_steps

Probabilities = npt.NDArray[np.float32]
T = TypeVar("T")

DEFAULT_TOP_K = 8
# A class below this probability at a step is not worth a beam branch: it can only add texts far less likely than
# the ones kept. Steps keep at most MAX_CLASSES_PER_STEP classes, so the search cost stays linear in T.
MIN_STEP_PROBABILITY = 1e-3
MAX_CLASSES_PER_STEP = 5
# Prefix probabilities are products over up to ~200 steps; rescale them before float64 underflows.
RESCALE_BELOW = 1e-100
# A value the grammar rejects is still returned (never invented), but must not look as sure as a valid one.
INVALID_SCORE_FACTOR = 0.5
# Bounds the per-alphabet cache: a process sees one or two alphabets, a handful of charsets and one index each.
MAX_CACHED_TABLES = 64

DIGITS = "0123456789"
DATE_SEPARATORS = "-./－．／"
FULL_WIDTH_TO_ASCII = str.maketrans("０１２３４５６７８９－．／", "0123456789-./")
# Separators may differ: a misread "-" as "." still leaves the digits that carry the date.
PRINTED_DATE = re.compile(r"(\d{4})[-./](\d{2})[-./](\d{2})")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
OLD_PERIOD_LABEL = "有效期限"
LOOSE_RECORD_DATE = re.compile(r"期?至?(\d{4})\D{0,2}(\d{1,2})\D{0,2}(\d{1,2})")
PROBATION_MAX_EDITS = 4
# The words of the probation note (layout.fields.PROBATION_NOTE) around its date.
NOTE_WORDS = frozenset("实习期至年月日")
# How much less probable (natural log) than the greedy reading a row's usual text may be and still be taken: on its
# row that text is by far the most common one, so weak evidence for it is enough.
EXPECTED_TEXT_MAX_LOG_RATIO = 10.0
# A listed name character (layout/names.py) replaces a name's unlisted one when the line gives it at least this share of
# that one's probability. On four seeds' name strips 0.4 mends 8 characters and breaks none, 0.3 mends 10 and breaks
# one (萱 for a blurred 莹 at 0.29); of 2000 rendered names of common look-alikes (伟, 明, 君, 利, 听, ...) 0.4 changes
# one (邱听 to 邱昕).
NAME_CHARACTER_MIN_SHARE = 0.4
# A listed surname replaces a name's first character that is none, with at least this share of its probability: a
# first character off the list is itself evidence of a misreading, so less is asked than of a given name's character.
# On four seeds' name strips 0.1 mends 14 surnames, 0.2 mends 12 and 0.4 mends 9, none breaks one (白 read 日 stays:
# 白 had 0.004). Of 1000 rendered names read right with real surnames off the list (邗, 妫, 逢), 0.1 would change 3.4%
# (邗 to 邢), 0.2 2.2%, 0.4 1.0%.
SURNAME_MIN_SHARE = 0.2
# Ends of the label before the name, which a card found a millimetre off lets into the name's strip (名胡欣).
NAME_LABEL_ENDS = ("姓名", "名")
# A validity row whose end glare or blur took takes the end its history gives (layout.fields.RENEWAL_PERIODS) when
# the row ranks that end first of the three possible ends by this many nats (renewal_validity). The rank is evidence
# only where ink is left: on a row blanked past the start 长期, three characters against eleven, comes first by ~50
# nats, so a 长期 so read is the history's alone, and is returned at a low score.
RENEWAL_MARGIN = 5.0
# A validity row whose start was lost as well is matched to a row its history allows only on this many digits read
# (history_validity): fewer fit too many rows by chance.
HISTORY_MIN_DIGITS = 4
# ... and, where the history allows a single row (a first issue under 6 years ago), which nothing ranks against
# another, on a whole date's worth of digits.
LONE_ROW_MIN_DIGITS = 8
# A first-issue date read on another month and day than its validity row's two dates is mended to the history's when
# the row's probabilities put that at most this many nats below the reading (issue_date_by_validity).
AGREEING_MAX_LOG_RATIO = 5.0
# A place head taken from the row's probabilities must be this many nats likelier than any head of another place.
PLACE_MARGIN = 2.0
# What the nationality row holds on nearly every license issued in China.
USUAL_NATIONALITIES = ("中国",)
# A validity row's date as read at its end (a glared middle can run the two dates together).
LAST_DATE = re.compile(PRINTED_DATE.pattern + "$")
VALIDITY_ROW = re.compile(
    rf"\d{{4}}-\d{{2}}-\d{{2}}(?:至(?:\d{{4}}-\d{{2}}-\d{{2}}|{LONG_TERM})|[{OLD_PERIOD_LABEL}]*(?:6年|10年|{LONG_TERM}))"
)


@dataclass(frozen=True)
class FieldSpec:
    """What a field may contain: the characters the decoder may emit (None: the whole alphabet), how a decoded text
    becomes the field's value, and whether a value is well formed."""

    name: str
    charset: str | None
    normalize: Callable[[str], str]
    validate: Callable[[str], bool]


@dataclass(frozen=True)
class FieldCandidate:
    """One value the line supports: the summed probability of every CTC path whose text normalizes to it."""

    value: str
    probability: float
    valid: bool


@dataclass(frozen=True)
class FieldDecoding:
    """The chosen value, its score in [0, 1], whether the grammar accepts it, and every candidate, most probable
    first (for cross-field choices such as an ID number whose birth digits match the birth date)."""

    text: str
    score: float
    valid: bool
    candidates: tuple[FieldCandidate, ...]


_per_alphabet: dict[tuple[int, str], tuple[Sequence[str], Any]] = {}


def _cached_per_alphabet(alphabet: Sequence[str], key: str, build: Callable[[], T]) -> T:
    """`build()` for this alphabet object and key, computed once.

    The engine's alphabet never changes, and scanning its ~18k entries on every field of every request would cost
    more than the decoding. The cache holds the alphabet itself, so its id stays unique.
    """
    cached = _per_alphabet.get((id(alphabet), key))
    if cached is not None and cached[0] is alphabet:
        return cast(T, cached[1])
    if len(_per_alphabet) >= MAX_CACHED_TABLES:
        _per_alphabet.clear()
    value = build()
    _per_alphabet[(id(alphabet), key)] = (alphabet, value)
    return value


def charset_columns(alphabet: Sequence[str], charset: str) -> tuple[npt.NDArray[np.intp], list[str]]:
    """Columns of `alphabet` to keep for `charset` (blank first) and the characters they stand for; cached per
    alphabet object."""

    def build() -> tuple[npt.NDArray[np.intp], list[str]]:
        allowed = set(charset)
        columns = [BLANK] + [i for i, character in enumerate(alphabet) if i != BLANK and character in allowed]
        return np.array(columns, dtype=np.intp), [alphabet[index] for index in columns]

    return _cached_per_alphabet(alphabet, "charset:" + charset, build)


def restrict_to_charset(
    probabilities: Probabilities, alphabet: Sequence[str], charset: str | None
) -> tuple[Probabilities, Sequence[str]]:
    """(T, C) probabilities to (T, 1 + A): the blank and the A alphabet classes in `charset`, not renormalized, so
    a restricted text's probability is still its probability under the model. None keeps every class."""
    if charset is None:
        return probabilities, alphabet
    columns, characters = charset_columns(alphabet, charset)
    return probabilities[:, columns], characters


def greedy_decode_restricted(
    probabilities: Probabilities, alphabet: Sequence[str], charset: str | None
) -> tuple[str, float, tuple[float, ...]]:
    """Greedy CTC decoding of (T, C) probabilities with every class outside `charset` masked out (blank kept);
    returns what `ctc_greedy_decode` returns."""
    restricted, characters = restrict_to_charset(probabilities, alphabet, charset)
    return ctc_greedy_decode(restricted, characters)


def step_extensions(
    probabilities: Probabilities, min_probability: float, max_per_step: int
) -> tuple[list[list[tuple[int, float]]], npt.NDArray[np.intp]]:
    """The non-blank classes worth branching on at each step of (T, C) probabilities (blank at column 0).

    Returns, per step, (slot, probability) pairs, most probable first, and the columns the slots stand for. A step
    keeps its classes with p >= min_probability, at most max_per_step, and always its best class when that beats the
    blank, so the greedy path is always among the searched paths.
    """
    steps = probabilities.shape[0]
    non_blank = probabilities[:, BLANK + 1 :]
    if non_blank.shape[1] == 0:
        return [[] for _ in range(steps)], np.zeros(0, dtype=np.intp)
    candidate = non_blank >= min_probability
    best = non_blank.argmax(axis=1)
    every_step = np.arange(steps)
    beats_blank = non_blank[every_step, best] > probabilities[:, BLANK]
    candidate[every_step[beats_blank], best[beats_blank]] = True
    # flatnonzero: 2-D nonzero is ~20x slower on a (T, 18k) mask.
    rows, classes = np.divmod(np.flatnonzero(candidate), candidate.shape[1])
    chances = non_blank[rows, classes]
    order = np.lexsort((-chances, rows))
    rows, classes, chances = rows[order], classes[order], chances[order]
    rank_in_step = np.arange(len(rows)) - np.searchsorted(rows, rows)
    kept = rank_in_step < max_per_step
    rows, classes, chances = rows[kept], classes[kept], chances[kept]
    columns, slots = np.unique(classes + BLANK + 1, return_inverse=True)
    extensions: list[list[tuple[int, float]]] = [[] for _ in range(steps)]
    for row, slot, chance in zip(rows.tolist(), slots.tolist(), chances.tolist(), strict=True):
        extensions[row].append((slot, chance))
    return extensions, columns.astype(np.intp)


Beams = dict[tuple[int, ...], tuple[float, float]]
"""Prefix (slots) -> (probability of its paths ending in a blank, of those ending in its last character)."""


def ctc_beam_search(
    probabilities: Probabilities,
    alphabet: Sequence[str],
    top_k: int = DEFAULT_TOP_K,
    beam_width: int | None = None,
    min_probability: float = MIN_STEP_PROBABILITY,
    max_per_step: int = MAX_CLASSES_PER_STEP,
) -> list[tuple[str, float]]:
    """Up to `top_k` (text, probability) pairs from (T, C) probabilities (blank at column 0), most probable first.

    Prefix beam search: every prefix carries the probability of its paths that end in a blank and of those that end
    in its last character, so repeats collapse ("1" "1" -> "1") and a doubled character needs a blank between ("11").
    The texts stand for disjoint sets of paths, so their probabilities sum to at most 1.
    """
    extensions, columns = step_extensions(probabilities, min_probability, max_per_step)
    width = max(beam_width or top_k, top_k)
    blanks = probabilities[:, BLANK].tolist()
    # A prefix's last character repeating costs its own probability at the step, which may sit below the pruning.
    repeats = probabilities[:, columns].tolist()
    beams: Beams = {(): (1.0, 0.0)}
    log_scale = 0.0
    for blank, repeat, branches in zip(blanks, repeats, extensions, strict=True):
        beams = advance_beams(beams, blank, repeat, branches)
        if len(beams) > width:
            beams = dict(heapq.nlargest(width, beams.items(), key=lambda item: item[1][0] + item[1][1]))
        best = max(ends_blank + ends_last for ends_blank, ends_last in beams.values())
        if 0.0 < best < RESCALE_BELOW:
            beams = {prefix: (ends_blank / best, ends_last / best) for prefix, (ends_blank, ends_last) in beams.items()}
            log_scale += math.log(best)
    texts: dict[str, float] = {}
    for prefix, (ends_blank, ends_last) in beams.items():
        text = "".join(alphabet[columns[slot]] for slot in prefix)
        total = ends_blank + ends_last
        if total > 0.0:
            texts[text] = texts.get(text, 0.0) + math.exp(math.log(total) + log_scale)
    return sorted(texts.items(), key=lambda item: item[1], reverse=True)[:top_k]


def advance_beams(beams: Beams, blank: float, repeat: list[float], branches: list[tuple[int, float]]) -> Beams:
    """One CTC step: every prefix stays (a blank, or its last character again) or grows by one of `branches`."""
    if not branches:
        # Most steps of a line are blanks between characters: no prefix can grow, so skip the merging.
        return {
            prefix: ((ends_blank + ends_last) * blank, ends_last * repeat[prefix[-1]] if prefix else 0.0)
            for prefix, (ends_blank, ends_last) in beams.items()
        }
    grown: Beams = {}
    for prefix, (ends_blank, ends_last) in beams.items():
        total = ends_blank + ends_last
        last = prefix[-1] if prefix else -1
        held_blank, held_last = grown.get(prefix, (0.0, 0.0))
        stay_last = ends_last * repeat[last] if prefix else 0.0
        grown[prefix] = (held_blank + total * blank, held_last + stay_last)
        for slot, chance in branches:
            # The same character again only starts a new one after a blank.
            reach = ends_blank if slot == last else total
            if reach == 0.0:
                continue
            longer = (*prefix, slot)
            held_blank, held_last = grown.get(longer, (0.0, 0.0))
            grown[longer] = (held_blank, held_last + reach * chance)
    return grown


def rank_candidates(texts: Sequence[tuple[str, float]], spec: FieldSpec) -> tuple[FieldCandidate, ...]:
    """Decoded (text, probability) pairs as field values, most probable first; texts that normalize to the same value
    (2015.06.18 and 2015-06-18) pool their probability."""
    values: dict[str, float] = {}
    for text, probability in texts:
        value = spec.normalize(text)
        values[value] = values.get(value, 0.0) + probability
    ranked = sorted(values.items(), key=lambda item: item[1], reverse=True)
    return tuple(FieldCandidate(value, probability, spec.validate(value)) for value, probability in ranked)


def best_candidate(
    candidates: Sequence[FieldCandidate], accept: Callable[[str], bool] = lambda value: True
) -> FieldCandidate | None:
    """The most probable valid candidate that `accept` also takes (a cross-field constraint), or None."""
    return next((candidate for candidate in candidates if candidate.valid and accept(candidate.value)), None)


def per_character_score(candidate: FieldCandidate) -> float:
    """The geometric mean of the value's probability over its characters: in [0, 1] and comparable across lengths,
    like the greedy decoder's mean character probability."""
    if not candidate.value or candidate.probability <= 0.0:
        return 0.0
    return math.exp(math.log(candidate.probability) / len(candidate.value))


def decode_field(
    probabilities: Probabilities, alphabet: Sequence[str], spec: FieldSpec, top_k: int = DEFAULT_TOP_K
) -> FieldDecoding:
    """The field's value from a line's (T, C) probabilities: the most probable of the top-K charset-restricted texts
    that `spec` accepts; when none is accepted, the most probable one, valid=False and a lower score."""
    restricted, characters = restrict_to_charset(probabilities, alphabet, spec.charset)
    candidates = rank_candidates(ctc_beam_search(restricted, characters, top_k), spec)
    if not candidates:
        return FieldDecoding("", 0.0, False, ())
    chosen = best_candidate(candidates)
    if chosen is not None:
        return FieldDecoding(chosen.value, per_character_score(chosen), True, candidates)
    best = candidates[0]
    return FieldDecoding(best.value, per_character_score(best) * INVALID_SCORE_FACTOR, False, candidates)


def ctc_log_likelihood(probabilities: Probabilities, alphabet: Sequence[str], text: str) -> float:
    """log P(text) under (T, C) CTC probabilities (blank at column 0): see ctc_log_likelihoods."""
    return float(ctc_log_likelihoods(probabilities, alphabet, [text])[0])


def ctc_log_likelihoods(
    probabilities: Probabilities, alphabet: Sequence[str], texts: Sequence[str]
) -> npt.NDArray[np.float64]:
    """log P(text) of each text: the sum over every path that collapses to it, by the forward algorithm in log
    space, run for all texts at once (their label sequences padded to one length). -inf for a text with a character
    outside the alphabet or too long for the line."""
    index = alphabet_index(alphabet)
    scores = np.full(len(texts), -np.inf)
    known = [i for i, text in enumerate(texts) if all(character in index for character in text)]
    if not known:
        return scores
    sequences = [[BLANK, *(label for character in texts[i] for label in (index[character], BLANK))] for i in known]
    lengths = np.array([len(sequence) for sequence in sequences])
    labels = np.zeros((len(known), int(lengths.max())), dtype=np.intp)
    for row, sequence in enumerate(sequences):
        labels[row, : len(sequence)] = sequence
    padding = np.arange(labels.shape[1])[None, :] >= lengths[:, None]
    with np.errstate(divide="ignore"):
        emissions = np.log(np.asarray(probabilities)[:, labels].astype(np.float64))  # (T, texts, states)
    emissions[:, padding] = -np.inf
    # A state may be entered from itself, the state before, or (a character after a different one) two before.
    skip = np.zeros(labels.shape, dtype=bool)
    skip[:, 2:] = (labels[:, 2:] != BLANK) & (labels[:, 2:] != labels[:, :-2])
    forward = np.full(labels.shape, -np.inf)
    forward[:, :2] = emissions[0, :, :2]
    for step in range(1, emissions.shape[0]):
        before = np.pad(forward[:, :-1], ((0, 0), (1, 0)), constant_values=-np.inf)
        two_before = np.where(skip, np.pad(forward[:, :-2], ((0, 0), (2, 0)), constant_values=-np.inf), -np.inf)
        forward = np.logaddexp(np.logaddexp(forward, before), two_before) + emissions[step]
    rows = np.arange(len(known))
    last_blank = forward[rows, lengths - 1]
    last_character = np.where(lengths > 1, forward[rows, np.maximum(lengths - 2, 0)], -np.inf)
    scores[known] = np.logaddexp(last_blank, last_character)
    return scores


def alphabet_index(alphabet: Sequence[str]) -> dict[str, int]:
    """Column of each character (the first, if listed twice); cached per alphabet object."""

    def build() -> dict[str, int]:
        columns: dict[str, int] = {}
        for column, character in enumerate(alphabet):
            if column != BLANK:
                columns.setdefault(character, column)
        return columns

    return _cached_per_alphabet(alphabet, "index", build)


def probation_record(probabilities: Probabilities, alphabet: Sequence[str], text: str) -> str | None:
    """The probation note `实习期至YYYY年MM月DD日。` when a record line reads like it (its date readable, the rest
    within a few characters) and the line's probabilities do not speak against it by more than
    EXPECTED_TEXT_MAX_LOG_RATIO: a faint first character or the small full stop the greedy reading drops. None when
    the line is not such a note or already reads exactly so."""
    note = _probation_note_of(text)
    if note is None:
        return None
    if text == note.removesuffix("。"):
        return note  # all but the small full stop read: the note is printed with it
    if Levenshtein.distance(note, text) > PROBATION_MAX_EDITS:
        return None
    return expected_reading(probabilities, alphabet, text, (note,))


def probation_note_in_part(text: str) -> str | None:
    """The probation note of the date a record line holds whole (year, month and day digits), when every character
    read lies, in order, within that note and one of them is a word of it: the note with its head, its 年 and 月 or
    its full stop lost to glare (`至2023年05月16日。`, `习期至20250525日`), however faint the line makes what was
    lost. None for a line with anything the note does not hold, or with digits only (no note is told by digits)."""
    note = _probation_note_of(text)
    if note is None:
        return None
    read = re.sub(r"\s", "", text)
    if read == note or not NOTE_WORDS.intersection(read) or not in_order(read, note):
        return None
    return note


def _probation_note_of(text: str) -> str | None:
    """The probation note of the first date a record line holds (LOOSE_RECORD_DATE); None without a real one."""
    match = LOOSE_RECORD_DATE.search(text)
    printed = format_date(*match.groups()) if match else None
    return probation_note(printed) if printed else None


def address_room_reading(
    probabilities: Probabilities,
    alphabet: Sequence[str],
    text: str,
    ends_address: bool = False,
    continued_digits: int | None = None,
) -> str | None:
    """An address line whose numbers break the address's grammar (address_rewrites, and wrapped_room_rewrites for a
    row the next row continues with `continued_digits` digits): the rewrite that mends them, when the line supports
    it (expected_reading); None when there is nothing to rewrite or the line speaks against it."""
    rewrites = address_rewrites(text, ends_address)
    if continued_digits is not None:
        rewrites |= wrapped_room_rewrites(text, continued_digits)
    return expected_reading(probabilities, alphabet, text, sorted(rewrites)) if rewrites else None


def expected_reading(
    probabilities: Probabilities, alphabet: Sequence[str], text: str, expected: Sequence[str]
) -> str | None:
    """The most probable of the texts a row usually holds (中国 for nationality, the probation note for a record),
    when the greedy reading `text` is none of them and the line's probabilities put it at most
    EXPECTED_TEXT_MAX_LOG_RATIO below `text`; else None."""
    if text in expected or not expected:
        return None
    read, *scores = ctc_log_likelihoods(probabilities, alphabet, [text, *expected])
    best_score, best = max(zip(scores, expected, strict=True))
    return best if best_score - read >= -EXPECTED_TEXT_MAX_LOG_RATIO else None


def name_reading(probabilities: Probabilities, alphabet: Sequence[str], text: str) -> str | None:
    """A name with its near-misses mended toward what names hold.

    Its first character, when no listed name start (NAME_STARTS), becomes the likeliest listed one at its step when
    the line gives that one at least SURNAME_MIN_SHARE of its probability. A two-character surname
    (COMPOUND_SURNAMES), the label's end before the name (NAME_LABEL_ENDS) and a transliterated name
    (NAME_PART_SEPARATOR) are left as read. Then each later Chinese character that is not a name character
    (NAME_CHARACTERS) becomes the likeliest one when it has at least NAME_CHARACTER_MIN_SHARE. None when nothing
    changes, or when the reading's characters are not one per kept step."""
    steps = kept_steps(probabilities)
    if len(steps) != len(text):
        return None
    characters = list(text)
    first = _surname_index(text) if NAME_PART_SEPARATOR not in text else None
    given_from = 0 if first is None else first + 1
    if first is not None and text[first:].startswith(COMPOUND_SURNAMES):
        given_from = first + 2
    elif first is not None:
        surname = _likeliest_listed(probabilities[steps[first]], alphabet, NAME_STARTS, SURNAME_MIN_SHARE)
        characters[first] = surname or text[first]
    for index in range(given_from, len(text)):
        if is_chinese(text[index]):
            listed = _likeliest_listed(probabilities[steps[index]], alphabet, NAME_CHARACTERS, NAME_CHARACTER_MIN_SHARE)
            characters[index] = listed or text[index]
    named = "".join(characters)
    return named if named != text else None


def _surname_index(text: str) -> int | None:
    """Where a name's surname stands in its reading: its first Chinese character past the label's end (名, 姓名)."""
    chinese = [index for index, character in enumerate(text) if is_chinese(character)]
    if not chinese:
        return None
    start = chinese[0]
    label_end = next((end for end in NAME_LABEL_ENDS if text.startswith(end, start)), "")
    rest = [index for index in chinese if index >= start + len(label_end)]
    return rest[0] if rest else None


def _likeliest_listed(row: Probabilities, alphabet: Sequence[str], listed: str, min_share: float) -> str | None:
    """The likeliest character of `listed` at one step when the read character is not listed and that one has at
    least `min_share` of its probability; else None."""
    read = int(row.argmax())
    if alphabet[read] in listed:
        return None
    columns = charset_columns(alphabet, listed)[0][1:]  # without the blank
    if not len(columns):
        return None
    likeliest = int(columns[int(row[columns].argmax())])
    return alphabet[likeliest] if row[likeliest] >= min_share * row[read] else None


def address_head_reading(probabilities: Probabilities, alphabet: Sequence[str], text: str) -> str | None:
    """An address row whose place head is not a listed county, read again with each listed head that is near
    (places.address_head_candidates: a misread county, or one lost to glare after its city). The most probable
    is taken when the line supports it (within EXPECTED_TEXT_MAX_LOG_RATIO of the greedy reading `text`) and no head
    of another place comes within PLACE_MARGIN of it: the row's own pixels break the ties that the list alone leaves
    (上海市徐江区: 徐汇区 and 松江区 are both one edit away).

    Every reading shares the row's end, so only the head's part of the row is scored: the text up to one character
    past the longest replaced start, on the time steps before that next character's."""
    candidates = address_head_candidates(text)
    if not candidates:
        return None
    cut = min(len(text), max(candidate.replaced for candidate in candidates) + 1)
    steps = kept_steps(probabilities)
    if cut < len(text) and len(steps) == len(text):
        frames = int(steps[cut])
    else:
        cut, frames = len(text), len(probabilities)  # the whole row: no step marks where the head's part ends
    heads = [candidate.head.name + text[candidate.replaced : cut] for candidate in candidates]
    read, *scores = ctc_log_likelihoods(probabilities[:frames], alphabet, [text[:cut], *heads])
    ranked = sorted(zip(scores, range(len(candidates)), strict=True), reverse=True)
    best_score, best = ranked[0]
    code = candidates[best].head.code
    rival = next((score for score, other in ranked[1:] if candidates[other].head.code != code), -math.inf)
    if best_score - read < -EXPECTED_TEXT_MAX_LOG_RATIO or best_score - rival < PLACE_MARGIN:
        return None
    chosen = candidates[best].head.name + text[candidates[best].replaced :]
    return chosen if chosen != text else None


def validity_reading(probabilities: Probabilities, alphabet: Sequence[str], text: str) -> str | None:
    """A validity row its grammar rejects, mended from a date read whole at either end: the other date lies 6 or 10
    years off it, on the same month and day. Glare often takes the middle, 至 with the characters beside it
    (`2024-09-2034-09-28`), so each pair is tried with and without 至. The most probable pair is taken when the
    line supports it (expected_reading); returned as `A至B`."""
    periods = set()
    if (first := PRINTED_DATE.match(text)) and (start := format_date(*first.groups())):
        periods |= {(start, add_years(start, years)) for years in VALID_YEARS}
    if (last := LAST_DATE.search(text)) and (end := format_date(*last.groups())):
        periods |= {(add_years(end, -years), end) for years in VALID_YEARS}
    printed = {f"{start}{middle}{end}": f"{start}至{end}" for start, end in periods for middle in ("至", "")}
    if text in printed:
        return printed[text]
    chosen = expected_reading(probabilities, alphabet, text, sorted(printed))
    return printed[chosen] if chosen is not None else None


def renewal_validity(probabilities: Probabilities, alphabet: Sequence[str], text: str, issued: str) -> str | None:
    """A validity row read with its start date whole and its end lost (`2016-03-02`, `2013-12-22至`), mended to the
    end the license's history gives (RENEWAL_PERIODS: a start on the first issue date `issued`, or 6 or 16 years
    after it), when the row's own probabilities rank that end first of the three a validity can have, by
    RENEWAL_MARGIN. None when the start is not read whole, lies after today (_leading_start) or elsewhere, or the
    row speaks for another end."""
    start = _leading_start(text)
    if start is None or not is_date(issued) or start[4:] != issued[4:]:
        return None
    period = RENEWAL_PERIODS.get(int(start[:4]) - int(issued[:4]))
    if period is None:
        return None
    ends = [add_years(start, years) for years in VALID_YEARS] + [LONG_TERM]
    expected = add_years(start, period) if isinstance(period, int) else period
    first_end = _first_by_margin(probabilities, alphabet, [[f"{start}至{end}"] for end in ends])
    return f"{start}至{expected}" if first_end == ends.index(expected) else None


def lost_end_validity(probabilities: Probabilities, alphabet: Sequence[str], text: str) -> str | None:
    """A new-print validity row read with its start whole and its end partly lost to glare (`2022-07-112028-`,
    `2024-11-21 至长`), mended to the end that what was read of it belongs to: of the three ends a start can have (6
    or 10 years on, or 长期), the one the row's probabilities rank first by RENEWAL_MARGIN, when the characters read
    after the start (至 aside) are, in order, part of it and hold a digit or 长. Returned as `A至B`; None otherwise.
    The ink read past the start is what vouches: a row blanked there ranks 长期 first for its shortness alone."""
    start_match = PRINTED_DATE.match(text)
    start = format_date(*start_match.groups()) if start_match else None
    if start_match is None or start is None:
        return None
    tail = re.sub(r"[\s至]", "", text[start_match.end() :])
    ends = [add_years(start, years) for years in VALID_YEARS] + [LONG_TERM]
    first = _first_by_margin(probabilities, alphabet, [[f"{start}至{end}", f"{start}{end}"] for end in ends])
    if first is None or not re.search(rf"[\d{LONG_TERM[0]}]", tail) or not in_order(tail, ends[first]):
        return None
    return f"{start}至{ends[first]}"


def history_validity(probabilities: Probabilities, alphabet: Sequence[str], text: str, issued: str) -> str | None:
    """A validity row the layout cannot read a period from, whose start was not read whole either (`-07-286`,
    `2015-01`, `日期202-20有效期限 10日`), mended to one of the rows the license's history allows after the first
    issue `issued` (RENEWAL_PERIODS: a start on it, or 6 or 16 years after it, on its month and day, and not after
    today, running 6 years, 10, or for good), in either print (`A至B`, `A有效期限N年`): the one the row's
    probabilities rank first by RENEWAL_MARGIN, when its digits hold all the row's digits in order, at least
    HISTORY_MIN_DIGITS of them (a few digits fit a long row by chance: the ranking chooses, the digits confirm), or,
    read with as many digits as it prints, the line puts it at most EXPECTED_TEXT_MAX_LOG_RATIO below the reading
    (`2015-66-10±2021-66-10`: slashed zeros read 6, the 8s 0).
    Where the history allows one row only, nothing is ranked, and the digits confirm it on LONE_ROW_MIN_DIGITS.
    Returned as `A至B`; None for a row that starts with a whole date that can be a start (renewal_validity's)."""
    read = digits_of(text)
    if len(read) < HISTORY_MIN_DIGITS or not is_date(issued) or _leading_start(text) or _validity_period(text):
        return None
    rows: dict[str, list[str]] = {}
    for gap, period in RENEWAL_PERIODS.items():
        start = add_years(issued, gap)
        if after_today(start):
            continue
        end = add_years(start, period) if isinstance(period, int) else period
        printed_period = f"{period}年" if isinstance(period, int) else period
        rows[f"{start}至{end}"] = [f"{start}至{end}", f"{start}{OLD_PERIOD_LABEL}{printed_period}"]
    if not rows or (len(rows) == 1 and len(read) < LONE_ROW_MIN_DIGITS):
        return None
    first = 0 if len(rows) == 1 else _first_by_margin(probabilities, alphabet, list(rows.values()))
    if first is None:
        return None
    row, prints = list(rows.items())[first]
    if any(in_order(read, digits_of(printed)) for printed in prints):
        return row
    # A row read whole whose digits were misread for look-alikes (a slashed zero read 6) is confirmed by the line.
    whole = [printed for printed in prints if len(digits_of(printed)) == len(read)]
    return row if whole and expected_reading(probabilities, alphabet, text, whole) is not None else None


def _leading_start(text: str) -> str | None:
    """The whole date a validity row starts with, when it can be the validity's start: one after today is its end,
    the row's start and 至 lost (`2031-02-28`)."""
    first = PRINTED_DATE.match(text)
    start = format_date(*first.groups()) if first else None
    return start if start is not None and not after_today(start) else None


def issue_date_by_history(
    probabilities: Probabilities, alphabet: Sequence[str], text: str, validity: str
) -> str | None:
    """A first-issue date row read as `text` that holds no date (`2018-09`, a day glare took; `1995-04-78`), mended
    from the validity row: the license's history (RENEWAL_PERIODS) puts the first issue 0, 6 or 16 years before the
    validity's start, on its month and day. The issue row's probabilities must rank one of the three first by
    RENEWAL_MARGIN: the one the validity's period names (6 years: on its start; 10: 6 years before; 长期: 16) when
    the validity row shows its period, else one that holds every digit the row read in order, at least
    HISTORY_MIN_DIGITS of them."""
    start = _validity_start(validity)
    if start is None:
        return None
    dates = [add_years(start, -gap) for gap in RENEWAL_PERIODS]
    period = _validity_period(validity)
    if period is None:
        read = digits_of(text)
        allowed = [index for index, day in enumerate(dates) if in_order(read, digits_of(day))]
        allowed = allowed if len(read) >= HISTORY_MIN_DIGITS else []
    else:
        allowed = [index for index, years in enumerate(RENEWAL_PERIODS.values()) if years == period[1]]
    first = _first_by_margin(probabilities, alphabet, [[day] for day in dates])
    return dates[first] if first is not None and first in allowed else None


def issue_date_by_validity(
    probabilities: Probabilities, alphabet: Sequence[str], text: str, validity: str
) -> str | None:
    """A first-issue date read whole (`2015-06-13`) on another month and day than a validity row that shows them
    twice, in both its dates (`2015-06-18至2021-06-18`), mended to the first issue the license's history gives
    (RENEWAL_PERIODS: its period's years before the start), when the issue row's probabilities put that date at
    most AGREEING_MAX_LOG_RATIO below the reading: a dot-matrix 8 read 3 costs a fraction of a nat; a license
    reissued on another day (a class added) is many digits away."""
    period = _validity_period(validity)
    if period is None or len(find_dates(validity)) < 2 or not is_date(text) or text[5:] == period[0][5:]:
        return None
    start, years = period
    gap = next(gap for gap, renewed in RENEWAL_PERIODS.items() if renewed == years)
    issued = add_years(start, -gap)
    read, agreeing = ctc_log_likelihoods(probabilities, alphabet, [text, issued])
    return issued if agreeing - read >= -AGREEING_MAX_LOG_RATIO else None


def _first_by_margin(probabilities: Probabilities, alphabet: Sequence[str], groups: list[list[str]]) -> int | None:
    """Which group of texts the line's probabilities rank first (a group by its likeliest text), when it leads every
    other by RENEWAL_MARGIN nats; None otherwise."""
    # One forward pass scores every text of every group at once.
    flat = ctc_log_likelihoods(probabilities, alphabet, [text for texts in groups for text in texts])
    bounds = np.cumsum([0, *(len(texts) for texts in groups)])
    scores = [float(np.max(flat[start:end])) for start, end in pairwise(bounds)]
    order = np.argsort(scores)[::-1]
    best, runner_up = scores[order[0]], scores[order[1]]
    return int(order[0]) if np.isfinite(best) and best - runner_up >= RENEWAL_MARGIN else None


def _validity_start(validity: str) -> str | None:
    """A validity row's first date as the layout reads it (layout.card_fields), when read in full: `2012-16` is no
    2012-01-06."""
    dates = find_dates(validity)
    return dates[0] if dates and read_in_full(dates[0], validity) else None


def _validity_period(validity: str) -> tuple[str, int | str] | None:
    """(start, 6, 10 or 长期) of a validity row, read as the layout reads it: its start (_validity_start), then a
    second date 6 or 10 years on, 长期, or an old print's `N年`."""
    start = _validity_start(validity)
    if start is None:
        return None
    dates = find_dates(validity)
    if len(dates) > 1:
        return next(((start, years) for years in VALID_YEARS if add_years(start, years) == dates[1]), None)
    if LONG_TERM in validity:
        return start, LONG_TERM
    years = period_years(validity)
    return None if years is None else (start, years)


def normalize_printed_date(text: str) -> str:
    """YYYY-MM-DD for a real date printed as YYYY-MM-DD, YYYY.MM.DD or YYYY/MM/DD; other text unchanged."""
    ascii_text = text.translate(FULL_WIDTH_TO_ASCII)
    match = PRINTED_DATE.fullmatch(ascii_text)
    value = format_date(*match.groups()) if match else None
    return value or ascii_text


def is_validity_end(value: str) -> bool:
    return value == LONG_TERM or is_date(value)


def normalize_validity(text: str) -> str:
    """A validity row without spaces, each date in it as YYYY-MM-DD."""
    compact = re.sub(r"\s", "", text.translate(FULL_WIDTH_TO_ASCII))
    return PRINTED_DATE.sub(lambda match: format_date(*match.groups()) or match.group(0), compact)


def is_validity_row(value: str) -> bool:
    """`A至B` or `A至长期` (new print), `A有效期限N年` or `A有效期限长期` (old print, its label in the row; a label
    character or two may fall outside the strip), every date real, N 6 or 10, and the start no later than today."""
    match = VALIDITY_ROW.fullmatch(value)
    dates = ISO_DATE.findall(value)
    return match is not None and all(is_date(date) for date in dates) and not after_today(dates[0])


def is_past_date(value: str) -> bool:
    """A real date no later than today, as a birth, a first issue and a validity start are: a slashed zero read 8
    (2028-10-31 for 2020-10-31) gives a real date, but one to come."""
    return is_date(value) and not after_today(value)


def is_valid_class(value: str) -> bool:
    """Whole class tokens only (C1, A2D, B1E), each after the one before it in SINGLE_CLASSES: a license lists its
    classes in that order, so `MC2` is a mark beside the box read as M. fields.normalize_class is lenient; this is
    strict."""
    tokens = CLASS_TOKEN.findall(value)
    ranks = [SINGLE_CLASSES.index(token) for token in tokens]
    return bool(tokens) and "".join(tokens) == value and ranks == sorted(set(ranks))


def is_file_number(value: str) -> bool:
    return FILE_NUMBER.fullmatch(value) is not None


def is_sex(value: str) -> bool:
    return value in SEXES


def is_non_empty(value: str) -> bool:
    return bool(value)


def keep_text(text: str) -> str:
    return text


ID_NUMBER_SPEC = FieldSpec("number", DIGITS + "Xx", str.upper, is_valid_id)
DATE_SPEC = FieldSpec("date", DIGITS + DATE_SEPARATORS, normalize_printed_date, is_past_date)
VALIDITY_END_SPEC = FieldSpec("valid_to", DIGITS + DATE_SEPARATORS + LONG_TERM, normalize_printed_date, is_validity_end)
VALIDITY_ROW_SPEC = FieldSpec(
    "validity", DIGITS + DATE_SEPARATORS + "至年" + LONG_TERM + OLD_PERIOD_LABEL, normalize_validity, is_validity_row
)
CLASS_SPEC = FieldSpec("class", "ABCDEFMNP123456", keep_text, is_valid_class)
SEX_SPEC = FieldSpec("sex", "".join(SEXES), keep_text, is_sex)
FILE_NUMBER_SPEC = FieldSpec("file_number", DIGITS, keep_text, is_file_number)
ANY_SPEC = FieldSpec("any", None, keep_text, is_non_empty)

SPECS_BY_FIELD = {
    "number": ID_NUMBER_SPEC,
    "birth": DATE_SPEC,
    "issue_date": DATE_SPEC,
    "valid_from": DATE_SPEC,
    "valid_to": VALIDITY_END_SPEC,
    "validity": VALIDITY_ROW_SPEC,  # the main page's whole validity row, as the card reader reads it
    "class": CLASS_SPEC,
    "sex": SEX_SPEC,
    "file_number": FILE_NUMBER_SPEC,
}


def field_spec(field_name: str) -> FieldSpec:
    """The spec of an API field name (number, birth, class, ...); ANY_SPEC for fields without a grammar."""
    return SPECS_BY_FIELD.get(field_name, ANY_SPEC)
