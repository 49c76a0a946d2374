"""`dlocr eval` metrics on a hand-made folder whose answers are known, the readers, and the reports."""

from __future__ import annotations

import json
import math
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import cv2
import numpy as np
import pytest

from benchmarks.eval import metrics, report
from benchmarks.eval.readers import Prediction, ReaderUnavailable, http_reader, license_result_to_api
from benchmarks.labels import Label, read_folder, write_label
from benchmarks.memory import MemoryUse, resident_mb
from engine.results import FieldValue, LicenseResult, PageResult

FRONT = {
    "number": "130302199001011234", "name": "张三", "sex": "男", "nationality": "中国",
    "address": "河北省秦皇岛市海港区人民路33号", "birth": "1990-01-01", "issue_date": "2012-05-06", "class": "C1",
    "valid_from": "2018-05-06", "valid_to": "2028-05-06", "issuing_authority": "河北省秦皇岛市公安局交通警察支队",
}  # fmt: skip
BACK = {
    "number": "130302199001011234",
    "name": "张三",
    "file_number": "130300123456",
    "record": "实习期至2013年05月06日。",
}
ELECTRONIC = {
    **FRONT, "file_number": "130300123456", "accumulated_scores": "0", "status": ["正常"],
    "generation_date": "2024-03-05", "current_time": "2024-03-05 10:22:33", "type": "electronic",
}  # fmt: skip

# name -> (label, what the fake reader answers)
CASES: dict[str, tuple[Label, Prediction]] = {
    "img_0001": (Label("front", "normal", FRONT, tier="scan"), Prediction(dict(FRONT))),
    "img_0002": (
        Label("back", "normal", BACK, tier="photo"),
        Prediction({**BACK, "record": "实习期至2013年05月06日.", "confidence": {"record": 0.42}}),  # half-width stop
    ),
    "img_0003": (
        Label("front", "electronic", ELECTRONIC, tier="screenshot"),
        Prediction({**ELECTRONIC, "current_time": "2024-03-05 10:22:34"}),
    ),
    "img_0004": (
        Label(
            "double_side",
            "normal",
            {"front": FRONT, "back": BACK},
            tier="wallet",
            geometry={
                "image_size": [160, 120],
                "cards": [
                    {
                        "side": "front",
                        "quad": [[10, 10], [70, 10], [70, 50], [10, 50]],
                        "rotation_deg": 0.0,
                        "orientation": 0,
                    }
                ],
            },
        ),
        Prediction(None, "AIS.0104", "The image is not supported or the image quality is poor."),
    ),
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for index, (name, (label, _)) in enumerate(CASES.items()):
        image = np.full((120, 160, 3), 40 * index, np.uint8)  # distinct bytes per image
        path = tmp_path / f"{name}.png"
        cv2.imwrite(str(path), image)
        write_label(path, label)
    (tmp_path / "stamp.json").write_text("{}")  # not a label: no image beside it
    return tmp_path


def fake_reader(folder: Path):
    answers = {(folder / f"{name}.png").read_bytes(): prediction for name, (_, prediction) in CASES.items()}
    return lambda data: answers[data]


def test_metrics_on_known_answers(folder: Path):
    items = read_folder(folder)
    assert [item.name for item in items] == [f"{name}.png" for name in CASES]
    outcomes, wall_s = metrics.run(items, fake_reader(folder))
    summary = metrics.summarize(outcomes, wall_s)

    assert summary.images == 4
    assert (summary.card_level.correct, summary.card_level.total) == (1, 4)
    assert (summary.side.correct, summary.side.total) == (3, 4)
    assert (summary.type.correct, summary.type.total) == (3, 4)
    assert summary.errors == {"AIS.0104": 1}
    fields = {key: (rate.correct, rate.total) for key, rate in summary.fields.items()}
    assert fields["front.name"] == (2, 3)  # right on the scan and the screenshot, lost to the error
    assert fields["front.current_time"] == (0, 1)
    assert fields["front.status"] == (1, 1)
    assert fields["back.number"] == (1, 2)
    assert fields["back.record"] == (0, 2)
    order = list(summary.fields)
    assert order[0] == "front.number" and order[-1] == "back.record"
    assert {tier: ts.card_level.correct for tier, ts in summary.tiers.items()} == {
        "photo": 0, "scan": 1, "screenshot": 0, "wallet": 0,
    }  # fmt: skip
    assert summary.latency_p95_ms >= summary.latency_p50_ms >= 0
    assert summary.throughput_per_s > 0


@pytest.mark.parametrize(
    ("expected", "got", "correct"),
    [(["正常"], ["正常"], True), (["正常"], ("正常",), True), (["正常"], "正常", False), (["正常"], [], False)],
)
def test_status_compares_as_a_list(expected, got, correct):
    assert metrics._matches("status", expected, got) is correct


def test_fields_compare_exactly_without_normalization():
    assert metrics._matches("name", "张三", "张三")
    assert not metrics._matches("name", "张三", " 张三")
    assert not metrics._matches("class", "C1", "c1")
    assert not metrics._matches("name", "张三", None)


def test_double_side_prediction_scores_both_pages(folder: Path):
    items = [item for item in read_folder(folder) if item.label.side == "double_side"]
    outcome = metrics.score(items[0], Prediction({"front": dict(FRONT), "back": {**BACK, "name": "李四"}}), 0.01)
    assert outcome.predicted_side == "double_side"
    assert [check.key for check in outcome.misses] == ["back.name"]


def test_reports(folder: Path, tmp_path: Path):
    outcomes, wall_s = metrics.run(read_folder(folder), fake_reader(folder))
    summary = metrics.summarize(outcomes, wall_s)
    text = report.table(summary, "hand-made")
    assert "card level" in text and "AIS.0104 x1" in text and "back.record" in text

    report.write_json(tmp_path / "r.json", summary, outcomes)
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data["summary"]["card_level"] == {"correct": 1, "total": 4, "accuracy": 0.25}
    assert data["images"][1]["misses"] == [
        {
            "field": "back.record",
            "expected": "实习期至2013年05月06日。",
            "got": "实习期至2013年05月06日.",
            "confidence": 0.42,
        }
    ]

    assert data["images"][0]["card_errors"] == []  # the fake reader reports no cards

    report.write_html(tmp_path / "r.html", summary, outcomes, "hand-made")
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<svg" in page and page.count("data:image/jpeg;base64,") == 3  # the three images with misses
    assert "实习期至2013年05月06日." in page and "AIS.0104" in page

    results = tmp_path / "RESULTS.md"
    results.write_text("# Results\n\n## Speed\n\nfast\n")
    report.append_results(results, summary, "hand-made")
    report.append_results(results, summary, "hand-made")
    markdown = results.read_text(encoding="utf-8")
    assert markdown.count(report.RESULTS_HEADING) == 1 and markdown.count("\n### ") == 2
    assert "cores" in markdown and markdown.index("## Speed") < markdown.index(report.RESULTS_HEADING)

    results.write_text(f"# Results\n\n{report.RESULTS_HEADING}\n\nold run\n\n## Speed\n\nfast\n")
    report.append_results(results, summary, "hand-made")
    markdown = results.read_text(encoding="utf-8")
    assert markdown.index("old run") < markdown.index("\n### ") < markdown.index("## Speed")


def test_engine_result_maps_to_the_api_shape():
    front = PageResult(
        "front", "electronic", {"name": FieldValue("张三", 0.9), "status": FieldValue(("正常",), 0.8)}, 0.9
    )
    back = PageResult("back", "normal", {"record": FieldValue("", 0.9)}, 0.9)
    assert license_result_to_api(LicenseResult(pages=(front,))) == {
        "name": "张三",
        "status": ["正常"],
        "type": "electronic",
        "confidence": {"name": 0.9, "status": 0.8},
    }
    assert license_result_to_api(LicenseResult(pages=(back, front)))["back"] == {
        "record": "",
        "confidence": {"record": 0.9},
    }


def test_confidence_bands_say_what_accepting_scored_values_gives(folder: Path):
    """Three scored values: right at 0.95, wrong at 0.6, right at 0.3; a value with no score is left out."""
    item = next(item for item in read_folder(folder) if item.label.side == "back")
    scores = {"number": 0.95, "name": 0.6, "file_number": 0.3}
    prediction = Prediction({**BACK, "name": "李四", "confidence": scores})
    outcome = metrics.score(item, prediction, 0.01)
    assert {check.field: check.confidence for check in outcome.checks} == {**scores, "record": None}
    bands = {band.threshold: band for band in metrics.confidence_bands([outcome])}
    assert (bands[0.5].kept.correct, bands[0.5].kept.total) == (2, 3)
    assert (bands[0.5].right.correct, bands[0.5].right.total) == (1, 2)
    assert (bands[0.9].kept.correct, bands[0.9].right.correct, bands[0.9].right.total) == (1, 1, 1)
    assert (bands[0.99].kept.correct, bands[0.99].right.total) == (0, 0)
    assert metrics.confidence_bands([metrics.score(item, Prediction(dict(BACK)), 0.01)]) == ()
    table = report.table(metrics.summarize([outcome], 1.0), "here")
    assert ">= 0.50" in table and "66.7% (2/3)" in table and "50.0% (1/2)" in table


def test_missing_read_license_is_a_one_line_error(folder: Path, monkeypatch, capsys):
    import engine.pipeline
    from engine.cli import main

    class EngineWithoutReadLicense:
        def __init__(self, config):
            self.config = config

    monkeypatch.setattr(engine.pipeline, "Engine", EngineWithoutReadLicense)
    assert main(["eval", str(folder)]) == 1
    error = capsys.readouterr().err.strip()
    assert error.startswith("dlocr eval: the engine has no read_license") and "\n" not in error


def test_http_reader_posts_base64_and_reads_results_and_errors():
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            seen.append((self.path, body))
            failing = body["image"] == "YmFk"  # base64 of b"bad"
            payload = {"error_code": "AIS.0104", "error_msg": "poor"} if failing else {"result": {"name": "张三"}}
            data = json.dumps(payload).encode()
            self.send_response(400 if failing else 200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        read = http_reader(f"http://127.0.0.1:{server.server_port}", project="p1", side="front")
        assert read(b"good") == Prediction({"name": "张三"})
        assert read(b"bad") == Prediction(None, "AIS.0104", "poor")
        assert seen[0] == (
            "/v2/p1/ocr/driver-license",
            {"image": "Z29vZA==", "return_confidence": True, "side": "front"},
        )
    finally:
        server.shutdown()
        server.server_close()


def test_unreachable_server_stops_the_run():
    read = http_reader("http://127.0.0.1:9", timeout_s=2)
    with pytest.raises(ReaderUnavailable, match="cannot reach"):
        read(b"x")


def test_card_errors_measure_corners_and_orientation():
    from benchmarks.eval.metrics import card_errors

    truth = [[100.0, 100.0], [980.0, 100.0], [980.0, 700.0], [100.0, 700.0]]
    geometry = {"image_size": [1200, 900], "cards": [{"side": "front", "quad": truth}]}
    near = tuple((x + 8.8, y) for x, y in truth)  # 1% of the 880 px width off
    upside_down = tuple(map(tuple, truth[2:] + truth[:2]))
    (found,) = card_errors(geometry, (("front", near),))
    assert found.found and abs(found.error - 0.01) < 1e-6
    (turned,) = card_errors(geometry, (("front", upside_down),))
    assert not turned.found and turned.located
    (missing,) = card_errors(geometry, (("back", near),))
    assert not missing.located


def test_the_json_report_gives_each_cards_corner_error(folder: Path, tmp_path: Path):
    outcomes, wall_s = metrics.run(read_folder(folder), fake_reader(folder))
    errors = (metrics.CardError("front", 0.0123456, 1.5), metrics.CardError("back", math.inf, math.inf))
    outcomes[0] = replace(outcomes[0], card_errors=errors)
    report.write_json(tmp_path / "r.json", metrics.summarize(outcomes, wall_s), outcomes)
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data["images"][0]["card_errors"] == [
        {"side": "front", "error": 0.0123, "turned": 1.5},
        {"side": "back", "error": None, "turned": None},  # no back page found: JSON has no infinity
    ]


def test_quality_flags_are_scored_against_the_labels_blur_and_glare(folder: Path):
    """A blurred, unglared photo: a page flagging both gets blur right and glare wrong; a reader without flags (a
    server) and a label without light are not judged."""
    item = next(item for item in read_folder(folder) if item.label.side == "front" and item.label.tier == "scan")
    lit = replace(
        item,
        label=replace(item.label, geometry={"image_size": [160, 120], "blur_sigma": 1.5, "glare": False, "cards": []}),
    )
    flagged = metrics.score(lit, Prediction(dict(FRONT), cards=(), flags=((True, True, False),)), 0.01)
    assert (flagged.blur_agrees, flagged.glare_agrees) == (True, False)
    assert metrics.score(lit, Prediction(dict(FRONT)), 0.01).glare_agrees is None
    assert (
        metrics.score(item, Prediction(dict(FRONT), cards=(), flags=((True, True, False),)), 0.01).blur_agrees is None
    )
    summary = metrics.summarize([flagged], 1.0)
    scan = summary.tiers["scan"]
    assert (scan.blur_agrees, scan.glare_agrees) == (metrics.Rate(1, 1), metrics.Rate(0, 1))
    assert "glare flag right" in report.table(summary, "here")


@pytest.mark.parametrize(("left", "cut"), [(-20.0, True), (0.0, False), (10.0, False)])
def test_the_border_flag_is_scored_against_a_card_the_frame_cuts_off(folder: Path, left: float, cut: bool):
    """A card 100 px wide in a 160 x 120 photo: 20 px past the left edge, its left side and part of its top and bottom
    lie outside; on the edge, or inside, none. A page flagging its border agrees with the label only when it is cut."""
    item = next(item for item in read_folder(folder) if item.label.side == "front" and item.label.tier == "scan")
    quad = [[left, 20.0], [left + 100.0, 20.0], [left + 100.0, 88.0], [left, 88.0]]
    geometry = {"image_size": [160, 120], "cards": [{"side": "front", "quad": quad}]}
    labelled = replace(item, label=replace(item.label, geometry=geometry))
    flagged = metrics.score(labelled, Prediction(dict(FRONT), cards=(), flags=((False, False, True),)), 0.01)
    assert flagged.border_agrees is cut
    summary = metrics.summarize([flagged], 1.0)
    assert summary.tiers["scan"].border_agrees == metrics.Rate(int(cut), 1)
    assert "border flag right" in report.table(summary, "here")


def test_resident_memory_is_read_from_a_proc_status_text():
    status = "Name:\tpython\nVmHWM:\t  614400 kB\nVmRSS:\t  440320 kB\nThreads:\t3\n"
    assert resident_mb(status) == (430.0, 600.0)
    assert resident_mb("Name:\tpython\n") is None  # no such lines: not Linux's status
    assert resident_mb("VmHWM:\t1 MB\nVmRSS:\t1 MB\n") is None  # a unit we do not know


def test_the_table_says_the_memory_an_in_process_run_used(folder: Path):
    outcomes, wall_s = metrics.run(read_folder(folder), fake_reader(folder))
    summary = metrics.summarize(outcomes, wall_s)
    assert "memory" not in report.table(summary, "hand-made")  # a server's run: its memory is not ours
    measured = replace(summary, memory=MemoryUse(first_mb=412.4, last_mb=431.0, peak_mb=440.6))
    assert "412 MB after the first image, 431 MB after the last, peak 441 MB" in report.table(measured, "hand-made")
