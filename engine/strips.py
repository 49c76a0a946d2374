"""Where a rectified card's value strips and seal rows lie, in card millimetres.

Each value is read from a strip along its row (zones.FRONT_SLOTS, zones.BACK_SLOTS), moved by how far the page's rows
sit from their nominal place (row_offset.py), from the label's end to just past the text the detector found there.
The seal's rows are placed from the lines found on it, or from the page's rows where none was found.
"""

from __future__ import annotations

import numpy as np

from engine.geometry import QuadArray
from engine.layout.row_offset import NO_OFFSET, RowOffset
from engine.layout.zones import SEAL_ROWS_Y, Slot

# A strip ends this many character heights past the last text detected on its row: the detector's box often stops
# short of a faint or blurred last character (an address's final 号 in a small wallet photo).
STRIP_END_MARGIN = 2.0
# Short rows read whole: a faint last character the detector missed would otherwise fall past the strip's end.
WHOLE_ROWS = ("sex", "nationality")
# Rows that are blank on most cards: read only when the detector saw text on them.
OFTEN_BLANK = ("address2", "record")
# A row that continues another when that one is full: the address wraps to a second line, and a remainder of a
# character or two there is often too small for the detector. It is then read for WRAP_READ_CHARS characters.
CONTINUED_ROWS = {"address2": "address"}
FULL_ROW_SLACK = 3.0  # a row is full when its text ends within this many character heights of the slot's end
WRAP_READ_CHARS = 8
# A value strip is this many times the value's character height, centred on its row.
STRIP_HEIGHT = 1.7
# A seal row the detector missed (the province's small print, glare, red ink on pale stock) is read where the rows it
# found put it (zones.SEAL_ROWS_Y): without it the authority keeps only the rows found (市公安局), too little to name
# the city.
SEAL_SIDE_MARGIN = 1.0  # a missed row may be a little wider than the rows found (mm, each side)
# A seal the detector missed whole (pale red ink on green stock) is read on its rows where the page's rows put them:
# the seal's span across the card and a row's height (card mm, as the detector boxes them on synthetic main pages).
SEAL_SPAN_MM = (0.5, 23.5)
SEAL_ROW_HEIGHT_MM = 5.0


def fit_strip(slot: Slot, offset: RowOffset, found: list[QuadArray], slots: tuple[Slot, ...] = ()) -> QuadArray | None:
    """The strip to read for a slot: from the label's end to just past the last text detected on the row (the
    recognizer's cost grows with the strip's length), the whole row when nothing was detected there (pale print) or
    text was detected on the row that continues it (CONTINUED_ROWS, looked up in slots), and None for a row that is
    usually blank (address2, record) when nothing was detected on it, unless the row it continues is full."""
    if slot.key in WHOLE_ROWS or _continuation_has_text(slot, offset, found, slots):
        return row_strip(slot, offset, slot.x1)
    on_row = _detected_on_row(slot, offset, found)
    if on_row:
        right = max(float(quad[:, 0].max()) for quad in on_row) + STRIP_END_MARGIN * slot.size
        return row_strip(slot, offset, min(slot.x1, right))
    if slot.key not in OFTEN_BLANK:
        return row_strip(slot, offset, slot.x1)
    continued = next((other for other in slots if other.key == CONTINUED_ROWS.get(slot.key)), None)
    if continued is not None and _row_is_full(continued, offset, found):
        return row_strip(slot, offset, min(slot.x1, slot.x0 + WRAP_READ_CHARS * slot.size))
    return None


def _continuation_has_text(slot: Slot, offset: RowOffset, found: list[QuadArray], slots: tuple[Slot, ...]) -> bool:
    """Text was detected on the row that continues this one: this row is full, however faint its end (the detector
    often stops short of a glared or pale end, and a strip ending there loses the characters before the wrap)."""
    return any(CONTINUED_ROWS.get(other.key) == slot.key and _detected_on_row(other, offset, found) for other in slots)


def _detected_on_row(slot: Slot, offset: RowOffset, found: list[QuadArray]) -> list[QuadArray]:
    """The detected lines on a slot's row, centred right of its start: a line centred left of it is the row's label,
    alone or with the value's first character, and says nothing of where the value ends (`姓名` boxed to 10.6 mm
    ended a name strip after its surname)."""
    top, bottom = _strip_rows(slot, offset)
    return [
        quad
        for quad in found
        if top <= float(quad[:, 1].mean()) <= bottom
        and float(quad[:, 0].mean()) > slot.x0
        and quad[:, 0].min() < slot.x1
    ]


def _row_is_full(slot: Slot, offset: RowOffset, found: list[QuadArray]) -> bool:
    on_row = _detected_on_row(slot, offset, found)
    return bool(on_row) and max(float(quad[:, 0].max()) for quad in on_row) >= slot.x1 - FULL_ROW_SLACK * slot.size


def _strip_rows(slot: Slot, offset: RowOffset) -> tuple[float, float]:
    """Top and bottom of a slot's strip: STRIP_HEIGHT character heights around its row, moved by the rows' offset."""
    half = STRIP_HEIGHT * slot.size / 2
    y = slot.y + offset.at(slot.y)
    return y - half, y + half


def whole_slot(slot: Slot) -> tuple[str, QuadArray]:
    """A slot's whole strip at its nominal row, as (key, quad): the title is read before the rows' offset is known."""
    return slot.key, row_strip(slot, NO_OFFSET, slot.x1)


def row_strip(slot: Slot, offset: RowOffset, right: float) -> QuadArray:
    """A slot's strip from its start to `right` (mm), on its row moved by the rows' offset."""
    top, bottom = _strip_rows(slot, offset)
    return box(slot.x0, top, right, bottom)


def box(left: float, top: float, right: float, bottom: float) -> QuadArray:
    """An upright box's corners, clockwise from its top left."""
    return np.array([[left, top], [right, top], [right, bottom], [left, bottom]], dtype=np.float32)


def missed_seal_rows(seal: list[QuadArray]) -> list[QuadArray]:
    """Where the seal's rows lie that none of its detected lines (`seal`) is on: each line is taken to be on its
    nearest row, the rows move by the lines' mean offset from them, and a missed row spans the lines' width and
    height. None when no line was found (no seal to place them by)."""
    if not seal:
        return []
    rows = np.array(SEAL_ROWS_Y, dtype=np.float32)
    centres = np.array([float(quad[:, 1].mean()) for quad in seal], dtype=np.float32)
    nearest = np.abs(centres[:, None] - rows[None, :]).argmin(axis=1)
    shift = float((centres - rows[nearest]).mean())
    half_height = float(np.median([np.ptp(quad[:, 1]) for quad in seal])) / 2
    x0 = max(0.0, min(float(quad[:, 0].min()) for quad in seal) - SEAL_SIDE_MARGIN)
    x1 = max(float(quad[:, 0].max()) for quad in seal) + SEAL_SIDE_MARGIN
    missed = [row_y + shift for row, row_y in enumerate(SEAL_ROWS_Y) if row not in nearest]
    return [box(x0, y - half_height, x1, y + half_height) for y in missed]


def seal_rows_at(offset: RowOffset) -> list[QuadArray]:
    """The seal's rows (SEAL_ROWS_Y) moved by the page's row offset, across the seal's span (SEAL_SPAN_MM)."""
    left, right = SEAL_SPAN_MM
    half = SEAL_ROW_HEIGHT_MM / 2
    return [box(left, y + offset.at(y) - half, right, y + offset.at(y) + half) for y in SEAL_ROWS_Y]
