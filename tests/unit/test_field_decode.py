"""Field-aware decoding on hand-built probability matrices: charset masks, prefix beam search, grammar selection."""

import itertools
from datetime import date

import numpy as np
import pytest

from engine.field_decode import (
    ANY_SPEC,
    CLASS_SPEC,
    DATE_SPEC,
    FILE_NUMBER_SPEC,
    ID_NUMBER_SPEC,
    INVALID_SCORE_FACTOR,
    SEX_SPEC,
    USUAL_NATIONALITIES,
    VALIDITY_END_SPEC,
    VALIDITY_ROW_SPEC,
    address_head_reading,
    address_room_reading,
    best_candidate,
    charset_columns,
    ctc_beam_search,
    ctc_log_likelihood,
    ctc_log_likelihoods,
    decode_field,
    expected_reading,
    field_spec,
    greedy_decode_restricted,
    history_validity,
    is_valid_class,
    issue_date_by_history,
    issue_date_by_validity,
    lost_end_validity,
    name_reading,
    normalize_printed_date,
    per_character_score,
    probation_note_in_part,
    probation_record,
    renewal_validity,
    restrict_to_charset,
    validity_reading,
)
from engine.layout.fields import add_years, birth_from_id, id_check_character, is_valid_id
from engine.textrec import BLANK, build_alphabet, ctc_greedy_decode

ALPHABET = build_alphabet(list("0123456789XABCDEMNP张男女-."))
INDEX = {character: index for index, character in enumerate(ALPHABET)}
VALID_ID = "150402199902223122"

Step = dict[str, float]


def matrix(steps: list[Step], alphabet: list[str] = ALPHABET) -> np.ndarray:
    """(T, C) probabilities over `alphabet`: each step's named characters, the rest of its mass on the blank."""
    index = {character: position for position, character in enumerate(alphabet)}
    probabilities = np.zeros((len(steps), len(alphabet)), dtype=np.float64)
    for row, step in enumerate(steps):
        for character, probability in step.items():
            probabilities[row, index[character]] = probability
        probabilities[row, BLANK] = 1.0 - sum(step.values())
    return probabilities


def spell(text: str, confidence: float = 0.98) -> list[Step]:
    """One confident step per character, each followed by a blank step (so doubled characters survive)."""
    return [step for character in text for step in ({character: confidence}, {})]


def test_constrained_id_fixes_a_narrowly_wrong_digit():
    steps = spell(VALID_ID)
    steps[2 * 4] = {"8": 0.50, "0": 0.45}  # the fifth digit, 0, narrowly read as 8
    probabilities = matrix(steps)
    greedy = ctc_greedy_decode(probabilities, ALPHABET)[0]
    assert greedy == "150482199902223122" and not is_valid_id(greedy)
    decoding = decode_field(probabilities, ALPHABET, ID_NUMBER_SPEC)
    assert decoding.text == VALID_ID and decoding.valid
    assert decoding.candidates[0].value == greedy and not decoding.candidates[0].valid


def test_alphabet_restriction_beats_a_cjk_character_in_the_class():
    steps = [{"张": 0.60, "C": 0.35}, {}, *spell("1D")]
    probabilities = matrix(steps)
    assert ctc_greedy_decode(probabilities, ALPHABET)[0] == "张1D"
    assert greedy_decode_restricted(probabilities, ALPHABET, CLASS_SPEC.charset)[0] == "C1D"
    decoding = decode_field(probabilities, ALPHABET, CLASS_SPEC)
    assert (decoding.text, decoding.valid) == ("C1D", True)


@pytest.mark.parametrize(
    ("steps", "text"),
    [
        ([{"1": 0.9}, {"1": 0.9}, {"1": 0.9}], "1"),  # one long character
        ([{"1": 0.9}, {"1": 0.9}, {}, {"1": 0.9}], "11"),  # a blank separates a real double
        ([{}, {"1": 0.9}, {}, {}, {"2": 0.9}, {"2": 0.9}, {}], "12"),
    ],
)
def test_repeats_collapse_and_blanks_separate_doubles(steps, text):
    probabilities = matrix(steps)
    assert greedy_decode_restricted(probabilities, ALPHABET, "0123456789")[0] == text
    assert ctc_beam_search(probabilities, ALPHABET)[0][0] == text


def test_beam_probabilities_are_exact_ctc_marginals():
    # Two steps of "1" 0.6 / 0.5: "1" = 0.6*0.5 + 0.6*0.5 + 0.4*0.5 = 0.8, "" = 0.4*0.5; "11" needs a blank between.
    candidates = dict(ctc_beam_search(matrix([{"1": 0.6}, {"1": 0.5}]), ALPHABET))
    assert candidates.keys() == {"1", ""}
    assert candidates["1"] == pytest.approx(0.8)
    assert candidates[""] == pytest.approx(0.2)


def brute_force_marginals(probabilities: np.ndarray) -> dict[str, float]:
    """Every alignment path enumerated and collapsed: the exact probability of each text."""
    texts: dict[str, float] = {}
    steps, classes = probabilities.shape
    for path in itertools.product(range(classes), repeat=steps):
        previous = (BLANK, *path[:-1])
        kept = [index for index, before in zip(path, previous, strict=True) if index not in (BLANK, before)]
        text = "".join(ALPHABET[index] for index in kept)
        texts[text] = texts.get(text, 0.0) + float(np.prod(probabilities[np.arange(steps), path]))
    return texts


def test_unpruned_beam_search_matches_brute_force():
    rng = np.random.default_rng(7)
    probabilities = rng.dirichlet(np.ones(4), size=5)  # blank, 0, 1, 2 over five steps
    exact = brute_force_marginals(probabilities)
    found = ctc_beam_search(probabilities, ALPHABET, top_k=6, beam_width=1000, min_probability=0.0, max_per_step=4)
    best_six = sorted(exact.items(), key=lambda item: item[1], reverse=True)[:6]
    assert [text for text, _ in found] == [text for text, _ in best_six]
    assert [probability for _, probability in found] == pytest.approx([probability for _, probability in best_six])


def test_beam_candidates_descend_and_sum_to_at_most_one():
    rng = np.random.default_rng(3)
    probabilities = rng.dirichlet(np.full(len(ALPHABET), 0.3), size=40)
    candidates = ctc_beam_search(probabilities, ALPHABET, top_k=8)
    chances = [probability for _, probability in candidates]
    assert len(candidates) == 8
    assert chances == sorted(chances, reverse=True)
    assert 0.0 < sum(chances) <= 1.0
    assert len({text for text, _ in candidates}) == len(candidates)


def test_no_valid_candidate_returns_the_best_restricted_text_flagged_invalid():
    steps = [{"张": 0.7, "1": 0.2}, {}, *spell("5040219")]  # far too short for an ID number
    probabilities = matrix(steps)
    decoding = decode_field(probabilities, ALPHABET, ID_NUMBER_SPEC)
    assert not decoding.valid and not any(candidate.valid for candidate in decoding.candidates)
    assert decoding.text == greedy_decode_restricted(probabilities, ALPHABET, ID_NUMBER_SPEC.charset)[0] == "15040219"
    assert decoding.score == pytest.approx(per_character_score(decoding.candidates[0]) * INVALID_SCORE_FACTOR)


@pytest.mark.parametrize(
    ("spec", "steps"),
    [
        (ID_NUMBER_SPEC, spell(VALID_ID)),
        (ID_NUMBER_SPEC, spell("12345")),
        (CLASS_SPEC, [{"张": 0.6, "C": 0.3}, {}, {"1": 0.5, "7": 0.4}]),
        (SEX_SPEC, [{"男": 0.4, "女": 0.35, "张": 0.2}]),
        (DATE_SPEC, spell("2015-0618")),
        (ANY_SPEC, [{"张": 0.5, "C": 0.4}]),
    ],
)
def test_never_returns_text_that_no_candidate_supports(spec, steps):
    probabilities = matrix(steps)
    decoding = decode_field(probabilities, ALPHABET, spec)
    beam_texts = {text for text, _ in ctc_beam_search(*restrict_to_charset(probabilities, ALPHABET, spec.charset))}
    assert decoding.text in {candidate.value for candidate in decoding.candidates}
    assert decoding.text in {spec.normalize(text) for text in beam_texts}
    assert 0.0 <= decoding.score <= 1.0


def test_an_external_constraint_picks_among_valid_candidates():
    # Birth day 22 or 23, and the check character that goes with each: two valid IDs, the first slightly likelier.
    other = VALID_ID[:13] + "3" + VALID_ID[14:17]
    other += id_check_character(other)
    steps = spell(VALID_ID)
    steps[2 * 13] = {"2": 0.55, "3": 0.45}
    steps[2 * 17] = {VALID_ID[17]: 0.55, other[17]: 0.45}
    decoding = decode_field(matrix(steps), ALPHABET, ID_NUMBER_SPEC)
    assert decoding.text == VALID_ID
    matching = best_candidate(decoding.candidates, lambda value: birth_from_id(value) == "1999-02-23")
    assert matching is not None and matching.value == other and matching.valid
    assert best_candidate(decoding.candidates, lambda value: False) is None


def test_date_separators_pool_into_one_value():
    steps = spell("2015-06-18")
    steps[2 * 4] = {"-": 0.5, ".": 0.45}
    decoding = decode_field(matrix(steps), ALPHABET, DATE_SPEC)
    assert (decoding.text, decoding.valid) == ("2015-06-18", True)
    assert decoding.candidates[0].probability == pytest.approx(0.98**9 * 0.95, rel=1e-6)


def test_a_date_to_come_is_no_birth_first_issue_or_validity_start():
    """A tens digit misread (a slashed zero read 8 does this): a real date, but no license was issued on it yet; the
    digit the step also saw gives the date."""
    past, future = date.today().year - 5, date.today().year + 5  # ten years apart: only the tens digit differs
    steps = spell(f"{past}-10-31")
    steps[2 * 2] = {str(future)[2]: 0.6, str(past)[2]: 0.35}
    decoding = decode_field(matrix(steps), ALPHABET, DATE_SPEC)
    assert decoding.candidates[0].value == f"{future}-10-31" and not decoding.candidates[0].valid
    assert (decoding.text, decoding.valid) == (f"{past}-10-31", True)


def test_a_validity_row_that_starts_after_today_breaks_its_grammar():
    future = date.today().year + 2
    assert VALIDITY_ROW_SPEC.validate("2020-10-31至2030-10-31")
    assert not VALIDITY_ROW_SPEC.validate(f"{future}-10-31至{future + 10}-10-31")
    assert not VALIDITY_ROW_SPEC.validate(f"{future}-10-31有效期限6年")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2015-06-18", "2015-06-18"),
        ("2015.06.18", "2015-06-18"),
        ("2015/06/18", "2015-06-18"),
        ("2015-02-30", "2015-02-30"),
    ],
)
def test_printed_dates_normalize_to_iso(text, value):
    assert normalize_printed_date(text) == value


@pytest.mark.parametrize(
    ("value", "valid"),
    [("C1", True), ("C1D", True), ("A2D", True), ("B1E", True), ("D", True), ("C7", False), ("1C", False),
     ("C1C1", False), ("", False), ("MC2", False), ("DA2", False), ("C1DM", True)],
)  # fmt: skip
def test_class_grammar(value, valid):
    assert is_valid_class(value) is valid


@pytest.mark.parametrize(
    ("name", "spec"),
    [
        ("number", ID_NUMBER_SPEC),
        ("birth", DATE_SPEC),
        ("issue_date", DATE_SPEC),
        ("valid_to", VALIDITY_END_SPEC),
        ("class", CLASS_SPEC),
        ("sex", SEX_SPEC),
        ("file_number", FILE_NUMBER_SPEC),
        ("name", ANY_SPEC),
    ],
)
def test_field_spec_by_name(name, spec):
    assert field_spec(name) is spec


def test_charset_columns_are_cached_per_alphabet_object():
    columns, characters = charset_columns(ALPHABET, "01X")
    assert charset_columns(ALPHABET, "01X")[0] is columns
    assert characters == ["", "0", "1", "X"]
    other = build_alphabet(list("X10"))
    assert charset_columns(other, "01X")[1] == ["", "X", "1", "0"]


VALIDITY_ALPHABET = build_alphabet(list("0123456789-至长期年有效限升专 "))


def test_validity_row_grammar_reads_a_period_whose_year_sign_looks_like_another_character():
    """Old print `有效期限 6年`: 年 narrowly read as 升, a character no validity row has."""
    steps = [*spell("2022-07-15 有效期限 6"), {"升": 0.5, "年": 0.4}, {}]
    probabilities = matrix(steps, VALIDITY_ALPHABET)
    assert ctc_greedy_decode(probabilities, VALIDITY_ALPHABET)[0].endswith("6升")
    decoding = decode_field(probabilities, VALIDITY_ALPHABET, field_spec("validity"))
    assert decoding.valid
    assert decoding.text == "2022-07-15有效期限6年"


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("2019-09-21至长期", True),
        ("2022-07-15至2028-07-15", True),
        ("2022-07-15效期限10年", True),  # the label's first character outside the strip
        ("2022-07-15至2028-02-30", False),  # no such day
        ("2022-07-15至", False),
        ("2022-07-15有效期限7年", False),  # periods are 6 or 10 years
    ],
)
def test_validity_row_grammar(text, valid):
    assert field_spec("validity").validate(text) is valid


@pytest.mark.parametrize("text", ["1", "11", "12", "男"])
def test_ctc_log_likelihood_sums_every_path_of_the_text(text):
    columns = [BLANK, INDEX["1"], INDEX["2"], INDEX["男"]]
    small = np.zeros((4, len(ALPHABET)))
    rng = np.random.default_rng(3)
    small[:, columns] = rng.dirichlet(np.ones(len(columns)), size=4)
    # Brute force over the four live classes only (the others have probability 0).
    live = small[:, columns]
    total = 0.0
    for path in itertools.product(range(len(columns)), repeat=4):
        labels = [columns[c] for c in path]
        collapsed = [ALPHABET[c] for i, c in enumerate(labels) if c != BLANK and (i == 0 or labels[i - 1] != c)]
        if "".join(collapsed) == text:
            total += float(np.prod([live[i, c] for i, c in enumerate(path)]))
    assert ctc_log_likelihood(small, ALPHABET, text) == pytest.approx(np.log(total))


def test_ctc_log_likelihood_of_a_character_outside_the_alphabet_is_minus_infinity():
    assert ctc_log_likelihood(matrix(spell("12")), ALPHABET, "1女2") == -np.inf
    assert ctc_log_likelihood(matrix(spell("12")), ALPHABET, "1我") == -np.inf


RECORD_ALPHABET = build_alphabet(list("0123456789实习期至年月日。买"))


def test_probation_record_restores_a_faint_full_stop():
    steps = [*spell("实习期至2020年08月07日"), {"。": 0.07}, {}]
    probabilities = matrix(steps, RECORD_ALPHABET)
    greedy = ctc_greedy_decode(probabilities, RECORD_ALPHABET)[0]
    assert greedy == "实习期至2020年08月07日"
    assert probation_record(probabilities, RECORD_ALPHABET, greedy) == "实习期至2020年08月07日。"


def test_probation_record_ends_with_its_full_stop_even_where_the_line_shows_none():
    """The stop is printed small: glare or blur can leave no trace of it, and the note is never printed without."""
    steps = [*spell("实习期至2020年08月07日", confidence=0.999999), {}, {}]
    probabilities = matrix(steps, RECORD_ALPHABET)
    greedy = ctc_greedy_decode(probabilities, RECORD_ALPHABET)[0]
    assert probation_record(probabilities, RECORD_ALPHABET, greedy) == "实习期至2020年08月07日。"


def test_probation_record_leaves_a_line_that_says_otherwise():
    """实买期至: the line is sure of 买, and nothing supports 习 there."""
    steps = spell("实买期至2020年08月07日。", confidence=0.999999)
    probabilities = matrix(steps, RECORD_ALPHABET)
    greedy = ctc_greedy_decode(probabilities, RECORD_ALPHABET)[0]
    assert probation_record(probabilities, RECORD_ALPHABET, greedy) is None


@pytest.mark.parametrize("text", ["实习期至2020年08月07日。", "增驾B2", "实习期至2020年13月07日"])
def test_probation_record_is_none_for_the_note_itself_and_for_other_records(text):
    probabilities = matrix(spell("实习期至2020年08月07日。"), RECORD_ALPHABET)
    assert probation_record(probabilities, RECORD_ALPHABET, text) is None


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("至2023年05月16日。", "实习期至2023年05月16日。"),  # the head lost to glare
        ("习期至20250525日", "实习期至2025年05月25日。"),  # its 年 and 月 too
        ("实习期至2023年5月16日", "实习期至2023年05月16日。"),  # a month's 0 lost
        ("实习期至2023年05月16日。", None),  # the note itself
        ("20250525", None),  # digits alone: no note is told by digits
        ("有效期至2023年05月16日", None),  # 有效: another record's words
        ("实习期至2023年05月166日", None),  # a digit the note does not hold
        ("实习期至2023年13月16日", None),  # no real date
        ("至2023年", None),  # no whole date
    ],
)
def test_a_record_read_as_part_of_a_probation_note_is_that_note(text, note):
    assert probation_note_in_part(text) == note


PERIOD_ALPHABET = build_alphabet(list("0123456789-至长期"))


def test_validity_reading_mends_a_period_whose_middle_glare_took():
    """The start's last 8 and the 至 after it were washed out: the end date, read whole, is 10 years after the start
    that the line still faintly supports."""
    steps = [*spell("2024-09-2"), {"8": 0.3}, {}, *spell("2034-09-28")]
    probabilities = matrix(steps, PERIOD_ALPHABET)
    greedy = ctc_greedy_decode(probabilities, PERIOD_ALPHABET)[0]
    assert greedy == "2024-09-22034-09-28"
    assert validity_reading(probabilities, PERIOD_ALPHABET, greedy) == "2024-09-28至2034-09-28"


def test_validity_reading_puts_back_a_lost_至_between_dates_a_period_apart():
    probabilities = matrix(spell("2024-09-282030-09-28"), PERIOD_ALPHABET)
    assert validity_reading(probabilities, PERIOD_ALPHABET, "2024-09-282030-09-28") == "2024-09-28至2030-09-28"


@pytest.mark.parametrize("printed", ["2024-09-28至2034-09-27", "2024-09-282035-09-28", "2024-09"])
def test_validity_reading_leaves_what_the_line_clearly_says(printed):
    """Dates that are no period apart, read sure, or no whole date at either end: nothing to mend from."""
    probabilities = matrix(spell(printed, confidence=0.999999), PERIOD_ALPHABET)
    assert validity_reading(probabilities, PERIOD_ALPHABET, printed) is None


def faint(text: str, confidence: float = 0.05) -> list[Step]:
    """A washed-out stretch: each character barely above the blank."""
    return [step for character in text for step in ({character: confidence}, {})]


@pytest.mark.parametrize(
    ("issued", "end", "expected"),
    [
        ("2000-03-02", "至长期", "2016-03-02至长期"),  # 16 years after the first issue: for good
        ("2010-03-02", "至2026-03-02", "2016-03-02至2026-03-02"),  # 6 years after: 10 more
        ("2016-03-02", "至2022-03-02", "2016-03-02至2022-03-02"),  # a first license: 6 years
        ("2010-03-02", "至长期", None),  # the row speaks for another end than the history's
        ("2010-04-02", "至2026-03-02", None),  # the start is no anniversary of the first issue
        ("2013-03-02", "至2026-03-02", None),  # 3 years after the first issue: no history says what follows
    ],
)
def test_a_validity_whose_end_was_washed_out_takes_the_end_its_history_gives(issued, end, expected):
    steps = [*spell("2016-03-02"), *faint(end)]
    probabilities = matrix(steps, PERIOD_ALPHABET)
    greedy = ctc_greedy_decode(probabilities, PERIOD_ALPHABET)[0]
    assert greedy == "2016-03-02"
    assert renewal_validity(probabilities, PERIOD_ALPHABET, greedy, issued) == expected


def test_a_validity_without_its_start_read_whole_is_not_renewed():
    probabilities = matrix([*spell("2016-03"), *faint("-02至长期")], PERIOD_ALPHABET)
    assert renewal_validity(probabilities, PERIOD_ALPHABET, "2016-03", "2000-03-02") is None


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        # The end's year read, its month and day washed out, 至 lost outright: 6 years on is the end that year begins.
        ([*spell("2022-07-11"), *spell("2028-"), *faint("07-11")], "2022-07-11至2028-07-11"),
        # 长 read after the start, 期 washed out: the row runs for good.
        ([*spell("2024-11-21至长"), *faint("期")], "2024-11-21至长期"),
        # Nothing read past the start: 长期 ranks first for its shortness alone, which vouches for nothing.
        ([*spell("2016-03-02"), *faint("至2026-03-02")], None),
        # Only 至 read: no character of an end.
        ([*spell("2016-03-02至"), *faint("2026-03-02")], None),
        # A digit read that the end the row ranks first does not hold there.
        ([*spell("2016-03-02至2026"), {"9": 0.6, "-": 0.05}, {}, *faint("03-02")], None),
        # What was read begins both dated ends, and the row ranks neither first by RENEWAL_MARGIN.
        ([*spell("2016-03-02至20"), {"2": 0.05, "6": 0.05}, {}, *faint("-03-02")], None),
        # No whole start to count from.
        ([*spell("2016-03"), *faint("-02至"), *spell("2026-")], None),
    ],
)
def test_a_validity_row_that_lost_part_of_its_end_takes_the_end_what_was_read_begins(steps, expected):
    probabilities = matrix(steps, PERIOD_ALPHABET)
    read = ctc_greedy_decode(probabilities, PERIOD_ALPHABET)[0]
    assert lost_end_validity(probabilities, PERIOD_ALPHABET, read) == expected


OLD_PRINT_ALPHABET = build_alphabet(list("0123456789-至长期有效限年日"))


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        # The old print's 6年 after a start whose year glare all but took: a first license's row.
        ([*faint("1999"), *spell("-07-17"), *faint("有效期限"), *spell("6年")], "1999-07-17至2005-07-17"),
        # The start's day and the end all but lost: the row ranks the row that runs for good first.
        ([*spell("2015-0"), *faint("7-17至长期")], "2015-07-17至长期"),
        # The same row with a stray 3 read: the row it ranks first does not hold 2 0 1 5 0 3.
        ([*spell("2015-0"), *faint("7-17至长期"), *spell("3")], None),
        (spell("2015-0"), None),  # nothing past it: the row ranks no row first
        ([*spell("07"), *faint("-17至长期")], None),  # too few digits to confirm a row by
        (spell("2005-07-17有效期限10日"), None),  # a whole date first is renewal_validity's
    ],
)
def test_a_validity_row_that_lost_its_start_takes_the_history_row_holding_its_digits(steps, expected):
    probabilities = matrix(steps, OLD_PRINT_ALPHABET)
    read = ctc_greedy_decode(probabilities, OLD_PRINT_ALPHABET)[0]
    assert history_validity(probabilities, OLD_PRINT_ALPHABET, read, "1999-07-17") == expected


def test_a_validity_row_that_kept_only_its_end_takes_the_only_row_a_recent_first_issue_allows():
    """`2031-02-28` cannot start a validity (it is after today): the row's start and 至 were lost. A first issue
    under 6 years ago allows one row only, confirmed by a whole date's digits; fewer confirm nothing."""
    issued = add_years(date.today().isoformat(), -1)
    end = add_years(issued, 6)
    probabilities = matrix([*faint(f"{issued}至"), *spell(end)], PERIOD_ALPHABET)
    read = ctc_greedy_decode(probabilities, PERIOD_ALPHABET)[0]
    assert read == end
    assert renewal_validity(probabilities, PERIOD_ALPHABET, read, issued) is None
    assert history_validity(probabilities, PERIOD_ALPHABET, read, issued) == f"{issued}至{end}"
    short = matrix([*faint(f"{issued}至{end[:5]}"), *spell(end[5:])], PERIOD_ALPHABET)
    assert history_validity(short, PERIOD_ALPHABET, ctc_greedy_decode(short, PERIOD_ALPHABET)[0], issued) is None


SIGN_ALPHABET = build_alphabet(list("0123456789-至长期有效限年±"))


def test_a_validity_row_read_whole_with_look_alike_digits_takes_the_history_row_the_line_supports():
    """`2015-66-10±2021-66-10`: slashed zeros read 6, the 8s 0, 至 a sign. Its digits are not the history row's in
    order, but the row is read with all of them and the line supports the history's row whole."""
    steps = spell("2015-06-18至2021-06-18")
    for position, step in {5: {"6": 0.5, "0": 0.45}, 9: {"0": 0.6, "8": 0.3}, 10: {"±": 0.4, "至": 0.2}}.items():
        steps[2 * position] = step
    for position, step in {16: {"6": 0.7, "0": 0.25}, 20: {"0": 0.6, "8": 0.3}}.items():
        steps[2 * position] = step
    probabilities = matrix(steps, SIGN_ALPHABET)
    read = ctc_greedy_decode(probabilities, SIGN_ALPHABET)[0]
    assert read == "2015-66-10±2021-66-10"
    assert history_validity(probabilities, SIGN_ALPHABET, read, "2015-06-18") == "2015-06-18至2021-06-18"
    # The same reading where the line all but rules the history's digits out: ranked first, but not supported.
    faint_steps = spell(read, confidence=0.99)
    for position, printed in {5: "0", 9: "8", 10: "至", 16: "0", 20: "8"}.items():
        faint_steps[2 * position][printed] = 1e-4
    unsupported = matrix(faint_steps, SIGN_ALPHABET)
    assert history_validity(unsupported, SIGN_ALPHABET, read, "2015-06-18") is None


@pytest.mark.parametrize(
    ("validity", "expected"),
    [
        ("2024-09-28至2034-09-28", "2018-09-28"),  # 10 years: the license renewed 6 years after its first issue
        ("2024-09-28至2030-09-28", None),  # 6 years: a first license, issued on its start, which the row denies
        ("2034-09-28至长期", "2018-09-28"),  # for good: 16 years after the first issue
        ("2024-09-28有效期限10年", "2018-09-28"),  # the old print
        ("2024-0928至长期", None),  # 16 years before is 2008, which the row denies
        # No period shown: the date the row ranks first, as it holds the digits read (2 0 1 8 0 9).
        ("2024-09-28", "2018-09-28"),
        ("2024-09-28至2034-0", "2018-09-28"),
        ("2025-09-28", None),  # 2019, 2009 and 1999 hold no 2 0 1 8 0 9
    ],
)
def test_an_issue_date_whose_day_was_washed_out_takes_the_date_the_validity_gives(validity, expected):
    probabilities = matrix([*spell("2018-09"), *faint("-28")], PERIOD_ALPHABET)
    assert ctc_greedy_decode(probabilities, PERIOD_ALPHABET)[0] == "2018-09"
    assert issue_date_by_history(probabilities, PERIOD_ALPHABET, "2018-09", validity) == expected


@pytest.mark.parametrize("noise", [0.0, 0.001])
def test_an_issue_date_row_that_shows_no_year_is_not_mended(noise):
    """Glare took the year: the three dates the history allows are as likely, or impossible, and the row speaks for
    none of them."""
    year = [dict.fromkeys("0123456789", noise), {}] * 4
    probabilities = matrix([*year, *spell("-09-28")], PERIOD_ALPHABET)
    read = ctc_greedy_decode(probabilities, PERIOD_ALPHABET)[0]
    assert issue_date_by_history(probabilities, PERIOD_ALPHABET, read, "2024-09-28至2034-09-28") is None


@pytest.mark.parametrize(
    ("validity", "expected"),
    [
        ("2015-06-18至2021-06-18", "2015-06-18"),  # 6 years: a first license, valid from its first issue
        ("2021-06-18至2031-06-18", "2015-06-18"),  # 10 years: renewed 6 years after the first issue
        ("2015-06-18至长期", None),  # the month and day shown once: the rows say as much as each other
        ("2015-06-18", None),  # no period shown
        ("2016-03-02至2022-03-02", None),  # another month and day (a class added): too many digits away
        ("2015-06-13至2021-06-13", None),  # the rows agree
    ],
)
def test_an_issue_date_off_its_validitys_month_and_day_takes_the_historys_when_the_row_allows(validity, expected):
    """The real print's dot-matrix 8 of the issue day read 3, the 8 close behind."""
    steps = [*spell("2015-06-1"), {"3": 0.59, "8": 0.39}, {}]
    probabilities = matrix(steps, PERIOD_ALPHABET)
    read = ctc_greedy_decode(probabilities, PERIOD_ALPHABET)[0]
    assert read == "2015-06-13"
    assert issue_date_by_validity(probabilities, PERIOD_ALPHABET, read, validity) == expected


def test_an_issue_date_read_surely_keeps_its_day_against_the_validity():
    """The 8 seen at the day's step, but 9 nats below the 3 read there: more than AGREEING_MAX_LOG_RATIO."""
    steps = [*spell("2015-06-1"), {"3": 0.99, "8": 1e-4}, {}]
    probabilities = matrix(steps, PERIOD_ALPHABET)
    assert issue_date_by_validity(probabilities, PERIOD_ALPHABET, "2015-06-13", "2015-06-18至2021-06-18") is None


NATION_ALPHABET = build_alphabet(list("中国美日本/CHN"))


def test_expected_reading_completes_a_faint_nationality():
    """中 read, 国 too faint for the greedy path but not absent."""
    probabilities = matrix([{"中": 0.95}, {}, {"国": 0.2}, {"国": 0.1}, {}], NATION_ALPHABET)
    greedy = ctc_greedy_decode(probabilities, NATION_ALPHABET)[0]
    assert greedy == "中"
    assert expected_reading(probabilities, NATION_ALPHABET, greedy, USUAL_NATIONALITIES) == "中国"


@pytest.mark.parametrize("printed", ["美国", "中国/CHN", "中国"])
def test_expected_reading_keeps_what_the_line_clearly_says(printed):
    probabilities = matrix(spell(printed, confidence=0.999), NATION_ALPHABET)
    assert expected_reading(probabilities, NATION_ALPHABET, printed, USUAL_NATIONALITIES) is None


ROOM_ALPHABET = build_alphabet(list("0123456789号楼门室空幢组"))


@pytest.mark.parametrize(
    ("read", "steps", "expected"),
    [
        # 门 read as 1, the line unsure of it.
        ("13号楼512204号", [*spell("13号楼5"), {"1": 0.6, "门": 0.3}, {}, *spell("2204号")], "13号楼5门2204号"),
        # 门 read, then its right stroke as an extra 1.
        ("4门11703号", [*spell("4门"), {"1": 0.7}, {}, *spell("1703号")], "4门1703号"),
    ],
)
def test_address_room_reading_restores_a_thin_door_character(read, steps, expected):
    probabilities = matrix(steps, ROOM_ALPHABET)
    assert ctc_greedy_decode(probabilities, ROOM_ALPHABET)[0] == read
    assert address_room_reading(probabilities, ROOM_ALPHABET, read) == expected


def test_address_room_reading_mends_a_door_misread_in_a_row_the_next_continues():
    steps = [*spell("18号楼2"), {"1": 0.5, "门": 0.3}, {}, {"1": 0.6}, {}, *spell("25")]
    probabilities = matrix(steps, ROOM_ALPHABET)
    read = ctc_greedy_decode(probabilities, ROOM_ALPHABET)[0]
    assert read == "18号楼21125"
    assert address_room_reading(probabilities, ROOM_ALPHABET, read, continued_digits=2) == "18号楼2门25"
    assert address_room_reading(probabilities, ROOM_ALPHABET, read) is None  # no next row to go by


@pytest.mark.parametrize("read", ["7号楼1门502号", "1门1502号", "3号楼2门1201号"])
def test_address_room_reading_leaves_plausible_rooms_alone(read):
    assert address_room_reading(matrix(spell(read), ROOM_ALPHABET), ROOM_ALPHABET, read) is None


@pytest.mark.parametrize(
    ("read", "steps", "expected"),
    [
        ("5幢1301空", [*spell("5幢1301"), {"空": 0.6, "室": 0.3}, {}], "5幢1301室"),  # 室 misread
        ("3组359", [*spell("3组359"), {"号": 0.05}, {}], "3组359号"),  # a faint 号 lost
    ],
)
def test_the_line_that_ends_an_address_ends_with_its_number_and_its_character(read, steps, expected):
    probabilities = matrix(steps, ROOM_ALPHABET)
    assert ctc_greedy_decode(probabilities, ROOM_ALPHABET)[0] == read
    assert address_room_reading(probabilities, ROOM_ALPHABET, read, ends_address=True) == expected
    assert address_room_reading(probabilities, ROOM_ALPHABET, read, ends_address=False) is None  # a wrapped row


def test_an_address_end_the_line_is_sure_of_is_left_alone():
    read = "5幢1301空"
    probabilities = matrix(spell(read, confidence=0.999999), ROOM_ALPHABET)
    assert address_room_reading(probabilities, ROOM_ALPHABET, read, ends_address=True) is None


ADDRESS_ALPHABET = build_alphabet(list("0123456789号楼门室幢栋单元村组花园这富绍一院皖年"))
FAINT = 0.05  # a character the greedy path skips (the blank wins its step) but the line still shows
MISREAD_COURTYARD = {"皖": 0.89, "院": 0.11}  # as a blurred 院 read (seed 5555 hard img_0077)


@pytest.mark.parametrize(
    ("read", "steps", "ends_address", "expected"),
    [
        # 幢 lost between the building number and the room: `号221903室` has no six-digit number.
        ("38号221903室", [*spell("38号22"), {"幢": FAINT}, {}, *spell("1903室")], True, "38号22幢1903室"),
        # 幢 misread, mid-row and where the building number ended the row before.
        ("24这202室", [*spell("24"), {"这": 0.6, "幢": 0.3}, {}, *spell("202室")], True, "24幢202室"),
        ("这202室", [{"这": 0.6, "幢": 0.3}, {}, *spell("202室")], True, "幢202室"),
        # 栋 lost between an estate's building number and the unit, and where the row wraps after it.
        ("号花园64单元", [*spell("号花园6"), {"栋": FAINT}, {}, *spell("4单元")], False, "号花园6栋4单元"),
        ("号花园64", [*spell("号花园6"), {"栋": FAINT}, {}, *spell("4")], False, "号花园6栋4"),
        # 单 misread between a building's unit number and 元 (seed 3131 wallet img_0022).
        ("3栋4年元803室", [*spell("3栋4"), {"年": 0.6, "单": 0.3}, {}, *spell("元803室")], True, "3栋4单元803室"),
        # The unit number ended the row before: 门 starts this one, its right stroke read as an extra 1.
        ("门12703号", [*spell("门"), {"1": 0.7}, {}, *spell("2703号")], True, "门2703号"),
        # 村 lost before the group (the first character of a wrapped row), 组 misread, 组 lost.
        ("11组240号", [{"村": FAINT}, {}, *spell("11组240号")], True, "村11组240号"),
        ("村9绍237号", [*spell("村9"), {"绍": 0.6, "组": 0.3}, {}, *spell("237号")], True, "村9组237号"),
        ("村6385号", [*spell("村6"), {"组": FAINT}, {}, *spell("385号")], True, "村6组385号"),
        # 院 misread between the house number and a building number, mid-row and where the row wraps after 号.
        ("205号皖21号楼2门", [*spell("205号"), MISREAD_COURTYARD, {}, *spell("21号楼2门")], True, "205号院21号楼2门"),
        ("205号皖21号", [*spell("205号"), MISREAD_COURTYARD, {}, *spell("21号")], False, "205号院21号"),
        # A wrapped address's last row holds only its last character, misread.
        ("富", [{"富": 0.6, "室": 0.3}, {}], True, "室"),
    ],
)
def test_address_reading_mends_a_lost_or_misread_unit_word(read, steps, ends_address, expected):
    probabilities = matrix(steps, ADDRESS_ALPHABET)
    assert ctc_greedy_decode(probabilities, ADDRESS_ALPHABET)[0] == read
    assert address_room_reading(probabilities, ADDRESS_ALPHABET, read, ends_address) == expected


@pytest.mark.parametrize(
    "read",
    [
        "38号22幢1903室",
        "5号1903室",  # a room right after the house number
        "号花园6栋4单元1402室",
        "号花园14",  # a wrapped row: 14 may well be the building's number
        "10号楼3门2703号",
        "10号楼3年元",  # after 号楼 the unit is a 门: no 单元 to mend
        "花园村11组240号",
        "村12号",  # a village house without a group
        "幢202室",
        "205号院21号楼2门1502号",
    ],
)
@pytest.mark.parametrize("ends_address", [True, False])
def test_address_reading_leaves_a_well_formed_address_alone(read, ends_address):
    probabilities = matrix(spell(read), ADDRESS_ALPHABET)
    assert address_room_reading(probabilities, ADDRESS_ALPHABET, read, ends_address) is None


def test_a_character_before_the_last_house_number_of_an_address_is_left_alone():
    """`205号X21号` ending the address may be a courtyard's house: only a building (号楼) or a wrapped row vouches
    for 院."""
    read = "205号皖21号"
    probabilities = matrix([*spell("205号"), MISREAD_COURTYARD, {}, *spell("21号")], ADDRESS_ALPHABET)
    assert address_room_reading(probabilities, ADDRESS_ALPHABET, read, ends_address=True) is None


@pytest.mark.parametrize("read", ["一", "号"])
def test_a_lone_last_row_that_is_the_rule_or_an_ending_is_left_alone(read):
    probabilities = matrix([{read: 0.6, "室": 0.3}, {}], ADDRESS_ALPHABET)
    assert address_room_reading(probabilities, ADDRESS_ALPHABET, read, ends_address=True) is None


PLACE_ALPHABET = build_alphabet(list("上海市徐汇松江区和平路1号浙省有杭州萧山永安镇滨西湖余拱墅"))


def test_the_likelihoods_of_many_texts_are_each_texts_own():
    steps = spell("上海市徐江区")
    steps[2 * 4] = {"江": 0.9, "汇": 0.05}
    probabilities = matrix(steps, PLACE_ALPHABET)
    texts = ["上海市徐江区", "上海市徐汇区", "", "上海市", "上海市徐江区上海市徐江区"]
    together = ctc_log_likelihoods(probabilities, PLACE_ALPHABET, texts)
    assert together == pytest.approx([ctc_log_likelihood(probabilities, PLACE_ALPHABET, text) for text in texts])
    assert together[0] > together[1] > together[4] == -np.inf  # a text longer than the line has no path


def test_a_misread_district_that_ties_two_listed_ones_goes_to_the_one_the_pixels_favour():
    """徐江区 is one edit from both 徐汇区 and 松江区: the list alone cannot choose, the row's second choice can."""
    steps = spell("上海市徐江区和平路1号")
    steps[2 * 4] = {"江": 0.6, "汇": 0.3}
    probabilities = matrix(steps, PLACE_ALPHABET)
    assert address_head_reading(probabilities, PLACE_ALPHABET, "上海市徐江区和平路1号") == "上海市徐汇区和平路1号"


def test_a_misread_province_comes_back_when_the_row_favours_the_listed_name():
    read = "浙江有杭州市西湖区和平路1号"
    steps = spell(read)
    steps[2 * 2] = {"有": 0.6, "省": 0.3}
    probabilities = matrix(steps, PLACE_ALPHABET)
    assert address_head_reading(probabilities, PLACE_ALPHABET, read) == "浙江省杭州市西湖区和平路1号"


def test_a_county_is_not_put_in_where_the_row_reads_none():
    """A county lost whole to glare (杭州市区: only its 区 left) is left as read when the row holds no trace of one."""
    steps = spell("浙江省杭州市区永安镇1号")
    steps[2 * 6 - 1] = {"萧": 0.3}
    probabilities = matrix(steps, PLACE_ALPHABET)
    assert address_head_reading(probabilities, PLACE_ALPHABET, "浙江省杭州市区永安镇1号") is None


def test_a_county_whose_start_glare_took_comes_back_where_the_row_holds_a_trace_of_it():
    """The city followed by a lone 区 names no district: the county the row's faint steps favour goes in."""
    steps = [*spell("浙江省杭州市"), {"萧": 0.3}, {"山": 0.3}, *spell("区永安镇1号")]
    mended = address_head_reading(matrix(steps, PLACE_ALPHABET), PLACE_ALPHABET, "浙江省杭州市区永安镇1号")
    assert mended == "浙江省杭州市萧山区永安镇1号"


def test_a_district_the_list_lacks_is_left_as_read():
    """A city followed by a district name that is no listed county's end (named since the list was made) stays."""
    steps = [*spell("浙江省杭州市"), {"萧": 0.3}, {"山": 0.3}, *spell("和平区永安镇1号")]
    probabilities = matrix(steps, PLACE_ALPHABET)
    assert address_head_reading(probabilities, PLACE_ALPHABET, "浙江省杭州市和平区永安镇1号") is None


def test_an_address_head_is_left_alone_when_it_is_listed_or_the_row_cannot_tell():
    listed = "浙江省杭州市西湖区和平路1号"
    assert address_head_reading(matrix(spell(listed), PLACE_ALPHABET), PLACE_ALPHABET, listed) is None
    tied = "上海市徐江区和平路1号"  # read surely: nothing in the row favours 徐汇 over 松江
    assert address_head_reading(matrix(spell(tied), PLACE_ALPHABET), PLACE_ALPHABET, tied) is None


NAME_ALPHABET = build_alphabet(list("东方颖赞赟思或彧伟玮利琍_"))


@pytest.mark.parametrize(
    ("read", "name_step", "expected"),
    [
        # A clean scan of 东方颖赟: the recognizer leans to the common 赞.
        ("东方颖赞", {"赞": 0.52, "赟": 0.43}, "东方颖赟"),
        ("东方颖赞", {"赞": 0.6, "赟": 0.2}, "东方颖赞"),  # the line speaks for 赞: it stays
        ("东方颖赟", {"赟": 0.6, "赞": 0.39}, "东方颖赟"),  # a name character read stays
        ("东方颖伟", {"伟": 0.65, "玮": 0.25}, "东方颖伟"),  # 伟 is common in names: it stays unless nearly tied
        ("东方颖伟", {"伟": 0.5, "玮": 0.45}, "东方颖玮"),
    ],
)
def test_a_name_near_tie_goes_to_the_name_character(read, name_step, expected):
    steps = spell(read[:3])
    steps.append(name_step)
    probabilities = matrix(steps, NAME_ALPHABET)
    assert (name_reading(probabilities, NAME_ALPHABET, read) or read) == expected


SURNAME_ALPHABET = build_alphabet(list("白日吕品沈洗名伟欧阳赞赟·"))


@pytest.mark.parametrize(
    ("read", "surname_step", "expected"),
    [
        ("日伟", {"日": 0.7, "白": 0.2}, "白伟"),  # no surname 日: a listed one with over a fifth of its weight wins
        ("日伟", {"日": 0.95, "白": 0.02}, "日伟"),  # the line gives 白 too little: left as read
        ("白伟", {"白": 0.5, "日": 0.45}, "白伟"),  # a listed surname read stays
        ("品伟", {"品": 0.5, "吕": 0.2, "白": 0.1}, "吕伟"),  # the likeliest listed one
    ],
)
def test_a_first_character_that_is_no_surname_goes_to_a_listed_one(read, surname_step, expected):
    probabilities = matrix([surname_step, {}, *spell(read[1:])], SURNAME_ALPHABET)
    assert (name_reading(probabilities, SURNAME_ALPHABET, read) or read) == expected


def test_the_surname_is_looked_for_past_the_label_end_and_a_compound_one_is_kept():
    """名 is the label's end, not the surname; 欧阳 is a surname, and the given name starts after it; a transliterated
    name's first character is no surname."""
    labelled = matrix([*spell("名"), {"洗": 0.6, "沈": 0.3}, {}, *spell("伟")], SURNAME_ALPHABET)
    assert name_reading(labelled, SURNAME_ALPHABET, "名洗伟") == "名沈伟"
    compound = matrix([*spell("欧阳"), {"赞": 0.52, "赟": 0.43}], SURNAME_ALPHABET)
    assert name_reading(compound, SURNAME_ALPHABET, "欧阳赞") == "欧阳赟"
    transliterated = matrix([{"日": 0.7, "白": 0.2}, {}, *spell("·伟")], SURNAME_ALPHABET)
    assert name_reading(transliterated, SURNAME_ALPHABET, "日·伟") is None  # a dotted name has no surname


def test_a_name_reading_mends_only_chinese_characters_one_per_step():
    """Noise past the name (`_`) is no character of it; a text that is not one character per step is left alone."""
    steps = [*spell("思"), {"或": 0.55, "彧": 0.4}, {}, {"_": 0.5, "琍": 0.45}]
    probabilities = matrix(steps, NAME_ALPHABET)
    assert name_reading(probabilities, NAME_ALPHABET, "思或_") == "思彧_"
    assert name_reading(probabilities, NAME_ALPHABET, "思或") is None
