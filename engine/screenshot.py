"""Telling a screenshot from a photo before looking for a card in it.

An app's screen is drawn, not photographed: much of it is flat fill, exactly one colour over whole 8 x 8 blocks, which
JPEG keeps exact. A camera or scanner adds noise to every block of its picture, so only blocks it clipped to black or
white come out flat. The card finder costs a screenshot ~60 ms and the card it finds there (an app's panel) ~200-400
ms more before the whole-image read that parses it anyway; a screenshot goes straight to that read.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

BLOCK = 8
# A block is flat when no colour channel varies more than this (variance: a block of two neighbouring levels is 0.25).
# Per channel: in grey, a photo's highlight clipped in red and green hides the blue channel's noise.
FLAT_VARIANCE = 0.25
# Blocks with a channel at least this bright, or all channels this dark, may be a photo's clipped highlights or
# shadows: they do not count either way.
CLIPPED_ABOVE = 253.5
CLIPPED_BELOW = 1.5
# Synthetic screenshots have ~35% flat unclipped blocks; photos and scans at most ~10%.
MIN_FLAT_SHARE = 0.2


def looks_like_screenshot(image: npt.NDArray[np.uint8]) -> bool:
    """Whether a (H, W, 3) uint8 BGR image is mostly flat fill neither black nor white, as an app's screen is."""
    height, width = (side // BLOCK * BLOCK for side in image.shape[:2])
    if height == 0 or width == 0:
        return False
    # Every other row and column is enough to see a camera's noise, at a quarter of the cost (~1.5 ms a megapixel).
    pixels = image[:height:2, :width:2].astype(np.float32)
    size = (width // BLOCK, height // BLOCK)
    # INTER_AREA at a whole-number factor is the exact mean of each block.
    mean = cv2.resize(pixels, size, interpolation=cv2.INTER_AREA)
    mean_of_squares = cv2.resize(pixels * pixels, size, interpolation=cv2.INTER_AREA)
    flat = (mean_of_squares - mean * mean).max(axis=2) <= FLAT_VARIANCE
    brightest = mean.max(axis=2)
    counted = flat & (brightest < CLIPPED_ABOVE) & (brightest > CLIPPED_BELOW)
    return float(counted.mean()) >= MIN_FLAT_SHARE
