"""Scores predictions against labels: per-field exact match, card-level, side, type, errors, tiers, latency.

Field values compare as exact strings, no normalization; `status` compares as a list.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from benchmarks.eval.readers import Prediction, Reader
from benchmarks.labels import FIELD_ORDER, LabelledImage
from benchmarks.memory import MemoryUse
from engine.card import CardFrame
from engine.quality import outside_share

LIST_FIELDS = ("status",)
ALL_TIERS = "all"


@dataclass(frozen=True)
class FieldCheck:
    page: str
    field: str
    expected: Any
    got: Any
    correct: bool
    confidence: float | None = None
    """The score the reader gave the value it returned (None: no value, or no score given)."""

    @property
    def key(self) -> str:
        """`front.name`, `back.record`: fields are scored per page, since both pages carry number and name."""
        return f"{self.page}.{self.field}"


@dataclass(frozen=True)
class Outcome:
    """One image scored."""

    image_path: Path
    tier: str
    expected_side: str
    expected_type: str
    predicted_side: str | None
    predicted_type: str | None
    error_code: str | None
    checks: tuple[FieldCheck, ...]
    latency_s: float
    geometry: dict[str, Any] | None = None
    card_errors: tuple[CardError, ...] = ()
    """One per labelled card, when the reader reports the cards it found."""
    blur_agrees: bool | None = None
    """Whether any page's blur flag matches the label's blur (blur_sigma >= BLURRED_SIGMA_PX); None when either
    side does not say."""
    glare_agrees: bool | None = None
    """As blur_agrees, for the glare flag and the label's glare."""
    border_agrees: bool | None = None
    """As blur_agrees, for the border-incomplete flag and a labelled card cut off by the frame (_cut_off)."""

    @property
    def all_correct(self) -> bool:
        return self.error_code is None and all(check.correct for check in self.checks)

    @property
    def misses(self) -> tuple[FieldCheck, ...]:
        return tuple(check for check in self.checks if not check.correct)


# A card counts as found when its corners are this close to the truth, on average, as a share of the card's width.
CARD_FOUND_ERROR = 0.02
# Confidence thresholds a user might accept fields at without a second look (ConfidenceBand).
CONFIDENCE_THRESHOLDS = (0.5, 0.9, 0.99)
# A photo counts as blurred, for scoring the blur signal, from this Gaussian blur (image pixels) on.
BLURRED_SIGMA_PX = 1.0
# A photo counts as cutting a card off, for scoring the border signal, when this share of a labelled card's outline
# lies outside it: where the engine's border score (engine.quality) reaches PROBLEM_SCORE.
CUT_OUTLINE_SHARE = 0.02
# Where each flag sits in Prediction.flags' (blurred, glared, border incomplete) triples.
BLUR_FLAG, GLARE_FLAG, BORDER_FLAG = 0, 1, 2


@dataclass(frozen=True)
class CardError:
    """How far the found page's corners are from the labelled ones (share of card width, inf when not found), and
    the same error with the found corners turned by 180 degrees: small only there means upside down."""

    side: str
    error: float
    turned_error: float

    @property
    def found(self) -> bool:
        return self.error < CARD_FOUND_ERROR

    @property
    def located(self) -> bool:
        """Found in either orientation: the orientation is then judged separately."""
        return min(self.error, self.turned_error) < CARD_FOUND_ERROR


@dataclass(frozen=True)
class Rate:
    correct: int
    total: int

    @property
    def value(self) -> float:
        return self.correct / self.total if self.total else 0.0


@dataclass(frozen=True)
class ConfidenceBand:
    """What accepting every returned value scored at or above `threshold` gives: how many of the returned values
    are kept, and how many of those are right. Tells whether a field's confidence can route it to a person."""

    threshold: float
    kept: Rate
    right: Rate


@dataclass(frozen=True)
class Summary:
    images: int
    card_level: Rate
    side: Rate
    type: Rate
    fields: dict[str, Rate]
    errors: dict[str, int]
    tiers: dict[str, TierSummary]
    latency_p50_ms: float
    latency_p95_ms: float
    throughput_per_s: float
    wall_s: float = field(default=0.0)
    confidence: tuple[ConfidenceBand, ...] = ()
    """Empty when the reader gives no confidence."""
    memory: MemoryUse | None = None
    """The eval process's resident memory, when it ran the engine itself (a server's is its own)."""


@dataclass(frozen=True)
class TierSummary:
    images: int
    card_level: Rate
    side: Rate
    fields: dict[str, Rate]
    cards_found: Rate | None = None
    """Labelled cards whose found corners are within CARD_FOUND_ERROR (None: the reader reports no cards)."""
    upright: Rate | None = None
    """Of the cards located in either orientation, those read the right way up."""
    blur_agrees: Rate | None = None
    """Images whose blur flag agrees with their label (None: no image could be judged)."""
    glare_agrees: Rate | None = None
    """As blur_agrees, for the glare flag."""
    border_agrees: Rate | None = None
    """As blur_agrees, for the border-incomplete flag."""


def corner_error(truth: npt.NDArray[np.float64], quad: npt.NDArray[Any], shifts: tuple[int, ...] = (0,)) -> float:
    """Smallest mean corner distance over the allowed cyclic shifts of `quad`'s corners, over the card's width."""
    width = (np.linalg.norm(truth[1] - truth[0]) + np.linalg.norm(truth[2] - truth[3])) / 2
    distances = [np.linalg.norm(np.roll(quad, shift, axis=0) - truth, axis=1).mean() for shift in shifts]
    return float(min(distances) / width)


def card_errors(geometry: dict[str, Any] | None, found: tuple[tuple[str, Any], ...]) -> tuple[CardError, ...]:
    """Each labelled card against the found page of the same side: mean corner distance over the card's width."""
    if not geometry:
        return ()
    errors = []
    for card in geometry.get("cards", []):
        truth = np.array(card["quad"], dtype=np.float64)
        quads = [np.array(quad, dtype=np.float64) for side, quad in found if side == card["side"]]
        if not quads:
            errors.append(CardError(card["side"], float("inf"), float("inf")))
            continue
        error = min(corner_error(truth, quad) for quad in quads)
        turned = min(corner_error(truth, quad, shifts=(2,)) for quad in quads)
        errors.append(CardError(card["side"], error, turned))
    return tuple(errors)


def score(item: LabelledImage, prediction: Prediction, latency_s: float) -> Outcome:
    """Compare one prediction with its label."""
    label = item.label
    result = prediction.result if prediction.error_code is None else None
    predicted_pages = _pages(result) if result is not None else {}
    checks = []
    for page, expected_fields in label.pages().items():
        got_fields = predicted_pages.get(page, {})
        scores = got_fields.get("confidence")
        for name, expected in expected_fields.items():
            got = got_fields.get(name)
            confidence = scores.get(name) if isinstance(scores, dict) and got is not None else None
            checks.append(FieldCheck(page, name, expected, got, _matches(name, expected, got), confidence))
    return Outcome(
        image_path=item.image_path,
        tier=label.tier or "untiered",
        expected_side=label.side,
        expected_type=label.type,
        predicted_side=predicted_side(result) if result is not None else None,
        predicted_type=predicted_type(result) if result is not None else None,
        error_code=prediction.error_code,
        checks=tuple(checks),
        latency_s=latency_s,
        geometry=label.geometry,
        card_errors=card_errors(label.geometry, prediction.cards) if prediction.cards is not None else (),
        blur_agrees=_flag_agrees(prediction, label.geometry, BLUR_FLAG, _blurred),
        glare_agrees=_flag_agrees(prediction, label.geometry, GLARE_FLAG, lambda geometry: geometry.get("glare")),
        border_agrees=_flag_agrees(prediction, label.geometry, BORDER_FLAG, _cut_off),
    )


def _blurred(geometry: dict[str, Any]) -> bool | None:
    sigma = geometry.get("blur_sigma")
    return None if sigma is None else sigma >= BLURRED_SIGMA_PX


def _cut_off(geometry: dict[str, Any]) -> bool | None:
    """Whether the frame cuts off CUT_OUTLINE_SHARE or more of any labelled card's outline; None without cards."""
    cards, size = geometry.get("cards"), geometry.get("image_size")
    if not cards or not size:
        return None
    frames = [CardFrame(np.array(card["quad"], dtype=np.float32)) for card in cards]
    return any(outside_share(frame, *size) >= CUT_OUTLINE_SHARE for frame in frames)


def _flag_agrees(
    prediction: Prediction,
    geometry: dict[str, Any] | None,
    index: int,
    truth: Callable[[dict[str, Any]], bool | None],
) -> bool | None:
    """Whether any found page raised flag `index` exactly when the label says the photo has that problem."""
    if not prediction.flags or not geometry or (expected := truth(geometry)) is None:
        return None
    return any(flags[index] for flags in prediction.flags) == expected


def run(
    items: list[LabelledImage], reader: Reader, progress: Callable[[int, int], None] | None = None
) -> tuple[list[Outcome], float]:
    """Read every image with `reader` (one at a time, timed), score it; returns the outcomes and the wall time."""
    outcomes = []
    started = time.perf_counter()
    for done, item in enumerate(items, start=1):
        data = item.image_path.read_bytes()
        before = time.perf_counter()
        prediction = reader(data)
        outcomes.append(score(item, prediction, time.perf_counter() - before))
        if progress:
            progress(done, len(items))
    return outcomes, time.perf_counter() - started


def summarize(outcomes: list[Outcome], wall_s: float) -> Summary:
    latencies_ms = np.array([outcome.latency_s * 1000 for outcome in outcomes]) if outcomes else np.zeros(1)
    tiers = sorted({outcome.tier for outcome in outcomes})
    return Summary(
        images=len(outcomes),
        card_level=_rate(outcomes, lambda outcome: outcome.all_correct),
        side=_rate(outcomes, lambda outcome: outcome.predicted_side == outcome.expected_side),
        type=_rate(outcomes, lambda outcome: outcome.predicted_type == outcome.expected_type),
        fields=_field_rates(outcomes),
        errors=dict(Counter(outcome.error_code for outcome in outcomes if outcome.error_code).most_common()),
        tiers={tier: _tier_summary([outcome for outcome in outcomes if outcome.tier == tier]) for tier in tiers},
        latency_p50_ms=float(np.percentile(latencies_ms, 50)),
        latency_p95_ms=float(np.percentile(latencies_ms, 95)),
        throughput_per_s=len(outcomes) / wall_s if wall_s > 0 else 0.0,
        wall_s=wall_s,
        confidence=confidence_bands(outcomes),
    )


def confidence_bands(outcomes: list[Outcome]) -> tuple[ConfidenceBand, ...]:
    """One band per CONFIDENCE_THRESHOLDS over every returned value that has a score; () when none has."""
    scored = [check for outcome in outcomes for check in outcome.checks if check.confidence is not None]
    if not scored:
        return ()
    bands = []
    for threshold in CONFIDENCE_THRESHOLDS:
        kept = [check for check in scored if check.confidence is not None and check.confidence >= threshold]
        right = sum(1 for check in kept if check.correct)
        bands.append(ConfidenceBand(threshold, Rate(len(kept), len(scored)), Rate(right, len(kept))))
    return tuple(bands)


def predicted_side(result: dict[str, Any]) -> str | None:
    """Which page(s) an API result describes, from its shape."""
    has_front, has_back = isinstance(result.get("front"), dict), isinstance(result.get("back"), dict)
    if has_front and has_back:
        return "double_side"
    if has_front or has_back:
        return "front" if has_front else "back"
    if any(key in result for key in ("birth", "class", "issue_date", "valid_from", "valid_to", "sex", "address")):
        return "front"
    if any(key in result for key in ("record", "file_number")):
        return "back"
    return None


def predicted_type(result: dict[str, Any]) -> str:
    front = result.get("front")
    stated = result.get("type") or (front.get("type") if isinstance(front, dict) else None)
    return str(stated) if stated else "normal"


def _pages(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    pages = {side: result[side] for side in ("front", "back") if isinstance(result.get(side), dict)}
    if pages:
        return pages
    side = predicted_side(result)
    return {side: result} if side else {}


def _matches(name: str, expected: Any, got: Any) -> bool:
    if name in LIST_FIELDS:
        return isinstance(got, list | tuple) and list(got) == list(expected)
    return isinstance(got, str) and got == expected


def _rate(outcomes: list[Outcome], predicate: Callable[[Outcome], bool]) -> Rate:
    return Rate(sum(1 for outcome in outcomes if predicate(outcome)), len(outcomes))


def _field_rates(outcomes: list[Outcome]) -> dict[str, Rate]:
    correct: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for outcome in outcomes:
        for check in outcome.checks:
            total[check.key] += 1
            correct[check.key] += check.correct
    return {key: Rate(correct[key], total[key]) for key in sorted(total, key=_field_order)}


def _field_order(key: str) -> tuple[int, int, str]:
    page, name = key.split(".", 1)
    rank = FIELD_ORDER.index(name) if name in FIELD_ORDER else len(FIELD_ORDER)
    return (0 if page == "front" else 1, rank, name)


def _tier_summary(outcomes: list[Outcome]) -> TierSummary:
    errors = [error for outcome in outcomes for error in outcome.card_errors]
    located = [error for error in errors if error.located]
    return TierSummary(
        images=len(outcomes),
        card_level=_rate(outcomes, lambda outcome: outcome.all_correct),
        side=_rate(outcomes, lambda outcome: outcome.predicted_side == outcome.expected_side),
        fields=_field_rates(outcomes),
        cards_found=Rate(sum(error.found for error in errors), len(errors)) if errors else None,
        upright=Rate(sum(error.found for error in located), len(located)) if located else None,
        blur_agrees=_agreement([outcome.blur_agrees for outcome in outcomes]),
        glare_agrees=_agreement([outcome.glare_agrees for outcome in outcomes]),
        border_agrees=_agreement([outcome.border_agrees for outcome in outcomes]),
    )


def _agreement(judged: list[bool | None]) -> Rate | None:
    known = [agrees for agrees in judged if agrees is not None]
    return Rate(sum(known), len(known)) if known else None
