"""Quad arithmetic the card finder's stages share: sides, corners, points along and inside quads, and the card's
shape. A quad is a (4, 2) array of corners in pixels, or (N, 4, 2) for many; side i runs from corner i to i + 1."""

from __future__ import annotations

import math

import cv2
import numpy as np
import numpy.typing as npt

CARD_ASPECT = 88.0 / 60.0  # the license is 88 x 60 mm
ASPECT_SPREAD = 0.25  # log-aspect spread: tilt shortens one side by up to ~15%
INSIDE_GRID = 8
MIN_CORNER_SIN = math.sin(math.radians(40.0))  # adjacent refitted sides must meet at least this steeply
QuadArray = npt.NDArray[np.float32]
NEXT_CORNER = [1, 2, 3, 0]  # quads[:, NEXT_CORNER] pairs each corner with the next (np.roll is slow on tiny arrays)
# The eight ways to pair one quad's corners with another's: four cyclic shifts, in either direction.
CORNER_MATCHES = np.array(
    [[(corner - shift) % 4 for corner in range(4)] for shift in range(4)]
    + [[3 - (corner - shift) % 4 for corner in range(4)] for shift in range(4)]
)


def _corner_distances(quad: np.ndarray, others: np.ndarray) -> np.ndarray:
    """(M,): largest corner distance from a (4, 2) quad to each of (M, 4, 2) others, under the cyclic shift and
    direction that match best."""
    offsets = others[:, CORNER_MATCHES] - quad  # (M, 8, 4, 2)
    return np.sqrt((offsets * offsets).sum(axis=3)).max(axis=2).min(axis=1)


def _meet(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Intersections of rows of lines (cos, sin, rho), (N, 2); parallel pairs land far away and are scored out."""
    det = first[:, 0] * second[:, 1] - first[:, 1] * second[:, 0]
    det = np.where(np.abs(det) < 1e-6, 1e-6, det)
    x = (first[:, 2] * second[:, 1] - first[:, 1] * second[:, 2]) / det
    y = (first[:, 0] * second[:, 2] - first[:, 2] * second[:, 0]) / det
    return np.stack([x, y], axis=1)


# Point sets below are kept as separate x and y arrays, each (N quads, P points): array ops then run along long
# rows instead of over (x, y) pairs, which is several times faster in NumPy.


def _perimeter(quads: np.ndarray, along: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x and y (N, 4 * K) of points along the sides of (N, 4, 2) quads, at fractions `along` of each side."""
    return _along_sides(quads[:, :, 0], along), _along_sides(quads[:, :, 1], along)


def _along_sides(corners: np.ndarray, along: np.ndarray) -> np.ndarray:
    """One coordinate (N, 4 * K) of points along the sides, from that coordinate of the corners (N, 4)."""
    steps = corners[:, NEXT_CORNER] - corners
    return (corners[:, :, None] + along * steps[:, :, None]).reshape(len(corners), 4 * len(along))


def _corner_weights(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """(P, 4) bilinear weights of a quad's corners for points at (u, v) in the unit square, u along side 0 -> 1."""
    return np.stack([(1 - u) * (1 - v), u * (1 - v), u * v, (1 - u) * v], axis=1)


GRID_U, GRID_V = (value.reshape(-1) for value in np.meshgrid(*(np.linspace(0.1, 0.9, INSIDE_GRID),) * 2))
GRID_WEIGHTS = _corner_weights(GRID_U, GRID_V)  # (G * G, 4): an even grid over a quad's inside


def _grid(quads: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x and y (N, G * G) of points spread over the inside of (N, 4, 2) quads (bilinear between the corners)."""
    return _bilinear(quads[:, :, 0], GRID_WEIGHTS), _bilinear(quads[:, :, 1], GRID_WEIGHTS)


def _bilinear(corners: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """One coordinate (N, P) of the points with corner weights (P, 4), from that coordinate of the corners (N, 4)."""
    total = weights[:, 0] * corners[:, :1]
    for corner in range(1, 4):
        total += weights[:, corner] * corners[:, corner : corner + 1]
    return total


def _pixel_index(shape: tuple[int, ...], x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flat indices of the nearest pixels to points (x, y) in an image of this shape, and which points lie in the
    frame: one index serves every map of the same size. Points out of the frame read pixel 0; every caller masks
    them out."""
    height, width = shape[:2]
    x, y = np.rint(x).astype(np.intp), np.rint(y).astype(np.intp)
    inside = (x >= 1) & (x < width - 1) & (y >= 1) & (y < height - 1)
    return (y * width + x) * inside, inside


def _mean_inside(values: np.ndarray, inside: np.ndarray) -> np.ndarray:
    """Per row, the mean of the values at points in the frame (0 when none are)."""
    return (values * inside).sum(axis=1) / np.maximum(inside.sum(axis=1), 1)


def _side_corners(centres: np.ndarray, directions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Corners (N, 4, 2) of quads whose side i lies on the line through centres[:, i] along directions[:, i]: corner
    i where sides i - 1 and i meet. Also whether every pair of adjacent sides meets at a card-like angle (N,)."""
    previous = [3, 0, 1, 2]
    p, d = centres[:, previous], directions[:, previous]
    q, e = centres, directions
    cross = d[:, :, 0] * e[:, :, 1] - d[:, :, 1] * e[:, :, 0]
    meet = np.all(np.abs(cross) >= MIN_CORNER_SIN, axis=1)
    safe = np.where(np.abs(cross) < 1e-12, 1e-12, cross)
    t = ((q[:, :, 0] - p[:, :, 0]) * e[:, :, 1] - (q[:, :, 1] - p[:, :, 1]) * e[:, :, 0]) / safe
    return p + t[:, :, None] * d, meet


def _side_lines(quad: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """The quad's sides as (point, unit direction) lines, side i from corner i to corner i + 1."""
    _, directions, _ = _side_geometry(quad)
    return [(quad[index], directions[index]) for index in range(4)]


def _side_geometry(quad: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each side of a (4, 2) quad, or of each of (N, 4, 2) quads, from corner i to corner i + 1: its vector, its unit
    direction and its unit normal pointing out of the quad, each shaped as the quads."""
    along = quad[..., NEXT_CORNER, :] - quad
    directions = along / np.sqrt((along * along).sum(axis=-1, keepdims=True)).clip(1e-9)
    normals = np.stack([-directions[..., 1], directions[..., 0]], axis=-1)
    normals[((quad.mean(axis=-2, keepdims=True) - quad) * normals).sum(axis=-1) > 0] *= -1
    return along, directions, normals


def _corners_of(lines: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray | None:
    """The quad whose side i lies on lines[i]; None when adjacent lines are near parallel."""
    corners, meet = _side_corners(
        np.array([point for point, _ in lines], np.float64)[None], np.array([d for _, d in lines], np.float64)[None]
    )
    return corners[0] if meet[0] else None


def _plausible(quads: np.ndarray, width: int, height: int) -> np.ndarray:
    """(N,) for (N, 4, 2) quads: convex, not tiny, and corners not absurdly far outside the frame."""
    span = max(width, height)
    near = np.all(quads >= -span, axis=(1, 2)) & np.all(quads <= np.array([width + span, height + span]), axis=(1, 2))
    return _convex(quads) & near & (_long_sides(quads) >= 0.05 * span)


def _convex(quads: np.ndarray) -> np.ndarray:
    """(N,) for (N, 4, 2) quads: every corner turns the same way."""
    sides = quads[:, NEXT_CORNER] - quads
    turns = sides[:, :, 0] * sides[:, NEXT_CORNER, 1] - sides[:, :, 1] * sides[:, NEXT_CORNER, 0]
    return np.all(turns > 0, axis=1) | np.all(turns < 0, axis=1)


def _long_sides(quads: np.ndarray) -> np.ndarray:
    """(N,) mean length of each of (N, 4, 2) quads' longer pair of opposite sides."""
    sides = quads[:, NEXT_CORNER] - quads
    lengths = np.sqrt((sides * sides).sum(axis=2))
    return np.maximum(lengths[:, 0] + lengths[:, 2], lengths[:, 1] + lengths[:, 3]) / 2


def _long_side(quad: np.ndarray) -> float:
    return float(_long_sides(quad[None])[0])


def _side_lengths(quad: np.ndarray) -> np.ndarray:
    """(4,) lengths of a (4, 2) quad's sides, side i running from corner i to corner i + 1."""
    sides = quad - quad[NEXT_CORNER]
    return np.sqrt((sides * sides).sum(axis=1))


def _landscape_order(quad: QuadArray) -> QuadArray:
    """Clockwise on screen (y down), with corner 0 -> 1 along a long side."""
    x, y = quad[:, 0], quad[:, 1]
    if float(np.dot(x, y[NEXT_CORNER]) - np.dot(x[NEXT_CORNER], y)) < 0:
        quad = quad[::-1]
    edges = _side_lengths(quad)
    if edges[0] + edges[2] < edges[1] + edges[3]:
        quad = quad[NEXT_CORNER]
    return np.ascontiguousarray(quad, dtype=np.float32)


def _overlap(first: QuadArray, second: QuadArray) -> float:
    area, _ = cv2.intersectConvexConvex(first.reshape(-1, 1, 2), second.reshape(-1, 1, 2))
    smaller = min(cv2.contourArea(first), cv2.contourArea(second))
    return float(area) / max(smaller, 1e-9)
