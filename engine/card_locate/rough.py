"""Rough card quads from a downscaled copy of the photo: the outlines of card-coloured blobs, and quads made of two
pairs of straight edges (Hough lines), picked by edge support, aspect and card colour inside before they are refitted
in full pixels (refit.py)."""

from __future__ import annotations

import math
from collections.abc import Callable

import cv2
import numpy as np
import numpy.typing as npt

from engine.card_locate.quads import (
    ASPECT_SPREAD,
    CARD_ASPECT,
    NEXT_CORNER,
    QuadArray,
    _convex,
    _corner_distances,
    _grid,
    _long_side,
    _long_sides,
    _mean_inside,
    _meet,
    _perimeter,
    _pixel_index,
)

# Card stock in OpenCV's 8-bit Lab (a, b offset by 128): greener than neutral, near-neutral on blue-yellow, light.
# Measured on the synthetic tints (RGB 0.62-0.76, 0.86-0.93, 0.78-0.88) under cast and shade.
CARD_MAX_A = 126
CARD_MAX_B_OFFSET = 13
CARD_MIN_L = 130
PALE_MAX_A_OFFSET = 8
PALE_MAX_B_OFFSET = 12
PALE_MIN_L = 80
CLOSE_SHARE = 0.02  # closing kernel, as a share of the long side: bridges text lines and the photo
CANNY_LOW, CANNY_HIGH = 40, 100  # on Sobel sums (about 4 x the step in Lab units)
FAINT_CANNY_LOW, FAINT_CANNY_HIGH = 20, 40  # a faint border's edges, for a few extra lines only
FAINT_LINES = 1  # at most this many: more lets clutter pairs in
FAINT_NEW_PX = 4.0  # px on the edge map: a faint line this near a kept one adds nothing
FAINT_MIN_SHARE = 0.2  # of the long side: a faint line must be this long in one run, as a card side is
CHANNEL_GAINS = (1, 2, 2)  # L, a, b: a hue step is worth more than the same lightness step
HOUGH_VOTES = 20
HOUGH_GAP = 3
MIN_SEGMENT_SHARE = 0.06  # of the long side: shorter straight runs are print or clutter
MAX_SEGMENTS = 300
MERGE_COS = math.cos(math.radians(3.0))  # segments this close in angle and MERGE_PX in offset are one line
MERGE_PX = 2.5
MAX_LINES = 24
EXTRA_OUTER_LINES = 2  # lines past the cap kept when they are not print inside a card-coloured region
INTERIOR_OFFSET_SHARE = 0.02  # of the long side: where either side of a line is checked for card colour
INTERIOR_ALONG = np.linspace(0.1, 0.9, 8)
INTERIOR_MIN_COLOUR = 0.9  # mean card-colour share on both sides that marks a line as print inside a card
PAIR_COS = math.cos(math.radians(35.0))  # opposite sides under 30 degrees of tilt stay this close to parallel
CROSS_COS = math.cos(math.radians(50.0))  # adjacent sides meet at no less than this
MIN_CARD_SHARE = 0.12  # of the long side: smaller cards are too small to read
BORDER_SAMPLES = 24
OUTER_RINGS = (1.05, 1.1, 1.2, 1.3)  # just outside the card, scaled about its centre
REFINED_CANDIDATES = 10  # rough quads refined in full pixels and compared by their refined score
OTHER_CARD_PICKS = 4  # line-pair quads of another card of the same size, refined as well (_other_card_picks)
SAME_CARD_SHARE = 0.15  # of the long side: a quad centred this near the best pick's centre outlines the same card
OTHER_CARD_SIZE_SPREAD = 0.2  # log ratio of long sides within which two quads are one size
HYPOTHESIS_BATCH = 64  # line-pair quads whose colour fit is measured at once, doubling while more are needed
DISTINCT_SHARE = 0.015  # of the long side: rough quads with all corners nearer than this are one candidate
COLOUR_BLOBS = 3
BORDER_ALONG = np.linspace(0.08, 0.92, BORDER_SAMPLES)  # edge support is sampled off the rounded corners
RING_ALONG = np.linspace(0.0, 1.0, BORDER_SAMPLES, endpoint=False)
RING_SCALES = np.array(OUTER_RINGS)


def _card_colour_map(lab: npt.NDArray[np.uint8], lenient: bool) -> npt.NDArray[np.float32]:
    """1.0 where a pixel (or the print closed over by its neighbours) has the card stock's colour, else 0.0.

    Lenient also takes any near-neutral, not dark colour: under a warm cast or in shade the stock turns grey or
    white, but then so does a scanner lid, hence both maps."""
    light, green_red, blue_yellow = lab[:, :, 0], lab[:, :, 1].astype(np.int16), lab[:, :, 2].astype(np.int16)
    mask = (green_red < CARD_MAX_A) & (light > CARD_MIN_L) & (np.abs(blue_yellow - 128) < CARD_MAX_B_OFFSET)
    if lenient:
        mask |= (
            (np.abs(green_red - 128) < PALE_MAX_A_OFFSET)
            & (np.abs(blue_yellow - 128) < PALE_MAX_B_OFFSET)
            & (light > PALE_MIN_L)
        )
    size = max(3, round(CLOSE_SHARE * max(lab.shape[:2])) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    return np.asarray(cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_CLOSE, kernel), dtype=np.float32)


def _colour_quads(mask: npt.NDArray[np.float32]) -> list[QuadArray]:
    """Four-corner outlines of the largest card-coloured blobs, on the small copy.

    Where the border is faint against a pale surface (a scanner lid, a green cloth) the card's colour still stands
    out as one blob; its outline is a rough quad that the edge refit in full pixels then sharpens."""
    binary = (mask > 0.5).astype(np.uint8)
    long_side = max(mask.shape)
    contours, _ = cv2.findContours(binary, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    min_area = (MIN_CARD_SHARE * long_side) ** 2 / CARD_ASPECT
    quads = []
    for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:COLOUR_BLOBS]:
        if cv2.contourArea(contour) < min_area:
            break
        hull = cv2.convexHull(contour)
        perimeter = cv2.arcLength(hull, True)
        for share in (0.01, 0.02, 0.03, 0.05, 0.08):
            approx = cv2.approxPolyDP(hull, share * perimeter, True)
            if len(approx) <= 4:
                break
        if len(approx) == 4:
            quads.append(approx.reshape(4, 2).astype(np.float32))
        quads.append(cv2.boxPoints(cv2.minAreaRect(contour)).astype(np.float32))
    return quads


def _edge_maps(lab: npt.NDArray[np.uint8]) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]]:
    """Canny edges at half the working size, of the strongest of the Lab channels' gradients at each pixel; and the
    faint edges lower thresholds add.

    Half size averages out sensor noise and print texture; the colour channels keep a card on a surface of the same
    lightness visible, which a grey-level gradient misses."""
    half = cv2.resize(lab, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    half = np.asarray(cv2.GaussianBlur(half, (5, 5), 0), dtype=np.uint8)
    gradients = []
    for channel, gain in enumerate(CHANNEL_GAINS):
        dx = np.asarray(cv2.Sobel(half[:, :, channel], cv2.CV_16S, 1, 0, scale=gain), dtype=np.int16)
        dy = np.asarray(cv2.Sobel(half[:, :, channel], cv2.CV_16S, 0, 1, scale=gain), dtype=np.int16)
        gradients.append((dx, dy, np.abs(dx.astype(np.int32)) + np.abs(dy.astype(np.int32))))
    best_dx, best_dy, best_magnitude = gradients[0]
    for dx, dy, magnitude in gradients[1:]:
        stronger = magnitude > best_magnitude
        best_dx = np.where(stronger, dx, best_dx)
        best_dy = np.where(stronger, dy, best_dy)
        best_magnitude = np.maximum(magnitude, best_magnitude)
    edges = np.asarray(cv2.Canny(best_dx, best_dy, CANNY_LOW, CANNY_HIGH, L2gradient=True), dtype=np.uint8)
    faint = np.asarray(cv2.Canny(best_dx, best_dy, FAINT_CANNY_LOW, FAINT_CANNY_HIGH, L2gradient=True), dtype=np.uint8)
    return edges, faint


def _border_lines(edges: npt.NDArray[np.uint8], card_colour: npt.NDArray[np.float32]) -> np.ndarray:
    """Long straight edges as (N, 3) rows (cos t, sin t, rho) with x cos t + y sin t = rho, longest support first.

    On a busy card, text and ruled lines inside it can fill the cap and push out a shorter or fainter border: a few
    lines past the cap are kept too (after the rest), if they do not have card colour on both sides."""
    rows, starts, ends = _merged_lines(edges)
    kept, rest = rows[:MAX_LINES], rows[MAX_LINES:]
    outer = ~_inside_card_colour(starts[MAX_LINES:], ends[MAX_LINES:], rest[:, :2], card_colour)
    return np.vstack([kept, rest[outer][:EXTRA_OUTER_LINES]])


def _faint_border_lines(
    faint_edges: npt.NDArray[np.uint8], card_colour: npt.NDArray[np.float32], lines: np.ndarray
) -> np.ndarray:
    """A few long lines only the low-threshold edge map shows, not print inside a card and not already in `lines`:
    a card's border on a surface of nearly its colour can stay under the main thresholds."""
    rows, starts, ends = _merged_lines(faint_edges)
    fresh = ~_inside_card_colour(starts, ends, rows[:, :2], card_colour)
    fresh &= np.linalg.norm(ends - starts, axis=1) > FAINT_MIN_SHARE * max(faint_edges.shape)
    for line in lines:
        dots = rows[:, :2] @ line[:2]
        fresh &= ~((np.abs(dots) > MERGE_COS) & (np.abs(rows[:, 2] * np.sign(dots) - line[2]) < FAINT_NEW_PX))
    return rows[fresh][:FAINT_LINES]


def _merged_lines(edges: npt.NDArray[np.uint8]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hough segments merged into lines: (N, 3) rows (cos t, sin t, rho) by support, and each line's longest
    segment's start and end points, (N, 2) each."""
    long_side = max(edges.shape)
    segments = cv2.HoughLinesP(
        edges, 1, math.pi / 180, HOUGH_VOTES, minLineLength=MIN_SEGMENT_SHARE * long_side, maxLineGap=HOUGH_GAP
    )
    if segments is None:
        return np.zeros((0, 3)), np.zeros((0, 2)), np.zeros((0, 2))
    segments = segments.reshape(-1, 4).astype(np.float64)
    starts, ends = segments[:, :2], segments[:, 2:]
    lengths = np.linalg.norm(ends - starts, axis=1)
    order = np.argsort(-lengths)[:MAX_SEGMENTS]
    angles = np.arctan2(ends[:, 1] - starts[:, 1], ends[:, 0] - starts[:, 0])[order] + math.pi / 2
    normals = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    rhos = np.einsum("ij,ij->i", normals, (starts[order] + ends[order]) / 2)
    lines: list[list[float]] = []  # cos, sin, rho, support, index of the longest segment
    for index, normal, rho, length in zip(order, normals, rhos, lengths[order], strict=True):
        for line in lines:
            dot = normal[0] * line[0] + normal[1] * line[1]
            if abs(dot) > MERGE_COS and abs(rho * math.copysign(1, dot) - line[2]) < MERGE_PX:
                line[3] += length
                break
        else:
            lines.append([normal[0], normal[1], rho, length, index])
    rows = np.array(sorted(lines, key=lambda line: -line[3]))
    longest = rows[:, 4].astype(int)
    return rows[:, :3], starts[longest], ends[longest]


def _inside_card_colour(
    starts: np.ndarray, ends: np.ndarray, normals: np.ndarray, card_colour: npt.NDArray[np.float32]
) -> np.ndarray:
    """(N,) bool: segments with card colour on both sides along their length, i.e. print inside a card."""
    offset = INTERIOR_OFFSET_SHARE * max(card_colour.shape)
    points = starts[:, None] + (ends - starts)[:, None] * INTERIOR_ALONG[:, None]  # (N, S, 2)
    sides = []
    for sign in (-1.0, 1.0):
        shifted = points + sign * offset * normals[:, None]
        pixels, in_frame = _pixel_index(card_colour.shape, shifted[..., 0], shifted[..., 1])
        sides.append((card_colour.ravel()[pixels] * in_frame).mean(axis=1))  # out of frame counts as not card
    return np.minimum(*sides) > INTERIOR_MIN_COLOUR


def _quad_hypotheses(
    lines: np.ndarray,
    edges: npt.NDArray[np.uint8],
    colours: list[npt.NDArray[np.float32]],
    ring_weight: float,
) -> list[QuadArray]:
    """The best-scoring distinct quads made of two near-parallel line pairs, as corners on the small copy."""
    height, width = edges.shape
    frame = np.array([[1, 0, 0], [0, 1, 0], [1, 0, width - 1], [0, 1, height - 1]], np.float64)
    lines = np.vstack([lines, frame])  # a side wholly out of frame can only be stood in for by the frame's edge
    count = len(lines)
    first, second = np.triu_indices(count, 1)
    parallel = np.abs(np.einsum("ij,ij->i", lines[first, :2], lines[second, :2])) > PAIR_COS
    pairs = np.stack([first[parallel], second[parallel]], axis=1)
    if len(pairs) < 2:
        return []
    one, other = np.triu_indices(len(pairs), 1)
    a, b = pairs[one], pairs[other]
    cross = np.abs(np.einsum("ij,ij->i", lines[a[:, 0], :2], lines[b[:, 0], :2])) < CROSS_COS
    a, b = a[cross], b[cross]
    if len(a) == 0:
        return []
    corners = np.stack(
        [
            _meet(lines[a[:, 0]], lines[b[:, 0]]),
            _meet(lines[b[:, 0]], lines[a[:, 1]]),
            _meet(lines[a[:, 1]], lines[b[:, 1]]),
            _meet(lines[b[:, 1]], lines[a[:, 0]]),
        ],
        axis=1,
    )
    bounds = _edge_scores(corners, edges)
    return _best_distinct_hypotheses(
        corners, bounds, lambda picks: _colour_fits(corners[picks], colours, ring_weight).max(axis=0), max(edges.shape)
    )


def _best_distinct_hypotheses(
    corners: np.ndarray, bounds: np.ndarray, colour_fit: Callable[[np.ndarray], np.ndarray], long_side: int
) -> list[QuadArray]:
    """Up to REFINED_CANDIDATES distinct quads of the best scores (edge score x colour fit), best first, and then
    the best few outlining another card of the same size among those scored (_other_card_picks).

    The colour fit, at most 1, is the costly part, so it is measured in growing batches in order of the edge scores,
    and the search stops once every quad left has an edge score under the last distinct pick's score: those could
    not have been picked. The picks are the same as scoring every quad (hundreds on a busy photo)."""
    order = np.argsort(-bounds, kind="stable")
    order = order[bounds[order] > 0]
    scores = np.zeros(len(order))
    done, batch = 0, HYPOTHESIS_BATCH
    while True:
        scores[done : done + batch] = bounds[order[done : done + batch]] * colour_fit(order[done : done + batch])
        done = min(done + batch, len(order))
        ceiling = bounds[order[done]] if done < len(order) else 0.0  # no quad left can score above this
        picked: list[QuadArray] = []
        for index in np.argsort(-scores[:done], kind="stable"):
            if scores[index] <= ceiling or len(picked) == REFINED_CANDIDATES:
                break
            quad = corners[order[index]].astype(np.float32)
            if not picked or _corner_distances(quad, np.array(picked)).min() > DISTINCT_SHARE * long_side:
                picked.append(quad)
        if len(picked) == REFINED_CANDIDATES or done == len(order):
            return picked + _other_card_picks(corners[order[:done]], scores[:done], picked, long_side)
        batch *= 2


def _other_card_picks(
    corners: np.ndarray, scores: np.ndarray, picked: list[QuadArray], long_side: int
) -> list[QuadArray]:
    """Up to OTHER_CARD_PICKS more of the scored quads (N, 4, 2), best first: distinct from every pick, centred away
    from the best pick's card and of its size. An open wallet's two pages are one size, and when the first page's
    variants fill every pick, the second page (found by a ruled line for its bottom, say) gets no better outline."""
    if not picked:
        return []
    best_centre, best_size = picked[0].mean(axis=0), _long_side(picked[0].astype(np.float64))
    elsewhere = np.linalg.norm(corners.mean(axis=1) - best_centre, axis=1) >= SAME_CARD_SHARE * long_side
    same_size = np.abs(np.log(_long_sides(corners) / best_size)) <= OTHER_CARD_SIZE_SPREAD
    others: list[QuadArray] = []
    for index in np.argsort(-scores, kind="stable"):
        if len(others) == OTHER_CARD_PICKS or scores[index] <= 0:
            break
        quad = corners[index].astype(np.float32)
        if (
            elsewhere[index]
            and same_size[index]
            and _corner_distances(quad, np.array(picked + others)).min() > DISTINCT_SHARE * long_side
        ):
            others.append(quad)
    return others


def _edge_scores(corners: np.ndarray, edges: npt.NDArray[np.uint8]) -> np.ndarray:
    """Card-likeness of (N, 4, 2) quads before colour: edge support along the visible border times aspect fit; 0 for
    quads that are not convex, not near the frame, too small or far from the card's aspect."""
    height, width = edges.shape
    long_side = max(height, width)
    sides = corners[:, NEXT_CORNER] - corners
    lengths = np.sqrt((sides * sides).sum(axis=2))
    convex = _convex(corners)
    pair_a, pair_b = (lengths[:, 0] + lengths[:, 2]) / 2, (lengths[:, 1] + lengths[:, 3]) / 2
    aspect = np.maximum(pair_a, pair_b) / np.maximum(np.minimum(pair_a, pair_b), 1e-6)
    aspect_fit = np.exp(-((np.log(aspect / CARD_ASPECT) / ASPECT_SPREAD) ** 2))
    near = np.all((corners > -0.6 * long_side) & (corners < 1.6 * long_side), axis=(1, 2))
    big = np.maximum(pair_a, pair_b) > MIN_CARD_SHARE * long_side
    valid = convex & near & big & (aspect_fit > 0.2)
    scores = np.zeros(len(corners))
    if not valid.any():
        return scores
    pixels, inside = _pixel_index(edges.shape, *_perimeter(corners[valid], BORDER_ALONG))
    hits = cv2.dilate(edges, np.ones((3, 3), np.uint8)).ravel()[pixels] > 0
    support = (hits & inside).sum(axis=1) / np.maximum(inside.sum(axis=1), 1)
    visible = inside.mean(axis=1)
    scores[valid] = support * visible * aspect_fit[valid]
    return scores


def _colour_fits(quads: np.ndarray, colours: list[npt.NDArray[np.float32]], ring_weight: float) -> np.ndarray:
    """(C, N): for each colour map, how much card colour lies inside each of (N, 4, 2) quads and not in rings just
    outside it (the rings counted by `ring_weight`)."""
    centre = quads.mean(axis=1, keepdims=True)
    grown = centre[:, None] + (quads - centre)[:, None] * RING_SCALES[None, :, None, None]  # (N, R, 4, 2)
    ring_x, ring_y = (
        coords.reshape(len(quads), len(RING_SCALES) * coords.shape[1])
        for coords in _perimeter(grown.reshape(-1, 4, 2), RING_ALONG)
    )
    grid_pixels, grid_inside = _pixel_index(colours[0].shape, *_grid(quads))
    ring_pixels, ring_inside = _pixel_index(colours[0].shape, ring_x, ring_y)
    return np.array(
        [
            _mean_inside(colour.ravel()[grid_pixels], grid_inside)
            * (1 - ring_weight * _mean_inside(colour.ravel()[ring_pixels], ring_inside))
            for colour in colours
        ]
    )
