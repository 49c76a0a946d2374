"""The synthetic generator: self-consistent ground truth, byte-identical output per seed, quads where the cards are."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from benchmarks.labels import BACK_KEYS, ELECTRONIC_KEYS, FRONT_KEYS, read_folder
from benchmarks.synth import fonts
from benchmarks.synth.generate import (
    ImagePlan,
    SynthConfig,
    back_result,
    electronic_result,
    front_result,
    generate,
    make_image,
)
from benchmarks.synth.identity import CLASS_VOCABULARY, add_years, id_check_digit, random_license
from benchmarks.synth.regions import REGIONS_BY_CODE
from benchmarks.synth.render import SLASHED_ZERO_SHARE, _render_line, random_style, seal_lines
from benchmarks.synth.scene import GLARE_LABEL_LIFT, GLARE_LABEL_SHARE, _glare

IDENTITIES = 300


@pytest.fixture(scope="module")
def licenses():
    rng = np.random.default_rng(2026)
    return [random_license(rng) for _ in range(IDENTITIES)]


@pytest.mark.parametrize(
    ("first17", "check"),
    [("11010519491231002", "X"), ("44030519900101123", "X"), ("15040219990222312", "2")],
)
def test_check_digit_matches_gb11643(first17, check):
    """The GB 11643 example, a hand-computed case (weighted sum 200, mod 11 = 2), and the specimen's number."""
    assert id_check_digit(first17) == check


def test_identities_are_self_consistent(licenses):
    for license in licenses:
        front = front_result(license)
        number = front["number"]
        assert len(number) == 18 and number[:17].isdigit()
        assert number[17] == id_check_digit(number[:17])
        assert number[:6] in REGIONS_BY_CODE
        assert number[6:14] == front["birth"].replace("-", "")
        assert (int(number[16]) % 2 == 1) == (front["sex"] == "男")
        assert front["nationality"] == "中国"
        assert front["address"].startswith(license.person.home.full_name)
        assert front["issuing_authority"] == license.person.home.authority

        birth, issue = dt.date.fromisoformat(front["birth"]), dt.date.fromisoformat(front["issue_date"])
        valid_from = dt.date.fromisoformat(front["valid_from"])
        assert birth < issue <= valid_from
        assert add_years(birth, 18) <= issue
        if front["valid_to"] != "长期":
            valid_to = dt.date.fromisoformat(front["valid_to"])
            assert valid_from < valid_to
            assert valid_to == add_years(valid_from, license.validity_years or 0)
            assert (valid_to.month, valid_to.day) == (valid_from.month, valid_from.day)

        classes = front["class"]
        assert classes[:2] in CLASS_VOCABULARY or classes[0] in CLASS_VOCABULARY
        assert classes.replace(classes[:2] if classes[:2] in CLASS_VOCABULARY else classes[0], "", 1) in (
            "",
            *CLASS_VOCABULARY,
        )

        back = back_result(license)
        assert len(back["file_number"]) == 12 and back["file_number"].isdigit()
        if back["record"]:
            probation = add_years(issue, 1)
            assert back["record"] == f"实习期至{probation:%Y年%m月%d日}。"


def test_population_has_the_expected_variety(licenses):
    classes = [license.license_class for license in licenses]
    assert classes.count("C1") > classes.count("C2") > classes.count("A1")
    assert {license.layout for license in licenses} == {"old", "new"}
    assert any(license.validity_years is None for license in licenses)
    assert any(len(license.person.address) > 24 for license in licenses)  # long enough to wrap on the card


def test_results_have_exactly_the_api_keys(licenses):
    license = licenses[0]
    assert tuple(front_result(license)) == FRONT_KEYS
    assert tuple(back_result(license)) == BACK_KEYS
    electronic = electronic_result(license)
    assert tuple(electronic) == ELECTRONIC_KEYS
    assert isinstance(electronic["status"], list) and electronic["type"] == "electronic"


def test_seal_lines_rejoin_to_the_authority():
    for even in (True, False):
        lines = seal_lines("河北省秦皇岛市公安局交通警察支队", even)
        assert "".join(lines) == "河北省秦皇岛市公安局交通警察支队"
    assert seal_lines("河北省秦皇岛市公安局交通警察支队", False) == ("河北省秦皇岛", "市公安局", "交通警察支队")


def test_output_is_byte_identical_for_a_seed(tmp_path: Path):
    config = SynthConfig(n=3, seed=11, tiers=("photo", "wallet"), electronic_share=0.34)
    generate(config, tmp_path / "a", workers=1)
    generate(config, tmp_path / "b", workers=2)
    names = sorted(path.name for path in (tmp_path / "a").iterdir())
    assert len(names) == 7  # three images, three labels, the stamp
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    sides = {item.label.side for item in read_folder(tmp_path / "a")}
    assert "double_side" in sides


@pytest.mark.parametrize("tier", ["scan", "photo", "hard", "wallet"])
def test_label_quads_lie_on_the_cards(tier):
    """Inside each labelled quad the mint card tint dominates; just outside it does not (seeds chosen at random)."""
    for index in (1, 2):
        data, label = make_image(ImagePlan(index=index, tier=tier, master_seed=99))
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        assert label.geometry is not None
        height, width = image.shape[:2]
        assert label.geometry["image_size"] == [width, height]
        cards = label.geometry["cards"]
        assert len(cards) == (2 if tier == "wallet" else 1)
        assert {card["side"] for card in cards} == ({"front", "back"} if tier == "wallet" else {label.side})
        for card in cards:
            quad = np.array(card["quad"], np.float32)
            inside, ring = _inside_and_ring(quad, (height, width))
            greenness = image[:, :, 1].astype(np.float32) - image[:, :, 2].astype(np.float32)  # G - R in BGR
            assert inside.sum() > 0.1 * height * width / len(cards) or tier == "photo"
            if ring.sum() > 0:
                assert greenness[inside].mean() > greenness[ring].mean() + 5, (tier, index)
            assert 0 <= card["rotation_deg"] < 360 and card["orientation"] in (0, 90, 180, 270)


def test_labels_record_the_blur_and_glare_applied():
    """Scans are never blurred nor glared; hard photos are always blurred by 0.8-2.2 px and nearly always glared."""
    lights = {
        tier: [make_image(ImagePlan(index=index, tier=tier, master_seed=7))[1].geometry for index in range(1, 7)]
        for tier in ("scan", "hard")
    }
    assert all(light["blur_sigma"] == 0.0 and light["glare"] is False for light in lights["scan"])
    assert all(0.8 <= light["blur_sigma"] <= 2.2 for light in lights["hard"])
    assert any(light["glare"] for light in lights["hard"])


def test_glare_is_labelled_only_where_it_lit_the_card():
    """Glare bands cross the whole frame and light only the card: a small card is often missed, and the
    share the generator reports is the share of card pixels lifted GLARE_LABEL_LIFT of the way to white."""
    photo = np.full((400, 600, 3), 0.6, np.float32)
    card_mask = np.zeros((400, 600), np.uint8)
    card_mask[170:230, 250:350] = 255
    shares = []
    for seed in range(30):
        lit, share = _glare(photo.copy(), card_mask, np.random.default_rng(seed))
        lift = ((lit - photo) / (1.0 - photo)).mean(axis=2)[card_mask > 0]
        assert share == pytest.approx(float((lift >= GLARE_LABEL_LIFT - 1e-4).mean()), abs=0.01)
        shares.append(share)
    assert min(shares) == 0.0 and max(shares) > GLARE_LABEL_SHARE


def _inside_and_ring(quad: np.ndarray, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Pixels well inside the quad, and a band just outside it (excluding other labelled cards is not needed)."""
    centre = quad.mean(axis=0)
    inner = (quad - centre) * 0.85 + centre
    outer = (quad - centre) * 1.12 + centre
    outer_edge = (quad - centre) * 1.03 + centre
    inside = np.zeros(shape, np.uint8)
    band = np.zeros(shape, np.uint8)
    cv2.fillConvexPoly(inside, np.round(inner).astype(np.int32), 1)
    cv2.fillConvexPoly(band, np.round(outer).astype(np.int32), 1)
    cv2.fillConvexPoly(band, np.round(outer_edge).astype(np.int32), 0)
    return inside.astype(bool), band.astype(bool)


def test_screenshots_are_electronic_front_pages_without_card_edges():
    data, label = make_image(ImagePlan(index=1, tier="screenshot", master_seed=5))
    assert (label.side, label.type, label.tier) == ("front", "electronic", "screenshot")
    assert label.geometry == {"image_size": [720, 1560], "cards": []}
    assert data[:2] == b"\xff\xd8"
    assert json.loads(json.dumps(label.to_json(), ensure_ascii=False))["result"]["status"] == label.result["status"]


def test_config_rejects_unknown_tiers():
    with pytest.raises(ValueError, match="unknown tier"):
        SynthConfig(n=1, seed=0, tiers=("scan", "underwater"))


def test_screenshot_keeps_long_values_and_the_clock_on_screen(licenses):
    from benchmarks.synth.screen import BLUE, render_screen

    longest = max(licenses, key=lambda lic: len(lic.person.address) + len(lic.authority))
    image = render_screen(longest, np.random.default_rng(0))
    # The live clock (blue) is the last line: it must be inside the bottom of the screen, not cut off below it.
    bottom = image[-140:].astype(int)
    blue = np.all(np.abs(bottom - np.array(BLUE)) < 40, axis=2)
    assert blue.sum() > 200


def test_a_slashed_zero_gets_a_stroke_across_its_oval_and_no_other_digit_changes():
    """The specimen's printer slashes its zeros: a stroke across the zero's oval, the line as wide and the other
    digits as they were."""
    face = fonts.DIGIT_FACES[0]
    plain = np.array(_render_line("1023", 40.0, fonts.VALUE_FACES[0], face))
    slashed = np.array(_render_line("1023", 40.0, fonts.VALUE_FACES[0], face, slashed_zero=True))
    assert plain.shape == slashed.shape
    changed = np.flatnonzero((slashed.astype(int) - plain.astype(int)).max(axis=0) > 0)
    advance = plain.shape[1] / 4  # a monospaced face: one quarter per digit
    assert changed.size and advance <= changed.min() and changed.max() < 2 * advance  # the zero's cell only
    cell = slice(round(advance), round(2 * advance))
    added = (slashed[:, cell] > 128).sum() - (plain[:, cell] > 128).sum()
    assert added > 0.1 * (plain[:, cell] > 128).sum()  # a stroke, not an edge pixel or two


def test_about_the_slashed_share_of_cards_is_printed_so():
    styles = [random_style(np.random.default_rng(seed)) for seed in range(400)]
    assert abs(np.mean([style.slashed_zero for style in styles]) - SLASHED_ZERO_SHARE) < 0.08
