"""The installed `dlocr` command: exact strings as JSON, and one-line errors without tracebacks."""

import json
import subprocess
import sys
from pathlib import Path

import cv2

from tests.rendering import render_lines

DLOCR = Path(sys.executable).parent / "dlocr"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(DLOCR), *args], capture_output=True, text=True, timeout=120, check=False)


def test_ocr_prints_one_json_object_per_image_with_exact_strings(tmp_path):
    strings = ["150402199902223122", "2015-06-18", "内蒙古自治区赤峰市33号"]
    image = tmp_path / "card.png"
    cv2.imwrite(str(image), render_lines(strings))
    result = run("ocr", str(image), str(image))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 2
    assert [line["text"] for line in records[0]["lines"]] == strings
    assert len(records[0]["lines"][0]["quad"]) == 4


def test_missing_and_unreadable_files_fail_with_one_line_and_no_traceback(tmp_path):
    garbage = tmp_path / "garbage.jpg"
    garbage.write_bytes(b"not an image")
    result = run("ocr", str(tmp_path / "missing.png"), str(garbage))
    assert result.returncode != 0
    assert result.stdout == ""
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 2
    assert "missing.png" in errors[0] and "garbage.jpg" in errors[1]
    assert "Traceback" not in result.stderr


def test_unknown_model_set_is_a_one_line_error(tmp_path):
    result = run("ocr", "--model-set", "nope", str(tmp_path / "x.png"))
    assert result.returncode == 1
    assert result.stderr.startswith("dlocr: unknown model set 'nope'")
    assert "Traceback" not in result.stderr


def test_version():
    result = run("--version")
    assert result.returncode == 0 and result.stdout.startswith("dlocr ")


def test_debug_dir_holds_the_found_page_drawn_and_the_rectified_card(tmp_path):
    from tests.rendering import render_front_page

    image = tmp_path / "front.png"
    cv2.imwrite(str(image), render_front_page())
    result = run("ocr", "--debug-dir", str(tmp_path / "debug"), str(image))
    assert result.returncode == 0, result.stderr
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(Path(path).name for path in record["debug"]) == ["front.front.jpg", "front.pages.jpg"]
    drawn = cv2.imread(str(tmp_path / "debug" / "front.pages.jpg"))
    assert drawn.shape == cv2.imread(str(image)).shape
    card = cv2.imread(str(tmp_path / "debug" / "front.front.jpg"))
    assert 1.3 < card.shape[1] / card.shape[0] < 1.6  # the 88 x 60 mm card, flat


def test_models_list_names_the_default_set_s_screen_recognizer_apart_from_its_main_one():
    listed = run("models", "list")
    assert listed.returncode == 0
    default = listed.stdout[: listed.stdout.index("ppocrv6-tiny")].splitlines()
    assert default[0] == "ppocrv6-small (default)"
    roles = [line[2:13].strip() for line in default[1:]]  # the role column, 11 wide
    assert roles == ["det", "rec", "cls", "screen rec", "screen dict"]
