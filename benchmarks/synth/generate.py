"""Writes a labelled folder: plans which image is which from the master seed, then draws them in parallel.

Image i draws everything from its own generator, seeded by (master seed, i), so the output is byte-identical for a seed
whatever the number of worker processes.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from benchmarks.labels import Label, write_label
from benchmarks.synth import GENERATOR_VERSION
from benchmarks.synth.identity import License, random_license
from benchmarks.synth.own_cards import check_tiers, load_cards, photograph_own, read_card_labels
from benchmarks.synth.render import render_page
from benchmarks.synth.scene import TIERS, Scene, photograph, photograph_wallet
from benchmarks.synth.screen import render_screen

SCREENSHOT_TIER = "screenshot"
"""The tier label of electronic-license screenshots, which are drawn, not photographed."""
BACK_SHARE = 0.4  # of single-page photos, the share showing the back page
SCREENSHOT_JPEG_QUALITY = (88, 96)
STAMP_NAME = "stamp.json"


@dataclass(frozen=True)
class SynthConfig:
    n: int
    seed: int
    tiers: tuple[str, ...] = TIERS
    electronic_share: float = 0.1
    cards: tuple[str, ...] = ()
    """Pictures of real pages to photograph instead of drawn ones (own_cards.py); paths, each with its label."""

    def __post_init__(self) -> None:
        unknown = set(self.tiers) - set(TIERS)
        if unknown or not self.tiers:
            raise ValueError(f"unknown tier(s) {', '.join(sorted(unknown))}; choose from {', '.join(TIERS)}")
        if not 0.0 <= self.electronic_share <= 1.0:
            raise ValueError("electronic_share must be within 0..1")
        if self.n < 1:
            raise ValueError("n must be at least 1")
        if self.cards and self.electronic_share:
            raise ValueError("screenshots show made-up holders: a set of your own cards takes electronic_share 0")

    def stamp(self) -> dict[str, Any]:
        """What the set is, for --reuse: with own cards, their contents' digests, not only their paths."""
        stamp = {"generator_version": GENERATOR_VERSION, **asdict(self), "tiers": list(self.tiers)}
        stamp.pop("cards")  # a drawn set's stamp stays as it was
        if self.cards:
            stamp["cards"] = [{"path": card.path, "sha256": card.digest} for card in read_card_labels(self.cards)]
        return stamp


@dataclass(frozen=True)
class ImagePlan:
    index: int
    tier: str
    master_seed: int
    cards: tuple[str, ...] = ()


def plan_images(config: SynthConfig) -> list[ImagePlan]:
    """Each image's tier: the electronic share as screenshots, the rest spread evenly over the tiers, shuffled."""
    screenshots = round(config.n * config.electronic_share)
    tiers = [SCREENSHOT_TIER] * screenshots + [
        config.tiers[i % len(config.tiers)] for i in range(config.n - screenshots)
    ]
    order = np.random.default_rng(np.random.SeedSequence(config.seed)).permutation(config.n)
    return [
        ImagePlan(index=i + 1, tier=tiers[int(order[i])], master_seed=config.seed, cards=config.cards)
        for i in range(config.n)
    ]


def image_name(index: int) -> str:
    return f"img_{index:04d}.jpg"


def make_image(plan: ImagePlan) -> tuple[bytes, Label]:
    """Draw one planned image: JPEG bytes and its label."""
    rng = np.random.default_rng(np.random.SeedSequence(plan.master_seed, spawn_key=(plan.index,)))
    if plan.cards:
        return _own_card_image(plan, rng)
    license = random_license(rng)
    if plan.tier == SCREENSHOT_TIER:
        image = render_screen(license, rng)
        quality = int(rng.integers(SCREENSHOT_JPEG_QUALITY[0], SCREENSHOT_JPEG_QUALITY[1] + 1))
        label = Label(side="front", type="electronic", tier=plan.tier, result=electronic_result(license),
                      geometry={"image_size": [image.shape[1], image.shape[0]], "cards": []})  # fmt: skip
        return _encode(image, quality), label
    if plan.tier == "wallet":
        scene = photograph_wallet(render_page(license, "front", rng), render_page(license, "back", rng), rng)
        side = "double_side"
        result: dict[str, Any] = {"front": front_result(license), "back": back_result(license)}
    else:
        side = "back" if rng.random() < BACK_SHARE else "front"
        scene = photograph([render_page(license, side, rng)], plan.tier, rng)  # type: ignore[arg-type]
        result = front_result(license) if side == "front" else back_result(license)
    label = Label(side=side, type="normal", tier=plan.tier, result=result, geometry=scene_geometry(scene))
    return _encode(scene.image, scene.jpeg_quality), label


def _own_card_image(plan: ImagePlan, rng: np.random.Generator) -> tuple[bytes, Label]:
    """One of the plan's real pages photographed in its tier (own_cards.py): JPEG bytes and its label."""
    scene, side, result = photograph_own(load_cards(plan.cards), plan.tier, rng)
    label = Label(side=side, type="normal", tier=plan.tier, result=result, geometry=scene_geometry(scene))
    return _encode(scene.image, scene.jpeg_quality), label


def front_result(license: License) -> dict[str, Any]:
    """The API's main-page result for a paper license."""
    person = license.person
    return {
        "number": person.id_number,
        "name": person.name,
        "sex": person.sex,
        "nationality": license.nationality,
        "address": person.address,
        "birth": person.birth.isoformat(),
        "issue_date": license.issue_date.isoformat(),
        "class": license.license_class,
        "valid_from": license.valid_from.isoformat(),
        "valid_to": license.valid_to,
        "issuing_authority": license.authority,
    }


def back_result(license: License) -> dict[str, Any]:
    person = license.person
    return {
        "number": person.id_number,
        "name": person.name,
        "file_number": license.file_number,
        "record": license.record,
    }


def electronic_result(license: License) -> dict[str, Any]:
    return {
        **front_result(license),
        "file_number": license.file_number,
        "accumulated_scores": license.accumulated_scores,
        "status": list(license.status),
        "generation_date": license.generation_date.isoformat(),
        "current_time": f"{license.current_time:%Y-%m-%d %H:%M:%S}",
        "type": "electronic",
    }


def scene_geometry(scene: Scene) -> dict[str, Any]:
    height, width = scene.image.shape[:2]
    return {
        "image_size": [width, height],
        "blur_sigma": scene.light.blur_sigma,
        "glare": scene.light.glare,
        "cards": [
            {
                "side": card.side,
                "quad": [list(point) for point in card.quad],
                "rotation_deg": card.rotation_deg,
                "orientation": round(card.rotation_deg / 90) % 4 * 90,
            }
            for card in scene.cards
        ],
    }


def generate(
    config: SynthConfig, out: Path, workers: int | None = None, progress: Callable[[int, int], None] | None = None
) -> None:
    """Write config.n images and labels into `out`, then the stamp that says which set it holds."""
    check_tiers(read_card_labels(config.cards), config.tiers)  # labels only: no OpenCV before the fork
    out.mkdir(parents=True, exist_ok=True)
    (out / STAMP_NAME).unlink(missing_ok=True)  # a half-written folder must never look current
    plans = plan_images(config)
    tasks = [(plan, out) for plan in plans]
    workers = max(1, min(workers or os.cpu_count() or 1, len(plans)))
    if workers == 1:
        _init_worker()
        results = map(_write_one, tasks)
        for done, _ in enumerate(results, start=1):
            if progress:
                progress(done, len(plans))
    else:
        with multiprocessing.get_context("fork").Pool(workers, initializer=_init_worker) as pool:
            for done, _ in enumerate(pool.imap_unordered(_write_one, tasks, chunksize=4), start=1):
                if progress:
                    progress(done, len(plans))
    (out / STAMP_NAME).write_text(json.dumps(config.stamp(), indent=2) + "\n", encoding="utf-8")


def is_current(config: SynthConfig, out: Path) -> bool:
    """Whether `out` already holds exactly this set (same stamp: generator version, seed, size, tiers, share)."""
    try:
        return json.loads((out / STAMP_NAME).read_text(encoding="utf-8")) == config.stamp()
    except (OSError, json.JSONDecodeError):
        return False


def _init_worker() -> None:
    cv2.setNumThreads(1)  # one process per core already; OpenCV's own threads would only contend


def _write_one(task: tuple[ImagePlan, Path]) -> int:
    plan, out = task
    data, label = make_image(plan)
    image_path = out / image_name(plan.index)
    image_path.write_bytes(data)
    write_label(image_path, label)
    return plan.index


def _encode(rgb: np.ndarray, quality: int) -> bytes:
    ok, buffer = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return buffer.tobytes()
