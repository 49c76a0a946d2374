"""Where value strips and seal rows lie on a rectified card (card millimetres)."""

import numpy as np
import pytest

from engine.layout.row_offset import NO_OFFSET, RowOffset
from engine.layout.zones import FRONT_SLOTS, FRONT_ZONES, SEAL_ROWS_Y
from engine.strips import fit_strip, missed_seal_rows, seal_rows_at

SLOTS = {slot.key: slot for slot in FRONT_SLOTS}


def line(x0: float, x1: float, y: float, height: float = 3.2) -> np.ndarray:
    top, bottom = y - height / 2, y + height / 2
    return np.array([[x0, top], [x1, top], [x1, bottom], [x0, bottom]], np.float32)


def test_a_strip_ends_two_characters_past_the_last_text_on_its_row():
    address = SLOTS["address"]
    strip = fit_strip(address, NO_OFFSET, [line(12.0, 50.0, address.y)], FRONT_SLOTS)
    assert strip is not None
    assert strip[1, 0] == pytest.approx(50.0 + 2 * address.size)


@pytest.mark.parametrize(
    ("found", "end"),
    [
        ([(3.8, 10.6)], 40.6),  # the label 姓名 boxed a little past the value's start: the whole row is read
        ([(3.8, 10.6), (11.0, 22.0)], 22.0 + 2 * 3.9),  # ... and the value boxed apart: read to past its end
        ([(3.8, 22.0)], 22.0 + 2 * 3.9),  # label and value in one box
    ],
)
def test_a_name_strip_ends_past_the_value_not_past_its_label(found, end):
    name = SLOTS["name"]
    strip = fit_strip(name, NO_OFFSET, [line(x0, x1, name.y) for x0, x1 in found], FRONT_SLOTS)
    assert strip is not None
    assert strip[1, 0] == pytest.approx(end)


def test_an_address_that_wraps_is_read_to_its_rows_end_however_short_its_detected_text():
    """A glared end of the first row escapes the detector; text on the second row says the first is full."""
    address, second = SLOTS["address"], SLOTS["address2"]
    found = [line(12.0, 60.0, address.y), line(2.0, 20.0, second.y)]
    strip = fit_strip(address, NO_OFFSET, found, FRONT_SLOTS)
    assert strip is not None
    assert strip[1, 0] == address.x1


def test_second_address_line_is_skipped_when_nothing_is_there_and_the_first_is_short():
    address = SLOTS["address"]
    assert fit_strip(SLOTS["address2"], NO_OFFSET, [line(12.0, 60.0, address.y)], FRONT_SLOTS) is None


def test_second_address_line_is_read_when_the_first_is_full():
    """A wrapped remainder of one or two characters is often too small for the detector to see."""
    address, second = SLOTS["address"], SLOTS["address2"]
    strip = fit_strip(second, NO_OFFSET, [line(12.0, 82.0, address.y)], FRONT_SLOTS)
    assert strip is not None
    assert strip[0, 0] == second.x0
    assert second.x0 < strip[1, 0] < second.x1


def test_validity_strip_and_zone_reach_the_photo_edge():
    """The new print's second date ends near the photo; cutting it yields a wrong day, not a missing one."""
    validity_zone = next(zone for zone in FRONT_ZONES if zone.key == "validity")
    assert SLOTS["validity"].x1 >= 69.0
    assert validity_zone.x1 >= SLOTS["validity"].x1


def test_seal_rows_the_detector_missed_are_placed_by_the_rows_it_found():
    """The stamp sits 0.8 mm low; only its middle row (市公安局) was found, a little narrower than the seal."""
    found = line(3.0, 24.0, SEAL_ROWS_Y[1] + 0.8, 4.8)
    missed = missed_seal_rows([found])
    assert [round(float(quad[:, 1].mean()), 1) for quad in missed] == [SEAL_ROWS_Y[0] + 0.8, SEAL_ROWS_Y[2] + 0.8]
    for quad in missed:
        assert np.ptp(quad[:, 1]) == pytest.approx(4.8)
        assert (float(quad[:, 0].min()), float(quad[:, 0].max())) == pytest.approx((2.0, 25.0))


def test_a_seal_found_whole_or_not_at_all_adds_no_rows():
    assert missed_seal_rows([line(2.0, 24.0, y, 4.8) for y in SEAL_ROWS_Y]) == []
    assert missed_seal_rows([]) == []


def test_the_seal_rows_move_with_the_page_rows():
    rows = seal_rows_at(RowOffset(level=0.8))
    assert [round(float(quad[:, 1].mean()), 1) for quad in rows] == [round(y + 0.8, 1) for y in SEAL_ROWS_Y]
    assert all(float(quad[:, 0].min()) < 2.0 and float(quad[:, 0].max()) > 22.0 for quad in rows)
