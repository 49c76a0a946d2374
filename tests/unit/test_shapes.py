"""The GPU's shape policy: a few padded shapes when fixed, every shape untouched when not."""

import numpy as np
import pytest

from engine import card_reader
from engine.config import RecognitionConfig
from engine.runtime import CPU, CUDA
from engine.shapes import AS_GIVEN, DETECTION_SIDE_STEP, LINE_WIDTHS, ShapePolicy, pad_to
from engine.textrec import TextRecognizer

FIXED = ShapePolicy(fixed=True)


def test_shapes_as_given_are_untouched():
    assert AS_GIVEN.detection_side(608, 960) == (608, 960)
    assert AS_GIVEN.line_width(347) == 347
    assert AS_GIVEN.batch_rows(2, 6) == 2


@pytest.mark.parametrize(("height", "width", "side"), [(32, 64, 320), (608, 960, 960), (640, 320, 640), (672, 96, 960)])
def test_detection_inputs_are_padded_to_squares_of_the_step(height, width, side):
    assert FIXED.detection_side(height, width) == (side, side)
    assert side % DETECTION_SIDE_STEP == 0 and side >= max(height, width)


@pytest.mark.parametrize(("width", "bucket"), [(64, 160), (160, 160), (161, 320), (347, 480), (2000, 2048)])
def test_line_batches_are_padded_to_the_next_listed_width(width, bucket):
    assert FIXED.line_width(width) == bucket


def test_a_fixed_batch_is_always_full():
    assert FIXED.batch_rows(1, 6) == 6 and FIXED.batch_rows(6, 6) == 6


def test_pad_to_puts_zeros_after_the_data():
    tensor = np.ones((1, 3, 2, 2), dtype=np.float32)
    padded = pad_to(tensor, (2, 3, 4, 5))
    assert padded.shape == (2, 3, 4, 5) and padded.sum() == tensor.sum()
    assert (padded[0, :, :2, :2] == 1).all()
    assert pad_to(tensor, tensor.shape) is tensor


def test_the_policy_is_fixed_only_on_cuda():
    assert ShapePolicy.for_providers([CUDA, CPU], frozenset()).fixed
    assert not ShapePolicy.for_providers([CPU], frozenset()).fixed


def test_a_card_pages_detection_shape_is_left_exact():
    card = card_reader.detection_shape()
    policy = ShapePolicy(fixed=True, exact_detections=frozenset({card}))
    assert policy.detection_side(*card) == card
    assert policy.detection_side(card[0] - 32, card[1]) == FIXED.detection_side(card[0] - 32, card[1])


def test_a_fixed_recognizer_feeds_only_listed_shapes_and_keeps_each_line():
    seen = []
    classes = 5

    def run(tensor):
        seen.append(tensor.shape)
        steps = tensor.shape[3] // 8
        probabilities = np.zeros((tensor.shape[0], steps, classes), dtype=np.float32)
        probabilities[:, :, 0] = 1.0  # all blank
        probabilities[:, 1, 1] = 1.0  # one "a" per line, padding rows too
        probabilities[:, 1, 0] = 0.0
        return probabilities

    recognizer = TextRecognizer(run, ["blank", "a", "b", "c", " "], RecognitionConfig(batch_size=4), FIXED)
    crops = [np.zeros((48, width, 3), dtype=np.uint8) for width in (100, 300, 700, 90, 1500)]
    results = recognizer.recognize(crops)
    assert [result.text for result in results] == ["a"] * len(crops)
    assert all(rows == 4 and width in LINE_WIDTHS for rows, _, _, width in seen)
