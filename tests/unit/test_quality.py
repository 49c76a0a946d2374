"""Image-quality signals on a drawn main page placed in a photo: each moves with its own problem and not the others."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from engine.card import CardFrame
from engine.quality import page_quality
from tests.rendering import render_front_page

PHOTO = (1400, 1000)  # width, height


def photographed(
    quad: np.ndarray, blur_sigma: float = 0.0, glare: float = 0.0, shadow: bool = False, pale: float = 0.0
) -> np.ndarray:
    """The drawn page warped to `quad` (clockwise from its top-left) on a grey desk, then shaded, lit and blurred.
    `glare`: how far toward white a hot spot lifts the card at its centre; `pale`: the page's stock and ink lifted
    this far toward white before (a paler card)."""
    page = render_front_page()
    height, width = page.shape[:2]
    source = np.array([(0, 0), (width, 0), (width, height), (0, height)], np.float32)
    photo = np.full((PHOTO[1], PHOTO[0], 3), 90, np.uint8)
    transform = cv2.getPerspectiveTransform(source, quad.astype(np.float32))
    cover = cv2.warpPerspective(np.full((height, width), 255, np.uint8), transform, PHOTO)
    if pale:
        page = (page + (255 - page.astype(np.float32)) * pale).astype(np.uint8)
    photo[cover > 127] = cv2.warpPerspective(page, transform, PHOTO)[cover > 127]
    if shadow:  # a hand's shadow over the card's left half
        left_half = photo[:, : int(quad[:, 0].mean())]
        left_half[:] = (left_half * 0.6).astype(np.uint8)
    if glare:  # a hot spot over the left of the card, where text is
        light = np.zeros(photo.shape[:2], np.float32)
        centre = tuple(int(v) for v in quad[[0, 3]].mean(axis=0) * 0.5 + quad.mean(axis=0) * 0.5)
        cv2.circle(light, centre, 120, 1.0, -1)
        light = cv2.GaussianBlur(light, (0, 0), 25)[:, :, None] * glare
        photo = (photo * (1 - light) + 255 * light).astype(np.uint8)
    if blur_sigma:
        photo = cv2.GaussianBlur(photo, (0, 0), blur_sigma)
    return photo


def card_at(left: float, top: float, width: float) -> np.ndarray:
    height = width * 60 / 88
    return np.array([(left, top), (left + width, top), (left + width, top + height), (left, top + height)], np.float32)


CARD = card_at(250, 200, 880)  # 10 px/mm


def test_a_clean_card_has_no_problem():
    quality = page_quality(photographed(CARD), CardFrame(CARD))
    assert max(quality.blur, quality.glare, quality.border_incomplete, quality.too_small) < 0.2


def test_blur_is_seen_and_only_blur():
    quality = page_quality(photographed(CARD, blur_sigma=3.0), CardFrame(CARD))
    assert quality.blur > 0.8
    assert max(quality.glare, quality.border_incomplete, quality.too_small) < 0.2


@pytest.mark.parametrize(("blur_sigma", "blurred"), [(2.0, True), (0.0, False)])
def test_sensor_noise_neither_hides_blur_nor_looks_like_it(blur_sigma, blurred):
    """Noise adds fine variation of its own, which a blurred photo keeps through the further blur."""
    photo = photographed(CARD, blur_sigma=blur_sigma).astype(np.float32)
    noisy = np.clip(photo + np.random.default_rng(0).normal(0.0, 4.0, photo.shape), 0, 255).astype(np.uint8)
    quality = page_quality(noisy, CardFrame(CARD))
    assert quality.blur > 0.8 if blurred else quality.blur < 0.2


def test_glare_is_seen_and_only_glare():
    quality = page_quality(photographed(CARD, glare=1.0), CardFrame(CARD))
    assert quality.glare > 0.8
    assert max(quality.blur, quality.border_incomplete, quality.too_small) < 0.2


@pytest.mark.parametrize(("glare", "seen"), [(0.7, True), (0.0, False)])
def test_glare_on_pale_stock_is_seen(glare, seen):
    """Stock at ~233 has 22 grey levels left to rise: glare that lifts it 70% of the way to white rises only ~15 at
    its centre, and washes the print out all the same."""
    quality = page_quality(photographed(CARD, glare=glare, pale=0.4), CardFrame(CARD))
    assert (quality.glare > 0.8) is seen


def test_a_shadow_is_not_glare():
    """The sunlit side of a shadow stands well above the card's mean brightness, but keeps the stock's tint."""
    quality = page_quality(photographed(CARD, shadow=True), CardFrame(CARD))
    assert quality.glare < 0.2


@pytest.mark.parametrize(("left", "incomplete"), [(-60, True), (600, True), (30, False), (-5, False), (525, False)])
def test_a_card_running_off_the_photo_has_an_incomplete_border(left, incomplete):
    """600: its right edge lies 80 px past the photo's. A side found up to 0.9 mm (9 px here) out, as on a scan
    cropped close, lies on the photo's edge: -5, and 525 (its right edge 5 px past)."""
    card = card_at(left, 200, 880)
    quality = page_quality(photographed(card), CardFrame(card))
    assert (quality.border_incomplete > 0.8) is incomplete


def test_a_small_card_is_flagged_too_small():
    small = card_at(300, 300, 88 * 3.5)  # 3.5 px/mm
    quality = page_quality(photographed(small), CardFrame(small))
    assert quality.too_small > 0.8 and page_quality(photographed(CARD), CardFrame(CARD)).too_small == 0.0
