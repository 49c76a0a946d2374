"""The shared real-world specimen (../shared/reference/specimen, not in this repo): read entirely right at every
right-angle rotation. Skipped where the shared folder is absent."""

import json
from pathlib import Path

import cv2
import pytest

from engine import Engine, ReadOptions
from engine.image import read_image_file

SPECIMEN = Path(__file__).resolve().parents[3] / "shared" / "reference" / "specimen" / "front-new-layout"
pytestmark = pytest.mark.skipif(not SPECIMEN.with_suffix(".jpg").exists(), reason="shared specimen not present")


@pytest.fixture(scope="module")
def engine():
    return Engine()


@pytest.mark.parametrize("rotation", [None, cv2.ROTATE_90_CLOCKWISE, cv2.ROTATE_180, cv2.ROTATE_90_COUNTERCLOCKWISE])
def test_specimen_reads_entirely_right(engine, rotation):
    expected = json.loads(SPECIMEN.with_suffix(".json").read_text(encoding="utf-8"))
    image = read_image_file(SPECIMEN.with_suffix(".jpg"))
    if rotation is not None:
        image = cv2.rotate(image, rotation)
    (page,) = engine.read_license(image, ReadOptions(side="front")).pages
    assert (page.side, page.license_type) == (expected["side"], expected["type"])
    assert {key: value.value for key, value in page.fields.items()} == expected["result"]
    quad = page.fields["number"].quad
    assert quad is not None
    xs, ys = [x for x, _ in quad], [y for _, y in quad]
    assert min(xs) >= 0 and max(xs) <= image.shape[1] and min(ys) >= 0 and max(ys) <= image.shape[0]
