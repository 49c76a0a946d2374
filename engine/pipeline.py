"""The Engine: built once from a config (models verified and loaded), then safe to call from many threads."""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

from engine.card import CardFrame
from engine.card_locate import locate_cards
from engine.card_reader import DETECTION as CARD_DETECTION
from engine.card_reader import CardReading, read_card
from engine.card_reader import detection_shape as card_detection_shape
from engine.config import EngineConfig
from engine.errors import ModelFileError
from engine.geometry import crop_quad, to_quad, turn_half
from engine.image import BGRImage
from engine.license import read_license
from engine.manifest import ModelFile, ModelSet, load_manifest, verify_file
from engine.orientation import against_majority
from engine.results import LicenseResult, ReadOptions, Side, TextLine
from engine.runtime import Runtime
from engine.shapes import DETECTION_SIDE_STEP, LINE_WIDTHS, ShapePolicy
from engine.textcls import LineClassifier
from engine.textdet import TextDetector, detection_ratio
from engine.textrec import TextRecognizer, build_alphabet, parse_dictionary, recognize_with_fallback

logger = logging.getLogger(__name__)

# PaddleOCR's drop_score: lines recognized with a lower mean probability are noise, not text.
MIN_LINE_SCORE = 0.5
# An app's screen is drawn in large, clean type: its text is found at a smaller scale, and its lines, half of them
# 2-6 character labels, are padded to a narrower base width than a photo's (screenshot.py tells a screen).
SCREEN_DETECTION_SIDE = 640
SCREEN_LINE_WIDTH = 96
# A screenshot's lines are read by the model set's screen recognizer (PP-OCRv6 tiny, ~5x cheaper per line) and again
# by the main one where any character reads under this: the tiny model lacks rare name characters (曌, 赟, 頔) and
# reads them as look-alikes at 0.4-0.8. On the 96 screenshots of seeds 2026/4242/9090/5555 every line it read at
# this or above read as the main model reads it (but a UI glyph, く as <), and 19% of lines were read again.
SCREEN_RECHECK_SCORE = 0.95
# ... but only where the screenshot's lines are this tall (median crop, px): shrunk and re-encoded (forwarded), the tiny
# model misreads labels surely (住址 as 址 at 0.99), and the fields they name are lost. Those 96 screenshots, shrunk to
# 0.45 and saved at JPEG quality 40 (lines ~16 px), lost 22 fields read tiny-first against 18 read by the small model
# alone; at 0.5 and quality 50 (~18 px) 5 against 4; at 0.55 and quality 50 (~20 px), 0.6 and 60, or full size
# (~35 px) as many.
SCREEN_TINY_MIN_LINE_HEIGHT = 20
# An image's lines all end up turned the majority's way, so only this many of the longest are given to the 0/180
# classifier (~0.8 ms a line): a screenshot has ~35 lines. On seeds 2026/4242/9090/5555 every field and card quad
# came out as with every line classified; screenshots read ~7% faster.
ORIENTATION_VOTERS = 12


class Engine:
    """Reads text and license fields from BGR images. Holds no per-request state."""

    def __init__(self, config: EngineConfig | None = None) -> None:
        self.config = config or EngineConfig()
        manifest = load_manifest(self.config.manifest_path)
        self.model_set: ModelSet = manifest.model_set(self.config.model_set)
        paths = {model.name: verify_file(model, self.config.model_dir) for model in self.model_set.files()}

        det, rec, cls = self.model_set.det, self.model_set.rec, self.model_set.cls
        options = self.config.runtime
        det_runtime = Runtime(paths[det.name], options)
        self.providers = det_runtime.providers
        card_shape = card_detection_shape()
        shapes = ShapePolicy.for_providers(self.providers, frozenset({card_shape}))
        self.detector = TextDetector(det_runtime.run, det.mean, det.std, self.config.detection, shapes)
        self.recognizer = self._recognizer(rec, self.model_set.dictionary, paths, shapes)
        screen_rec = self.model_set.screen_rec
        self.screen_recognizer = (
            self._recognizer(screen_rec, self.model_set.screen_dictionary, paths, shapes) if screen_rec else None
        )
        self.classifier = (
            LineClassifier(Runtime(paths[cls.name], options).run, self.config.classifier, shapes)
            if cls is not None and self.config.classifier.enabled
            else None
        )
        if shapes.fixed:
            self._plan_every_shape(card_shape)
        logger.info("engine ready: model set %s on %s", self.model_set.name, ", ".join(self.providers))

    def _probe_shape(self, shapes: ShapePolicy) -> tuple[int, int, int, int]:
        """A small recognizer input, of a shape the GPU plans anyway (on the CPU: one line 64 px wide)."""
        rows = shapes.batch_rows(1, self.config.recognition.batch_size)
        return (rows, 3, self.config.recognition.image_height, shapes.line_width(64))

    def _plan_every_shape(self, card_shape: tuple[int, int]) -> None:
        """Run each padded input shape once, so cuDNN's planning (seconds in all) happens here, not in a request."""
        start = time.perf_counter()
        largest = max(self.config.detection.limit_side_len, SCREEN_DETECTION_SIDE, CARD_DETECTION.limit_side_len)
        for side in range(DETECTION_SIDE_STEP, largest + DETECTION_SIDE_STEP, DETECTION_SIDE_STEP):
            self.detector.detect(np.zeros((min(side, largest), min(side, largest), 3), dtype=np.uint8))
        self.detector.detect(np.zeros((*card_shape, 3), dtype=np.uint8), CARD_DETECTION)
        height = self.config.recognition.image_height
        blank_lines = [np.zeros((height, width, 3), dtype=np.uint8) for width in LINE_WIDTHS]
        self.recognizer.recognize(blank_lines, base_width=min(LINE_WIDTHS))
        if self.screen_recognizer is not None:
            self.screen_recognizer.recognize(blank_lines, base_width=min(LINE_WIDTHS))
        if self.classifier is not None:
            self.classifier.upside_down(blank_lines[:1])
        logger.info("planned every input shape on the GPU in %.1f s", time.perf_counter() - start)

    def _recognizer(
        self, rec: ModelFile, dictionary: ModelFile | None, paths: dict[str, Path], shapes: ShapePolicy
    ) -> TextRecognizer:
        runtime = Runtime(paths[rec.name], self.config.runtime)
        alphabet = build_alphabet(_dictionary(rec, dictionary, runtime, paths))
        _check_alphabet(runtime, len(alphabet), self._probe_shape(shapes))
        return TextRecognizer(runtime.run, alphabet, self.config.recognition, shapes)

    def read_text(self, image: npt.NDArray[np.uint8], screen: bool = False) -> list[TextLine]:
        """Every text line in a (H, W, 3) uint8 BGR image, in reading order, quads in the image's pixels; `screen`:
        the image is an app's screenshot (SCREEN_DETECTION_SIDE, SCREEN_LINE_WIDTH), read by the model set's screen
        recognizer where it has one (SCREEN_RECHECK_SCORE).

        Each quad starts at the text's own top-left as it reads, so a line on a card photographed upside down or
        sideways has its corner 0 wherever that is in the image: the lines' directions give the card's orientation.
        """
        settings = replace(self.config.detection, limit_side_len=SCREEN_DETECTION_SIDE) if screen else None
        detections = self.detector.detect(image, settings)
        cropped = [crop_quad(image, detection.quad) for detection in detections]
        crops = [crop for crop, _ in cropped]
        quads = [quad for _, quad in cropped]
        if self.classifier is not None and crops:
            # Every line is turned to the majority's way (against_majority), and long lines the classifier is sure
            # of outvote short, ambiguous ones: the longest lines alone settle the vote (ORIENTATION_VOTERS).
            voters = sorted(range(len(crops)), key=lambda index: -crops[index].shape[1])[:ORIENTATION_VOTERS]
            turned, weights = [False] * len(crops), [0.0] * len(crops)
            for index, score in zip(voters, self.classifier.upside_down([crops[i] for i in voters]), strict=True):
                turned[index] = score >= self.config.classifier.thresh
                weights[index] = crops[index].shape[1] * abs(2 * score - 1)
            quads = [turn_half(quad) if flip else quad for quad, flip in zip(quads, turned, strict=True)]
            realign = against_majority(quads, weights)
            quads = [turn_half(quad) if flip else quad for quad, flip in zip(quads, realign, strict=True)]
            crops = [
                np.ascontiguousarray(crop[::-1, ::-1]) if first != second else crop
                for crop, first, second in zip(crops, turned, realign, strict=True)
            ]
        line_width = SCREEN_LINE_WIDTH if screen else self.config.recognition.tight_line_width
        if screen and self.screen_recognizer is not None and drawn_large(crops):
            recognitions = recognize_with_fallback(
                self.screen_recognizer, self.recognizer, crops, SCREEN_RECHECK_SCORE, line_width
            )
        else:
            recognitions = self.recognizer.recognize(crops, line_width)
        return [
            TextLine(
                text=rec.text,
                score=rec.score,
                quad=to_quad(quad),
                char_scores=rec.char_scores,
                char_positions=rec.char_positions,
            )
            for quad, rec in zip(quads, recognitions, strict=True)
            if rec.score >= MIN_LINE_SCORE and rec.text.strip()
        ]

    def detection_scale(self, height: int, width: int) -> float:
        """The scale read_text (not of a screen) detects text at in an image of this size: its side limit."""
        return detection_ratio(height, width, self.config.detection)

    def read_card(
        self, image: BGRImage, frame: CardFrame, expected_side: Side | None = None, read_seal: bool = True
    ) -> CardReading:
        """One card page read in card space (engine.card_reader): upright frame, page, lines in millimetres."""
        return read_card(self.detector, self.classifier, self.recognizer, image, frame, expected_side, read_seal)

    def read_license(self, image: BGRImage, options: ReadOptions | None = None) -> LicenseResult:
        """The license page(s) in a (H, W, 3) uint8 BGR image: fields with scores and quads in its pixels.

        Raises NoLicenseFound when no page is there, WrongSide when options.side names a page that is not.
        """
        return read_license(self, image, options or ReadOptions(), locate=find_cards)


def drawn_large(crops: list[npt.NDArray[np.uint8]]) -> bool:
    """A screenshot's lines are as tall as an app draws them (SCREEN_TINY_MIN_LINE_HEIGHT), not shrunk."""
    return bool(crops) and float(np.median([crop.shape[0] for crop in crops])) >= SCREEN_TINY_MIN_LINE_HEIGHT


def _check_alphabet(rec_runtime: Runtime, alphabet_size: int, shape: tuple[int, int, int, int]) -> None:
    """A dictionary that does not match the model's classes decodes garbage silently; fail at start-up instead."""
    classes = rec_runtime.run(np.zeros(shape, dtype=np.float32)).shape[-1]
    if classes != alphabet_size:
        raise ModelFileError(
            f"{rec_runtime.path.name} predicts {classes} classes but its dictionary gives {alphabet_size} "
            "(blank + characters + space); the dictionary does not belong to this model"
        )


def find_cards(image: BGRImage) -> list[CardFrame]:
    """License pages found by their edges (engine.card_locate), as frames (their 0/180 turn is settled later)."""
    return [CardFrame(card.quad, card.whole_border) for card in locate_cards(image)]


def _dictionary(rec: ModelFile, dictionary: ModelFile | None, runtime: Runtime, paths: dict[str, Path]) -> list[str]:
    """A rec model's characters: from its dict file when the manifest names one, else from its ONNX metadata."""
    if dictionary is not None:
        return parse_dictionary(paths[dictionary.name].read_text(encoding="utf-8"))
    key = (rec.dictionary or "").removeprefix("metadata:")
    if key not in runtime.metadata:
        raise ModelFileError(f"{runtime.path.name} has no {key!r} entry in its ONNX metadata")
    return parse_dictionary(runtime.metadata[key])
