"""Colour on and around a quad: the photo's Lab colour at points, the card stock's colour, and how well a quad's sides
part card stock just inside from something else just outside (_margin_colours), which tells a card's own border from
a sleeve's, a wallet window's or a box printed on the card."""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from engine.card_locate.quads import GRID_U, GRID_V, GRID_WEIGHTS, _corner_weights

MARGIN_SAMPLES = 16
OUTSIDE_WEIGHT = 0.8
MARGIN_LIGHT_WEIGHT = 0.5
MARGIN_COLOUR_SCALE = 15.0  # CIE Lab units (lightness halved): colours this far apart are ~1/e alike
MARGIN_DEPTHS = (0.008, 0.018)  # of the card's width and height: inside a sleeve's 2-5 mm margin
STEP_GAINS = (1.0, 2.0, 2.0)  # L, a, b: the card differs from most surfaces more in hue than in lightness


def _stock_colour(image: npt.NDArray[np.uint8], quad: np.ndarray) -> np.ndarray:
    """The card stock's Lab colour: the median over a grid inside the quad."""
    lab = _lab_at(image, (GRID_WEIGHTS @ quad).astype(np.float32))
    return np.asarray(np.median(lab, axis=0))


def _in_frame(image: npt.NDArray[np.uint8], points: np.ndarray) -> np.ndarray:
    """(...,) whether each of (..., 2) points lies on the image's pixels (edges included)."""
    height, width = image.shape[:2]
    x, y = points[..., 0], points[..., 1]
    inside: np.ndarray = (x >= 0) & (x <= width - 1) & (y >= 0) & (y <= height - 1)
    return inside


def _lab_at(image: npt.NDArray[np.uint8], points: npt.NDArray[np.float32]) -> np.ndarray:
    """(..., 3) Lab colour of the image at (..., 2) points, interpolated, the frame's edge pixels repeated past it.
    The last axis but one is sampled as one row of the remap: a remap's rows may not be much wider than 32k."""
    rows = points.reshape(-1, points.shape[-2], 2)
    samples = cv2.remap(image, rows[..., 0], rows[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return _float_lab(samples).reshape(*points.shape[:-1], 3)


def _float_lab(bgr: np.ndarray) -> np.ndarray:
    """Lab of 8-bit BGR pixels in float32 (L 0..100, a and b signed), finer than OpenCV's 8-bit Lab."""
    return np.asarray(cv2.cvtColor(bgr.astype(np.float32) / np.float32(255.0), cv2.COLOR_BGR2Lab), np.float32)


def _colour_distance(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Lab distance over the last axis, lightness halved: shade varies lightness across a card far more than hue."""
    difference = (first - second) * np.array((MARGIN_LIGHT_WEIGHT, 1.0, 1.0))
    return np.asarray(np.sqrt((difference * difference).sum(axis=-1)))


def _stock_likeness(colours: np.ndarray, stock: np.ndarray) -> np.ndarray:
    """How like the card stock each Lab colour (..., 3) is, in (0, 1]: 1 at the stock's colour, 1/e at
    MARGIN_COLOUR_SCALE from it."""
    return np.asarray(np.exp(-((_colour_distance(colours, stock) / MARGIN_COLOUR_SCALE) ** 2)))


def _weighted_step(differences: list[np.ndarray]) -> np.ndarray:
    """The colour step from its L, a and b differences, weighted by STEP_GAINS."""
    squares = [np.float32(gain * gain) * step * step for gain, step in zip(STEP_GAINS, differences, strict=True)]
    return np.asarray(np.sqrt(squares[0] + squares[1] + squares[2]))


def _margin_weights() -> np.ndarray:
    """(P, 4) corner weights of the margin samples: bands at each depth inside, then outside, each side in turn
    (side 0 -> 1 first), and last the inside grid."""
    along = np.linspace(0.1, 0.9, MARGIN_SAMPLES)
    uvs = []
    for depth in (*MARGIN_DEPTHS, *(-depth for depth in MARGIN_DEPTHS)):
        fixed = np.full_like(along, depth)
        uvs += [(along, fixed), (1 - fixed, along), (along, 1 - fixed), (fixed, along)]
    u = np.concatenate([u for u, _ in uvs] + [GRID_U])
    v = np.concatenate([v for _, v in uvs] + [GRID_V])
    return _corner_weights(u, v)


MARGIN_WEIGHTS = _margin_weights()


def _margin_colours(image: npt.NDArray[np.uint8], quads: np.ndarray) -> np.ndarray:
    """(N,) how well each of (N, 4, 2) quads' sides separate the card's stock (just inside) from something else
    (just outside), in [0, 1].

    The stock's colour is the median over the quad's inside, so casts and shade do not matter. The card's own border
    has stock right inside it; a sleeve's or a wallet window's rectangle has the sleeve margin there, and a rectangle
    of print or photo inside the card has stock right outside it. All quads are sampled in one call."""
    points = np.einsum("pk,nkd->npd", MARGIN_WEIGHTS, quads).astype(np.float32)  # (N, P, 2)
    inside = _in_frame(image, points)
    lab = _lab_at(image, points)  # (N, P, 3)
    lab[..., 0] *= np.float32(MARGIN_LIGHT_WEIGHT)  # shade varies lightness across the card far more than hue
    band_count = MARGIN_WEIGHTS.shape[0] - GRID_WEIGHTS.shape[0]
    interior_seen = inside[:, band_count:]
    some_seen, all_seen = interior_seen.any(axis=1), interior_seen.all(axis=1)
    stock = np.zeros((len(quads), 3), np.float32)  # (N, 3); a quad with no inside in the frame scores 0 below
    stock[all_seen] = np.median(lab[all_seen, band_count:], axis=1)
    partly = some_seen & ~all_seen  # nanmedian is several times slower: only where the frame cuts the inside
    stock[partly] = np.nanmedian(np.where(interior_seen[partly, :, None], lab[partly, band_count:], np.nan), axis=1)
    distances = np.linalg.norm(lab[:, :band_count] - stock[:, None], axis=2)
    similar = np.exp(-((distances / MARGIN_COLOUR_SCALE) ** 2))
    similar = similar.reshape(len(quads), 2, len(MARGIN_DEPTHS), 4, MARGIN_SAMPLES)  # in/out, depth, side, sample
    seen = inside[:, :band_count].reshape(similar.shape)
    shares = (similar * seen).sum(axis=(2, 4)) / np.maximum(seen.sum(axis=(2, 4)), 1)  # (N, 2, 4)
    visible = np.any(seen[:, 0], axis=(1, 3))  # (N, 4)
    separation = shares[:, 0] * (1 - OUTSIDE_WEIGHT * shares[:, 1])
    margins = (separation * visible).sum(axis=1) / np.maximum(visible.sum(axis=1), 1)
    return np.where(some_seen & visible.any(axis=1), margins, 0.0)
