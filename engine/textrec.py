"""CTC text recognition: line crops resized to the model's height, batched by width, run, and greedily decoded.

Numerics follow PaddleOCR's RecResizeImg/CTCLabelDecode: height 48, width by aspect ratio padded with zeros on the
right to the widest line of the batch, (x / 255 - 0.5) / 0.5; blank at index 0, a space appended to the alphabet,
repeats collapsed, score = mean of the kept characters' max probabilities.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from engine.config import RecognitionConfig
from engine.shapes import AS_GIVEN, ShapePolicy, pad_to

BLANK = 0
# A batch is padded to its widest line; lines join a batch only while that costs at most this share more compute.
MAX_BATCH_GROWTH = 0.1
# A step where greedy decoding emits nothing though blank has under this probability, its best character being none
# that greedy emits within LOST_STEP_REACH steps of it, is a character likely skipped: its probability is spread over
# look-alikes, none of which outweighs blank alone (the 蕾 of a blurred 丁强蕾: blank 0.29, 簧 0.28, the rest on
# others). On seeds 2026 and 9090, 55 name and address strips had such a step and 3 of them read right.
LOST_BLANK_MAX = 0.5
LOST_STEP_REACH = 2


@dataclass(frozen=True)
class Recognition:
    text: str
    score: float
    char_scores: tuple[float, ...]
    probabilities: npt.NDArray[np.float32]
    """(T, C) per-timestep class probabilities, kept for constrained re-decoding of fields."""
    char_positions: tuple[float, ...] = ()
    """Each kept character's centre along the crop, as a share of its width (0 left edge, 1 right edge)."""
    lost: tuple[tuple[float, float], ...] = ()
    """Where a character was likely skipped (lost_steps): its centre along the crop, as char_positions, and blank's
    probability there."""


def build_alphabet(characters: Sequence[str]) -> list[str]:
    """Index -> character for the model's output classes: blank first, the dictionary, then a space."""
    return ["", *characters, " "]


def parse_dictionary(text: str) -> list[str]:
    """Characters of a PaddleOCR dictionary: one per line; only line breaks are stripped (a line may be a space)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.rstrip("\r") for line in lines]


def ctc_greedy_decode(
    probabilities: npt.NDArray[np.float32], alphabet: Sequence[str]
) -> tuple[str, float, tuple[float, ...]]:
    """Decode (T, C) probabilities: best class per step, repeats collapsed, blanks dropped.

    Returns the text, the mean probability of the kept steps (0.0 for empty text), and each kept step's probability.
    """
    return decode_steps(probabilities, kept_steps(probabilities), alphabet)


def kept_steps(probabilities: npt.NDArray[np.float32]) -> npt.NDArray[np.intp]:
    """Indices of the time steps greedy decoding keeps: each step's best class, repeats collapsed, blanks dropped."""
    return kept_steps_of(probabilities.argmax(axis=1))


def kept_steps_of(best: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
    """kept_steps from each step's best class."""
    keep = best != BLANK
    keep[1:] &= best[1:] != best[:-1]
    return np.flatnonzero(keep)


def lost_steps(
    probabilities: npt.NDArray[np.float32], best: npt.NDArray[np.intp] | None = None
) -> npt.NDArray[np.intp]:
    """Indices of the time steps where a character was likely skipped (LOST_BLANK_MAX, LOST_STEP_REACH); `best`:
    each step's best class, when already known."""
    best = probabilities.argmax(axis=1) if best is None else best
    unsure = np.flatnonzero((best == BLANK) & (probabilities[:, BLANK] < LOST_BLANK_MAX))
    lost = []
    for step in unsure:
        character = int(probabilities[step, BLANK + 1 :].argmax()) + BLANK + 1
        if character not in best[max(0, step - LOST_STEP_REACH) : step + LOST_STEP_REACH + 1]:
            lost.append(step)
    return np.array(lost, dtype=np.intp)


def decode_steps(
    probabilities: npt.NDArray[np.float32], steps: npt.NDArray[np.intp], alphabet: Sequence[str]
) -> tuple[str, float, tuple[float, ...]]:
    """The text, mean score and per-character scores of the kept `steps` (see ctc_greedy_decode)."""
    kept_probabilities = probabilities[steps]
    characters = [alphabet[index] for index in kept_probabilities.argmax(axis=1)]
    kept = tuple(float(p) for p in kept_probabilities.max(axis=1))
    score = float(np.mean(kept)) if kept else 0.0
    return "".join(characters), score, kept


def step_positions(
    steps: npt.NDArray[np.intp], step_count: int, batch_width: int, text_width: int
) -> tuple[float, ...]:
    """Where each kept character sits along its crop: the `step_count` time steps evenly cover the padded batch
    width, and the crop fills `text_width` of it. A CTC spike lands inside its character, close enough to tell label
    from value."""
    centres = (steps + 0.5) * batch_width / step_count / max(text_width, 1)
    return tuple(float(min(position, 1.0)) for position in centres)


def carried_positions(rec: Recognition, text: str) -> tuple[float, ...]:
    """Character positions for `text`, a mended reading of `rec`: the characters it shares with the greedy reading at
    either end keep theirs, so a gap left by characters glare took stays visible downstream; the changed middle is
    spread evenly where the replaced characters stood, or between its neighbours when it replaced none. A reading of
    the same length keeps every position."""
    old, positions = rec.text, rec.char_positions
    if len(positions) != len(old):
        return ()
    if len(text) == len(old):
        return positions
    shortest = min(len(old), len(text))
    prefix = next((i for i in range(shortest) if old[i] != text[i]), shortest)
    suffix = next((i for i in range(shortest - prefix) if old[-1 - i] != text[-1 - i]), shortest - prefix)
    changed = len(text) - prefix - suffix
    replaced = positions[prefix : len(old) - suffix]
    if replaced and changed == 1:
        middle = [(replaced[0] + replaced[-1]) / 2]
    elif replaced:
        middle = [replaced[0] + (replaced[-1] - replaced[0]) * i / (changed - 1) for i in range(changed)]
    else:
        left = positions[prefix - 1] if prefix else 0.0
        right = positions[len(old) - suffix] if suffix else 1.0
        middle = [left + (right - left) * (i + 1) / (changed + 1) for i in range(changed)]
    return (*positions[:prefix], *middle, *positions[len(old) - suffix :])


def resized_width(crop: npt.NDArray[np.uint8], height: int) -> int:
    return max(1, math.ceil(height * crop.shape[1] / max(crop.shape[0], 1)))


def resize_line(crop: npt.NDArray[np.uint8], height: int, batch_width: int) -> npt.NDArray[np.float32]:
    """(h, w, 3) uint8 BGR line to (3, height, batch_width) float32, aspect kept, zero-padded on the right."""
    width = min(batch_width, resized_width(crop, height))
    resized = cv2.resize(crop, (width, height)).astype(np.float32)
    resized = (resized / 255.0 - 0.5) / 0.5
    padded = np.zeros((3, height, batch_width), dtype=np.float32)
    padded[:, :, :width] = resized.transpose(2, 0, 1)
    return padded


def width_batches(crops: Sequence[npt.NDArray[np.uint8]], batch_size: int) -> list[list[int]]:
    """Indices of crops grouped by aspect ratio, so lines of similar width share a batch and little is padding."""
    order = sorted(range(len(crops)), key=lambda i: crops[i].shape[1] / max(crops[i].shape[0], 1))
    return [order[start : start + batch_size] for start in range(0, len(order), batch_size)]


def padded_batches(widths: Sequence[int], batch_size: int, max_growth: float = MAX_BATCH_GROWTH) -> list[list[int]]:
    """Indices of lines grouped by their input width, narrowest first: a line joins the current batch only when it
    is at most `max_growth` wider than the batch's first line, so padding the batch to its widest line wastes
    little compute (a card's strips in batches of six by width order cost ~14% more)."""
    order = sorted(range(len(widths)), key=lambda i: widths[i])
    batches: list[list[int]] = []
    for index in order:
        batch = batches[-1] if batches else None
        if batch is None or len(batch) == batch_size or widths[index] > widths[batch[0]] * (1 + max_growth):
            batches.append([index])
        else:
            batch.append(index)
    return batches


class TextRecognizer:
    """Runs a CTC recognizer over line crops; `recognize(crops)` keeps the input order."""

    def __init__(
        self,
        run: Callable[[npt.NDArray[np.float32]], npt.NDArray[np.float32]],
        alphabet: Sequence[str],
        config: RecognitionConfig,
        shapes: ShapePolicy = AS_GIVEN,
    ) -> None:
        self._run = run
        self.alphabet = list(alphabet)
        self.config = config
        self._shapes = shapes

    def recognize(
        self, crops: Sequence[npt.NDArray[np.uint8]], base_width: int | Sequence[int] | None = None
    ) -> list[Recognition]:
        """`base_width` overrides the config's image_width, for all crops or (a sequence) for each."""
        results: list[Recognition | None] = [None] * len(crops)
        height = self.config.image_height
        # Lines narrower than the base width are padded to it, as the models were trained.
        bases = base_width if isinstance(base_width, Sequence) else [base_width or self.config.image_width] * len(crops)
        limit = self.config.max_width
        widths = [min(max(base, resized_width(crop, height)), limit) for crop, base in zip(crops, bases, strict=True)]
        for batch in padded_batches(widths, self.config.batch_size):
            batch_width = self._shapes.line_width(max(widths[i] for i in batch))
            tensor = np.stack([resize_line(crops[i], height, batch_width) for i in batch])
            rows = self._shapes.batch_rows(len(batch), self.config.batch_size)
            probabilities = self._run(pad_to(tensor, (rows, *tensor.shape[1:])))
            for row, index in enumerate(batch):
                best = probabilities[row].argmax(axis=1)
                steps = kept_steps_of(best)
                text, score, char_scores = decode_steps(probabilities[row], steps, self.alphabet)
                width = resized_width(crops[index], height)
                positions = step_positions(steps, probabilities.shape[1], batch_width, width)
                lost = lost_steps(probabilities[row], best)
                lost_at = step_positions(lost, probabilities.shape[1], batch_width, width)
                skipped = tuple(
                    (position, float(probabilities[row, step, BLANK]))
                    for step, position in zip(lost, lost_at, strict=True)
                    if position < 1.0  # the batch's padding right of the crop
                )
                results[index] = Recognition(text, score, char_scores, probabilities[row], positions, skipped)
        return [result for result in results if result is not None]


def recognize_with_fallback(
    first: TextRecognizer,
    fallback: TextRecognizer,
    crops: Sequence[npt.NDArray[np.uint8]],
    min_char_score: float,
    base_width: int | None = None,
) -> list[Recognition]:
    """The crops read by `first` (a cheaper recognizer), and again by `fallback` where `first` read nothing or read a
    character under `min_char_score`. Each reading's probabilities are over its own recognizer's alphabet: callers
    mixing two models use the texts, scores and positions only."""
    readings = first.recognize(crops, base_width)
    unsure = [index for index, reading in enumerate(readings) if min(reading.char_scores, default=0.0) < min_char_score]
    if unsure:
        again = fallback.recognize([crops[index] for index in unsure], base_width)
        for index, reading in zip(unsure, again, strict=True):
            readings[index] = reading
    return readings
