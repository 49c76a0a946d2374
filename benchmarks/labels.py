"""The labelled-data format: a folder of images, each with a JSON beside it (img_0001.jpg + img_0001.json).

A label holds what the API must return for the image (`result`), which page(s) and license type it shows, the
generator's scene tier, and the ground-truth card geometry, which the API never returns. README.md, "Labelled data".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SIDES = ("front", "back", "double_side")
TYPES = ("normal", "electronic")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff")

FRONT_KEYS = (
    "number", "name", "sex", "nationality", "address", "birth", "issue_date", "class", "valid_from", "valid_to",
    "issuing_authority",
)  # fmt: skip
BACK_KEYS = ("number", "name", "file_number", "record")
ELECTRONIC_KEYS = (
    *FRONT_KEYS,
    "file_number",
    "accumulated_scores",
    "status",
    "generation_date",
    "current_time",
    "type",
)
FIELD_ORDER = tuple(dict.fromkeys((*ELECTRONIC_KEYS, *BACK_KEYS)))
"""Every result key in the order the API documents them, for tables."""


class LabelError(ValueError):
    """A label file that does not follow the format; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Label:
    side: str
    type: str
    result: dict[str, Any]
    """Exactly as the API returns it; for `double_side`, `{"front": {...}, "back": {...}}`."""
    tier: str | None = None
    geometry: dict[str, Any] | None = None
    """`{"image_size": [w, h], "cards": [{"side", "quad": [[x, y] x 4], "rotation_deg", "orientation"}]}`."""

    def pages(self) -> dict[str, dict[str, Any]]:
        """The expected fields per page: `{"front": {...}}`, `{"back": {...}}` or both for double_side."""
        if self.side == "double_side":
            return {"front": self.result["front"], "back": self.result["back"]}
        return {self.side: self.result}

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"side": self.side, "type": self.type}
        if self.tier is not None:
            data["tier"] = self.tier
        data["result"] = self.result
        if self.geometry is not None:
            data["geometry"] = self.geometry
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any], source: str = "label") -> Label:
        side, license_type, result = data.get("side"), data.get("type"), data.get("result")
        if side not in SIDES:
            raise LabelError(f"{source}: side must be one of {', '.join(SIDES)}, not {side!r}")
        if license_type not in TYPES:
            raise LabelError(f"{source}: type must be one of {', '.join(TYPES)}, not {license_type!r}")
        if not isinstance(result, dict):
            raise LabelError(f"{source}: result must be an object")
        if side == "double_side" and not (
            isinstance(result.get("front"), dict) and isinstance(result.get("back"), dict)
        ):
            raise LabelError(f"{source}: a double_side result holds a front and a back object")
        return cls(side=side, type=license_type, result=result, tier=data.get("tier"), geometry=data.get("geometry"))


@dataclass(frozen=True)
class LabelledImage:
    image_path: Path
    label: Label
    name: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", self.image_path.name)


def label_path(image_path: Path) -> Path:
    return image_path.with_suffix(".json")


def write_label(image_path: Path, label: Label) -> None:
    """Write the label beside its image; stable key order and UTF-8, so equal labels are equal bytes."""
    text = json.dumps(label.to_json(), ensure_ascii=False, indent=2)
    label_path(image_path).write_text(text + "\n", encoding="utf-8")


def read_folder(folder: Path) -> list[LabelledImage]:
    """Every image in `folder` (sorted by name) that has a label beside it; other files are ignored."""
    if not folder.is_dir():
        raise LabelError(f"{folder} is not a folder")
    items = []
    for image_path in sorted(folder.iterdir()):
        if image_path.suffix.lower() not in IMAGE_SUFFIXES or not label_path(image_path).is_file():
            continue
        try:
            data = json.loads(label_path(image_path).read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise LabelError(f"{label_path(image_path)}: not JSON: {error}") from error
        items.append(LabelledImage(image_path, Label.from_json(data, str(label_path(image_path)))))
    return items
