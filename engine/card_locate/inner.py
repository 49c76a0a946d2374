"""A sleeved card's own border. A clear sleeve's edge lies 2-5 mm outside the card and is often the stronger edge, so
each side of a found quad is moved in to an edge that runs parallel inside it with a sleeve-like band before it and
card stock after it (_prefer_inner_borders)."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from engine.card_locate.colours import (
    _colour_distance,
    _in_frame,
    _lab_at,
    _stock_colour,
    _stock_likeness,
    _weighted_step,
)
from engine.card_locate.quads import QuadArray, _corners_of, _long_side, _side_geometry, _side_lines
from engine.card_locate.refit import SIDE_FRACTIONS, SIDE_SAMPLES, _weighted_lines

# A clear sleeve's edge lies 2-5 mm (2.3-5.7% of the card's width) outside the card's own border.
INNER_DEPTHS = (0.015, 0.075)  # of the long side: where inside a found side the card's own border is searched for
# An open wallet's leather edge lies ~9 mm (10% of the long side) outside the card, past INNER_DEPTHS: the finder took
# it for a side of 2026 img_0237's, 5555 img_0087's and 6262 img_0120's back pages. The search goes on that deep only
# across a band as dark as leather: searched that deep everywhere, it moved sides of cut-off and glared cards in to a
# photo box or a glare band's edge (5555 hard img_0085).
LEATHER_MAX_DEPTH = 0.12  # of the long side
LEATHER_MAX_LIGHTNESS = 35.0  # Lab L (0-100) of the band: dark leather; stock, glare and a photo box are far lighter
INNER_RUN = 8  # side samples averaged into one profile: noise cancels, a straight border stays
# Of a side's six runs, those on the inner border's line plus those of them with stock just inside their edge must
# reach this: three runs when two show stock, five without. Glare can wash the stock out of the margin test, and
# print (a column of labels) then lines up over three or four runs (seed 5555 img_0038, img_0171).
INNER_MIN_SUPPORT = 5
INNER_LINE_SHARE = 0.003  # of the long side: how near a straight line a run's edge must lie to line up on it
INNER_LINE_MIN_PX = 2.0
INNER_MAX_EDGES_PER_RUN = 8  # the outermost edges of a run kept as candidates
INNER_MIN_STEP = 2.0  # colour step on the averaged profiles (Lab units over two pixels, as the refit)
INNER_GAP_SHARE = 0.006  # of the long side (~0.5 mm): colours are read this far from an edge, clear of its blur
INNER_MIN_GAP_PX = 2.0
# A sleeve margin is the surface outside seen through hazy plastic: often about as near the card's colour as the
# surface's. A strip of stock between print and a card's edge is far nearer the card inside.
INNER_OUTSIDE_RATIO = 1.2  # the margin's colour distance to the outside, at most this times that to the inside
INNER_BAND_MAX_STOCK = 0.7  # stock likeness (as in the margin check) no depth of a sleeve margin reaches


def _prefer_inner_borders(image: npt.NDArray[np.uint8], quad: QuadArray) -> QuadArray:
    """Move each side in to the card's own border where a clear sleeve's edge, 2-5 mm outside it, was taken instead.

    Inward from each side, an edge whose band between it and the side looks like the surface outside (seen through
    the sleeve) more than like what lies inside the edge, and nowhere like card stock, may be the card's border.
    Profiles along the normals are averaged over runs of samples so that a faint border in a noisy photo still
    shows; print near a card's edge has stock between it and the side and is passed over. A run can still show
    print that runs to the border or a colour change of the surface under the margin; the border is the one edge
    that lies on a straight line across the runs, so the side moves to the line the most runs share; a surface edge
    under the margin can be as straight, and is told apart by the stock just inside the card's border."""
    outer = quad.astype(np.float64)
    long_side = _long_side(outer)
    gap = math.ceil(max(INNER_MIN_GAP_PX, INNER_GAP_SHARE * long_side))
    low, high = (share * long_side for share in INNER_DEPTHS)
    deep = LEATHER_MAX_DEPTH * long_side
    depths = np.arange(-3 * gap, deep + 3 * gap, 1.0)
    profiles, positions, inward, seen = _inward_profiles(image, outer, depths)
    found, on_stock = _inner_edge_candidates(profiles, _stock_colour(image, outer), depths, (low, high, deep), gap)
    run_along = np.linalg.norm(positions - positions[:, :1], axis=2)  # (4, C) each run's distance along its side
    line_tolerance = max(INNER_LINE_MIN_PX, INNER_LINE_SHARE * long_side)
    lines = _side_lines(outer)
    moved = False
    for side in range(4):
        chosen, backed = _consensus_depths(
            found[side] & seen[side][:, None], on_stock[side], depths[1:-1], run_along[side], line_tolerance
        )
        usable = ~np.isnan(chosen)
        if not _border_supported(usable, backed):
            continue
        points = positions[side][usable] + chosen[usable, None] * inward[side]
        centres, directions, _ = _weighted_lines(points[None], np.ones((1, len(points))))
        lines[side] = (centres[0], directions[0])
        moved = True
    inner = _corners_of(lines) if moved else None
    return quad if inner is None else inner.astype(np.float32)


def _inward_profiles(
    image: npt.NDArray[np.uint8], quad: np.ndarray, depths: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Lab colour along the inward normals of each side at `depths` px, averaged over runs of INNER_RUN samples:
    (4, C, D, 3). Also the runs' mid points on the side (4, C, 2), the inward unit normals (4, 2) and which
    runs lie mostly in the frame (4, C)."""
    along, _, outward = _side_geometry(quad)
    inward = -outward
    positions = quad[:, None, :] + SIDE_FRACTIONS[None, :, None] * along[:, None, :]  # (4, S, 2)
    points = positions[:, :, None, :] + depths[None, None, :, None] * inward[:, None, None, :]  # (4, S, D, 2)
    lab = _lab_at(image, points.astype(np.float32))
    in_frame = _in_frame(image, positions)
    runs = SIDE_SAMPLES // INNER_RUN
    weights = in_frame.reshape(4, runs, INNER_RUN).astype(np.float32)
    lab = lab.reshape(4, runs, INNER_RUN, len(depths), 3)
    averaged = (lab * weights[:, :, :, None, None]).sum(axis=2) / np.maximum(weights.sum(axis=2), 1)[:, :, None, None]
    mids = positions.reshape(4, runs, INNER_RUN, 2).mean(axis=2)
    return averaged, mids, inward, weights.mean(axis=2) >= 0.5


def _inner_edge_candidates(
    profiles: np.ndarray, stock: np.ndarray, depths: np.ndarray, reach: tuple[float, float, float], gap: int
) -> tuple[np.ndarray, np.ndarray]:
    """(4, C, D - 2) whether each run's profile (4, C, D, 3) has, at the step spanning depths k to k + 2, a colour
    edge that could end a sleeve margin: the band between the side and the edge is nearer in colour to the surface
    just outside the side than to what lies just inside the edge (or is as dark as leather), and no depth of the band
    looks like card stock. `reach` (low, high, deep): the edge lies in [low, high], or up to deep across a band as
    dark as leather (LEATHER_MAX_LIGHTNESS). Also which of those edges have stock just inside them."""
    low, high, deep = reach
    count = len(depths)
    zero = int(np.argmin(np.abs(depths)))
    centre = np.arange(1, count - 1)  # step k spans depths k to k + 2
    # Weighed as the refit weighs its steps (STEP_GAINS), in float64 as these profiles' steps always were.
    differences = (profiles[..., 2:, :] - profiles[..., :-2, :]).astype(np.float64)
    step = _weighted_step([differences[..., channel] for channel in range(3)])
    padded = np.pad(step, [(0, 0), (0, 0), (1, 1)])
    peak = (step >= padded[..., :-2]) & (step > padded[..., 2:]) & (step >= INNER_MIN_STEP)

    cumulative = np.concatenate([np.zeros((*profiles.shape[:2], 1, 3)), np.cumsum(profiles, axis=2)], axis=2)
    outside = profiles[..., zero - 3 * gap : zero - gap, :].mean(axis=2)  # (4, C, 3)
    band_start = zero + gap
    band_end = np.maximum(centre - gap + 1, band_start + 1)
    band = (cumulative[..., band_end, :] - cumulative[..., band_start : band_start + 1, :]) / (band_end - band_start)[
        :, None
    ]
    inside_start = np.minimum(centre + gap, count - 1)
    inside_end = np.minimum(centre + 3 * gap, count)
    inside = (cumulative[..., inside_end, :] - cumulative[..., inside_start, :]) / np.maximum(
        inside_end - inside_start, 1
    )[:, None]
    looks_outside = _colour_distance(band, outside[..., None, :]) < INNER_OUTSIDE_RATIO * _colour_distance(band, inside)
    edge_depth = depths[centre]
    leather = (edge_depth > high) & (edge_depth <= deep) & (band[..., 0] < LEATHER_MAX_LIGHTNESS)
    in_range = ((edge_depth >= low) & (edge_depth <= high)) | leather

    stock_like = _stock_likeness(profiles[..., band_start:, :], stock)
    band_stock_like = np.maximum.accumulate(stock_like, axis=-1)[..., band_end - band_start - 1]
    # Dark leather is nearer in colour to light stock than to a vivid surface (a pink cloth): its darkness vouches.
    passes = peak & in_range & (looks_outside | leather) & (band_stock_like < INNER_BAND_MAX_STOCK)
    # The surface can change colour under the margin, and that edge ends a band of surface colour too: only the
    # card's own border has stock just inside it (unless print runs to the border and hides it).
    return passes, passes & (_stock_likeness(inside, stock) >= INNER_BAND_MAX_STOCK)


def _consensus_depths(
    candidates: np.ndarray, on_stock: np.ndarray, depths: np.ndarray, along: np.ndarray, tolerance: float
) -> tuple[np.ndarray, np.ndarray]:
    """(C,) the depth of each run's candidate edge (C, K: run, depths[k]) on the straight line that the most runs'
    candidates lie within tolerance of, nan for runs off it, and whether that edge has stock just inside it (C,);
    along (C,) places the runs on the side. The lines tried run through every pair of candidates in different runs
    (a tilted border) and along the side through every candidate. Of those with the most runs, the one with the most
    runs' edges backed by stock (on_stock, (C, K)), then the outermost, as the sleeve's margin ends at the first
    border. Only each run's INNER_MAX_EDGES_PER_RUN outermost edges count."""
    # Lines through pairs grow as the square of the edges: a surface with a busy texture under the sleeve must not
    # blow that up. Across seeds 2026/4242/9090 no run has more than 10, and 99% have at most 3.
    candidates = candidates & (np.cumsum(candidates, axis=1) <= INNER_MAX_EDGES_PER_RUN)
    runs, steps = np.nonzero(candidates)
    if len(np.unique(runs)) < 2:
        return np.full(len(candidates), np.nan), np.zeros(len(candidates), bool)
    t, d = along[runs], depths[steps]
    first, second = np.triu_indices(len(runs), k=1)
    pairs = (runs[first] != runs[second]) & (t[first] != t[second])  # a degenerate side has runs at one place
    first, second = first[pairs], second[pairs]
    slopes = np.concatenate([np.zeros(len(runs)), (d[second] - d[first]) / (t[second] - t[first])])
    offsets = np.concatenate([d, d[first] - slopes[len(runs) :] * t[first]])
    residuals = np.abs(d[None, :] - (offsets[:, None] + slopes[:, None] * t[None, :]))  # (L, P)
    near = residuals <= tolerance
    run_of = (runs[:, None] == np.arange(len(candidates))).astype(np.int32)  # (P, C) one-hot
    on_line = near.astype(np.int32) @ run_of > 0  # (L, C) the runs with an edge near each line
    stock_line = (near & on_stock[runs, steps]).astype(np.int32) @ run_of > 0
    mean_depth = offsets + slopes * t.mean()
    best = np.lexsort((mean_depth, -stock_line.sum(axis=1), -on_line.sum(axis=1)))[0]
    chosen, nearest = np.full(len(candidates), np.nan), np.full(len(candidates), np.inf)
    backed = np.zeros(len(candidates), bool)
    for index in np.flatnonzero(near[best]):  # each run's candidate nearest the line
        run = runs[index]
        if residuals[best, index] < nearest[run]:
            nearest[run], chosen[run], backed[run] = residuals[best, index], d[index], on_stock[run, steps[index]]
    return chosen, backed


def _border_supported(on_line: np.ndarray, backed: np.ndarray) -> bool:
    """Whether enough runs (C,) lie on an inner border's line, counting those with stock inside their edge twice."""
    return int(on_line.sum()) + int((on_line & backed).sum()) >= INNER_MIN_SUPPORT
