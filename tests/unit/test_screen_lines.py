"""Which screenshots the cheaper screen recognizer reads first: those drawn at an app's own size, not shrunk."""

import numpy as np

from engine.pipeline import SCREEN_TINY_MIN_LINE_HEIGHT, drawn_large


def lines_of(*heights: int) -> list[np.ndarray]:
    return [np.zeros((height, 4 * height, 3), dtype=np.uint8) for height in heights]


def test_lines_an_app_draws_are_large_and_shrunk_ones_are_not():
    assert drawn_large(lines_of(34, 36, 35))  # a 720-px-wide screenshot as captured
    assert not drawn_large(lines_of(16, 17, 16))  # the same shrunk to 0.45 (forwarded, re-encoded)


def test_the_median_line_decides_so_a_few_small_captions_do_not():
    tall = SCREEN_TINY_MIN_LINE_HEIGHT + 10
    assert drawn_large(lines_of(tall, tall, tall, 8, 8))
    assert not drawn_large(lines_of(tall, tall, 8, 8, 8))


def test_no_lines_are_not_large():
    assert not drawn_large([])
