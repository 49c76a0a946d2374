"""A card cut off by the photo's edge: where its hidden short side lies.

When a short side of the card is outside the photo, the card finder has no edge there and the photo's edge stands
in for it, so the frame is a few millimetres short (hard-tier photos: 2-5% of the card's width). The title is
printed at a fixed place and width, and the text detector boxes it within ~0.3 mm, so how much wider than printed
the title comes out on the rectified card tells how far the frame falls short of the hidden side. Only the reported
card outline moves: the card is still read in the frame it was rectified with.
"""

from __future__ import annotations

import numpy as np

from engine.card import CARD_CORNERS_MM, CARD_WIDTH_MM, CardFrame
from engine.geometry import QuadArray
from engine.results import Side

# Where the text detector's box around the whole title starts and ends on a rectified card (mm; medians over 483
# well-framed synthetic pages: the span varies by 0.26 mm on main pages and 0.57 mm on back pages).
TITLE_BOX_MM: dict[Side, tuple[float, float]] = {"front": (15.7, 72.3), "back": (13.8, 74.0)}
# Detected boxes whose centre lies this near the title's row (mm) are the title, when less tall than TITLE_MAX_HEIGHT_MM
# (not merged with the English line below it).
TITLE_ROW_REACH_MM = 2.5
TITLE_MAX_HEIGHT_MM = 8.0
# The title must come out at least this much wider than printed before the frame counts as short: twice the span's
# spread on well-framed pages, so a frame that is right (a scan cut to the card) stays put.
MIN_TITLE_STRETCH: dict[Side, float] = {"front": 1.01, "back": 1.02}
# A hidden side further out than this (mm past the frame) is not believed: a box that is not the title widened it.
MAX_HIDDEN_MM = 13.0
# A frame side lies along the photo's edge when both its corners are this near it (px).
PHOTO_EDGE_PX = 1.5


def cut_outline(
    frame: CardFrame, image_shape: tuple[int, ...], found: list[QuadArray], title_y: float, side: Side
) -> QuadArray | None:
    """The card's corners in the photo (as frame.quad) when one short side of the upright `frame` runs along the
    photo's edge and the title, among the `found` boxes (card mm) on its row at `title_y`, shows the card going on
    past it; None otherwise."""
    cut = _short_side_on_photo_edge(frame.quad, image_shape)
    if cut is None:
        return None
    title = title_boxes(found, title_y)
    if not title:
        return None
    boxes = np.concatenate(title)
    left, right = float(boxes[:, 0].min()), float(boxes[:, 0].max())
    printed_left, printed_right = TITLE_BOX_MM[side]
    stretch = (right - left) / (printed_right - printed_left)
    if stretch < MIN_TITLE_STRETCH[side]:
        return None
    corners = CARD_CORNERS_MM.copy()
    if cut == "left":
        hidden = left - stretch * printed_left
        corners[[0, 3], 0] = hidden
        past = -hidden
    else:
        hidden = right + stretch * (CARD_WIDTH_MM - printed_right)
        corners[[1, 2], 0] = hidden
        past = hidden - CARD_WIDTH_MM
    if not 0.0 < past <= MAX_HIDDEN_MM:
        return None
    return frame.to_image(corners)


def _short_side_on_photo_edge(quad: QuadArray, image_shape: tuple[int, ...]) -> str | None:
    """`left` or `right` when that short side of the upright frame (corners 3-0, 1-2) lies along one edge of the
    photo, and the other does not."""
    height, width = image_shape[:2]
    edges = ((0, 0.0), (0, width - 1.0), (1, 0.0), (1, height - 1.0))

    def on_edge(first: int, second: int) -> bool:
        ends = quad[[first, second]]
        return any(bool(np.all(np.abs(ends[:, axis] - at) <= PHOTO_EDGE_PX)) for axis, at in edges)

    left, right = on_edge(3, 0), on_edge(1, 2)
    if left == right:
        return None
    return "left" if left else "right"


def title_boxes(found: list[QuadArray], title_y: float) -> list[QuadArray]:
    """The detected boxes (card mm) on the title's row at `title_y`: centred within TITLE_ROW_REACH_MM of it and less
    tall than TITLE_MAX_HEIGHT_MM."""
    return [
        box
        for box in found
        if abs(float(box[:, 1].mean()) - title_y) <= TITLE_ROW_REACH_MM
        and float(np.ptp(box[:, 1])) < TITLE_MAX_HEIGHT_MM
    ]
