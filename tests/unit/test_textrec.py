"""CTC decoding on hand-built probabilities and the recognizer's resizing and batching."""

import numpy as np
import pytest

from engine.config import RecognitionConfig
from engine.textrec import (
    Recognition,
    TextRecognizer,
    build_alphabet,
    carried_positions,
    ctc_greedy_decode,
    lost_steps,
    padded_batches,
    parse_dictionary,
    recognize_with_fallback,
    resize_line,
    width_batches,
)

ALPHABET = build_alphabet(["0", "1", "2", "C", "张"])  # blank, 0, 1, 2, C, 张, space


def one_hot_steps(indices: list[int], probability: float = 0.9) -> np.ndarray:
    steps = np.full((len(indices), len(ALPHABET)), (1 - probability) / (len(ALPHABET) - 1), dtype=np.float32)
    steps[np.arange(len(indices)), indices] = probability
    return steps


def test_alphabet_has_blank_first_and_space_last():
    assert ALPHABET[0] == "" and ALPHABET[-1] == " " and len(ALPHABET) == 7


def test_repeats_collapse_and_blanks_separate_real_doubles():
    # 1 1 blank 1 0 0 blank blank 2 -> "1102"
    text, score, char_scores = ctc_greedy_decode(one_hot_steps([2, 2, 0, 2, 1, 1, 0, 0, 3]), ALPHABET)
    assert text == "1102"
    assert len(char_scores) == 4
    assert score == pytest.approx(0.9)


def test_score_is_mean_of_kept_steps_only():
    probabilities = one_hot_steps([4, 0, 5, 6])
    probabilities[0, 4], probabilities[2, 5], probabilities[3, 6] = 0.6, 0.9, 0.3
    probabilities[1, 0] = 0.4  # a blank step wins with a low probability, which must not count
    text, score, _ = ctc_greedy_decode(probabilities, ALPHABET)
    assert text == "C张 "
    assert score == pytest.approx((0.6 + 0.9 + 0.3) / 3)


def test_all_blank_gives_empty_text_and_zero_score():
    assert ctc_greedy_decode(one_hot_steps([0, 0, 0]), ALPHABET)[:2] == ("", 0.0)


def spread_step(blank: float, best: int, best_probability: float) -> np.ndarray:
    """One step whose non-blank probability is spread: `best` takes `best_probability`, the rest share what is left."""
    step = np.full(len(ALPHABET), (1 - blank - best_probability) / (len(ALPHABET) - 2), dtype=np.float32)
    step[0], step[best] = blank, best_probability
    return step


def test_a_step_that_blank_wins_on_under_half_its_probability_is_a_skipped_character():
    # 张 . . . [blank 0.29, C 0.28, the rest spread] . . . 1: greedy reads 张1, yet a character likely stood between.
    probabilities = one_hot_steps([5, 0, 0, 0, 0, 0, 0, 0, 2])
    probabilities[4] = spread_step(0.29, 4, 0.28)
    assert ctc_greedy_decode(probabilities, ALPHABET)[0] == "张1"
    assert lost_steps(probabilities).tolist() == [4]


@pytest.mark.parametrize(
    "step",
    [
        spread_step(0.55, 4, 0.2),  # blank holds most of the probability: nothing is there
        spread_step(0.4, 5, 0.3),  # the tail of the 张 greedy emits two steps before: no other character
    ],
)
def test_a_sure_blank_or_a_neighbour_s_tail_is_no_skipped_character(step):
    probabilities = one_hot_steps([0, 5, 0, 0, 0, 0, 0, 2])
    probabilities[3] = step
    assert lost_steps(probabilities).tolist() == []


def test_the_recognizer_reports_skipped_characters_where_they_sit_on_the_crop():
    def run(tensor: np.ndarray) -> np.ndarray:
        probabilities = np.tile(one_hot_steps([5, 0, 0, 0, 0, 0, 0, 2]), (tensor.shape[0], 2, 1))  # 16 steps
        probabilities[:, 4] = spread_step(0.3, 4, 0.25)
        probabilities[:, 12] = spread_step(0.3, 4, 0.25)  # in the padding right of the crop: not reported
        return probabilities

    crop = np.full((48, 160, 3), 255, dtype=np.uint8)  # padded to the base width 320: steps 8-15 are padding
    (result,) = TextRecognizer(run, ALPHABET, RecognitionConfig()).recognize([crop])
    assert [(round(position, 3), round(blank, 2)) for position, blank in result.lost] == [(0.562, 0.3)]


def test_dictionary_lines_keep_spaces_and_full_width_characters():
    assert parse_dictionary("a\n \n\u3000\r\nb\n") == ["a", " ", "\u3000", "b"]


def test_resize_line_keeps_aspect_and_pads_right_with_zeros():
    crop = np.full((24, 60, 3), 255, dtype=np.uint8)
    tensor = resize_line(crop, 48, 320)
    assert tensor.shape == (3, 48, 320)
    assert np.all(tensor[:, :, :120] == 1.0)
    assert np.all(tensor[:, :, 120:] == 0.0)


def test_batches_group_similar_widths():
    crops = [np.zeros((10, width, 3), dtype=np.uint8) for width in (100, 10, 90, 20, 15)]
    assert width_batches(crops, 2) == [[1, 4], [3, 2], [0]]


def test_padded_batches_keep_lines_of_similar_width_together():
    # Base-width lines share a batch; a line over 10% wider than a batch's first starts its own; six at most.
    widths = [320, 900, 320, 340, 1000, 320]
    assert padded_batches(widths, 6) == [[0, 2, 5, 3], [1], [4]]
    assert padded_batches([320] * 7, 6) == [[0, 1, 2, 3, 4, 5], [6]]


def test_recognizer_keeps_input_order_and_widens_batches_for_long_lines():
    widths_seen = []

    def run(tensor: np.ndarray) -> np.ndarray:
        widths_seen.append(tensor.shape[3])
        # Encode each line's own width in its output: a "1" per 100 px of content.
        out = np.zeros((tensor.shape[0], 16, len(ALPHABET)), dtype=np.float32)
        for row in range(tensor.shape[0]):
            content = int((tensor[row, 0, 0] != 0).sum())
            out[row, :, 0] = 1.0
            for step in range(content // 100):
                out[row, 2 * step, 0], out[row, 2 * step, 2] = 0.0, 1.0
        return out

    crops = [np.full((48, width, 3), 255, dtype=np.uint8) for width in (700, 100, 300)]
    results = TextRecognizer(run, ALPHABET, RecognitionConfig(batch_size=2)).recognize(crops)
    assert [r.text for r in results] == ["1111111", "1", "111"]
    assert widths_seen == [320, 700]


def test_a_smaller_base_width_pads_short_lines_less_for_all_lines_or_each():
    widths_seen = []

    def run(tensor: np.ndarray) -> np.ndarray:
        widths_seen.append(tensor.shape[3])
        return np.zeros((tensor.shape[0], 16, len(ALPHABET)), dtype=np.float32)

    recognizer = TextRecognizer(run, ALPHABET, RecognitionConfig(batch_size=1))
    crops = [np.full((48, width, 3), 255, dtype=np.uint8) for width in (60, 200, 400)]
    recognizer.recognize(crops, base_width=160)
    recognizer.recognize(crops)
    assert widths_seen == [160, 200, 400, 320, 320, 400]
    widths_seen.clear()
    short = [np.full((48, 60, 3), 255, dtype=np.uint8)] * 2 + [crops[2]]
    assert len(recognizer.recognize(short, base_width=[160, 320, 160])) == 3
    assert widths_seen == [160, 320, 400]


def _read(text: str, positions: tuple[float, ...]) -> Recognition:
    return Recognition(text, 0.9, (0.9,) * len(text), np.zeros((1, 1), np.float32), positions)


def test_a_mended_head_keeps_the_positions_of_the_characters_after_it():
    # 成部 mended to 成都: the row's tail keeps its place, so a gap glare left in it (区 ... 镇) still shows.
    assert carried_positions(_read("成部区镇", (0.1, 0.2, 0.3, 0.8)), "成都区镇") == (0.1, 0.2, 0.3, 0.8)


def test_inserted_characters_go_between_their_neighbours_and_replaced_ones_where_they_stood():
    rec = _read("12号", (0.2, 0.4, 0.8))
    assert carried_positions(rec, "1幢2号") == pytest.approx((0.2, 0.3, 0.4, 0.8))
    assert carried_positions(rec, "12号室") == pytest.approx((0.2, 0.4, 0.8, 0.9))
    # Two characters read where one stood both take its place.
    assert carried_positions(rec, "1十一号") == pytest.approx((0.2, 0.4, 0.4, 0.8))


def test_a_reading_without_positions_carries_none_over():
    assert carried_positions(Recognition("成部", 0.9, (), np.zeros((1, 1), np.float32)), "成都") == ()


def _recognizer_reading(indices: list[int], probability: float, runs: list[int]) -> TextRecognizer:
    """A recognizer that reads every crop as `indices` at `probability`, counting the crops it is given."""

    def run(tensor: np.ndarray) -> np.ndarray:
        runs.append(tensor.shape[0])
        return np.tile(one_hot_steps(indices, probability), (tensor.shape[0], 1, 1))

    return TextRecognizer(run, ALPHABET, RecognitionConfig(batch_size=8))


def test_the_fallback_recognizer_reads_again_only_the_lines_the_first_is_unsure_of():
    first_runs: list[int] = []
    fallback_runs: list[int] = []
    crops = [np.full((48, width, 3), 255, dtype=np.uint8) for width in (100, 400)]  # two batches of one
    sure = _recognizer_reading([1, 0, 2], 0.97, first_runs)
    fallback = _recognizer_reading([5, 0, 4], 0.9, fallback_runs)
    assert [r.text for r in recognize_with_fallback(sure, fallback, crops, 0.95)] == ["01", "01"]
    assert fallback_runs == []
    unsure = _recognizer_reading([1, 0, 2], 0.9, first_runs)
    assert [r.text for r in recognize_with_fallback(unsure, fallback, crops, 0.95)] == ["张C", "张C"]
    assert fallback_runs == [1, 1]


def test_a_line_the_first_recognizer_reads_as_nothing_is_read_again():
    crops = [np.full((48, 100, 3), 255, dtype=np.uint8)]
    blank = _recognizer_reading([0, 0, 0], 0.99, [])
    fallback = _recognizer_reading([4], 0.9, [])
    assert [r.text for r in recognize_with_fallback(blank, fallback, crops, 0.95)] == ["C"]
