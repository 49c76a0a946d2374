"""Which page a title's right end shows (layout.side.classify_title)."""

import numpy as np
import pytest

from engine.layout.side import TITLED_CONFIDENCE, classify_title

# A detected line where only the main page prints (its date rows), in card millimetres.
DATE_ROW = np.array([[35.0, 34.0], [55.0, 34.0], [55.0, 37.0], [35.0, 37.0]], dtype=np.float32)


@pytest.mark.parametrize(
    ("title", "side"),
    [
        ("驾驶证", "front"),
        ("驶证", "front"),
        ("骂驶证", "front"),
        ("驾驶证 ", "front"),  # a space or a speck after it is no print
        ("驾驶证.1", "front"),
        ("驾驶证副页", "back"),
        ("驶证副页", "back"),
        ("驾驶证制页", "back"),
        # Blurred back pages: 副页 read as other characters after the title's 证.
        ("控证证", "back"),
        ("我证研证", "back"),
    ],
)
def test_the_title_end_tells_the_page(title, side):
    kind = classify_title(title, [DATE_ROW] * 3)
    assert kind is not None
    assert (kind.side, kind.confidence) == (side, TITLED_CONFIDENCE)


def test_without_a_title_the_page_is_told_by_where_its_text_sits():
    front = classify_title("", [DATE_ROW] * 3)
    back = classify_title("", [DATE_ROW])
    assert front is not None and back is not None
    assert (front.side, back.side) == ("front", "back")
    assert max(front.confidence, back.confidence) < TITLED_CONFIDENCE
    assert classify_title("", []) is None
