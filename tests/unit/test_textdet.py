"""DB post-processing on hand-built probability maps, pinned to PaddleOCR's numerics."""

import numpy as np
import pytest

from engine.config import DetectionConfig
from engine.textdet import (
    Detection,
    DetectionInput,
    box_score,
    min_area_box,
    normalize,
    postprocess,
    resize_for_detection,
    sort_reading_order,
    unclip,
)


def blob_map(shape: tuple[int, int], rects: list[tuple[int, int, int, int]], value: float = 0.9) -> np.ndarray:
    probability = np.zeros(shape, dtype=np.float32)
    for x0, y0, x1, y1 in rects:
        probability[y0:y1, x0:x1] = value
    return probability


def test_two_blobs_give_two_quads_at_their_places_grown_by_unclip():
    probability = blob_map((128, 256), [(20, 20, 120, 40), (140, 80, 230, 100)])
    meta = DetectionInput(128, 256, 1.0, 1.0)
    detections = sort_reading_order(postprocess(probability, meta, DetectionConfig()))
    assert len(detections) == 2
    first, second = (d.quad for d in detections)
    # A 100x20 shrunk text kernel grows by area * 1.5 / perimeter = 3000 / 240 = 12.5 px on each side.
    assert first[0] == pytest.approx([20 - 12.5, 20 - 12.5], abs=1.5)
    assert first[2] == pytest.approx([119 + 12.5, 39 + 12.5], abs=1.5)
    assert second[0] == pytest.approx([140 - 11.0, 80 - 11.0], abs=2.0)
    assert all(d.score == pytest.approx(0.9, abs=1e-5) for d in detections)


def test_boxes_are_scaled_back_to_source_pixels():
    probability = blob_map((64, 64), [(10, 10, 50, 20)])
    meta = DetectionInput(128, 256, 0.5, 0.25)
    (detection,) = postprocess(probability, meta, DetectionConfig(unclip_ratio=0.0001))
    assert detection.quad[0] == pytest.approx([40, 20], abs=4.1)
    assert detection.quad[2] == pytest.approx([196, 38], abs=4.1)


def test_weak_and_tiny_blobs_are_dropped():
    probability = blob_map((100, 100), [(10, 10, 60, 30)], value=0.45)  # above thresh, below box_thresh 0.6
    probability[70:72, 70:72] = 0.99  # 2x2 px: under min_size
    assert postprocess(probability, DetectionInput(100, 100, 1, 1), DetectionConfig()) == []


def test_box_score_is_mean_probability_inside_the_box():
    probability = np.zeros((50, 50), dtype=np.float32)
    probability[10:20, 10:30] = 1.0
    probability[10:20, 30:40] = 0.5
    box = np.array([[10, 10], [39, 10], [39, 19], [10, 19]], dtype=np.float32)
    assert box_score(probability, box) == pytest.approx((200 * 1.0 + 100 * 0.5) / 300, abs=1e-6)


def test_unclip_grows_by_area_ratio_over_perimeter():
    box = np.array([[0, 0], [100, 0], [100, 20], [0, 20]], dtype=np.float32)
    _, short_side = min_area_box(unclip(box, 1.5))
    assert short_side == pytest.approx(20 + 2 * 12.5, abs=1.0)


def test_min_area_box_is_clockwise_from_top_left_for_a_tilted_rectangle():
    angle = np.deg2rad(10)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    corners = np.array([[0, 0], [100, 0], [100, 20], [0, 20]]) @ rotation.T + [200, 200]
    box, short_side = min_area_box(corners.astype(np.float32))
    assert short_side == pytest.approx(20, abs=0.5)
    assert box == pytest.approx(corners.astype(np.float32), abs=0.5)


@pytest.mark.parametrize(
    ("shape", "config", "expected"),
    [
        ((600, 900), DetectionConfig(limit_side_len=960, limit_type="max"), (608, 896)),
        ((1200, 1800), DetectionConfig(limit_side_len=960, limit_type="max"), (640, 960)),
        ((300, 500), DetectionConfig(limit_side_len=736, limit_type="min"), (736, 1216)),
        ((10, 10), DetectionConfig(), (32, 32)),
    ],
)
def test_resize_keeps_aspect_and_multiples_of_32(shape, config, expected):
    image = np.zeros((*shape, 3), dtype=np.uint8)
    resized, meta = resize_for_detection(image, config)
    assert resized.shape[:2] == expected
    assert meta.ratio_height == pytest.approx(expected[0] / shape[0])


def test_reading_order_is_rows_then_left_to_right():
    def at(x: float, y: float) -> Detection:
        quad = np.array([[x, y], [x + 10, y], [x + 10, y + 5], [x, y + 5]], dtype=np.float32)
        return Detection(quad, 1.0)

    detections = [at(200, 52), at(10, 100), at(10, 50), at(100, 48)]
    ordered = [tuple(d.quad[0]) for d in sort_reading_order(detections)]
    assert ordered == [(10, 50), (100, 48), (200, 52), (10, 100)]


def test_normalize_scales_each_channel_by_its_mean_and_std_in_channel_first_order():
    image = np.array([[[0, 128, 255], [255, 0, 51]]], dtype=np.uint8)  # one row, two BGR pixels
    tensor = normalize(image, mean=(0.5, 0.25, 0.0), std=(0.5, 0.25, 2.0))
    assert tensor.shape == (1, 3, 1, 2) and tensor.dtype == np.float32
    expected = (image.astype(np.float64) / 255 - [0.5, 0.25, 0.0]) / [0.5, 0.25, 2.0]
    np.testing.assert_allclose(tensor[0].transpose(1, 2, 0), expected, atol=1e-6)
