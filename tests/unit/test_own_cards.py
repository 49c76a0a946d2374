"""`dlocr synth --card`: a flat picture of a page, with its label, photographed in the scene tiers."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from benchmarks.labels import LabelError, read_folder
from benchmarks.synth.generate import SynthConfig, back_result, front_result, generate
from benchmarks.synth.identity import random_license
from benchmarks.synth.own_cards import read_card_labels
from benchmarks.synth.render import CARD_SIZE_PX, render_page
from engine.cli import main

MARGIN = 40  # px of desk around the card in the "scanned" picture


def _flat_page(folder: Path, name: str, side: str, seed: int, framed: bool) -> tuple[Path, np.ndarray]:
    """A drawn page saved as a user's flat picture with its label: `framed` puts it on a grey desk and labels its
    quad, else the picture is the card. Returns the picture's path and the card's own pixels (BGR)."""
    rng = np.random.default_rng(seed)
    license = random_license(rng)
    page = render_page(license, side, rng)  # type: ignore[arg-type]
    card = cv2.cvtColor(page.rgb, cv2.COLOR_RGB2BGR)
    picture = cv2.copyMakeBorder(card, MARGIN, MARGIN, MARGIN, MARGIN, cv2.BORDER_CONSTANT, value=(90, 90, 90))
    height, width = card.shape[:2]
    result = front_result(license) if side == "front" else back_result(license)
    label: dict = {"side": side, "type": "normal", "result": result}
    if framed:
        left, top, right, bottom = MARGIN, MARGIN, MARGIN + width, MARGIN + height
        quad = [[left, top], [right, top], [right, bottom], [left, bottom]]
        label["geometry"] = {"cards": [{"side": side, "quad": quad}]}
    else:
        picture = card
    path = folder / f"{name}.png"
    cv2.imwrite(str(path), picture)
    (folder / f"{name}.json").write_text(json.dumps(label, ensure_ascii=False), encoding="utf-8")
    return path, card


@pytest.fixture()
def cards(tmp_path: Path) -> dict[str, tuple[Path, np.ndarray]]:
    source = tmp_path / "cards"
    source.mkdir()
    return {
        "front": _flat_page(source, "front", "front", seed=3, framed=True),
        "back": _flat_page(source, "back", "back", seed=4, framed=False),
    }


def test_scans_show_the_given_card_at_the_labelled_quad(tmp_path: Path, cards):
    """The labelled quad warps each scan back to the given page (cut from its desk by its label's quad, or whole)."""
    paths = tuple(str(path) for path, _ in cards.values())
    generate(SynthConfig(n=4, seed=5, tiers=("scan",), electronic_share=0.0, cards=paths), tmp_path / "set", workers=1)
    items = read_folder(tmp_path / "set")
    assert len(items) == 4
    width, height = CARD_SIZE_PX
    for item in items:
        expected = json.loads(cards[item.label.side][0].with_suffix(".json").read_text(encoding="utf-8"))["result"]
        assert item.label.result == expected and item.label.tier == "scan" and item.label.type == "normal"
        (placed,) = item.label.geometry["cards"]
        image = cv2.imread(str(item.image_path))
        corners = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
        transform = cv2.getPerspectiveTransform(np.array(placed["quad"], np.float32), corners)
        back = cv2.cvtColor(cv2.warpPerspective(image, transform, (width, height)), cv2.COLOR_BGR2GRAY)
        own = cv2.cvtColor(cards[item.label.side][1], cv2.COLOR_BGR2GRAY)
        other = cv2.cvtColor(cards["back" if item.label.side == "front" else "front"][1], cv2.COLOR_BGR2GRAY)
        inner = (slice(60, height - 60), slice(60, width - 60))  # clear of the rounded corners
        same = np.corrcoef(back[inner].ravel(), own[inner].ravel())[0, 1]
        different = np.corrcoef(back[inner].ravel(), other[inner].ravel())[0, 1]
        assert same > 0.8 and same > different + 0.3, (item.name, same, different)


def test_wallets_pair_a_front_and_a_back_card(tmp_path: Path, cards):
    paths = (str(cards["front"][0]), str(cards["back"][0]))
    generate(SynthConfig(n=2, seed=1, tiers=("wallet",), electronic_share=0.0, cards=paths), tmp_path / "w", workers=1)
    for item in read_folder(tmp_path / "w"):
        assert item.label.side == "double_side"
        assert item.label.result["front"]["number"] != item.label.result["back"]["number"]  # two made-up holders
        assert {card["side"] for card in item.label.geometry["cards"]} == {"front", "back"}
    with pytest.raises(LabelError, match="wallet"):
        generate(SynthConfig(n=1, seed=1, tiers=("wallet",), electronic_share=0.0, cards=paths[:1]), tmp_path / "x")


def test_the_same_cards_and_seed_give_the_same_bytes_and_changed_cards_another_stamp(tmp_path: Path, cards):
    paths = (str(cards["front"][0]),)
    config = SynthConfig(n=3, seed=2, tiers=("photo", "hard"), electronic_share=0.0, cards=paths)
    generate(config, tmp_path / "a", workers=1)
    generate(config, tmp_path / "b", workers=2)
    for path in sorted((tmp_path / "a").iterdir()):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name
    stamp = json.loads((tmp_path / "a" / "stamp.json").read_text(encoding="utf-8"))
    label = cards["front"][0].with_suffix(".json")
    label.write_text(label.read_text(encoding="utf-8").replace('"name"', '"name" ').strip(), encoding="utf-8")
    read_card_labels.cache_clear()
    assert config.stamp()["cards"][0]["sha256"] != stamp["cards"][0]["sha256"]


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ({"side": "double_side", "type": "normal", "result": {"front": {}, "back": {}}}, "one paper page"),
        ({"side": "front", "type": "electronic", "result": {}}, "one paper page"),
        ({"side": "front", "type": "normal", "result": {}, "geometry": {"cards": [{"quad": [[0, 0]]}]}}, "four"),
        (None, "must both be readable"),
    ],
)
def test_unusable_cards_are_refused_with_the_reason(tmp_path: Path, label, message):
    picture = tmp_path / "card.png"
    cv2.imwrite(str(picture), np.full((300, 440, 3), 200, np.uint8))
    if label is not None:
        picture.with_suffix(".json").write_text(json.dumps(label), encoding="utf-8")
    with pytest.raises(LabelError, match=message):
        generate(SynthConfig(n=1, seed=1, tiers=("scan",), electronic_share=0.0, cards=(str(picture),)), tmp_path)


def test_own_cards_take_no_screenshots():
    with pytest.raises(ValueError, match="electronic_share 0"):
        SynthConfig(n=1, seed=1, electronic_share=0.1, cards=("card.jpg",))


def test_the_cli_makes_a_set_of_own_cards_and_explains_a_refusal(tmp_path: Path, cards, capsys):
    front = str(cards["front"][0])
    assert main(["synth", "--card", front, "--n", "2", "--tiers", "scan", "--out", str(tmp_path / "s")]) == 0
    assert len(read_folder(tmp_path / "s")) == 2
    assert main(["synth", "--card", front, "--n", "2", "--tiers", "wallet", "--out", str(tmp_path / "t")]) == 1
    assert "wallet tier needs a front and a back card" in capsys.readouterr().err
