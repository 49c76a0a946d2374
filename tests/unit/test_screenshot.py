import cv2
import numpy as np
import pytest

from benchmarks.synth.generate import ImagePlan, make_image
from engine.screenshot import looks_like_screenshot
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
