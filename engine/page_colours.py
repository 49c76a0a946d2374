"""What a rectified page's colours say before its text is read: which page its purple 证号 box marks, whether the
main page's photo box is plain stock, and whether a frame guessed in a photo shows card stock at all."""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from engine.card import PX_PER_MM, CardFrame
from engine.geometry import QuadArray
from engine.layout.side import front_only_lines
from engine.layout.zones import NUMBER_BOXES_MM
from engine.results import Side

# Where the main page prints the holder's photo (card mm: x0, y0, x1, y1), and the grey spread (8-bit) under which
# that box is plain stock. Synthetic pages: main pages 25-82, back pages 5-40 (a ruled line may cross the box).
PHOTO_BOX_MM = (68.0, 33.0, 85.0, 56.0)
PLAIN_PHOTO_BOX_STD = 20.0

# A page whose title's right end was lost is told by where its purple 证号 box is (zones.NUMBER_BOXES_MM): purple is
# redder (Lab a*, 8-bit) than the green stock, so the box's place reads redder than the other page's. Pages framed
# from their labelled edges, four seeds (1080): the main page's place 3.3-34 redder, the back page's 2.0-32, never the
# other way. Read this far inside each place (mm), clear of a frame a little off.
NUMBER_BOX_MIN_REDDER = 2.0
NUMBER_BOX_INSET_MM = 0.6
# Purple is also bluer (Lab b*) than the stock, where a red ID card emblem or seal is yellower: the told page's box
# place is this much bluer than the other page's on 538 of 540 pages framed from their labelled edges (seeds 2026 and
# 9090; 14 at the median). The two others, a glared back page 5.1 yellower and a wallet page 0.2, read their titles.
NUMBER_BOX_MIN_BLUER = 2.0

# A guessed page is read only when this share of it is pale, unsaturated card stock (HSV, 8-bit).
STOCK_PX_PER_MM = 2.0
STOCK_MIN_VALUE = 140
STOCK_MAX_SATURATION = 90
STOCK_MIN_SHARE = 0.5
# ... or when it is the stock of a page found beside it, in less light: dim light fails the pale test whatever the
# page (6262 wallet img_0084: its back page's median value 111, its main page's 115), and a shadow (a hand, the
# wallet's flap) darkens one page to as little as 0.57 of the other's median value on the v6 wallets, leaving its
# saturation within a few steps. Leather and a desk beside a found page are darker still or differently saturated.
SHADOWED_MIN_VALUE_SHARE = 0.55
SAME_STOCK_MAX_SATURATION_STEP = 25


def number_box_side(card: npt.NDArray[np.uint8]) -> Side | None:
    """The page whose purple 证号 box place reads redder by NUMBER_BOX_MIN_REDDER; None when neither does (glare
    washed both out)."""
    colour = _number_box_colours(card)
    difference = colour["front"][1] - colour["back"][1]
    if abs(difference) < NUMBER_BOX_MIN_REDDER:
        return None
    return "front" if difference > 0 else "back"


def shows_purple_box(card: npt.NDArray[np.uint8], side: Side) -> bool:
    """`side`'s 证号 box place reads redder and bluer than the other page's: purple, not a red emblem or seal."""
    colour = _number_box_colours(card)
    own, other = colour[side], colour["back" if side == "front" else "front"]
    return own[1] - other[1] >= NUMBER_BOX_MIN_REDDER and other[2] - own[2] >= NUMBER_BOX_MIN_BLUER


def _number_box_colours(card: npt.NDArray[np.uint8]) -> dict[str, npt.NDArray[np.float64]]:
    """Mean Lab colour (8-bit L, a*, b*) inside each page's 证号 box place (NUMBER_BOXES_MM, NUMBER_BOX_INSET_MM)."""
    colours = {}
    for side, (x0, y0, x1, y1) in NUMBER_BOXES_MM.items():
        inset = NUMBER_BOX_INSET_MM
        left, top, right, bottom = (round(mm * PX_PER_MM) for mm in (x0 + inset, y0 + inset, x1 - inset, y1 - inset))
        box = cv2.cvtColor(card[top:bottom, left:right], cv2.COLOR_BGR2Lab)
        colours[side] = box.reshape(-1, 3).mean(axis=0, dtype=np.float64)
    return colours


def plain_main_page_areas(card: npt.NDArray[np.uint8], found: list[QuadArray]) -> bool:
    """No text where only the main page prints it and a plain photo box: the back page's blank ruled area."""
    if front_only_lines(found):
        return False
    x0, y0, x1, y1 = (round(mm * PX_PER_MM) for mm in PHOTO_BOX_MM)
    photo_box = cv2.cvtColor(card[y0:y1, x0:x1], cv2.COLOR_BGR2GRAY)
    return float(photo_box.std()) < PLAIN_PHOTO_BOX_STD


def looks_like_card_stock(image: npt.NDArray[np.uint8], frame: CardFrame) -> bool:
    """A cheap look before reading a guessed page: most of it lies in the photo and is pale, unsaturated stock (a
    wallet's leather or a desk is dark or coloured). Judged on a 2 px/mm rectified copy."""
    if not _centred_inside(image, frame):
        return False
    small = _stock_hsv(image, frame)
    pale = (small[:, :, 2] >= STOCK_MIN_VALUE) & (small[:, :, 1] <= STOCK_MAX_SATURATION)
    return float(pale.mean()) >= STOCK_MIN_SHARE


def looks_like_stock_of(image: npt.NDArray[np.uint8], frame: CardFrame, page: CardFrame) -> bool:
    """A guessed page beside a found `page` that looks like that page's own stock, maybe in shadow: its median
    saturation is a card's and near the page's, and its median value at least SHADOWED_MIN_VALUE_SHARE of the
    page's."""
    if not _centred_inside(image, frame):
        return False
    value, saturation = _median_value_saturation(_stock_hsv(image, frame))
    page_value, page_saturation = _median_value_saturation(_stock_hsv(image, page))
    return (
        saturation <= STOCK_MAX_SATURATION
        and abs(saturation - page_saturation) <= SAME_STOCK_MAX_SATURATION_STEP
        and value >= SHADOWED_MIN_VALUE_SHARE * page_value
    )


def _centred_inside(image: npt.NDArray[np.uint8], frame: CardFrame) -> bool:
    """The frame's centre lies in the image: most of a page guessed there is in the photo."""
    height, width = image.shape[:2]
    centre = frame.quad.mean(axis=0)
    return bool(0 <= centre[0] < width and 0 <= centre[1] < height)


def _stock_hsv(image: npt.NDArray[np.uint8], frame: CardFrame) -> npt.NDArray[np.uint8]:
    """The framed page in HSV on a 2 px/mm rectified copy: enough to judge its stock, cheap to make."""
    return np.asarray(cv2.cvtColor(frame.rectify(image, STOCK_PX_PER_MM), cv2.COLOR_BGR2HSV), dtype=np.uint8)


def _median_value_saturation(hsv: npt.NDArray[np.uint8]) -> tuple[float, float]:
    return float(np.median(hsv[:, :, 2])), float(np.median(hsv[:, :, 1]))
