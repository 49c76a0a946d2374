"""Validity rows whose digits were read as look-alikes (a slashed zero as 8), mended digit by digit."""

import numpy as np
import pytest

from engine.digit_mend import likeliest_listed_number, mended_validity, number_with_lost
from engine.layout.fields import is_valid_id
from engine.layout.places import is_listed_region
from engine.textrec import BLANK, build_alphabet, ctc_greedy_decode

ALPHABET = build_alphabet(list("0123456789-至长期有效限年："))
ID_ALPHABET = build_alphabet(list("0123456789X"))


def row(text: str, misread: dict[int, dict[str, float]], alphabet: list[str] = ALPHABET) -> np.ndarray:
    """(T, C) probabilities: each character of `text` sure at a step of its own, blanks between; at the characters
    `misread` names, those probabilities instead."""
    probabilities = np.zeros((2 * len(text), len(alphabet)))
    probabilities[1::2, BLANK] = 1.0
    for position, character in enumerate(text):
        for read, probability in misread.get(position, {character: 0.99}).items():
            probabilities[2 * position, alphabet.index(read)] = probability
        probabilities[2 * position, BLANK] = 1.0 - probabilities[2 * position].sum()
    return probabilities


def slashed(read_as: float, zero: float) -> dict[str, float]:
    return {"8": read_as, "0": zero}


def test_a_row_with_its_zeros_read_8_takes_the_linked_dates_the_digits_allow():
    """The real print's row: three slashed zeros read 8, the 8s of the day read right."""
    printed = "2015-06-18至2021-06-18"
    probabilities = row(printed, {5: slashed(0.99, 0.006), 12: slashed(0.72, 0.03), 16: slashed(0.55, 0.28)})
    read = ctc_greedy_decode(probabilities, ALPHABET)[0]
    assert read == "2015-86-18至2821-86-18"
    assert mended_validity(probabilities, ALPHABET, read) == printed


def test_a_row_read_after_the_labels_colon_with_its_至_faint_is_mended_without_the_colon():
    """`：2015-06-182821-66-18`: the label's colon read first, 至 below the blank between the dates."""
    printed = "：2015-06-18至2021-06-18"
    probabilities = row(printed, {11: {"至": 0.3}, 13: slashed(0.7, 0.2), 17: {"6": 0.6, "0": 0.35}})
    read = ctc_greedy_decode(probabilities, ALPHABET)[0]
    assert read == "：2015-06-182821-66-18"
    assert mended_validity(probabilities, ALPHABET, read) == printed[1:]


def test_a_long_term_row_mends_its_start_alone():
    printed = "2009-03-02至长期"
    probabilities = row(printed, {1: slashed(0.9, 0.09), 5: slashed(0.9, 0.09)})
    read = ctc_greedy_decode(probabilities, ALPHABET)[0]
    assert read == "2809-83-02至长期"
    assert mended_validity(probabilities, ALPHABET, read) == printed


def test_an_old_print_row_whose_label_fell_outside_the_strip_mends_its_start():
    """9090 wallet img_0191 with slashed zeros: `2013-87-2510年`, the label 有效期限 between date and period unread."""
    printed = "2013-07-2510年"
    probabilities = row(printed, {5: slashed(0.9, 0.09)})
    read = ctc_greedy_decode(probabilities, ALPHABET)[0]
    assert read == "2013-87-2510年"
    assert mended_validity(probabilities, ALPHABET, read) == printed


def test_a_digit_the_steps_give_no_other_reading_is_not_mended():
    """Month 86 where the 8 shows no trace of a 0 (nor of a 1): the line does not say which month was printed."""
    probabilities = row("2015-86-18至2021-86-18", {})
    assert mended_validity(probabilities, ALPHABET, "2015-86-18至2021-86-18") is None


def test_two_mends_alike_likely_leave_the_row_as_read():
    """Day 39 read twice: 09 and 19 need one change each, the steps lean to neither."""
    either = {"3": 0.8, "0": 0.09, "1": 0.09}
    probabilities = row("2015-06-09至2021-06-09", {8: either, 19: either})
    read = ctc_greedy_decode(probabilities, ALPHABET)[0]
    assert read == "2015-06-39至2021-06-39"
    assert mended_validity(probabilities, ALPHABET, read) is None


@pytest.mark.parametrize("read", ["2015-86-18", "2015-86-18至2821-86", "2015-86-18有效期6年"])
def test_rows_of_other_shapes_are_left_to_other_mends(read):
    assert mended_validity(row(read, {}), ALPHABET, read) is None


def test_a_text_that_is_not_the_lines_reading_is_not_mended():
    """The steps hold one character fewer than the text: which step read which digit is not known."""
    probabilities = row("2015-86-18至2821-86-1", {5: slashed(0.9, 0.09)})
    assert mended_validity(probabilities, ALPHABET, "2015-86-18至2821-86-18") is None


def id_row(read: str, misread: dict[int, dict[str, float]]) -> np.ndarray:
    return row(read, misread, ID_ALPHABET)


def test_a_number_whose_slashed_zeros_kept_its_check_right_takes_its_listed_region():
    """Region 150402 read 159482: valid (the two misreads cancel in the check sum), but no division has the code."""
    read = "159482199902223122"
    assert is_valid_id(read) and not is_listed_region(read[:6])
    probabilities = id_row(read, {2: {"9": 0.8, "0": 0.15}, 4: {"8": 0.55, "0": 0.3}})
    assert ctc_greedy_decode(probabilities, ID_ALPHABET)[0] == read
    assert likeliest_listed_number(probabilities, ID_ALPHABET, read) == "150402199902223122"


def test_a_region_mend_changes_the_check_character_with_it():
    """150404 read 150484, its check character 5 read as the 2 150484 would need: both change."""
    read = "150484199902223122"
    probabilities = id_row(read, {4: {"8": 0.6, "0": 0.35}, 17: {"2": 0.6, "5": 0.35}})
    assert likeliest_listed_number(probabilities, ID_ALPHABET, read) == "150404199902223125"


def test_a_number_misread_in_its_region_and_its_birth_takes_the_valid_listed_number_the_steps_rank_first():
    """9090 hard img_0107 with slashed zeros: 320506197005268770 read 320586197805768770 (two zeros 8, a 2 as 7)."""
    printed = "320506197005268770"
    misread = {4: {"8": 0.95, "0": 0.011}, 9: {"8": 0.56, "0": 0.24}, 12: {"7": 0.62, "2": 0.37}}
    probabilities = id_row(printed, misread)
    read = ctc_greedy_decode(probabilities, ID_ALPHABET)[0]
    assert read == "320586197805768770" and not is_valid_id(read) and is_valid_id(printed)
    assert likeliest_listed_number(probabilities, ID_ALPHABET, read) == printed


def test_a_number_read_surely_in_an_unlisted_region_is_left_as_read():
    """A code retired before 2000 (342601) is no list's, and the line speaks for no other."""
    read = "342601198001011234"
    assert likeliest_listed_number(id_row(read, {}), ID_ALPHABET, read) is None


def test_a_number_between_two_listed_regions_alike_likely_is_left_as_read():
    """150409 (unlisted, check 7) read where 150403 (check 9) and 150404 (check 5) are as likely as each other."""
    read = "150409199902223127"
    misread = {5: {"9": 0.5, "3": 0.24, "4": 0.24}, 17: {"7": 0.5, "9": 0.24, "5": 0.24}}
    assert likeliest_listed_number(id_row(read, misread), ID_ALPHABET, read) is None


def test_a_number_of_a_listed_region_is_left_as_read():
    read = "150402199902223122"
    probabilities = id_row(read, {2: {"0": 0.5, "9": 0.45}})
    assert likeliest_listed_number(probabilities, ID_ALPHABET, read) is None


PRINTED_NUMBER = "220102198709246573"


def test_a_number_that_lost_two_digits_to_glare_takes_the_valid_number_the_line_ranks_first():
    """4242 photo img_0238: 1987's 9 and 8 faint under blank (the birth row read 187-09-24 beside it)."""
    probabilities = id_row(PRINTED_NUMBER, {7: {"9": 0.22, "0": 0.1}, 8: {"8": 0.03}})
    read = ctc_greedy_decode(probabilities, ID_ALPHABET)[0]
    assert read == "2201021709246573"
    assert number_with_lost(probabilities, ID_ALPHABET, read) == PRINTED_NUMBER


def test_a_number_that_lost_its_check_character_x_gets_it_back():
    printed = "11010519491231002X"
    assert is_valid_id(printed)
    probabilities = id_row(printed, {17: {"X": 0.2}})
    read = ctc_greedy_decode(probabilities, ID_ALPHABET)[0]
    assert read == printed[:-1]
    assert number_with_lost(probabilities, ID_ALPHABET, read) == printed


def test_a_lost_digit_the_line_all_but_rules_out_is_not_put_back():
    """The step shows the lost 8 at a millionth: the line speaks against the mend (EXPECTED_TEXT_MAX_LOG_RATIO)."""
    probabilities = id_row(PRINTED_NUMBER, {7: {"9": 0.6}, 8: {"8": 1e-6}})
    read = ctc_greedy_decode(probabilities, ID_ALPHABET)[0]
    assert read == "22010219709246573"
    assert number_with_lost(probabilities, ID_ALPHABET, read) is None


def test_two_lost_digits_alike_likely_in_either_order_leave_the_number_as_read():
    """Digits 2 and 11 weigh alike in the check sum, so 1 and 2 lost there make a valid number either way round
    (both regions listed); the steps lean to neither."""
    printed, swapped = "110105194902031000", "120105194901031000"
    assert is_valid_id(printed) and is_valid_id(swapped)
    either = {"1": 0.2, "2": 0.2}
    probabilities = id_row(printed, {1: either, 11: either})
    read = ctc_greedy_decode(probabilities, ID_ALPHABET)[0]
    assert read == "1010519490031000"
    assert number_with_lost(probabilities, ID_ALPHABET, read) is None
    leaning = id_row(printed, {1: {"1": 0.3, "2": 0.1}, 11: {"2": 0.3, "1": 0.1}})
    assert number_with_lost(leaning, ID_ALPHABET, read) == printed


@pytest.mark.parametrize("read", ["220102198709246573", "2201021987092465", "22010219870924X573"])
def test_a_whole_number_or_one_three_short_or_with_a_letter_inside_is_not_a_lost_digit_mend(read):
    assert number_with_lost(id_row(read, {}), ID_ALPHABET, read) is None


@pytest.mark.parametrize("odd_digit", ["２", "①", "²"])
def test_a_reading_with_a_digit_outside_ascii_is_not_a_lost_digit_mend(odd_digit):
    """The recognizer's alphabet holds full-width, circled and superscript digits: str.isdigit takes them all."""
    read = "2201021987092465"
    assert number_with_lost(id_row(read, {}), ID_ALPHABET, read[:9] + odd_digit + read[10:]) is None


def test_a_number_read_with_a_circled_digit_is_no_listed_region_mend():
    """① passes str.isdigit, not int(): the mend turns it down instead of failing on it."""
    read = "1504021999022①3122"
    alphabet = build_alphabet(list("0123456789X①"))
    assert likeliest_listed_number(row(read, {}, alphabet), alphabet, read) is None


def test_a_superscript_digit_read_for_the_label_is_no_date_digit_of_the_row():
    """The label's end read as ² before the row (where `：` is read above): the row's 16 date digits are mended,
    not ² and the first 15."""
    printed = "2015-06-18至2021-06-18"
    alphabet = build_alphabet(list("0123456789-至长期²"))
    probabilities = row("²" + printed, {6: {"8": 0.99, "0": 0.006}}, alphabet)
    read = ctc_greedy_decode(probabilities, alphabet)[0]
    assert read == "²2015-86-18至2021-06-18"
    assert mended_validity(probabilities, alphabet, read) == printed
