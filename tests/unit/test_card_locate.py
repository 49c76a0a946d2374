"""The OpenCV card locator on hand-built warps: a pale card with print and a seal, placed at a known quad."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

import engine.card_locate.finder
from engine.card_locate import LocatedCard, fit_to_edges, locate_cards
from engine.card_locate.colours import _margin_colours
from engine.card_locate.finder import (
    SURFACE_MIN_COMPLETE,
    SURFACE_RING_WEIGHT,
    _best_distinct,
    _inner_outline,
    _refined_candidates,
    _settled,
)
from engine.card_locate.inner import (
    INNER_MAX_EDGES_PER_RUN,
    _border_supported,
    _consensus_depths,
    _prefer_inner_borders,
)
from engine.card_locate.quads import _corner_distances
from engine.card_locate.refit import _edge_points
from engine.card_locate.rough import (
    DISTINCT_SHARE,
    OTHER_CARD_PICKS,
    REFINED_CANDIDATES,
    _best_distinct_hypotheses,
    _faint_border_lines,
    _inside_card_colour,
)

CARD_W, CARD_H = 880, 600  # 88 x 60 mm at 10 px/mm
FRAME = (1200, 900)
TOLERANCE = 0.02  # mean corner distance over the card's width


def card_face(photo_box: bool = True) -> np.ndarray:
    """A BGR page: pale cyan-green stock, dark text-like bars, a red seal square and a grey photo box."""
    card = np.empty((CARD_H, CARD_W, 3), np.uint8)
    card[:] = (212, 230, 178)  # BGR of the synthetic tint (0.70, 0.90, 0.83)
    for row in range(6):
        y = 90 + row * 80
        cv2.rectangle(card, (60, y), (60 + 90 * (row % 3 + 3), y + 26), (40, 35, 35), -1)
    cv2.rectangle(card, (80, 420), (260, 560), (50, 40, 205), 6)
    if photo_box:
        cv2.rectangle(card, (640, 200), (820, 440), (150, 150, 160), -1)
    return card


def background(kind: str, rng: np.random.Generator) -> np.ndarray:
    width, height = FRAME
    if kind == "plain":
        return np.full((height, width, 3), (60, 90, 140), np.uint8)
    image = np.full((height, width, 3), 120, np.uint8)
    for _ in range(25):
        colour = tuple(int(v) for v in rng.integers(40, 200, 3))
        centre = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        cv2.circle(image, centre, int(rng.integers(20, 120)), colour, -1)
    return image


def place(cards: list[np.ndarray], base: np.ndarray, photo_box: bool = True) -> np.ndarray:
    """Warp the card face to each (4, 2) quad (clockwise from the card's top-left) over `base`."""
    image = base.copy()
    face = card_face(photo_box)
    source = np.array([(0, 0), (CARD_W, 0), (CARD_W, CARD_H), (0, CARD_H)], np.float32)
    size = (image.shape[1], image.shape[0])
    for quad in cards:
        transform = cv2.getPerspectiveTransform(source, quad.astype(np.float32))
        warped = cv2.warpPerspective(face, transform, size)
        cover = cv2.warpPerspective(np.full((CARD_H, CARD_W), 255, np.uint8), transform, size)
        image[cover > 127] = warped[cover > 127]
    return image


def rotated_quad(centre: tuple[float, float], width: float, angle_deg: float) -> np.ndarray:
    """The card's corners, clockwise from its own top-left, turned `angle_deg` clockwise on screen."""
    height = width * CARD_H / CARD_W
    corners = np.array([(-width, -height), (width, -height), (width, height), (-width, height)]) / 2
    angle = np.radians(angle_deg)
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return (corners @ turn.T + centre).astype(np.float32)


def error(truth: np.ndarray, quad: np.ndarray) -> float:
    """Mean corner distance over the card's width, allowing the 0/180-degree ambiguity (shift 0 or 2)."""
    width = np.linalg.norm(truth[1] - truth[0])
    return min(float(np.linalg.norm(np.roll(quad, shift, axis=0) - truth, axis=1).mean()) for shift in (0, 2)) / width


def best_error(truth: np.ndarray, image: np.ndarray) -> float:
    found = locate_cards(image)
    assert found, "no card found"
    return min(error(truth, card.quad) for card in found)


@pytest.mark.parametrize("kind", ["plain", "clutter"])
def test_a_tilted_card_is_located_within_tolerance(kind):
    truth = np.array([(260, 180), (930, 230), (900, 700), (230, 660)], np.float32)
    image = place([truth], background(kind, np.random.default_rng(1)))
    assert best_error(truth, image) < TOLERANCE


def test_a_phone_sized_photo_is_searched_halved_and_answered_in_its_own_pixels(monkeypatch):
    """A 12-megapixel photo (the tilted card and its frame enlarged 3.36 times) is searched at under LOCATE_MAX_SIDE,
    and the quad comes back in the photo's own pixels."""
    truth = np.array([(260, 180), (930, 230), (900, 700), (230, 660)], np.float32)
    image = place([truth], background("clutter", np.random.default_rng(1)))
    factor = 4032 / FRAME[0]
    large = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_LINEAR)
    searched = []
    refined = engine.card_locate.finder._refined_candidates
    monkeypatch.setattr(
        engine.card_locate.finder, "_refined_candidates", lambda image: searched.append(image.shape) or refined(image)
    )
    assert best_error(truth * np.float32(factor), large) < TOLERANCE
    assert max(searched[0][:2]) <= engine.card_locate.finder.LOCATE_MAX_SIDE


@pytest.mark.parametrize("angle", [90, 180, 270, 33, 127, 301])
def test_rotations_keep_landscape_order(angle):
    truth = rotated_quad((600, 450), 620, angle)
    card = locate_cards(place([truth], background("plain", np.random.default_rng(2))))[0]
    assert error(truth, card.quad) < TOLERANCE  # only shifts 0 and 2 allowed: 0 -> 1 runs along a long edge
    x, y = card.quad[:, 0], card.quad[:, 1]
    assert float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y)) > 0  # clockwise on screen


def test_two_cards_side_by_side_are_both_found():
    left = rotated_quad((320, 450), 500, 4)
    right = rotated_quad((880, 450), 500, 4)
    image = place([left, right], background("plain", np.random.default_rng(3)))
    found = locate_cards(image, max_cards=2)
    assert len(found) == 2
    for truth in (left, right):
        assert min(error(truth, card.quad) for card in found) < TOLERANCE


def test_a_card_whose_blob_refits_all_round_skips_the_line_pairs(monkeypatch):
    """A card on a plain surface: its colour blob's refit sees the whole border and explains all card colour."""
    truth = np.array([(260, 180), (930, 230), (900, 700), (230, 660)], np.float32)
    image = place([truth], background("plain", np.random.default_rng(1)))

    def no_line_pairs(*args, **kwargs):
        raise AssertionError("line pairs were searched")

    monkeypatch.setattr(engine.card_locate.finder, "_quad_hypotheses", no_line_pairs)
    assert best_error(truth, image) < TOLERANCE


def test_card_colour_left_outside_the_sure_cards_keeps_the_search_going():
    """A second page's colour outside the one card found, or a border not seen all round, is not settled."""
    mask = np.zeros((450, 600), np.float32)
    mask[100:300, 50:280] = 1.0
    quad = np.array([(50, 100), (280, 100), (280, 300), (50, 300)], np.float32) * 2  # full pixels, scale 0.5
    card = LocatedCard(quad, 0.9, 1.0)
    assert _settled([card], mask, 0.5)
    assert not _settled([LocatedCard(quad, 0.9, 0.95)], mask, 0.5)
    mask[100:300, 320:550] = 1.0  # the wallet's other page
    assert not _settled([card], mask, 0.5)


@pytest.mark.parametrize(("second_complete", "kept"), [(0.95, 2), (0.4, 1)])
def test_a_further_card_must_show_most_of_its_border(second_complete, kept):
    """A second page is seen nearly all round; clutter that scores above the floor on a partial outline is dropped."""
    first = LocatedCard(rotated_quad((300, 450), 500, 0), 0.9, 1.0)
    second = LocatedCard(rotated_quad((880, 450), 500, 0), 0.6, second_complete)
    assert len(_best_distinct([second, first], max_cards=2)) == kept


def test_a_cut_off_corner_is_extrapolated():
    truth = rotated_quad((440, 250), 760, 8)  # the top-left corner lies above the frame; every side shows in part
    assert truth[0, 1] < 0 < truth[3, 0]
    image = place([truth], background("plain", np.random.default_rng(4)))
    card = locate_cards(image)[0]
    assert error(truth, card.quad) < TOLERANCE
    assert card.border_complete < 1.0
    assert not card.whole_border


def test_a_card_in_full_view_shows_its_whole_border():
    truth = np.array([(260, 180), (930, 230), (900, 700), (230, 660)], np.float32)
    (card,) = locate_cards(place([truth], background("plain", np.random.default_rng(1))))
    assert card.whole_border
    assert not LocatedCard(card.quad, 0.7, 1.0).whole_border  # seen all round, but not card-like enough


def test_a_blurred_card_on_a_surface_near_its_colour_is_located():
    """Half-size and blurred (sigma 2.5 px, a hard phone photo): the border's two-pixel step is under
    EDGE_MIN_STRENGTH, its step across the blur is not."""
    truth = np.array([(130, 90), (465, 115), (450, 350), (115, 330)], np.float32)
    full = place([truth * 2], np.full((FRAME[1], FRAME[0], 3), (120, 160, 110), np.uint8))
    image = cv2.GaussianBlur(cv2.resize(full, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA), (0, 0), 2.5)
    assert best_error(truth, image) < TOLERANCE


@pytest.mark.parametrize(("grey_step", "sigma", "counted"), [(30, 0.0, False), (70, 2.5, True), (40, 0.0, True)])
def test_a_border_counts_by_its_step_across_its_blur_not_a_weak_sharp_edge(grey_step, sigma, counted):
    """A weak sharp edge steps no more across BLURRED_SPAN_PX than across two pixels: it stays uncounted, while a
    blurred one whose two-pixel step is as weak counts."""
    image = np.full((200, 300, 3), 120, np.uint8)
    image[:, 150:] += np.uint8(grey_step)
    if sigma:
        image = np.asarray(cv2.GaussianBlur(image, (0, 0), sigma), np.uint8)
    quad = np.array([[[100, 40], [150, 40], [150, 160], [100, 160]]], np.float64)  # side 1 on the step
    points, strong, _ = _edge_points(image, quad, np.array([8.0]))
    assert bool(strong[0, 1].all()) is counted
    assert np.abs(points[0, 1, :, 0] - 149.5).max() < 1.0


def in_sleeve(image: np.ndarray, card: np.ndarray, margin: float) -> np.ndarray:
    """Lay a clear sleeve over a placed card: a faint film over the card, a hazy margin `margin` px wide around it
    (the surface seen through the plastic) and a bright sealed edge."""
    centre = card.mean(axis=0)
    scale = 1 + 2 * margin / np.linalg.norm(card[1] - card[0])
    outer = np.round((card - centre) * scale + centre).astype(np.int32)
    film = np.zeros(image.shape[:2], np.uint8)
    cv2.fillConvexPoly(film, np.round(card).astype(np.int32), 255)
    margin_band = np.zeros(image.shape[:2], np.uint8)
    cv2.fillConvexPoly(margin_band, outer, 255)
    margin_band[film > 0] = 0
    pixels = image.astype(np.float32)
    pixels[film > 0] = pixels[film > 0] * 0.88 + 0.12 * 255
    pixels[margin_band > 0] = pixels[margin_band > 0] * 0.7 + 0.3 * 230
    sleeved = pixels.astype(np.uint8)
    cv2.polylines(sleeved, [outer], True, (255, 255, 255), 3)
    return sleeved


@pytest.mark.parametrize("margin", [20, 45])  # 2 and 4.5 mm
def test_a_card_in_a_sleeve_is_located_by_its_own_border(margin):
    truth = np.array([(260, 180), (930, 230), (900, 700), (230, 660)], np.float32)
    image = in_sleeve(place([truth], background("clutter", np.random.default_rng(6))), truth, margin)
    assert best_error(truth, image) < TOLERANCE


@pytest.mark.parametrize("surface", [(190, 222, 190), (200, 235, 170)])
def test_a_card_on_a_surface_of_nearly_its_colour_is_found_from_its_faint_border(surface):
    # The main edge map shows no border here, and every faint line has card colour on both sides, as print does.
    truth = np.array([(260, 180), (930, 230), (900, 700), (230, 660)], np.float32)
    image = place([truth], np.full((900, 1200, 3), surface, np.uint8), photo_box=False)
    assert best_error(truth, image) < TOLERANCE


@pytest.mark.parametrize(
    ("patch_share", "ring_weight", "min_complete"),
    [
        (0.0, SURFACE_RING_WEIGHT, SURFACE_MIN_COMPLETE),  # the whole frame is card-coloured cloth
        (0.08, 1.0, SURFACE_MIN_COMPLETE),  # ~88% covered: the border must vouch, the ring still counts in full
        (0.25, 1.0, 0.0),  # a plain surface with card colour here and there
    ],
)
def test_a_card_coloured_surface_makes_the_border_vouch(patch_share, ring_weight, min_complete):
    """A quad along the frame's edges and one stray line (its border ~18% seen) must not outscore a card on a
    cloth of its colour: from SURFACE_COMPLETE_COVERAGE on, such quads are dropped; only from SURFACE_COVERAGE on
    does the card colour just outside a quad stop vetoing it."""
    truth = np.array([(420, 120), (1130, 230), (1110, 700), (400, 740)], np.float32)
    surface = np.full((900, 1200, 3), (190, 222, 190), np.uint8)  # card colour on the strict map
    side = np.sqrt(patch_share)
    cv2.rectangle(surface, (0, 0), (int(1200 * side), int(900 * side)), (60, 90, 40), -1)  # a dark patch
    _, scoring = _refined_candidates(place([truth], surface, photo_box=False))
    assert (scoring.ring_weight, scoring.min_complete) == (ring_weight, min_complete)


@pytest.mark.parametrize(
    "image",
    [
        np.random.default_rng(5).integers(0, 256, (900, 1200, 3), dtype=np.uint8),
        np.full((900, 1200, 3), 255, np.uint8),
        np.full((900, 1200, 3), (180, 120, 60), np.uint8),
    ],
    ids=["noise", "white page", "plain colour"],
)
def test_no_card_gives_nothing(image):
    assert locate_cards(image) == []


def test_print_inside_a_card_coloured_region_is_told_from_its_border():
    card_colour = np.zeros((240, 320), np.float32)
    card_colour[40:200, 60:260] = 1.0
    starts = np.array([[80.0, 120.0], [80.0, 40.0]])  # a text line across the middle; the top border
    ends = np.array([[240.0, 120.0], [240.0, 40.0]])
    normals = np.array([[0.0, 1.0], [0.0, 1.0]])
    assert _inside_card_colour(starts, ends, normals, card_colour).tolist() == [True, False]


def test_a_faint_line_is_added_only_when_it_is_new():
    faint_edges = np.zeros((240, 320), np.uint8)
    faint_edges[60, 20:300] = 255  # a long faint edge across the frame
    faint_edges[180, 20:300] = 255  # another, already among the main lines
    no_card_colour = np.zeros((240, 320), np.float32)
    known = np.array([[0.0, 1.0, 180.0]])
    found = _faint_border_lines(faint_edges, no_card_colour, known)
    assert len(found) == 1
    assert abs(abs(found[0, 2]) - 60) < 1


@pytest.mark.parametrize("seed", range(5))
def test_lazy_colour_fits_pick_what_scoring_every_quad_picks(seed):
    rng = np.random.default_rng(seed)
    count, long_side = 2000, 640
    corners = rng.uniform(0, long_side, (count, 4, 2))
    corners[count // 2 :] = corners[: count // 2] + rng.normal(0, 3, (count // 2, 4, 2))  # near-duplicates
    bounds = rng.uniform(0, 1, count) * (rng.uniform(0, 1, count) > 0.3)
    colours = rng.uniform(0, 1, count)
    measured = []

    def colour_fit(indices):
        measured.extend(indices.tolist())
        return colours[indices]

    picked = _best_distinct_hypotheses(corners, bounds, colour_fit, long_side)

    scores = bounds * colours
    expected = []
    for index in np.argsort(-scores, kind="stable"):
        if scores[index] <= 0 or len(expected) == REFINED_CANDIDATES:
            break
        quad = corners[index].astype(np.float32)
        if not expected or _corner_distances(quad, np.array(expected)).min() > DISTINCT_SHARE * long_side:
            expected.append(quad)
    assert len(picked) <= REFINED_CANDIDATES + OTHER_CARD_PICKS
    assert np.array_equal(np.array(picked[:REFINED_CANDIDATES]), np.array(expected))
    assert len(measured) < count / 2  # the point of it: most quads' colour is never looked at


def test_another_card_of_the_same_size_is_picked_when_the_best_cards_variants_fill_the_picks():
    """An open wallet: the first page's outline variants score best; the other page (same size, a card width to the
    right) and a small box elsewhere score lower. The other page is refined too; the box is not."""
    first = np.array([(100, 100), (250, 100), (250, 200), (100, 200)], np.float64)
    centre = first.mean(axis=0)
    variants = [centre + (first - centre) * (1 + 0.12 * step) for step in range(REFINED_CANDIDATES + 5)]
    other_page = first + np.array([170.0, 0.0])
    small_box = np.array([(400, 300), (440, 300), (440, 330), (400, 330)], np.float64)
    corners = np.array([*variants, other_page, small_box])
    bounds = np.array([1.0] * len(variants) + [0.6, 0.7])
    picked = _best_distinct_hypotheses(corners, bounds, lambda indices: np.ones(len(indices)), 640)
    assert len(picked) == REFINED_CANDIDATES + 1
    assert np.array_equal(picked[-1], other_page.astype(np.float32))


def test_a_surface_edge_seen_through_a_sleeve_margin_is_passed_over():
    """The surface changes colour under the sleeve's margin, along the card's right side: that edge ends a band of
    surface colour as the card's border does, but only the card's border has stock just inside it. Started from the
    sleeve's own edge (a refit can take it), every side moves in to the card."""
    truth = np.array([(260, 180), (930, 230), (900, 700), (230, 660)], np.float32)
    base = background("plain", np.random.default_rng(7))
    along = truth[2] - truth[1]
    outward = np.array([along[1], -along[0]]) / np.linalg.norm(along)
    beyond = truth[[1, 2]] + 20 * outward  # 2 mm out from the card's right side, inside the 4.5 mm margin
    far = beyond + 2000 * outward
    cv2.fillConvexPoly(base, np.round([beyond[0], far[0], far[1], beyond[1]]).astype(np.int32), (150, 60, 120))
    margin = 45
    image = in_sleeve(place([truth], base), truth, margin)
    centre = truth.mean(axis=0)
    sleeve_edge = (truth - centre) * (1 + 2 * margin / np.linalg.norm(truth[1] - truth[0])) + centre
    # One side left on the surface's edge is off by 25 px, which averages to 1.5%: hold every side to a quarter.
    assert error(truth, _prefer_inner_borders(image, sleeve_edge.astype(np.float32))) < TOLERANCE / 4


def wallet_page(
    leather: tuple[int, int, int], surface: tuple[int, int, int] = (120, 125, 130)
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """An open wallet's page on a `surface`: a band of `leather` 9 mm wide round the card, a pale stitched seam 3 mm
    in from its edge. Also a quad whose right side lies on the band's outer edge, the top and bottom sides run on out
    to it."""
    truth = np.array([(260, 180), (930, 230), (900, 700), (230, 660)], np.float32)
    base = np.full((900, 1200, 3), surface, np.uint8)
    centre = truth.mean(axis=0)
    per_mm = np.linalg.norm(truth[1] - truth[0]) / 88

    def grown(millimetres: float) -> np.ndarray:
        return (truth - centre) * (1 + 2 * millimetres / 88) + centre

    cv2.fillConvexPoly(base, np.round(grown(9)).astype(np.int32), leather)
    seam = np.round(grown(6)).astype(np.int32)
    for start, end in zip(seam, np.roll(seam, -1, axis=0), strict=True):
        for step in np.arange(0, 1, 0.04):
            a, b = start + step * (end - start), start + (step + 0.02) * (end - start)
            cv2.line(base, tuple(int(v) for v in a), tuple(int(v) for v in b), (100, 110, 120), 2)
    along = truth[2] - truth[1]
    outward = np.array([along[1], -along[0]]) / np.linalg.norm(along)
    on_edge = truth.copy()
    for corner, before in ((1, 0), (2, 3)):
        direction = truth[corner] - truth[before]
        on_edge[corner] = truth[corner] + direction * 9 * per_mm / np.dot(direction, outward)
    return truth, place([truth], base), on_edge


def test_a_side_on_a_wallets_leather_edge_moves_in_to_the_card():
    """The finder can take the leather's edge, 9 mm out, for one short side (2026 wallet img_0237): that side moves
    in past the seam to the card's own border."""
    truth, image, on_leather = wallet_page((28, 26, 30))
    assert error(truth, on_leather) > TOLERANCE
    assert error(truth, _prefer_inner_borders(image, on_leather)) < TOLERANCE / 4


def test_a_wallets_leather_on_a_vivid_surface_is_passed_as_well():
    """Dark leather is nearer in colour to light card stock than to a pink cloth round the wallet, so the band does
    not look like the surface outside; its darkness vouches for it (3131 wallet img_0122, 5555 wallet img_0191)."""
    truth, image, on_leather = wallet_page((28, 26, 30), surface=(150, 110, 240))
    assert error(truth, _prefer_inner_borders(image, on_leather)) < TOLERANCE / 4


def test_a_side_9_mm_out_across_a_light_band_stays():
    """So deep, only a band as dark as leather is searched across: a light one (a photo box, glare) may be the card
    itself, and on cut-off or glared cards a side moved in to its edge (5555 hard img_0085)."""
    _, image, on_band = wallet_page((200, 200, 205))
    assert np.allclose(_prefer_inner_borders(image, on_band), on_band)


def sleeved_card() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A tilted card in a 4.5 mm sleeve on clutter: its quad, the image and the sleeve's edge."""
    truth = np.array([(260, 180), (930, 230), (900, 700), (230, 660)], np.float32)
    margin = 45
    image = in_sleeve(place([truth], background("clutter", np.random.default_rng(6))), truth, margin)
    centre = truth.mean(axis=0)
    scale = 1 + 2 * margin / np.linalg.norm(truth[1] - truth[0])
    return truth, image, ((truth - centre) * scale + centre).astype(np.float32)


def test_a_rival_outline_on_the_sleeve_gives_the_card_when_the_best_takes_a_slanted_side():
    """The best outline has the card's border on two sides, but its right side runs from the card's corner out to
    past the sleeve's (a shadow's edge): no inner border lies parallel to it. A rival on the sleeve's edge all round
    has the card's border just inside every side, so its moved-in outline replaces the best."""
    truth, image, sleeve_edge = sleeved_card()
    slanted = truth.copy()
    slanted[2] = sleeve_edge[2] + (sleeve_edge[2] - truth.mean(axis=0)) * 0.25  # 110 px past the sleeve's corner
    assert error(truth, _prefer_inner_borders(image, slanted)) > TOLERANCE  # the best alone stays off
    best, rival = LocatedCard(slanted, 0.8, 0.7), LocatedCard(sleeve_edge, 0.7, 1.0)
    _, scoring = _refined_candidates(image)
    found = _inner_outline(image, best, [best, rival], scoring)
    assert error(truth, found.quad) < TOLERANCE / 4
    assert found.score > best.score


def test_the_best_outline_stays_when_no_rival_moved_in_beats_it():
    """A rival far off the best (another card's outline) is no rival, and an outline already on the card's border
    does not move in: the best, moved in to the card's border, is kept with its own score."""
    truth, image, sleeve_edge = sleeved_card()
    elsewhere = LocatedCard(sleeve_edge * 0.3, 0.99, 1.0)
    best = LocatedCard(sleeve_edge, 0.6, 1.0)
    _, scoring = _refined_candidates(image)
    found = _inner_outline(image, best, [elsewhere, best, LocatedCard(truth, 0.5, 1.0)], scoring)
    assert error(truth, found.quad) < TOLERANCE / 4
    assert found.score == best.score


def test_no_rival_is_moved_in_when_the_best_lies_on_the_cards_own_border(monkeypatch):
    """Stock just inside every side of the best and none just outside: the card's border is found, and the rivals'
    inner search (the costly part) is skipped."""
    truth, image, sleeve_edge = sleeved_card()
    _, scoring = _refined_candidates(image)
    searched = []

    def counted(image, quad):
        searched.append(quad)
        return _prefer_inner_borders(image, quad)

    monkeypatch.setattr(engine.card_locate.finder, "_prefer_inner_borders", counted)
    best = LocatedCard(truth, 0.6, 1.0)
    found = _inner_outline(image, best, [best, LocatedCard(sleeve_edge, 0.5, 1.0)], scoring)
    assert len(searched) == 1
    assert error(truth, found.quad) < TOLERANCE / 4
    searched.clear()
    _inner_outline(image, LocatedCard(sleeve_edge, 0.6, 1.0), [LocatedCard(sleeve_edge, 0.6, 1.0), best], scoring)
    assert len(searched) == 1  # the rival on the card's border cannot move in: only the best's outline is searched


RUN_ALONG = np.arange(6) * 60.0  # six runs along a side, px
EDGE_DEPTHS = np.arange(40.0)  # px inward from the side


def edges_at(*per_run: tuple[float, ...]) -> np.ndarray:
    """(6, 40) candidate mask with an edge at each listed depth of each run."""
    candidates = np.zeros((len(RUN_ALONG), len(EDGE_DEPTHS)), bool)
    for run, depths in enumerate(per_run):
        candidates[run, [int(depth) for depth in depths]] = True
    return candidates


def test_the_inner_border_is_the_edge_most_runs_line_up_on_not_each_run_s_first():
    """Two runs show a shallower edge (a colour change under the margin), one a deeper one only (print hiding the
    border): the four runs that share a straight border decide, and runs off it get nothing."""
    candidates = edges_at((8, 20), (20,), (12, 20), (20,), (31,), (20,))
    chosen, _ = _consensus_depths(candidates, np.zeros_like(candidates), EDGE_DEPTHS, RUN_ALONG, 2.0)
    assert np.array_equal(np.isnan(chosen), [False, False, False, False, True, False])
    assert np.all(chosen[~np.isnan(chosen)] == 20)


def test_a_tilted_inner_border_is_followed_across_the_runs():
    border = 10 + 0.05 * RUN_ALONG  # 10 px at one end, 25 at the other
    candidates = edges_at(*[(round(depth), 35) if run % 2 else (round(depth),) for run, depth in enumerate(border)])
    chosen, _ = _consensus_depths(candidates, np.zeros_like(candidates), EDGE_DEPTHS, RUN_ALONG, 2.0)
    assert np.allclose(chosen, np.round(border))


@pytest.mark.parametrize("stock_inside_deeper", [True, False])
def test_of_two_straight_edges_the_one_with_stock_inside_wins_else_the_outermost(stock_inside_deeper):
    candidates = edges_at(*[(10, 24)] * 6)
    on_stock = np.zeros_like(candidates)
    on_stock[:, 24] = stock_inside_deeper
    chosen, backed = _consensus_depths(candidates, on_stock, EDGE_DEPTHS, RUN_ALONG, 2.0)
    assert np.all(chosen == (24 if stock_inside_deeper else 10))
    assert np.all(backed == stock_inside_deeper)


def test_the_margin_colour_of_several_quads_at_once():
    """The card's own border has stock just inside and the surface outside; a quad inside the card has stock on
    both sides of its sides; a quad wholly outside the frame scores nothing."""
    truth = np.array([(260, 180), (930, 230), (900, 700), (230, 660)], np.float64)
    image = place([truth.astype(np.float32)], background("clutter", np.random.default_rng(3)))
    centre = truth.mean(axis=0)
    inside_card = (truth - centre) * 0.5 + centre
    off_frame = truth + np.array([3000.0, 0.0])
    border, inner, outside = _margin_colours(image, np.array([truth, inside_card, off_frame]))
    assert border > 0.9
    assert inner < 0.5
    assert outside == 0.0
    cut = truth - np.array([400.0, 0.0])  # its left part off the frame: the stock is the median of what shows
    cut_image = place([cut.astype(np.float32)], background("clutter", np.random.default_rng(3)))
    assert _margin_colours(cut_image, cut[None])[0] > 0.9


def test_only_each_run_s_outermost_edges_are_candidates():
    """A busy texture under the sleeve can show an edge every few pixels; lines through pairs of them grow as the
    square of their number, so only the outermost few of each run count."""
    noise = tuple(range(1, 2 * INNER_MAX_EDGES_PER_RUN + 1, 2))  # as many edges as are kept, all before the border
    candidates = edges_at(*[(*noise, 30)] * 2, *[(30,)] * 4)
    chosen, _ = _consensus_depths(candidates, np.zeros_like(candidates), EDGE_DEPTHS, RUN_ALONG, 1.0)
    assert np.isnan(chosen[:2]).all()  # their border edge was the ninth: not seen
    assert np.all(chosen[2:] == 30)


@pytest.mark.filterwarnings("error")
def test_runs_at_one_place_give_only_flat_lines_and_no_division_by_zero():
    candidates = edges_at(*[(20,)] * 6)
    chosen, _ = _consensus_depths(candidates, np.zeros_like(candidates), EDGE_DEPTHS, np.zeros(6), 2.0)
    assert np.all(chosen == 20)


@pytest.mark.parametrize(
    ("on_line", "backed", "supported"),
    [
        (3, 2, True),  # a sleeve's margin ends at stock: three runs that mostly show it suffice
        (3, 0, False),  # glare washes the stock out; a column of labels lines up over three or four runs
        (4, 0, False),
        (5, 0, True),
        (6, 0, True),
    ],
)
def test_an_inner_border_needs_more_runs_when_its_edges_show_no_stock_inside(on_line, backed, supported):
    runs = np.arange(6)
    assert _border_supported(runs < on_line, runs < backed) == supported


def test_a_quad_placed_by_text_is_refitted_to_the_card_it_misses():
    """A frame from a page's printed text is ~6% of the card's width off: its sides find the card's edges, in the
    same corner order (its first corner stays the card's top-left)."""
    truth = rotated_quad((600, 450), 700, 8)
    image = place([truth], background("plain", np.random.default_rng(0)))
    centre = truth.mean(axis=0)
    text_frame = (centre + (truth - centre) * 0.93 + (20, -12)).astype(np.float32)
    assert error(truth, text_frame) > 0.04
    fitted = fit_to_edges(image, text_frame)
    assert fitted is not None
    assert np.linalg.norm(fitted - truth, axis=1).mean() / 700 < TOLERANCE / 4  # no corner shift: the same order


def test_a_quad_placed_by_text_stays_where_no_card_edges_frame_it_better():
    """On a card's inside (print and stock, no border of its size near) the refit frames nothing better: None."""
    truth = rotated_quad((600, 450), 700, 0)
    image = place([truth], background("plain", np.random.default_rng(0)))
    inside = rotated_quad((600, 450), 420, 0).astype(np.float32)
    assert fit_to_edges(image, inside) is None


def test_a_quad_placed_by_text_keeps_to_the_card_not_a_stronger_edge_past_it():
    """An open wallet's leather runs 40 px past the page onto a white surface: the wide search jumps to that stronger
    edge (5.8% off), the near one stops at the card's own border, which has stock just inside it."""
    truth = rotated_quad((600, 420), 600, 0)
    surface = np.full((900, 1200, 3), 255, np.uint8)
    wallet = np.round(truth + np.array([(-40, -40), (40, -40), (40, 40), (-40, 40)])).astype(np.int32)
    cv2.fillConvexPoly(surface, wallet, (35, 30, 30))
    image = place([truth], surface)
    text_frame = (truth + np.array([(6, -8), (6, -8), (6, 8), (6, 8)])).astype(np.float32)
    fitted = fit_to_edges(image, text_frame)
    assert fitted is not None
    assert error(truth, fitted) < TOLERANCE / 4
