"""benchmarks.compare on hand-built `dlocr eval --json` reports."""

import json

import pytest

from benchmarks.compare import Totals, compare, image_changes, main


def _report(misses: dict[str, dict[str, object]], fields_right: int, bands: tuple[int, int] = (10, 1)) -> dict:
    """Two photo images of 10 fields each; `misses` maps an image to its wrong fields and the values read."""
    images = [
        {
            "image": name,
            "tier": "photo",
            "expected_side": "front",
            "expected_type": "normal",
            "error_code": None,
            "misses": [{"field": key, "expected": "x", "got": got, "confidence": 0.5} for key, got in wrong.items()],
        }
        for name, wrong in misses.items()
    ]
    right, wrong = bands
    return {
        "summary": {
            "tiers": {
                "photo": {
                    "fields": {"front.name": {"correct": fields_right, "total": 20}},
                    "card_level": {"correct": sum(not wrong for wrong in misses.values()), "total": len(misses)},
                    "cards_found": {"correct": 2, "total": 2},
                }
            },
            "confidence": [
                {
                    "threshold": 0.9,
                    "kept": {"correct": 12, "total": 20},
                    "right": {"correct": right, "total": right + wrong},
                }
            ],
        },
        "images": images,
    }


BEFORE = _report(
    {"img_0001.jpg": {"front.name": "张", "front.address": "北京", "front.class": "C"}, "img_0002.jpg": {}}, 18
)
AFTER = _report(
    {"img_0001.jpg": {"front.address": "北京市", "front.class": "C"}, "img_0002.jpg": {"front.sex": None}}, 18, (11, 0)
)


def test_each_changed_field_is_named_fixed_broken_or_reread():
    first, second = image_changes(BEFORE, AFTER)
    assert (first.image, first.fixed, first.broken, first.reread) == (
        "img_0001.jpg",
        ("front.name",),
        (),
        (("front.address", "北京", "北京市"),),
    )
    assert (second.image, second.fixed, second.broken) == ("img_0002.jpg", (), (("front.sex", None),))


def test_totals_add_up_over_pairs_and_bands_count_the_wrong_values():
    totals = Totals()
    totals.add(BEFORE["summary"])
    totals.add(AFTER["summary"])
    assert totals.tiers["photo"] == {"fields": (36, 40), "cards": (1, 4), "quads": (4, 4)}
    assert totals.bands == {0.9: (21, 1)}


def test_the_printed_comparison_gives_both_sides_and_the_net_change(tmp_path):
    before, after = tmp_path / "before.json", tmp_path / "after.json"
    before.write_text(json.dumps(BEFORE), encoding="utf-8")
    after.write_text(json.dumps(AFTER), encoding="utf-8")
    text = compare([before, after])
    assert "18/20 (90.00%)" in text
    cards_row = next(line for line in text.splitlines() if line.startswith("photo") and "cards" in line)
    assert cards_row.split()[-1] == "-1"  # img_0002 was read whole and is not any more
    assert "10 / 1" in text and "11 / 0" in text
    assert "2 images changed (+0 fields right)" in text
    assert "broke front.sex (missing)" in text
    assert 'reread front.address "北京" -> "北京市"' in text


def test_reports_of_different_folders_are_refused(tmp_path, capsys):
    other = _report({"img_0001.jpg": {}, "img_0003.jpg": {}}, 20)
    with pytest.raises(ValueError, match="different images"):
        image_changes(BEFORE, other)
    same_names = _report({"img_0001.jpg": {}, "img_0002.jpg": {}}, 20)
    same_names["images"][1]["tier"] = "hard"  # another seed's image of the same name
    with pytest.raises(ValueError, match="different images"):
        image_changes(BEFORE, same_names)
    before, after = tmp_path / "before.json", tmp_path / "after.json"
    before.write_text(json.dumps(BEFORE), encoding="utf-8")
    after.write_text(json.dumps(other), encoding="utf-8")
    assert main([str(before), str(after)]) == 2
    assert main([str(before)]) == 2
    assert "pairs" in capsys.readouterr().err


def test_a_failed_image_read_now_counts_its_fields_not_its_error(tmp_path):
    failed = _report({"img_0001.jpg": {"front.name": None, "front.number": None}, "img_0002.jpg": {}}, 18)
    failed["images"][0]["error_code"] = "NoLicenseFound"
    read = _report({"img_0001.jpg": {}, "img_0002.jpg": {}}, 20)
    before, after = tmp_path / "before.json", tmp_path / "after.json"
    before.write_text(json.dumps(failed), encoding="utf-8")
    after.write_text(json.dumps(read), encoding="utf-8")
    text = compare([before, after])
    assert "1 images changed (+2 fields right)" in text
    assert "fixed front.name, front.number, error" in text
