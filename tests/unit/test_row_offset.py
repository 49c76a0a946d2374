"""Where the value rows sit on a rectified card, fitted from detected lines (card millimetres)."""

import numpy as np
import pytest

from engine.layout.row_offset import MAX_OFFSET_MM, NO_OFFSET, RowOffset, fit_row_offset
from engine.layout.zones import FRONT_SLOTS

SLOTS = {slot.key: slot for slot in FRONT_SLOTS}
VALUE_ROWS = ("number", "name", "address", "birth", "issue_date", "class", "validity")


def line_on(key: str, offset: float, height: float = 3.2) -> np.ndarray:
    slot = SLOTS[key]
    x0, x1 = slot.x0 + 1.0, min(slot.x1, slot.x0 + 20.0)
    top, bottom = slot.y + offset - height / 2, slot.y + offset + height / 2
    return np.array([[x0, top], [x1, top], [x1, bottom], [x0, bottom]], np.float32)


def test_a_print_shifted_as_a_whole_moves_every_row_alike():
    found = [line_on(key, 0.8) for key in VALUE_ROWS]
    offset = fit_row_offset(found, FRONT_SLOTS)
    assert offset.slope == pytest.approx(0.0, abs=1e-6)
    assert offset.at(SLOTS["number"].y) == pytest.approx(0.8, abs=1e-5)
    assert offset.at(SLOTS["validity"].y) == pytest.approx(0.8, abs=1e-5)


def test_a_frame_found_too_tall_moves_the_bottom_rows_furthest_even_past_the_first_reach():
    """The validity row is 2.6 mm up, beyond the 2 mm searched around nominal rows; the rows above it lead there."""
    stretch = -0.06  # mm of offset per mm down the card
    found = [line_on(key, stretch * (SLOTS[key].y - SLOTS["number"].y)) for key in VALUE_ROWS]
    offset = fit_row_offset(found, FRONT_SLOTS)
    assert offset.at(SLOTS["number"].y) == pytest.approx(0.0, abs=0.5)
    assert offset.at(SLOTS["class"].y) == pytest.approx(stretch * (SLOTS["class"].y - SLOTS["number"].y), abs=0.3)
    assert offset.at(SLOTS["validity"].y) < -2.0


def test_one_stray_line_moves_nothing():
    """An English caption under a row, matched to the row below, is one line against six."""
    found = [line_on(key, 0.3) for key in VALUE_ROWS[:-1]] + [line_on("validity", -1.9)]
    offset = fit_row_offset(found, FRONT_SLOTS)
    assert offset.at(SLOTS["validity"].y) == pytest.approx(0.3, abs=0.2)


def test_lines_merged_across_rows_and_no_lines_give_no_offset():
    tall = line_on("address", 1.5, height=2.5 * SLOTS["address"].size)
    assert fit_row_offset([tall], FRONT_SLOTS) == NO_OFFSET
    assert fit_row_offset([], FRONT_SLOTS) == NO_OFFSET


def test_an_offset_is_bounded():
    assert RowOffset(level=9.0).at(30.0) == MAX_OFFSET_MM
    assert RowOffset(level=0.0, slope=1.0).at(0.0) == -MAX_OFFSET_MM


def test_only_a_stretch_at_the_fits_limit_says_the_frame_misses_the_card():
    """5555 photo img_0086: a frame 10% too short at the bottom stretched the rows past the fit's limit."""
    from engine.card_reader import stretched_to_limit

    def stretched(stretch: float) -> RowOffset:
        return fit_row_offset([line_on(key, stretch * (SLOTS[key].y - 30.0)) for key in VALUE_ROWS], FRONT_SLOTS)

    assert stretched_to_limit(stretched(0.08))
    assert stretched_to_limit(stretched(-0.08))
    assert not stretched_to_limit(stretched(0.03))  # a sleeve's edge taken for the card's: within what fits allow
    assert not stretched_to_limit(NO_OFFSET)
