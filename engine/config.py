"""Engine settings with their defaults in one place; `from_env` reads the DLOCR_* variables the server uses."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from engine.manifest import DEFAULT_MANIFEST, DEFAULT_MODEL_DIR
from engine.runtime import RuntimeOptions


@dataclass(frozen=True)
class DetectionConfig:
    """DB post-processing; defaults are PaddleOCR's PP-OCR inference settings."""

    limit_side_len: int = 960
    limit_type: str = "max"
    """`max`: scale the longer side down to limit_side_len; `min`: scale the shorter side up to it."""
    thresh: float = 0.3
    box_thresh: float = 0.6
    unclip_ratio: float = 1.5
    max_candidates: int = 1000
    min_size: int = 3
    use_dilation: bool = False


@dataclass(frozen=True)
class RecognitionConfig:
    image_height: int = 48
    image_width: int = 320
    """Base width of a batch; wider lines widen their batch instead of being squeezed."""
    tight_line_width: int = 160
    """Base width of lines cut tight around their text (detected lines, a card's title) instead of a value's whole
    strip: most of a screenshot's 30-odd lines are 2-4 character labels that image_width would pad to 3-4 times
    their own width, and a card's title and seal lines are 160-250 px. So are the value strips of rows short by
    layout (card_reader.SHORT_ROWS); the others keep image_width: smaller bases lost scan and wallet fields."""
    batch_size: int = 6
    max_width: int = 2048


@dataclass(frozen=True)
class ClassifierConfig:
    enabled: bool = True
    image_height: int = 48
    image_width: int = 192
    batch_size: int = 6
    thresh: float = 0.9
    """A line is turned 180 degrees only when the classifier is at least this sure (PaddleOCR's cls_thresh)."""


@dataclass(frozen=True)
class EngineConfig:
    manifest_path: Path = DEFAULT_MANIFEST
    model_dir: Path = DEFAULT_MODEL_DIR
    model_set: str | None = None
    """None picks the manifest's default set."""
    runtime: RuntimeOptions = field(default_factory=RuntimeOptions)
    detection: DetectionConfig = field(default_factory=DetectionConfig)
    recognition: RecognitionConfig = field(default_factory=RecognitionConfig)
    classifier: ClassifierConfig = field(default_factory=ClassifierConfig)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> EngineConfig:
        """Read DLOCR_MANIFEST, DLOCR_MODEL_DIR, DLOCR_MODEL_SET, DLOCR_DEVICE, DLOCR_THREADS, DLOCR_INTER_THREADS,
        DLOCR_SPIN, DLOCR_ARENA."""
        env = os.environ if environ is None else environ
        config = cls()
        runtime = config.runtime
        if "DLOCR_DEVICE" in env:
            device = env["DLOCR_DEVICE"].strip().lower()
            if device not in ("cpu", "cuda"):
                raise ValueError(f"DLOCR_DEVICE must be cpu or cuda, got {device!r}")
            runtime = replace(runtime, device=device)  # type: ignore[arg-type]
        if "DLOCR_THREADS" in env:
            runtime = replace(runtime, intra_op_threads=_non_negative_int(env, "DLOCR_THREADS"))
        if "DLOCR_INTER_THREADS" in env:
            runtime = replace(runtime, inter_op_threads=_non_negative_int(env, "DLOCR_INTER_THREADS"))
        if "DLOCR_SPIN" in env:
            runtime = replace(runtime, allow_spinning=_switch(env, "DLOCR_SPIN"))
        if "DLOCR_ARENA" in env:
            runtime = replace(runtime, memory_arena=_switch(env, "DLOCR_ARENA"))
        changes: dict[str, Any] = {"runtime": runtime}
        if "DLOCR_MANIFEST" in env:
            changes["manifest_path"] = Path(env["DLOCR_MANIFEST"])
        if "DLOCR_MODEL_DIR" in env:
            changes["model_dir"] = Path(env["DLOCR_MODEL_DIR"])
        if env.get("DLOCR_MODEL_SET"):
            changes["model_set"] = env["DLOCR_MODEL_SET"]
        return replace(config, **changes)


def _switch(env: Mapping[str, str], name: str) -> bool:
    value = env[name].strip()
    if value not in ("0", "1"):
        raise ValueError(f"{name} must be 0 or 1, got {value!r}")
    return value == "1"


def _non_negative_int(env: Mapping[str, str], name: str) -> int:
    try:
        value = int(env[name])
    except ValueError as error:
        raise ValueError(f"{name} must be an integer, got {env[name]!r}") from error
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return value
