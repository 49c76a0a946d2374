"""How far each value row sits from its nominal place on a rectified card.

The printer shifts all values together, so one offset explains most pages. A card frame found a little too tall or
too short (a sleeve's edge taken for the card's, a frame edge standing in for a cut-off side) stretches the page
instead: the offset then grows from the title down, by up to ~2.5 mm at the validity row in photos of the hard tier.
The offset is fitted as a straight line over the rows, robustly, from the detected lines that lie on value rows.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from engine.geometry import QuadArray
from engine.layout.zones import Slot

# A detected line this near a row (mm, around its predicted place) is matched to it.
ROW_REACH_MM = 2.0
# Printer shift plus card-finding error never moves a row further than this (mm).
MAX_OFFSET_MM = 3.0
# The stretch of a frame off by at most ~5% of the card's height.
MAX_SLOPE = 0.05
# A slope is fitted only from lines on this many rows, spread over at least SLOPE_MIN_SPAN_MM.
SLOPE_MIN_ROWS = 3
SLOPE_MIN_SPAN_MM = 15.0
# The offset is held at this row (mm from the card's top): about the middle of the value rows.
PIVOT_Y_MM = 30.0


@dataclass(frozen=True)
class RowOffset:
    """offset(y) = level + slope * (y - PIVOT_Y_MM), in mm (positive: the print sits lower than nominal)."""

    level: float = 0.0
    slope: float = 0.0

    def at(self, y: float) -> float:
        return max(-MAX_OFFSET_MM, min(MAX_OFFSET_MM, self.level + self.slope * (y - PIVOT_Y_MM)))


NO_OFFSET = RowOffset()


def fit_row_offset(found: list[QuadArray], slots: tuple[Slot, ...]) -> RowOffset:
    """The rows' offset from detected lines (card mm): matched to the nearest row within ROW_REACH_MM of the
    nominal rows, fitted (Theil-Sen: one stray line, a label or an English caption, moves nothing), then matched
    again around the fitted rows, which takes in rows the stretch moved beyond reach, and fitted once more."""
    if not found:
        return NO_OFFSET
    quads = np.stack(found)
    centres = quads.mean(axis=1).tolist()
    heights = (quads[:, :, 1].max(axis=1) - quads[:, :, 1].min(axis=1)).tolist()
    lines = [(x, y, height) for (x, y), height in zip(centres, heights, strict=True)]
    offset = _fit(_matches(lines, slots, NO_OFFSET))
    return _fit(_matches(lines, slots, offset))


def _matches(
    lines: list[tuple[float, float, float]], slots: tuple[Slot, ...], offset: RowOffset
) -> list[tuple[float, float]]:
    """(row y, the line's offset from the row) for each detected line (centre x, centre y, height) on a value row:
    centred within the row's ends, within reach of where `offset` puts it, and not merged across rows (under two
    characters tall)."""
    matched = []
    for centre_x, centre_y, height in lines:
        rows = [
            slot.y
            for slot in slots
            if slot.x0 <= centre_x <= slot.x1
            and abs(centre_y - slot.y - offset.at(slot.y)) <= ROW_REACH_MM
            and height < 2 * slot.size
        ]
        if rows:
            row = min(rows, key=lambda y: abs(centre_y - y - offset.at(y)))
            matched.append((row, centre_y - row))
    return matched


def _fit(matched: list[tuple[float, float]]) -> RowOffset:
    if not matched:
        return NO_OFFSET
    rows = np.array([row for row, _ in matched])
    offsets = np.array([offset for _, offset in matched])
    slope = 0.0
    if len(set(rows.tolist())) >= SLOPE_MIN_ROWS and float(np.ptp(rows)) >= SLOPE_MIN_SPAN_MM:
        pairs = [(i, j) for i, j in itertools.combinations(range(len(rows)), 2) if rows[i] != rows[j]]
        slopes = [(offsets[j] - offsets[i]) / (rows[j] - rows[i]) for i, j in pairs]
        slope = float(np.clip(np.median(slopes), -MAX_SLOPE, MAX_SLOPE))
    level = float(np.median(offsets - slope * (rows - PIVOT_Y_MM)))
    return RowOffset(level, slope)
