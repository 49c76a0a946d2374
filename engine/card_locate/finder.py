"""The card finder's stages put together: rough quads (rough.py) refitted (refit.py), scored by how much of their border
is seen, their aspect and the colour on either side of it, the best moved in to a sleeved card's own border
(inner.py). Also the refit of a quad placed by other means (fit_to_edges)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from engine.card_locate.colours import _margin_colours
from engine.card_locate.inner import _prefer_inner_borders
from engine.card_locate.quads import (
    ASPECT_SPREAD,
    CARD_ASPECT,
    QuadArray,
    _corner_distances,
    _landscape_order,
    _long_side,
    _overlap,
    _side_lengths,
)
from engine.card_locate.refit import NEAR_SEARCH_SHARES, SEARCH_SHARES, Rough, _refine
from engine.card_locate.rough import (
    DISTINCT_SHARE,
    MAX_LINES,
    _border_lines,
    _card_colour_map,
    _colour_fits,
    _colour_quads,
    _edge_maps,
    _faint_border_lines,
    _merged_lines,
    _quad_hypotheses,
)

WORK_LONG_SIDE = 640  # px: the blob search runs at this size; edges are refitted in the original pixels
# ... up to this size: the edge search runs in image pixels, so a 12-megapixel phone photo cost ~4 times a bench
# photo's time for corners no better in card terms. Larger photos are halved until they fit; their quads scale back.
LOCATE_MAX_SIDE = 2048
ROUGH_DUPLICATE_SHARE = 0.005  # of the long side: a rough quad this near an earlier one refits to the same card
# Line pairs are skipped when the colour blobs' refits settle the image (_settled): a candidate this complete and well
# scored, and at most this share of its area in card colour (the lenient map: a shaded second page) left outside it.
# The closed colour map spills past a scanned card's edge by 26-29% of its area; a wallet's other page adds ~100%.
SETTLED_COMPLETE = 0.99
SETTLED_SCORE = 0.75
SETTLED_MAX_UNEXPLAINED = 0.4
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
        for refined, border_complete in refits
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
        (quad, border_complete, quad * scale / 2)
        for quad, border_complete in _refine(image, roughs)
        if quad is not None and border_complete >= min_complete
    ]
    if not refined:
        return []
    colour_fits = _colour_fits(np.array([small for *_, small in refined], np.float64), colours, ring_weight).max(axis=0)
    scored = []
    for (quad, border_complete, small), colour_fit in zip(refined, colour_fits, strict=True):
        base = _score(small, border_complete, float(colour_fit))
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


def _score(quad: np.ndarray, border_complete: float, colour_fit: float) -> float:
    """Final card-likeness in [0, 1] of a refined quad (given in small-copy pixels), with the colour fit of the
    colour map that fits it best (_colour_fits)."""
    edges = _side_lengths(quad)
    pairs = sorted(((edges[0] + edges[2]) / 2, (edges[1] + edges[3]) / 2))
    aspect_fit = math.exp(-((math.log(pairs[1] / max(pairs[0], 1e-9) / CARD_ASPECT) / ASPECT_SPREAD) ** 2))
    return float(border_complete * aspect_fit * colour_fit) ** 0.25


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
