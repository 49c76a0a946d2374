"""Each side of a rough quad refitted to the strongest colour edge near it, in the original pixels: edge points searched
along the side's normals (a blurred border counted by its wider step), then a robust line through them. Corners cut
off by the frame come from where the refitted sides meet."""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from engine.card_locate.colours import _float_lab, _weighted_step
from engine.card_locate.quads import QuadArray, _long_sides, _plausible, _side_corners, _side_geometry

SIDE_SAMPLES = 48  # points searched along each side
# Skip the rounded corners (3 mm radius, ~4% of the width each way), where the border leaves the side lines.
SIDE_FRACTIONS = np.linspace(0.07, 0.93, SIDE_SAMPLES)
SEARCH_SHARES = (0.03, 0.012)  # edge search half-range per pass, as a share of the card's long side
NEAR_SEARCH_SHARES = (0.012, 0.008)
MIN_SEARCH_PX = 3.0
EDGE_MIN_STRENGTH = 12.0  # colour step (Lab units over two pixels) that counts as the card's border
# A blurred border spreads its step over more than two pixels: a hard photo's (blur sigma 1.5-2.5 px) steps a third
# to a half as much over two. A point counts too where its step across BLURRED_SPAN_PX search columns (~1 px each)
# reaches EDGE_MIN_STRENGTH and its two-pixel step BLURRED_MIN_STRENGTH, on a side blurred along its length: its median
# wide step BLURRED_MIN_RATIO times its two-pixel step or more. A weak sharp edge steps no more across the wider span,
# and a sharp photo's sides stay as they were (seeds 2026-6262: 13 cards more located within 2%, 2 fewer).
BLURRED_SPAN_PX = 6
BLURRED_MIN_STRENGTH = 6.0
BLURRED_MIN_RATIO = 1.3
INLIER_SHARE = 0.008  # of the long side: how far a border point may lie from its fitted line
MIN_SIDE_POINTS = 6  # border points found along a side for it to be refitted
MIN_LINE_INLIERS = 4
HUBER_C = 1.345  # px: border points further from the line than this count less (OpenCV's DIST_HUBER default)
HUBER_ITERATIONS = 6
FRAME_MARGIN_PX = 2.0
Rough = tuple[QuadArray, tuple[float, ...]]  # a rough quad and the search shares of its refit passes


def _refine(image: npt.NDArray[np.uint8], roughs: list[Rough]) -> list[tuple[QuadArray | None, float]]:
    """Refit each side of every rough quad to the strongest colour edge near it, once per search share (all roughs
    have as many). For each rough: the quad (None when its refit sides stop making a plausible card) and its border
    completeness. The roughs are refitted together: a photo has a dozen or two, and refitting
    them one at a time cost more in per-call overhead than in arithmetic."""
    if not roughs:
        return []
    height, width = image.shape[:2]
    quads = np.array([rough for rough, _ in roughs], np.float64)  # (N, 4, 2)
    shares = np.array([search_shares for _, search_shares in roughs], np.float64)  # (N, passes)
    alive = np.ones(len(roughs), bool)
    complete = np.zeros(len(roughs))
    for share in shares.T:
        index = np.flatnonzero(alive)
        if len(index) == 0:
            break
        current = quads[index]
        long_sides = _long_sides(current)
        reaches = np.maximum(MIN_SEARCH_PX, share[index] * long_sides)
        points, strong, _ = _edge_points(image, current, reaches)  # (n, 4, S, 2), (n, 4, S)
        fits = _fit_lines(
            points.reshape(-1, SIDE_SAMPLES, 2),
            strong.reshape(-1, SIDE_SAMPLES),
            np.repeat(INLIER_SHARE * long_sides, 4),
        )
        centres, directions, inliers = (value.reshape(len(index), 4, *value.shape[1:]) for value in fits)
        fitted = (strong.sum(axis=2) >= MIN_SIDE_POINTS) & (inliers >= MIN_LINE_INLIERS)  # (n, 4)
        # A side without a fit keeps its place.
        centres = np.where(fitted[:, :, None], centres, current)
        directions = np.where(fitted[:, :, None], directions, _side_geometry(current)[1])
        corners, meet = _side_corners(centres, directions)
        ok = meet & _plausible(corners, width, height)
        seen = (inliers * fitted).sum(axis=1)
        quads[index[ok]] = corners[ok]
        complete[index] = seen / (4 * SIDE_SAMPLES)
        alive[index[~ok]] = False
    return [
        (quads[row].astype(np.float32), min(complete[row], 1.0)) if alive[row] else (None, 0.0)
        for row in range(len(roughs))
    ]


def _edge_points(
    image: npt.NDArray[np.uint8], quads: np.ndarray, reaches: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Along each side of each of (N, 4, 2) quads, the strongest colour step within its `reaches` px of it, searched
    along the normal at ~1 px steps.

    Returns the found points (N, 4, S, 2), which of them are strong enough and inside the frame, and which sampled
    positions lay inside the frame (both (N, 4, S) bool). Every side of every quad is sampled in one remap, side by
    side in columns, so the smoothing along each side stays within it; a quad searched less far than the farthest
    has its extra columns left out of the search."""
    height, width = image.shape[:2]
    count = len(quads)
    along, _, normals = _side_geometry(quads)  # the normals point out of the card
    positions = quads[:, :, None, :] + SIDE_FRACTIONS[None, None, :, None] * along[:, :, None, :]  # (N, 4, S, 2)
    inside = (
        (positions[..., 0] >= FRAME_MARGIN_PX)
        & (positions[..., 0] <= width - 1 - FRAME_MARGIN_PX)
        & (positions[..., 1] >= FRAME_MARGIN_PX)
        & (positions[..., 1] <= height - 1 - FRAME_MARGIN_PX)
    )
    steps = np.maximum(np.ceil(reaches), 2).astype(int)  # each quad's offsets: -reach..reach in 2 * steps intervals
    spacing = reaches / steps
    columns = 2 * int(steps.max()) + 1
    offsets = -reaches[:, None] + np.arange(columns)[None, :] * spacing[:, None]  # (N, K)
    # The search lines as rows (S, N * 4 * K): sample s of every side of every quad, then the next sample.
    map_x, map_y = (
        (
            positions[..., axis].transpose(2, 0, 1)[..., None]
            + offsets[None, :, None, :] * normals[None, :, :, axis, None]
        )
        .reshape(SIDE_SAMPLES, count * 4 * columns)
        .astype(np.float32)
        for axis in (0, 1)
    )
    lab = _float_lab(cv2.remap(image, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE))
    smooth = np.asarray(cv2.GaussianBlur(lab, (1, 5), 0), np.float32)
    light, green_red, blue_yellow = (plane.reshape(SIDE_SAMPLES, count, 4, columns) for plane in cv2.split(smooth))
    planes = (light, green_red, blue_yellow)
    step = _weighted_step([plane[..., 2:] - plane[..., :-2] for plane in planes])  # (S, N, 4, K - 2)
    last = 2 * steps - 2  # (N,) the last step inside each quad's own reach
    step = np.where(np.arange(columns - 2) > last[None, :, None, None], np.float32(-1.0), step)
    best = np.argmax(step, axis=3)
    strength = np.take_along_axis(step, best[..., None], axis=3)[..., 0]
    # Sub-pixel: the vertex of a parabola through the peak and its neighbours.
    left = np.take_along_axis(step, np.maximum(best - 1, 0)[..., None], axis=3)[..., 0]
    right = np.take_along_axis(step, np.minimum(best + 1, last[None, :, None])[..., None], axis=3)[..., 0]
    curvature = left - 2 * strength + right
    shift = np.where(curvature < 0, 0.5 * (left - right) / np.where(curvature < 0, curvature, -1), 0.0)
    found_offsets = -reaches[None, :, None] + (best + 1 + np.clip(shift, -1, 1)) * spacing[None, :, None]  # (S, N, 4)
    found_offsets = found_offsets.transpose(1, 2, 0)
    wide = _wide_steps(planes, best + 1)
    blurred_side = np.median(wide / np.maximum(strength, np.float32(1e-3)), axis=0) >= BLURRED_MIN_RATIO  # (N, 4)
    blurred = (strength >= BLURRED_MIN_STRENGTH) & (wide >= EDGE_MIN_STRENGTH) & blurred_side[None]
    strong = ((strength >= EDGE_MIN_STRENGTH) | blurred).transpose(1, 2, 0)
    points = positions + found_offsets[..., None] * normals[:, :, None, :]
    return points, inside & strong, inside


def _wide_steps(planes: tuple[np.ndarray, ...], centres: np.ndarray) -> np.ndarray:
    """The step across BLURRED_SPAN_PX columns of the L, a and b search lines (S, N, 4, K), centred on each line's
    column in `centres` (S, N, 4): its two-pixel step's centre. Clipped to the lines' ends."""
    columns = planes[0].shape[-1]
    before = np.clip(centres - BLURRED_SPAN_PX // 2, 0, columns - 1)[..., None]
    after = np.clip(centres + BLURRED_SPAN_PX // 2, 0, columns - 1)[..., None]
    return _weighted_step(
        [
            (np.take_along_axis(plane, after, axis=3) - np.take_along_axis(plane, before, axis=3))[..., 0]
            for plane in planes
        ]
    )


def _fit_lines(
    points: np.ndarray, usable: np.ndarray, tolerances: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A robust line through the usable points of each row of (L, S, 2) points: a Huber fit by reweighted total
    least squares, then a least-squares refit on the points within the row's tolerance of it. Returns each line's
    centre and unit direction (L, 2) and its inlier count (L,); a line with fewer than MIN_LINE_INLIERS is unfit.
    All rows are fitted at once: a photo's roughs have a hundred sides or more."""
    weights = usable.astype(np.float64)
    for _ in range(HUBER_ITERATIONS):
        centres, directions, distances = _weighted_lines(points, weights)
        weights = usable * np.minimum(1.0, HUBER_C / np.maximum(distances, 1e-9))
    inliers = usable & (distances <= np.maximum(tolerances, 1.0)[:, None])
    centres, directions, _ = _weighted_lines(points, inliers.astype(np.float64))
    return centres, directions, inliers.sum(axis=1)


def _weighted_lines(points: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted total-least-squares lines through each row of (L, S, 2) points: centres (L, 2), unit directions
    (L, 2) along each row's main axis, and every point's distance from its row's line (L, S)."""
    total = np.maximum(weights.sum(axis=1, keepdims=True), 1e-9)
    centres = (points * weights[:, :, None]).sum(axis=1) / total
    offsets = points - centres[:, None, :]
    xx, xy, yy = (
        (weights * offsets[:, :, first] * offsets[:, :, second]).sum(axis=1)
        for first, second in ((0, 0), (0, 1), (1, 1))
    )
    angles = 0.5 * np.arctan2(2 * xy, xx - yy)
    directions = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    distances = np.abs(offsets[:, :, 0] * directions[:, None, 1] - offsets[:, :, 1] * directions[:, None, 0])
    return centres, directions, distances
