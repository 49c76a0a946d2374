"""What a rectified page's colours say: the page its purple 证号 box marks, a plain photo box, card stock."""

import cv2
import numpy as np
import pytest

from engine.card import PX_PER_MM, CardFrame
from engine.layout.zones import NUMBER_BOXES_MM
from engine.page_colours import looks_like_card_stock, looks_like_stock_of, number_box_side, plain_main_page_areas
from tests.unit.test_strips import line

STOCK_BGR = (212, 230, 176)  # pale green-cyan card stock
PURPLE_BGR = (135, 97, 107)  # the 证号 box


def card_with_number_box(side: str | None, colour: tuple[int, int, int] = PURPLE_BGR) -> np.ndarray:
    card = np.zeros((60 * 12, 88 * 12, 3), np.uint8)
    card[:] = STOCK_BGR
    if side is not None:
        x0, y0, x1, y1 = (round(mm * PX_PER_MM) for mm in NUMBER_BOXES_MM[side])
        card[y0:y1, x0:x1] = colour
    return card


@pytest.mark.parametrize("side", ["front", "back", None])
def test_the_purple_number_box_tells_the_page(side):
    assert number_box_side(card_with_number_box(side)) == side


def test_a_page_with_a_plain_photo_box_and_blank_date_rows_shows_the_back_layout():
    rng = np.random.default_rng(0)
    card = np.clip(rng.normal(215, 4, (60 * 12, 88 * 12, 3)), 0, 255).astype(np.uint8)  # stock with sensor noise
    number_row = [line(13.0, 60.0, 11.9)]
    assert plain_main_page_areas(card, number_row)
    # A birth date on its row is main-page text.
    assert not plain_main_page_areas(card, [*number_row, line(34.0, 52.0, 35.1)])
    # So is the holder's photo: a dark head and shoulders on a lighter ground.
    with_photo = card.copy()
    scale = int(PX_PER_MM)
    with_photo[36 * scale : 56 * scale, 72 * scale : 82 * scale] = 60
    assert not plain_main_page_areas(with_photo, number_row)


def _hsv_patch(hue: int, saturation: int, value: int) -> tuple[int, int, int]:
    pixel = cv2.cvtColor(np.array([[[hue, saturation, value]]], dtype=np.uint8), cv2.COLOR_HSV2BGR)[0, 0]
    return int(pixel[0]), int(pixel[1]), int(pixel[2])


@pytest.mark.parametrize(
    ("beside_hsv", "stock"),
    [
        ((75, 45, 200), True),  # the found page's own stock in the same light
        ((75, 45, 120), True),  # ... in a shadow: too dark for the pale test
        ((75, 45, 60), False),  # leather: darker than any shadow on a card
        ((140, 150, 200), False),  # a bright, saturated desk
        ((75, 80, 200), False),  # pale but much more saturated than the page
    ],
)
def test_a_guessed_page_beside_a_found_one_is_read_where_it_shows_that_pages_stock(beside_hsv, stock):
    image = np.zeros((400, 900, 3), dtype=np.uint8)
    image[:, :450] = _hsv_patch(75, 45, 200)
    image[:, 450:] = _hsv_patch(*beside_hsv)
    found = CardFrame(np.array([[40, 60], [400, 60], [400, 305], [40, 305]], dtype=np.float32))
    beside = found.beside(12.0)[1]
    assert looks_like_stock_of(image, beside, found) is stock
    if beside_hsv[2] == 120:
        assert not looks_like_card_stock(image, beside)  # why the found page's stock is asked for
