"""The hidden side of a card the photo's edge cuts off, placed by the title's printed width."""

from __future__ import annotations

import numpy as np
import pytest

from engine.card import CardFrame
from engine.cut_card import TITLE_BOX_MM, cut_outline
from engine.results import Side

PHOTO_SHAPE = (700, 900, 3)
PX_PER_MM = 10.0
TOP = 50.0


def card_corners(left_px: float) -> np.ndarray:
    """An upright 88 x 60 mm card at 10 px/mm whose left side is at `left_px` in the photo."""
    right = left_px + 88 * PX_PER_MM
    bottom = TOP + 60 * PX_PER_MM
    return np.array([[left_px, TOP], [right, TOP], [right, bottom], [left_px, bottom]], np.float32)


def clipped_frame(card: np.ndarray) -> CardFrame:
    """The frame a finder reports when the photo's edge stands in for the card's sides outside it."""
    quad = card.copy()
    quad[:, 0] = np.clip(quad[:, 0], 0, PHOTO_SHAPE[1] - 1)
    return CardFrame(quad)


def title_box(card: np.ndarray, frame: CardFrame, side: Side, stretch: float = 1.0) -> np.ndarray:
    """The detector's box around the title, in the frame's millimetres, printed where the card puts it (`stretch`
    widens it about its centre)."""
    left_mm, right_mm = TITLE_BOX_MM[side]
    centre, half = (left_mm + right_mm) / 2, (right_mm - left_mm) / 2 * stretch
    xs = card[0, 0] + PX_PER_MM * np.array([centre - half, centre + half])
    # In the frame's millimetres: the frame's x maps linearly onto the photo here (no perspective).
    frame_left, frame_right = frame.quad[0, 0], frame.quad[1, 0]
    x_mm = (xs - frame_left) * 88.0 / (frame_right - frame_left)
    return np.array([[x_mm[0], 4.0], [x_mm[1], 4.0], [x_mm[1], 6.6], [x_mm[0], 6.6]], np.float32)


@pytest.mark.parametrize("side", ["front", "back"])
@pytest.mark.parametrize("left_px", [-40.0, 60.0])
def test_a_side_the_photo_cuts_off_moves_to_where_the_title_puts_it(side: Side, left_px: float):
    # -40: the left side is 4 mm outside the photo; 60: the right side (at 940 px) is outside the 900 px photo.
    card = card_corners(left_px)
    frame = clipped_frame(card)
    assert not np.allclose(frame.quad, card)
    outline = cut_outline(frame, PHOTO_SHAPE, [title_box(card, frame, side)], 5.3, side)
    assert outline is not None
    np.testing.assert_allclose(outline, card, atol=0.5)


def test_a_frame_inside_the_photo_is_left_alone():
    card = card_corners(5.0)
    frame = CardFrame(card)
    # Even a title wider than printed does not move a side the finder saw.
    assert cut_outline(frame, PHOTO_SHAPE, [title_box(card, frame, "front", stretch=1.05)], 5.3, "front") is None


@pytest.mark.parametrize("side", ["front", "back"])
def test_a_card_that_ends_at_the_photo_edge_stays_put(side: Side):
    # A scan cut to the card: the side on the photo's edge is the card's own, and the title has its printed width.
    card = card_corners(0.0)
    frame = CardFrame(card)
    assert cut_outline(frame, PHOTO_SHAPE, [title_box(card, frame, side)], 5.3, side) is None


def test_a_title_short_of_its_width_moves_nothing():
    # Glare took the title's end: the box is narrower than printed, which says nothing of a hidden side.
    card = card_corners(-40.0)
    frame = clipped_frame(card)
    assert cut_outline(frame, PHOTO_SHAPE, [title_box(card, frame, "front", stretch=0.85)], 5.3, "front") is None


def test_a_title_split_in_two_boxes_is_measured_whole():
    card = card_corners(-40.0)
    frame = clipped_frame(card)
    whole = title_box(card, frame, "front")
    middle = float(whole[:, 0].mean())
    first, second = whole.copy(), whole.copy()
    first[[1, 2], 0] = middle - 2.0
    second[[0, 3], 0] = middle + 2.0
    outline = cut_outline(frame, PHOTO_SHAPE, [first, second], 5.3, "front")
    assert outline is not None
    np.testing.assert_allclose(outline, card, atol=0.5)


def test_boxes_off_the_title_row_do_not_count():
    card = card_corners(-40.0)
    frame = clipped_frame(card)
    english_line = title_box(card, frame, "front", stretch=1.2) + np.array([0.0, 4.0], np.float32)
    assert cut_outline(frame, PHOTO_SHAPE, [english_line], 5.3, "front") is None


def test_a_hidden_side_implausibly_far_out_is_not_believed():
    # A box past the title on its row (a sleeve's print) widens it by 30%: the side would move ~26 mm.
    card = card_corners(-40.0)
    frame = clipped_frame(card)
    assert cut_outline(frame, PHOTO_SHAPE, [title_box(card, frame, "front", stretch=1.3)], 5.3, "front") is None
