"""The real models on rendered text: every model set must return the exact strings of a license's values."""

from dataclasses import replace

import cv2
import numpy as np
import pytest

from engine import Engine, EngineConfig
from engine.manifest import load_manifest
from engine.pipeline import ORIENTATION_VOTERS
from tests.rendering import render_lines

LICENSE_STRINGS = [
    "150402199902223122",
    "44030519880715231X",
    "2015-08-26",
    "谢乐桃",
    "内蒙古自治区赤峰市红山区33号",
    "C1",
    "河北省秦皇岛市公安局交通警察支队",
    "实习期至2016年08月25日。",
]
MODEL_SETS = sorted(load_manifest().sets)


@pytest.fixture(scope="module", params=MODEL_SETS)
def engine(request):
    return Engine(replace(EngineConfig(), model_set=request.param))


@pytest.mark.parametrize("font_name", ["noto-sans", "wqy-zenhei"])
def test_every_model_set_reads_license_values_exactly(engine, font_name):
    lines = engine.read_text(render_lines(LICENSE_STRINGS, font_name))
    assert [line.text for line in lines] == LICENSE_STRINGS
    assert all(0.5 <= line.score <= 1.0 for line in lines)


def test_quads_lie_on_their_rows(engine):
    image = render_lines(["2015-08-26", "C1"], size=32)
    first, second = engine.read_text(image)
    assert first.quad[0][1] < 40 < first.quad[2][1]
    assert second.quad[0][1] < 40 + 61 < second.quad[2][1]
    assert first.quad[1][0] > second.quad[1][0]  # the date is wider than the class


def test_upside_down_lines_are_turned_by_the_classifier(engine):
    image = cv2.rotate(render_lines(["河北省秦皇岛市公安局交通警察支队"]), cv2.ROTATE_180)
    (line,) = engine.read_text(image)
    assert line.text == "河北省秦皇岛市公安局交通警察支队"


def test_a_blank_page_has_no_lines(engine):
    assert engine.read_text(np.full((300, 400, 3), 255, dtype=np.uint8)) == []


def test_a_screenshot_s_lines_read_as_the_main_recognizer_reads_them():
    # The default set reads screenshots with its tiny recognizer first; 曌 is not in the tiny model's alphabet, so its
    # name is read again by the small one.
    engine = Engine()
    assert engine.screen_recognizer is not None
    strings = [*LICENSE_STRINGS, "丁兴曌"]
    assert "曌" not in engine.screen_recognizer.alphabet
    lines = engine.read_text(render_lines(strings), screen=True)
    assert [line.text for line in lines] == strings


def test_lines_past_the_orientation_voters_are_turned_with_the_majority(engine):
    # Only the longest lines are classified (pipeline.ORIENTATION_VOTERS); the short ones follow their way.
    strings = [*LICENSE_STRINGS, "男", "中国", "C1", "2016-08-25", "谢乐桃", "1501", "张三"]
    assert len(strings) > ORIENTATION_VOTERS
    lines = engine.read_text(cv2.rotate(render_lines(strings), cv2.ROTATE_180))
    assert sorted(line.text for line in lines) == sorted(strings)
