"""Image-quality signals of one found page, for the API's detect_blur / detect_glare / detect_border_integrity:
each a score in [0, 1], 1 when the problem is certainly there. Measured on the page as the reader saw it."""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from engine.card import CARD_CORNERS_MM, CARD_WIDTH_MM, CardFrame
from engine.results import Quality

# A detect_*_result is true when its score reaches this: the score says how likely the problem is present.
PROBLEM_SCORE = 0.5
# Blur: how much of the card's fine variation survives a further blur (Crete-Roffet's no-reference blur effect): a
# sharp card loses most of it, a blurred one little. Measured at the photo's own resolution on the card (no more
# than MAX_BLUR_PX_PER_MM), since enlarging a small card blurs it too. Raw values between these map to 0..1.
# Sensor noise is fine variation a blur does not remove from a blurred photo: a 3 px median takes it out first
# (blur flags right on seeds 2026 and 4242, 421 of 432 photos against 409, measured on the labelled quads; print
# strokes outlast a 3 px median).
BLUR_SMOOTHING_PX = 9
BLUR_DENOISE_PX = 3
MAX_BLUR_PX_PER_MM = 12.0
SHARP_BLUR_EFFECT = 0.25  # scans and most photos measure 0.20-0.25
BLURRED_BLUR_EFFECT = 0.35  # photos blurred by 0.8-2.2 px measure 0.30-0.40 (seed 2026's hard tier, p10-p90)
# Glare: the share of the card whose stock, ink closed over, is lit above a plane fitted to the stock's brightness
# and washed to at most GLARE_MAX_SATURATION of the stock's median saturation: glare is white light added in bands and
# spots, while light falling unevenly tilts the plane, and the sunlit side of a shadow keeps the tint. Lit means
# GLARE_RISE grey levels up, or GLARE_LIFT of the way to white where that is less: pale stock (~230) has too little
# room left to rise 15 under glare that washes its print out (seeds 2026 and 4242, glare flags right on photo, hard and
# wallet images: 307 of 322 against 297). The headroom counts as at least GLARE_MIN_HEADROOM, so noise on stock near
# white is not glare. The fit is made again on the stock between the GLARE_REFIT_PERCENTILES of its distance from the
# first plane: without the glare itself, nor a shadow or a sliver of desk. The card's margin is left out.
GLARE_PX_PER_MM = 2.0
GLARE_RISE = 15.0
GLARE_LIFT = 0.4
GLARE_MIN_HEADROOM = 15.0
GLARE_MAX_SATURATION = 0.5
GLARE_REFIT_PERCENTILES = (10.0, 80.0)
GLARE_MARGIN_MM = 2.0
GLARE_FULL_SHARE = 0.02  # this much of the card lit scores 1
# Where a main page prints the holder's photo, often on a white ground: left out of the glare measure on every page.
PHOTO_AREA_MM = (62.0, 20.0, 88.0, 60.0)
# Border: the share of the card's outline outside the photo; this much scores 1 (a corner cut off). A side found up to
# BORDER_SLACK_MM outside lies on the photo's edge: a scan cropped close to the card has its side found a few pixels
# out (two of seed 4242's scans, 3-5 px), and its border is whole.
BORDER_SAMPLES = 200
BORDER_FULL_OUTSIDE_SHARE = 0.04
BORDER_SLACK_MM = 0.9
# Size: pixels per card millimetre in the photo. Small print reads well from READABLE_PX_PER_MM up; under
# UNREADABLE_PX_PER_MM its strokes merge.
READABLE_PX_PER_MM = 6.0
UNREADABLE_PX_PER_MM = 3.0


def page_quality(image: npt.NDArray[np.uint8], frame: CardFrame) -> Quality:
    """The quality signals of the page `frame` outlines in `image`."""
    resolution = px_per_mm(frame)
    blurred = blur_effect(frame.rectify(image, min(max(resolution, 1.0), MAX_BLUR_PX_PER_MM)))
    return Quality(
        blur=_ramp(blurred, SHARP_BLUR_EFFECT, BLURRED_BLUR_EFFECT),
        glare=_ramp(washed_out_share(frame.rectify(image, GLARE_PX_PER_MM)), 0.0, GLARE_FULL_SHARE),
        border_incomplete=_ramp(outside_share(frame, image.shape[1], image.shape[0]), 0.0, BORDER_FULL_OUTSIDE_SHARE),
        too_small=_ramp(-resolution, -READABLE_PX_PER_MM, -UNREADABLE_PX_PER_MM),
    )


def blur_effect(card: npt.NDArray[np.uint8]) -> float:
    """In [0, 1]: the share of the grey card's neighbour-to-neighbour variation that a further box blur leaves, the
    worse of the two axes, measured with sensor noise taken out. Near 0 for crisp print, toward 1 for a blurred
    photo."""
    grey = cv2.medianBlur(cv2.cvtColor(card, cv2.COLOR_BGR2GRAY), BLUR_DENOISE_PX).astype(np.float32)
    effects = []
    for axis, kernel in ((1, (BLUR_SMOOTHING_PX, 1)), (0, (1, BLUR_SMOOTHING_PX))):
        smoothed = cv2.blur(grey, kernel)
        variation = np.abs(np.diff(grey, axis=axis))
        kept = np.abs(np.diff(smoothed, axis=axis))
        total = float(variation.sum())
        lost = float(np.maximum(variation - kept, 0.0).sum())
        effects.append(1.0 - lost / total if total > 0 else 1.0)
    return max(effects)


def washed_out_share(card: npt.NDArray[np.uint8]) -> float:
    """The share of an upright card rectified at GLARE_PX_PER_MM, its photo area aside, lit well above the plane of
    its stock's brightness and washed of its tint: the card with its ink closed over (a 3 mm square spans any
    stroke)."""
    size = max(3, round(3 * GLARE_PX_PER_MM) | 1)
    stock = cv2.morphologyEx(card, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
    grey = cv2.cvtColor(stock, cv2.COLOR_BGR2GRAY).astype(np.float32)
    saturation = cv2.cvtColor(stock, cv2.COLOR_BGR2HSV)[:, :, 1].astype(np.float32)
    height, width = grey.shape
    x0, y0, x1, y1 = (round(mm * GLARE_PX_PER_MM) for mm in PHOTO_AREA_MM)
    margin = round(GLARE_MARGIN_MM * GLARE_PX_PER_MM)
    counted = np.zeros(grey.shape, bool)
    counted[margin:-margin, margin:-margin] = True
    counted[y0:y1, x0:x1] = False
    rows, columns = np.nonzero(counted)
    positions = np.stack([np.ones(len(rows)), columns / width, rows / height], axis=1)
    brightness = grey[counted]
    above = brightness - positions @ _plane(positions, brightness)
    low, high = np.percentile(above, GLARE_REFIT_PERCENTILES)
    kept = (above >= low) & (above <= high)
    plane = positions @ _plane(positions[kept], brightness[kept])
    rise = np.minimum(GLARE_RISE, GLARE_LIFT * np.maximum(255.0 - plane, GLARE_MIN_HEADROOM))
    tint = saturation[counted]
    washed = tint <= GLARE_MAX_SATURATION * float(np.median(tint))
    return float(((brightness - plane >= rise) & washed).mean())


def _plane(positions: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Least-squares coefficients of values ~ positions (rows of 1, x, y)."""
    return np.asarray(np.linalg.lstsq(positions, values, rcond=None)[0])


def outside_share(frame: CardFrame, width: int, height: int) -> float:
    """The share of the card's outline that lies outside a width x height photo by more than BORDER_SLACK_MM."""
    along = np.linspace(0.0, 1.0, BORDER_SAMPLES // 4, endpoint=False)[:, None]
    corners = CARD_CORNERS_MM.astype(np.float64)
    ends = zip(corners, np.roll(corners, -1, axis=0), strict=True)
    outline = np.vstack([start + along * (end - start) for start, end in ends])
    points = frame.to_image(outline.astype(np.float32))
    slack = BORDER_SLACK_MM * px_per_mm(frame)
    inside = (
        (points[:, 0] >= -slack)
        & (points[:, 0] <= width - 1 + slack)
        & (points[:, 1] >= -slack)
        & (points[:, 1] <= height - 1 + slack)
    )
    return float(1.0 - inside.mean())


def px_per_mm(frame: CardFrame) -> float:
    """The photo's resolution on the card: its long sides' mean length over the card's width."""
    quad = frame.quad.astype(np.float64)
    return float((np.linalg.norm(quad[1] - quad[0]) + np.linalg.norm(quad[2] - quad[3])) / 2 / CARD_WIDTH_MM)


def _ramp(value: float, low: float, high: float) -> float:
    """0 at or below `low`, 1 at or above `high`, linear between."""
    return float(np.clip((value - low) / (high - low), 0.0, 1.0))
