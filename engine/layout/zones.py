"""Where each value may sit on a rectified card, in card millimetres: layout as data.

Labels are pre-printed on the card stock; values are printed later by a dot-matrix printer that shifts and tilts them
by a millimetre or so. So a zone is where a value's centre may land, bounded by the midpoints between rows, not a
tight box. Measured on the specimen (../shared/reference/specimen) and the layout notes in license-layouts.md.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Zone:
    key: str
    x0: float
    y0: float
    x1: float
    y1: float

    def holds(self, x: float, y: float) -> bool:
        return self.x0 <= x < self.x1 and self.y0 <= y < self.y1


# Main page. A zone's left edge sits just right of its row's printed label, so label characters fall outside it.
# Order matters where zones overlap: the first zone holding a character takes it.
FRONT_ZONES: tuple[Zone, ...] = (
    Zone("number", 33.0, 9.0, 87.0, 15.0),
    Zone("name", 10.4, 15.0, 40.8, 20.8),
    Zone("sex", 46.6, 15.0, 56.0, 20.8),
    Zone("nationality", 62.0, 15.0, 87.5, 20.8),
    Zone("address", 11.6, 20.8, 87.5, 26.6),
    # Red seal, three lines, left of the date labels; it overprints the rows beside it.
    Zone("seal", 0.5, 32.0, 23.3, 51.5),
    # The address's second line starts at the left margin, under the label.
    Zone("address2", 1.0, 26.6, 64.5, 32.2),
    Zone("birth", 34.0, 32.2, 64.5, 38.2),
    Zone("issue_date", 39.0, 38.2, 64.5, 44.4),
    Zone("class", 34.5, 44.4, 64.5, 50.8),
    # Old print: 有效起始日期 A  有效期限 N年; new print: 有效期限 A 至 B. Dates and N年 are found by grammar. The
    # new print's second date can run up to the photo's left edge (~70 mm).
    Zone("validity", 15.0, 50.8, 69.5, 59.5),
)
# The seal's three rows of text, centred about here (card mm; the stamp lands within ~1.5 mm of it).
SEAL_ROWS_Y = (36.1, 41.8, 47.5)

# Back page (副页).
BACK_ZONES: tuple[Zone, ...] = (
    Zone("number", 12.8, 9.0, 87.0, 14.7),
    Zone("name", 9.8, 14.7, 42.5, 20.6),
    Zone("file_number", 53.3, 14.7, 87.5, 20.6),
    # The ruled 记录 area: the first line right of the label, later lines from the margin; a barcode (no text) may
    # fill the bottom of the page.
    Zone("record", 10.5, 20.6, 87.5, 26.6),
    Zone("record2", 0.5, 26.6, 87.5, 52.0),
)


def zone_of(zones: tuple[Zone, ...], x: float, y: float) -> str | None:
    return next((zone.key for zone in zones if zone.holds(x, y)), None)


@dataclass(frozen=True)
class Slot:
    """A row where one value is printed: read from x0 to x1 (right of the row's label) around the centre line y."""

    key: str
    x0: float
    x1: float
    y: float
    size: float
    """The value's character height."""


FRONT_SLOTS: tuple[Slot, ...] = (
    Slot("number", 33.2, 86.0, 12.4, 3.5),
    Slot("name", 10.4, 40.6, 17.9, 3.9),
    Slot("sex", 46.6, 56.0, 17.9, 3.4),
    Slot("nationality", 65.0, 87.0, 17.9, 3.4),
    Slot("address", 11.6, 87.0, 23.7, 3.2),
    Slot("address2", 1.5, 64.5, 29.6, 3.2),
    Slot("birth", 34.0, 64.5, 35.1, 3.2),
    Slot("issue_date", 39.0, 64.5, 41.4, 3.2),
    # 1 mm inside the class box (its left border is at 35.3 mm): a blurred border line reads as M, L or N.
    Slot("class", 36.3, 61.8, 47.55, 3.7),
    Slot("validity", 15.0, 69.5, 53.8, 3.2),
)
BACK_SLOTS: tuple[Slot, ...] = (
    Slot("number", 12.8, 86.0, 11.9, 3.5),
    Slot("name", 9.8, 42.5, 17.6, 3.8),
    Slot("file_number", 53.3, 87.0, 17.6, 3.3),
    Slot("record", 10.5, 87.0, 23.6, 3.1),
)
# The purple box that prints `证号` left of the ID number (card mm: x0, y0, x1, y1): on the main page right of the
# name labels' column, on the back page at the margin.
NUMBER_BOXES_MM: dict[str, tuple[float, float, float, float]] = {
    "front": (24.7, 10.5, 32.6, 14.4),
    "back": (4.5, 10.0, 12.4, 13.9),
}
# The title's right end: `...驾驶证` on the main page, `...驾驶证副页` on the back page.
TITLE_SLOT = Slot("title", 56.0, 80.0, 5.3, 4.3)
# The title's start, `中华人民共和国机动`: read only when the right end does not tell a license (side.TITLE_START).
TITLE_START_SLOT = Slot("title", 10.0, 58.0, 5.3, 4.3)
