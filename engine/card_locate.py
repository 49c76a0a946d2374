"""Finds driving-license pages in a photo with plain OpenCV (no network): their quadrilaterals in image pixels.

A page is pale cyan-green card stock. Rough quads come from pairs of straight edges and from the outlines of
card-coloured blobs on a downscaled copy; each is re-fitted to the strongest colour edge near each side in the
original pixels (corners cut off by the frame are extrapolated) and the refined quads are ranked by how much of
their border is seen, their aspect, and whether card stock lies just inside each side and not just outside it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

CARD_ASPECT = 88.0 / 60.0  # the license is 88 x 60 mm
WORK_LONG_SIDE = 640  # px: the blob search runs at this size; edges are refitted in the original pixels
# ... up to this size: the edge search runs in image pixels, so a 12-megapixel phone photo cost ~4 times a bench
# photo's time for corners no better in card terms. Larger photos are halved until they fit; their quads scale back.
LOCATE_MAX_SIDE = 2048

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
ASPECT_SPREAD = 0.25  # log-aspect spread: tilt shortens one side by up to ~15%
MIN_CARD_SHARE = 0.12  # of the long side: smaller cards are too small to read
BORDER_SAMPLES = 24
INSIDE_GRID = 8
OUTER_RINGS = (1.05, 1.1, 1.2, 1.3)  # just outside the card, scaled about its centre
REFINED_CANDIDATES = 10  # rough quads refined in full pixels and compared by their refined score
OTHER_CARD_PICKS = 4  # line-pair quads of another card of the same size, refined as well (_other_card_picks)
SAME_CARD_SHARE = 0.15  # of the long side: a quad centred this near the best pick's centre outlines the same card
OTHER_CARD_SIZE_SPREAD = 0.2  # log ratio of long sides within which two quads are one size
HYPOTHESIS_BATCH = 64  # line-pair quads whose colour fit is measured at once, doubling while more are needed
ROUGH_DUPLICATE_SHARE = 0.005  # of the long side: a rough quad this near an earlier one refits to the same card
DISTINCT_SHARE = 0.015  # of the long side: rough quads with all corners nearer than this are one candidate
SCORE_BY_COMPLETE = True
# Line pairs are skipped when the colour blobs' refits settle the image (_settled): a candidate this complete and well
# scored, and at most this share of its area in card colour (the lenient map: a shaded second page) left outside it.
# The closed colour map spills past a scanned card's edge by 26-29% of its area; a wallet's other page adds ~100%.
SETTLED_COMPLETE = 0.99
SETTLED_SCORE = 0.75
SETTLED_MAX_UNEXPLAINED = 0.4
COLOUR_BLOBS = 3
MARGIN_SAMPLES = 16
OUTSIDE_WEIGHT = 0.8
# Where the strict colour map marks nearly the whole frame, the surface itself has the card's colour (a cyan-green
# cloth): card colour around a quad then says little against it, so the ring just outside weakens it but does not
# veto it, and the border must vouch for the card instead of its colour.
SURFACE_COVERAGE = 0.92  # share of the frame the strict map marks (scanner lids reach 0.9)
SURFACE_RING_WEIGHT = 0.8
SURFACE_MIN_COMPLETE = 0.3  # border completeness a quad on such a surface needs (stray line pairs reach ~0.2)
# The border must vouch from a lower coverage on: a quad along the frame's edges and one stray line, its border
# 18% seen, outscored a sleeved card on a cloth covering 89% of the frame (seed 5555 photo img_0227: 40% corner
# error). On seeds 2026/4242/9090/5555, 14 photos and 30 scans are covered 0.85-0.92: two photos mended, none
# worse. From 0.6 down, cut-off cards on hard photos, their borders partly unseen, are lost.
SURFACE_COMPLETE_COVERAGE = 0.85
MARGIN_LIGHT_WEIGHT = 0.5
MARGIN_COLOUR_SCALE = 15.0  # CIE Lab units (lightness halved): colours this far apart are ~1/e alike
MARGIN_DEPTHS = (0.008, 0.018)  # of the card's width and height: inside a sleeve's 2-5 mm margin
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
# The best outline of a card in a sleeve can take the sleeve's edge on one side and a shadow's on another, where no
# inner border lies parallel to it; a rival outline of the same card, on the sleeve's edge all round, has the card's
# border just inside every side. Rivals are moved in as well, refitted close in and scored alike with the best's.
INNER_RIVALS = 4  # distinct outlines of the card besides the best
# An outline with stock just inside every side and none just outside has a margin colour score (_margin_colours) of
# at least this: it lies on the card's own border. Rivals are looked for only when the best's moved-in outline scores
# under it (on seeds 2026/4242/9090/5555 a rival only ever shifted one above it by a fraction of a percent, as often
# for the worse), and only rivals under it are moved in (~2.5 ms each; of 255 above it on seeds 9090/5555 none moved).
INNER_RIVAL_MAX_MARGIN = 0.85
INNER_RIVAL_MIN_COMPLETE = 0.6  # border completeness a rival needs once moved in
INNER_RIVAL_SHARE = 0.2  # of the long side: a rival's corners this near the best's (a margin ~6%, a stray corner more)
# A rival whose moved-in outline lies this near the best's (of the long side, any corner) is the same outline: the
# best's is kept, as a sub-pixel shift changes what the recognizer reads as often for the worse as for the better.
INNER_RIVAL_MIN_MOVE = 0.005
INNER_SCORE_SHARES = (0.004,)  # of the long side: the refit that scores moved-in outlines stays on them

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
STEP_GAINS = (1.0, 2.0, 2.0)  # L, a, b: the card differs from most surfaces more in hue than in lightness
INLIER_SHARE = 0.008  # of the long side: how far a border point may lie from its fitted line
MIN_SIDE_POINTS = 6  # border points found along a side for it to be refitted
MIN_LINE_INLIERS = 4
HUBER_C = 1.345  # px: border points further from the line than this count less (OpenCV's DIST_HUBER default)
HUBER_ITERATIONS = 6
MIN_CORNER_SIN = math.sin(math.radians(40.0))  # adjacent refitted sides must meet at least this steeply
FRAME_MARGIN_PX = 2.0
MIN_SCORE = 0.35
# A quad found from faint edges alone must score higher: a weak one is better left to the whole-image pass, which
# places the card by its printed labels.
FAINT_MIN_SCORE = 0.42
OVERLAP_LIMIT = 0.3  # share of the smaller quad covered by a better one: the same card found twice
# A card after the best must show this share of its border (_best_distinct): seeds 2026 and 4242 show second pages
# at 0.65-1.0 and all but one false find at 0.57 or less.
FURTHER_MIN_COMPLETE = 0.6
# A quad placed by a page's printed text (license.read_whole_image) misses the card by up to ~10% of its width: its
# sides are searched this far for the card's edges, one pass per share of the long side (fit_to_edges). The refit is
# kept when it sees at least FITTED_MIN_COMPLETE of its border and lies on a card's own border clearly better than
# the text's quad, by FITTED_MARGIN_GAIN in margin colour score (_margin_colours). Seeds 2026/4242/9090/5555: the
# refits that brought a page nearer the card (2-24% off before, 0.1-5% after) gained 0.19-0.51; of those that took it
# further off, as the wide search also finds a sleeve's or a shadow's edge, all but one lost or gained at most 0.11
# (a wallet page 3.8% off went to 4.8% at +0.33).
FITTED_SEARCH_SHARES = (0.08, 0.03, 0.012)
FITTED_MIN_COMPLETE = 0.6
FITTED_MARGIN_GAIN = 0.15
# The wide first pass can also jump past the card's own border to a stronger edge beyond it (an open wallet's outer
# edge, 45 px past a page's bottom on seed 5555 img_0017). The sides are refitted with the near passes alone as well,
# and of the two refits the one lying better on a card's own border (margin colour score) is kept. Four seeds: three
# pages change, all nearer (wallet img_0017 4.8% to 0.3%, 4242 photo img_0089 3.1% to 0.1%, 5555 photo img_0086
# 1.3% to 0.1%), none further.
FITTED_NEAR_SEARCH_SHARES = FITTED_SEARCH_SHARES[1:]

QuadArray = npt.NDArray[np.float32]
Rough = tuple[QuadArray, tuple[float, ...]]  # a rough quad and the search shares of its refit passes

NEXT_CORNER = [1, 2, 3, 0]  # quads[:, NEXT_CORNER] pairs each corner with the next (np.roll is slow on tiny arrays)
# The eight ways to pair one quad's corners with another's: four cyclic shifts, in either direction.
CORNER_MATCHES = np.array(
    [[(corner - shift) % 4 for corner in range(4)] for shift in range(4)]
    + [[3 - (corner - shift) % 4 for corner in range(4)] for shift in range(4)]
)
BORDER_ALONG = np.linspace(0.08, 0.92, BORDER_SAMPLES)  # edge support is sampled off the rounded corners
RING_ALONG = np.linspace(0.0, 1.0, BORDER_SAMPLES, endpoint=False)
RING_SCALES = np.array(OUTER_RINGS)


@dataclass(frozen=True)
class LocatedCard:
    quad: QuadArray
    """(4, 2) float32, original-image pixels, clockwise; corner 0 -> 1 runs along a long edge of the card. Which
    long edge comes first (the 0/180 degree question) is left to the caller."""
    score: float
    """In [0, 1]: how card-like (border seen, aspect, card colour inside and not outside, stock along each side)."""
    border_complete: float
    """In [0, 1]: share of the border that is inside the frame and seen as an edge; < 1 when corners are cut off."""

    @property
    def whole_border(self) -> bool:
        """Its border was seen all round (SETTLED_COMPLETE) and it scored card-like (SETTLED_SCORE)."""
        return self.border_complete >= SETTLED_COMPLETE and self.score >= SETTLED_SCORE


def locate_cards(image: npt.NDArray[np.uint8], max_cards: int = 2) -> list[LocatedCard]:
    """BGR uint8 image (H, W, 3) -> card quads in its pixels, best first; [] when nothing card-like is there."""
    image, scale = _at_most(image, LOCATE_MAX_SIDE)
    candidates, scoring = _refined_candidates(image)
    found = [LocatedCard(_landscape_order(card.quad), card.score, card.border_complete) for card in candidates]
    best = _best_distinct(found, max_cards)
    inner = [_inner_outline(image, card, found, scoring) for card in best]
    return [
        LocatedCard(_landscape_order(card.quad) * np.float32(scale), card.score, card.border_complete) for card in inner
    ]


def fit_to_edges(image: npt.NDArray[np.uint8], quad: QuadArray) -> QuadArray | None:
    """A card quad placed by other means (a page's printed text) with each side refitted to the card's edge near it
    (searched wide and near: FITTED_NEAR_SEARCH_SHARES) and moved in to the card's own border where that edge is a
    sleeve's, corners in the same order; None where no refit frames the card clearly better (FITTED_MIN_COMPLETE,
    FITTED_MARGIN_GAIN)."""
    image, scale = _at_most(image, LOCATE_MAX_SIDE)
    quad = quad / np.float32(scale)
    # One _refine each: a batch's roughs must share their number of passes.
    refits = [_refine(image, [(quad, shares)])[0] for shares in (FITTED_SEARCH_SHARES, FITTED_NEAR_SEARCH_SHARES)]
    fitted = [
        _prefer_inner_borders(image, refined)
        for refined, border_complete, _ in refits
        if refined is not None and border_complete >= FITTED_MIN_COMPLETE
    ]
    if not fitted:
        return None
    before, *after = _margin_colours(image, np.array([quad, *fitted], np.float64))
    best = int(np.argmax(after))
    return fitted[best] * np.float32(scale) if after[best] >= before + FITTED_MARGIN_GAIN else None


def _at_most(image: npt.NDArray[np.uint8], long_side: int) -> tuple[npt.NDArray[np.uint8], int]:
    """The image halved (a Gaussian pyramid step) until its long side is at most `long_side`, and the factor its
    pixel coordinates shrank by: pyrDown's pixel (x, y) is the original's (2x, 2y)."""
    scale = 1
    while max(image.shape[:2]) > long_side:
        image = np.asarray(cv2.pyrDown(image), dtype=np.uint8)
        scale *= 2
    return image, scale


@dataclass(frozen=True)
class _Scoring:
    """What scoring a quad needs besides the image: the small copy's scale and colour maps, and the surface's rules."""

    scale: float
    colours: list[npt.NDArray[np.float32]]
    ring_weight: float
    min_complete: float

    def candidates(self, image: npt.NDArray[np.uint8], roughs: list[Rough]) -> list[LocatedCard]:
        return _scored_candidates(image, roughs, self.scale, self.colours, self.ring_weight, self.min_complete)


def _refined_candidates(image: npt.NDArray[np.uint8]) -> tuple[list[LocatedCard], _Scoring]:
    """Every rough quad refined in full pixels and scored, best first (corner order not yet normalised), and the
    scoring that ranked them."""
    height, width = image.shape[:2]
    scale = min(1.0, WORK_LONG_SIDE / max(height, width))
    small = image if scale == 1.0 else cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    lab = np.asarray(cv2.cvtColor(small, cv2.COLOR_BGR2Lab), dtype=np.uint8)
    edges, faint_edges = _edge_maps(lab)
    colour_masks = [_card_colour_map(lab, lenient) for lenient in (False, True)]
    colours = [
        np.clip(
            cv2.resize(mask, (edges.shape[1], edges.shape[0]), interpolation=cv2.INTER_AREA), 0, 1, dtype=np.float32
        )
        for mask in colour_masks
    ]
    coverage = float(colour_masks[0].mean())
    ring_weight = SURFACE_RING_WEIGHT if coverage > SURFACE_COVERAGE else 1.0
    min_complete = SURFACE_MIN_COMPLETE if coverage > SURFACE_COMPLETE_COVERAGE else 0.0
    scoring = _Scoring(scale, colours, ring_weight, min_complete)
    blobs = [quad / scale for mask in colour_masks for quad in _colour_quads(mask)]
    roughs: list[Rough] = [(quad, SEARCH_SHARES) for quad in blobs]
    # A blob ends at the card's own edge, but a sleeve's edge 2-5 mm out is often stronger: also refit it close in.
    roughs += [(quad, NEAR_SEARCH_SHARES) for quad in blobs]
    duplicate_limit = ROUGH_DUPLICATE_SHARE * max(height, width)
    roughs = _distinct_roughs(roughs, duplicate_limit)
    candidates = scoring.candidates(image, roughs)
    if _settled(candidates, colour_masks[1], scale):
        return candidates, scoring
    lines = _border_lines(edges, colours[0])
    lines = np.vstack([lines, _faint_border_lines(faint_edges, colours[0], lines)])
    pairs: list[Rough] = [
        (quad * 2 / scale, SEARCH_SHARES) for quad in _quad_hypotheses(lines, edges, colours, ring_weight)
    ]
    pairs = _distinct_roughs(roughs + pairs, duplicate_limit)[len(roughs) :]  # none near a blob's rough
    scored = candidates + scoring.candidates(image, pairs)
    candidates = sorted(scored, key=lambda card: -card.score)
    if not candidates:
        # A card on a surface of nearly its colour (often in a sleeve) can leave no border in the main edge map, and
        # its faint border lines have card colour on both sides, as print does: try again from the faint edges alone.
        faint_lines = _merged_lines(faint_edges)[0][:MAX_LINES]
        hypotheses = _quad_hypotheses(faint_lines, faint_edges, colours, ring_weight)
        roughs = _distinct_roughs([(quad * 2 / scale, SEARCH_SHARES) for quad in hypotheses], duplicate_limit)
        retried = scoring.candidates(image, roughs)
        candidates = [card for card in retried if card.score >= FAINT_MIN_SCORE]
    return candidates, scoring


def _settled(candidates: list[LocatedCard], colour_mask: npt.NDArray[np.float32], scale: float) -> bool:
    """The colour blobs' refits already found every card: some have a border seen all round (SETTLED_COMPLETE) and
    score well, and they cover nearly all card colour on the small copy, so no line pair can add a page. Line pairs
    (~20 ms) mend a blob's outline only where its border is partly unseen."""
    sure = [card.quad for card in candidates if card.whole_border]
    if not sure:
        return False
    covered = np.zeros(colour_mask.shape, np.uint8)
    for quad in sure:  # one at a time: fillPoly's even-odd rule would empty where the quads overlap
        cv2.fillConvexPoly(covered, np.round(quad * scale).astype(np.int32), 1)
    unexplained = float(colour_mask[covered == 0].sum())
    return unexplained <= SETTLED_MAX_UNEXPLAINED * float(covered.sum())


def _scored_candidates(
    image: npt.NDArray[np.uint8],
    roughs: list[Rough],
    scale: float,
    colours: list[npt.NDArray[np.float32]],
    ring_weight: float,
    min_complete: float,
) -> list[LocatedCard]:
    """Distinct rough quads (_distinct_roughs) refined in full pixels and scored (on the half-size maps, hence
    `scale` / 2); those scoring at least MIN_SCORE, best first."""
    refined = [
        (quad, border_complete, edge_support, quad * scale / 2)
        for quad, border_complete, edge_support in _refine(image, roughs)
        if quad is not None and border_complete >= min_complete
    ]
    if not refined:
        return []
    colour_fits = _colour_fits(np.array([small for *_, small in refined], np.float64), colours, ring_weight).max(axis=0)
    scored = []
    for (quad, border_complete, edge_support, small), colour_fit in zip(refined, colour_fits, strict=True):
        base = _score(small, border_complete, edge_support, float(colour_fit))
        if base >= MIN_SCORE:  # the margin factor is at most 1: no need to measure it for the rest
            scored.append((quad, border_complete, base))
    if not scored:
        return []
    margins = _margin_colours(image, np.array([quad for quad, _, _ in scored], np.float64))
    candidates = [
        LocatedCard(quad, score, border_complete)
        for (quad, border_complete, base), margin in zip(scored, margins, strict=True)
        if (score := base * float(margin) ** 0.25) >= MIN_SCORE
    ]
    return sorted(candidates, key=lambda card: -card.score)


def _distinct_roughs(roughs: list[Rough], limit: float) -> list[Rough]:
    """The rough quads less any whose corners all lie within `limit` px of an earlier one refitted with the same
    search range: the strict and lenient colour blobs, and a blob and a line-pair quad, often outline one card."""
    kept: list[Rough] = []
    for quad, search_shares in roughs:
        same_search = [other for other, other_shares in kept if other_shares == search_shares]
        if not same_search or _corner_distances(quad, np.array(same_search)).min() > limit:
            kept.append((quad, search_shares))
    return kept


# --- rough quads from lines on the small copy ---------------------------------------------------------------------


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


# --- the border in original pixels --------------------------------------------------------------------------------


def _refine(image: npt.NDArray[np.uint8], roughs: list[Rough]) -> list[tuple[QuadArray | None, float, float]]:
    """Refit each side of every rough quad to the strongest colour edge near it, once per search share (all roughs
    have as many). For each rough: the quad (None when its refit sides stop making a plausible card), its border
    completeness and its edge support. The roughs are refitted together: a photo has a dozen or two, and refitting
    them one at a time cost more in per-call overhead than in arithmetic."""
    if not roughs:
        return []
    height, width = image.shape[:2]
    quads = np.array([rough for rough, _ in roughs], np.float64)  # (N, 4, 2)
    shares = np.array([search_shares for _, search_shares in roughs], np.float64)  # (N, passes)
    alive = np.ones(len(roughs), bool)
    complete, support = np.zeros(len(roughs)), np.zeros(len(roughs))
    for share in shares.T:
        index = np.flatnonzero(alive)
        if len(index) == 0:
            break
        current = quads[index]
        long_sides = _long_sides(current)
        reaches = np.maximum(MIN_SEARCH_PX, share[index] * long_sides)
        points, strong, inside = _edge_points(image, current, reaches)  # (n, 4, S, 2), (n, 4, S), (n, 4, S)
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
        support[index] = seen / np.maximum(inside.sum(axis=(1, 2)), 1)
        alive[index[~ok]] = False
    return [
        (quads[row].astype(np.float32), min(complete[row], 1.0), min(support[row], 1.0))
        if alive[row]
        else (None, 0.0, 0.0)
        for row in range(len(roughs))
    ]


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


def _inner_outline(
    image: npt.NDArray[np.uint8], best: LocatedCard, found: list[LocatedCard], scoring: _Scoring
) -> LocatedCard:
    """The best outline of a card moved in to the card's own border (_prefer_inner_borders), or a rival outline of
    the same card (INNER_RIVALS) so moved that scores higher, both refitted close in and scored alike."""
    moved = LocatedCard(_prefer_inner_borders(image, best.quad), best.score, best.border_complete)
    if _margin_colours(image, moved.quad[None].astype(np.float64))[0] >= INNER_RIVAL_MAX_MARGIN:
        return moved
    long_side = _long_side(best.quad)
    rivals: list[QuadArray] = []
    for card in found:
        if len(rivals) == INNER_RIVALS:
            break
        distances = _corner_distances(card.quad, np.array([best.quad, *rivals]))
        if distances[0] <= INNER_RIVAL_SHARE * long_side and distances.min() > DISTINCT_SHARE * long_side:
            rivals.append(card.quad)
    if not rivals:
        return moved
    margins = _margin_colours(image, np.array(rivals, np.float64))
    movable = [rival for rival, margin in zip(rivals, margins, strict=True) if margin < INNER_RIVAL_MAX_MARGIN]
    inner = [quad for rival in movable if (quad := _prefer_inner_borders(image, rival)) is not rival]
    if not inner:
        return moved
    same_limit = INNER_RIVAL_MIN_MOVE * _long_side(moved.quad)
    for card in scoring.candidates(image, [(quad, INNER_SCORE_SHARES) for quad in [moved.quad, *inner]]):
        if _corner_distances(card.quad, moved.quad[None])[0] <= same_limit:
            break  # the best's own outline, refitted alike, scores higher than every rival left
        if card.border_complete >= INNER_RIVAL_MIN_COMPLETE and card.score > best.score:
            return card
    return moved


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


def _stock_likeness(colours: np.ndarray, stock: np.ndarray) -> np.ndarray:
    """How like the card stock each Lab colour (..., 3) is, in (0, 1]: 1 at the stock's colour, 1/e at
    MARGIN_COLOUR_SCALE from it."""
    return np.asarray(np.exp(-((_colour_distance(colours, stock) / MARGIN_COLOUR_SCALE) ** 2)))


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


def _weighted_step(differences: list[np.ndarray]) -> np.ndarray:
    """The colour step from its L, a and b differences, weighted by STEP_GAINS."""
    squares = [np.float32(gain * gain) * step * step for gain, step in zip(STEP_GAINS, differences, strict=True)]
    return np.asarray(np.sqrt(squares[0] + squares[1] + squares[2]))


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


# --- scoring and order --------------------------------------------------------------------------------------------


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


def _score(quad: np.ndarray, border_complete: float, edge_support: float, colour_fit: float) -> float:
    """Final card-likeness in [0, 1] of a refined quad (given in small-copy pixels), with the colour fit of the
    colour map that fits it best (_colour_fits)."""
    edges = _side_lengths(quad)
    pairs = sorted(((edges[0] + edges[2]) / 2, (edges[1] + edges[3]) / 2))
    aspect_fit = math.exp(-((math.log(pairs[1] / max(pairs[0], 1e-9) / CARD_ASPECT) / ASPECT_SPREAD) ** 2))
    edges_seen = border_complete if SCORE_BY_COMPLETE else edge_support
    return float(edges_seen * aspect_fit * colour_fit) ** 0.25


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


def _landscape_order(quad: QuadArray) -> QuadArray:
    """Clockwise on screen (y down), with corner 0 -> 1 along a long side."""
    x, y = quad[:, 0], quad[:, 1]
    if float(np.dot(x, y[NEXT_CORNER]) - np.dot(x[NEXT_CORNER], y)) < 0:
        quad = quad[::-1]
    edges = _side_lengths(quad)
    if edges[0] + edges[2] < edges[1] + edges[3]:
        quad = quad[NEXT_CORNER]
    return np.ascontiguousarray(quad, dtype=np.float32)


def _best_distinct(found: list[LocatedCard], max_cards: int) -> list[LocatedCard]:
    """The best card, then the next best that overlap no kept card and show at least FURTHER_MIN_COMPLETE of their
    border: a second page is seen nearly all round, and a weaker outline is clutter whose reading would only cost
    time (a wallet's second page that glare hides is looked for beside the first by the reader)."""
    kept: list[LocatedCard] = []
    for card in sorted(found, key=lambda card: -card.score):
        if kept and card.border_complete < FURTHER_MIN_COMPLETE:
            continue
        if all(_overlap(card.quad, other.quad) < OVERLAP_LIMIT for other in kept):
            kept.append(card)
        if len(kept) == max_cards:
            break
    return kept


def _overlap(first: QuadArray, second: QuadArray) -> float:
    area, _ = cv2.intersectConvexConvex(first.reshape(-1, 1, 2), second.reshape(-1, 1, 2))
    smaller = min(cv2.contourArea(first), cv2.contourArea(second))
    return float(area) / max(smaller, 1e-9)
