"""Scenes of real pages: a flat picture of a license page, labelled, photographed in the generator's scene tiers.

The generator draws its cards with our own renderer, and an engine tuned on them can learn the renderer: its fonts,
its tint, its seal. Real print differs (printer fonts and dot spacing, guilloche, the photo's size and where it sits).
`dlocr synth --card FLAT.jpg` puts a real page in the same tiers instead, so a set measures the engine on real print
under generated light, pose and sleeves, with exact labels.

FLAT.jpg is a scan or a straight photo of one upright page. Its label, FLAT.json beside it in the labelled-data
format (benchmarks/labels.py), gives the page's `side` (`front` or `back`) and `result`; `geometry.cards[0].quad`, if
present, gives the card's corners in FLAT.jpg clockwise from its top-left, and without it the whole picture is the
card.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from benchmarks.labels import Label, LabelError, label_path
from benchmarks.synth.render import CARD_SIZE_PX, CardImage, Side, rounded_corners
from benchmarks.synth.scene import Scene, photograph, photograph_wallet

PAGE_SIDES = ("front", "back")


@dataclass(frozen=True)
class CardLabel:
    """What a real page's label says, and what the set depends on; read without decoding the picture, so a parent
    process can check a set before it forks its workers (OpenCV used before a fork can hang the children)."""

    path: str
    label: Label
    corners: np.ndarray | None
    """The card's corners in the picture (geometry.cards[0].quad), None for the whole picture."""
    digest: str
    """sha256 of the picture's and its label's bytes: a set made from changed files is another set."""


@dataclass(frozen=True)
class OwnCard:
    """A real page cut to the card and warped to the renderer's card pixels, with what the API must return for it."""

    card: CardImage
    result: dict[str, Any]


@lru_cache(maxsize=8)
def read_card_labels(paths: tuple[str, ...]) -> tuple[CardLabel, ...]:
    """Each card's label, checked. Raises LabelError when a card or its label cannot be used."""
    return tuple(_read_card_label(Path(path)) for path in paths)


@lru_cache(maxsize=8)
def load_cards(paths: tuple[str, ...]) -> tuple[OwnCard, ...]:
    """Every card's pixels, loaded once per process: each worker draws many images from the same few cards."""
    return tuple(_load_card(card) for card in read_card_labels(paths))


def check_tiers(cards: Sequence[CardLabel], tiers: Sequence[str]) -> None:
    """A wallet shows both pages: the `wallet` tier needs a front and a back card. Raises LabelError."""
    sides = {card.label.side for card in cards}
    if cards and "wallet" in tiers and sides != set(PAGE_SIDES):
        raise LabelError("the wallet tier needs a front and a back card (--card for each), or leave it out of --tiers")


def photograph_own(cards: Sequence[OwnCard], tier: str, rng: np.random.Generator) -> tuple[Scene, str, dict[str, Any]]:
    """One of `cards` (a front and a back for a wallet) in a scene of `tier`: the scene, its label side and result."""
    if tier == "wallet":
        front = _pick([card for card in cards if card.card.side == "front"], rng)
        back = _pick([card for card in cards if card.card.side == "back"], rng)
        scene = photograph_wallet(front.card, back.card, rng)
        return scene, "double_side", {"front": front.result, "back": back.result}
    chosen = _pick(list(cards), rng)
    return photograph([chosen.card], tier, rng), chosen.card.side, chosen.result  # type: ignore[arg-type]


def _pick(cards: list[OwnCard], rng: np.random.Generator) -> OwnCard:
    return cards[int(rng.integers(0, len(cards)))]


def _read_card_label(path: Path) -> CardLabel:
    try:
        image_bytes, label_bytes = path.read_bytes(), label_path(path).read_bytes()
    except OSError as error:
        message = f"{path}: the card and its label ({label_path(path).name}) must both be readable: {error}"
        raise LabelError(message) from error
    source = str(label_path(path))
    try:
        label = Label.from_json(json.loads(label_bytes), source)
    except json.JSONDecodeError as error:
        raise LabelError(f"{source}: not JSON: {error}") from error
    if label.side not in PAGE_SIDES or label.type != "normal":
        raise LabelError(f"{source}: a card must be one paper page (side front or back, type normal)")
    digest = hashlib.sha256(image_bytes + label_bytes).hexdigest()
    return CardLabel(str(path), label, _label_corners(label, source), digest)


def _label_corners(label: Label, source: str) -> np.ndarray | None:
    cards = (label.geometry or {}).get("cards") or []
    if not cards:
        return None
    try:
        corners = np.array(cards[0]["quad"], np.float32)
    except (KeyError, TypeError, ValueError) as error:
        raise LabelError(f"{source}: geometry.cards[0].quad must be four [x, y] corners") from error
    if corners.shape != (4, 2):
        raise LabelError(f"{source}: geometry.cards[0].quad must be four [x, y] corners")
    return corners


def _load_card(card: CardLabel) -> OwnCard:
    """The page cut to its card by its label's corners (or whole) and warped to CARD_SIZE_PX."""
    pixels = cv2.imdecode(np.fromfile(card.path, np.uint8), cv2.IMREAD_COLOR)
    if pixels is None:
        raise LabelError(f"{card.path}: not an image OpenCV can decode")
    height, width = pixels.shape[:2]
    whole = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    corners = whole if card.corners is None else card.corners
    if cv2.contourArea(corners) < 0.01 * width * height:
        raise LabelError(f"{card.path}: its label's quad does not frame a card in the picture")
    card_width, card_height = CARD_SIZE_PX
    # A large scan is shrunk by area first: the perspective warp samples without averaging, and would alias.
    shrink = float(np.linalg.norm(corners[1] - corners[0])) / card_width
    if shrink > 1.5:
        pixels = cv2.resize(pixels, None, fx=1 / shrink, fy=1 / shrink, interpolation=cv2.INTER_AREA)
        corners = corners / np.float32(shrink)
    target = np.array([[0, 0], [card_width, 0], [card_width, card_height], [0, card_height]], np.float32)
    flat = cv2.warpPerspective(pixels, cv2.getPerspectiveTransform(corners, target), (card_width, card_height),
                               flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)  # fmt: skip
    side: Side = "front" if card.label.side == "front" else "back"
    rgb = np.asarray(cv2.cvtColor(flat, cv2.COLOR_BGR2RGB), dtype=np.uint8)
    return OwnCard(CardImage(rgb=rgb, alpha=rounded_corners(card_width, card_height), side=side), card.label.result)
