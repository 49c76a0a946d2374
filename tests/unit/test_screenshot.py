import cv2
import numpy as np
import pytest

from benchmarks.synth.generate import ImagePlan, make_image
from engine.screenshot import MAX_BLOCKS, looks_like_screenshot
from tests.rendering import render_front_page


def decoded(tier: str, index: int) -> np.ndarray:
    data, _ = make_image(ImagePlan(index=index, tier=tier, master_seed=5))
    return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)


@pytest.mark.parametrize("index", [1, 2])
def test_an_apps_screen_looks_like_a_screenshot(index):
    assert looks_like_screenshot(decoded("screenshot", index))


@pytest.mark.parametrize("tier", ["scan", "photo", "hard", "wallet"])
def test_photos_and_scans_do_not(tier):
    assert not looks_like_screenshot(decoded(tier, 3))


def test_a_drawn_page_is_flat_until_a_camera_adds_noise():
    page = render_front_page()
    assert looks_like_screenshot(page)
    noise = np.random.default_rng(0).normal(0, 2.0, page.shape)
    assert not looks_like_screenshot(np.clip(page + noise, 0, 255).astype(np.uint8))


def test_clipped_white_or_black_is_not_flat_fill():
    assert not looks_like_screenshot(np.full((600, 800, 3), 255, np.uint8))
    assert not looks_like_screenshot(np.zeros((600, 800, 3), np.uint8))
    assert not looks_like_screenshot(np.zeros((5, 5, 3), np.uint8))


@pytest.mark.parametrize("scale", [1, 3])
def test_a_large_image_is_judged_from_a_sample_of_its_blocks(scale):
    """Enlarged 3 times (more than MAX_BLOCKS blocks, so every second or third is looked at), a screen is still flat
    fill and a photo still noisy; a width that is no multiple of the block size is fine."""
    screen, photo = decoded("screenshot", 1), decoded("photo", 3)
    screen = cv2.resize(screen, None, fx=scale, fy=scale, interpolation=cv2.INTER_NEAREST)[:, :-3]
    photo = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_NEAREST)[:, :-3]
    noise = np.random.default_rng(1).normal(0, 2.0, photo.shape)
    photo = np.clip(photo + noise, 0, 255).astype(np.uint8)  # a camera's own noise at its own resolution
    assert (screen.shape[0] // 8) * (screen.shape[1] // 8) > MAX_BLOCKS or scale == 1
    assert looks_like_screenshot(screen)
    assert not looks_like_screenshot(photo)
