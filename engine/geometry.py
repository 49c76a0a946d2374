"""Quadrilateral helpers shared by the stages. Quads are float32 arrays of shape (4, 2), (x, y) pixel coordinates,
clockwise from top-left; for a text line, "top-left" is the start of its first character as the text reads."""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from engine.results import Quad

QuadArray = npt.NDArray[np.float32]
"""Shape (4, 2), float32, (x, y) pixels, clockwise from top-left."""

# PaddleOCR turns a crop upright when it is this much taller than wide: a vertical line read sideways.
VERTICAL_LINE_ASPECT = 1.5


def order_clockwise(points: npt.ArrayLike) -> QuadArray:
    """Order four points clockwise from the top-left one (smallest x+y), whatever order they came in."""
    pts = np.asarray(points, dtype=np.float32).reshape(4, 2)
    by_x = pts[np.argsort(pts[:, 0], kind="stable")]
    left, right = by_x[:2], by_x[2:]
    top_left, bottom_left = left[np.argsort(left[:, 1], kind="stable")]
    top_right, bottom_right = right[np.argsort(right[:, 1], kind="stable")]
    return np.array([top_left, top_right, bottom_right, bottom_left], dtype=np.float32)


def quad_size(quad: QuadArray) -> tuple[int, int]:
    """(width, height) of the rectangle a quad is cropped to: the longer of each pair of opposite sides."""
    width = max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[2] - quad[3]))
    height = max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2]))
    return int(width), int(height)


def crop_quad(image: npt.NDArray[np.uint8], quad: QuadArray) -> tuple[npt.NDArray[np.uint8], QuadArray]:
    """Warp the quad's content to a rectangle (H, W, 3) uint8, turning a tall crop to lie along its text.

    Returns the crop and the quad re-ordered so that its corner 0 -> 1 runs along the crop's top edge, left to right
    (for a tall box, that is down its right side: the crop is the box turned 90 degrees counter-clockwise).
    """
    width, height = quad_size(quad)
    width, height = max(width, 1), max(height, 1)
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    transform = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    crop = cv2.warpPerspective(
        image, transform, (width, height), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC
    )
    if crop.shape[0] >= crop.shape[1] * VERTICAL_LINE_ASPECT:
        return np.ascontiguousarray(np.rot90(crop), dtype=np.uint8), np.roll(quad, -1, axis=0)
    return np.asarray(crop, dtype=np.uint8), quad


def turn_half(quad: QuadArray) -> QuadArray:
    """The same quad read upside down: corner 0 becomes what was corner 2."""
    return np.roll(quad, 2, axis=0)


def to_quad(quad: QuadArray) -> Quad:
    """A result-type quad (tuples of floats) from a (4, 2) array."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = (tuple(map(float, point)) for point in quad)
    return ((x0, y0), (x1, y1), (x2, y2), (x3, y3))


def lengthen(quad: QuadArray, margin: float) -> QuadArray:
    """The quad stretched along its long axis by `margin` times its short side at both ends."""
    along, across = quad[1] - quad[0], quad[3] - quad[0]
    tall = np.linalg.norm(along) < np.linalg.norm(across)
    if tall:
        along, across = across, along
    step = along / max(float(np.linalg.norm(along)), 1e-6) * margin * float(np.linalg.norm(across))
    # Corners 0 and 3 start a wide quad's long edges, corners 0 and 1 a tall one's.
    signs = np.array([-1, -1, 1, 1] if tall else [-1, 1, 1, -1], dtype=np.float32)[:, None]
    return np.asarray(quad + signs * step, dtype=np.float32)
