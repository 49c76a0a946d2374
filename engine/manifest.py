"""The model manifest: which ONNX files and dictionaries exist, their hashes, and where each comes from."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from engine.errors import ModelFileError

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MANIFEST = REPO_ROOT / "models" / "manifest.toml"
DEFAULT_MODEL_DIR = REPO_ROOT / "models" / "files"
FIX_COMMAND = "make models"

Role = Literal["det", "rec", "cls", "dict"]
_ROLES = ("det", "rec", "cls", "dict")
_HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class ModelFile:
    """One file in the manifest. Exactly one of `wheel` (with `member`) or `path` says where it comes from."""

    name: str
    role: Role
    file: str
    sha256: str
    size: int | None = None
    wheel: str | None = None
    member: str | None = None
    path: Path | None = None
    license: str = "unknown"
    mean: tuple[float, float, float] = (0.5, 0.5, 0.5)
    std: tuple[float, float, float] = (0.5, 0.5, 0.5)
    dictionary: str | None = None
    """For rec models: `metadata:KEY` (read from the ONNX custom metadata) or `file:NAME` (a dict entry)."""

    def location(self, model_dir: Path) -> Path:
        return self.path if self.path is not None else model_dir / self.file


@dataclass(frozen=True)
class ModelSet:
    name: str
    det: ModelFile
    rec: ModelFile
    cls: ModelFile | None
    dictionary: ModelFile | None
    """The rec model's dictionary file when it is not in the model's metadata."""
    screen_rec: ModelFile | None = None
    """A cheaper recognizer that reads app screenshots first (clean, drawn type); `rec` re-reads its unsure lines."""
    screen_dictionary: ModelFile | None = None

    def files(self) -> list[ModelFile]:
        return self.main_files() + self.screen_files()

    def main_files(self) -> list[ModelFile]:
        return [f for f in (self.det, self.rec, self.cls, self.dictionary) if f is not None]

    def screen_files(self) -> list[ModelFile]:
        return [f for f in (self.screen_rec, self.screen_dictionary) if f is not None]


@dataclass(frozen=True)
class Manifest:
    files: dict[str, ModelFile]
    sets: dict[str, ModelSet]
    default_set: str

    def model_set(self, name: str | None) -> ModelSet:
        chosen = name or self.default_set
        if chosen not in self.sets:
            raise ModelFileError(f"unknown model set {chosen!r}; known sets: {', '.join(sorted(self.sets))}")
        return self.sets[chosen]


def load_manifest(path: Path = DEFAULT_MANIFEST) -> Manifest:
    """Parse and check a manifest TOML file; relative `path` entries resolve against the manifest's folder."""
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except FileNotFoundError as error:
        raise ModelFileError(f"model manifest not found: {path}") from error
    except tomllib.TOMLDecodeError as error:
        raise ModelFileError(f"model manifest {path} is not valid TOML: {error}") from error

    files = {name: _parse_file(name, entry, path.parent) for name, entry in raw.get("files", {}).items()}
    extracted = [model.file for model in files.values() if model.wheel]
    if duplicates := sorted({name for name in extracted if extracted.count(name) > 1}):
        raise ModelFileError(f"model manifest {path}: several entries extract to {', '.join(duplicates)}")
    sets = {name: _parse_set(name, entry, files) for name, entry in raw.get("sets", {}).items()}
    default_set = raw.get("defaults", {}).get("set") or next(iter(sets), "")
    if default_set not in sets:
        raise ModelFileError(f"model manifest {path}: default set {default_set!r} is not defined")
    return Manifest(files=files, sets=sets, default_set=default_set)


def _parse_file(name: str, entry: dict[str, Any], base: Path) -> ModelFile:
    role = entry.get("role")
    if role not in _ROLES:
        raise ModelFileError(f"manifest entry {name!r}: role must be one of {_ROLES}, got {role!r}")
    has_wheel = "wheel" in entry and "member" in entry
    has_path = "path" in entry
    if has_wheel == has_path:
        raise ModelFileError(f"manifest entry {name!r}: give either wheel+member or path")
    if "sha256" not in entry:
        raise ModelFileError(f"manifest entry {name!r}: sha256 is required")
    path = (base / entry["path"]).resolve() if has_path else None
    return ModelFile(
        name=name,
        role=role,
        file=entry.get("file") or (path.name if path else Path(entry["member"]).name),
        sha256=str(entry["sha256"]).lower(),
        size=entry.get("size"),
        wheel=entry.get("wheel"),
        member=entry.get("member"),
        path=path,
        license=entry.get("license", "unknown"),
        mean=tuple(entry.get("mean", (0.5, 0.5, 0.5))),
        std=tuple(entry.get("std", (0.5, 0.5, 0.5))),
        dictionary=entry.get("dictionary"),
    )


def _parse_set(name: str, entry: dict[str, str], files: dict[str, ModelFile]) -> ModelSet:
    def pick(key: str, role: Role, required: bool) -> ModelFile | None:
        chosen = entry.get(key)
        if chosen is None:
            if required:
                raise ModelFileError(f"model set {name!r} has no {key} model")
            return None
        if chosen not in files or files[chosen].role != role:
            raise ModelFileError(f"model set {name!r}: {key} = {chosen!r} is not a {role} entry of the manifest")
        return files[chosen]

    det, rec = pick("det", "det", True), pick("rec", "rec", True)
    assert det is not None and rec is not None
    screen_rec = pick("screen_rec", "rec", False)
    return ModelSet(
        name=name,
        det=det,
        rec=rec,
        cls=pick("cls", "cls", False),
        dictionary=_dictionary_file(rec, files),
        screen_rec=screen_rec,
        screen_dictionary=_dictionary_file(screen_rec, files) if screen_rec is not None else None,
    )


def _dictionary_file(rec: ModelFile, files: dict[str, ModelFile]) -> ModelFile | None:
    """The dict entry a rec model names (`file:NAME`); None when its dictionary is in its ONNX metadata."""
    source = rec.dictionary or ""
    if source.startswith("file:"):
        dict_name = source.removeprefix("file:")
        if dict_name not in files or files[dict_name].role != "dict":
            raise ModelFileError(f"rec model {rec.name!r}: dictionary {dict_name!r} is not a dict entry")
        return files[dict_name]
    if not source.startswith("metadata:"):
        raise ModelFileError(f"rec model {rec.name!r}: dictionary must be 'metadata:KEY' or 'file:NAME'")
    return None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def verify_file(model: ModelFile, model_dir: Path) -> Path:
    """Return the file's path after checking it exists and matches the manifest's size and sha256."""
    location = model.location(model_dir)
    fix = f"run `{FIX_COMMAND}`" if model.path is None else "check the path and sha256 in your manifest"
    if not location.is_file():
        raise ModelFileError(f"model file {location} ({model.name}) is missing; {fix}")
    if model.size is not None and location.stat().st_size != model.size:
        raise ModelFileError(
            f"model file {location} ({model.name}) has {location.stat().st_size} bytes, expected {model.size}; {fix}"
        )
    actual = sha256_of(location)
    if actual != model.sha256:
        raise ModelFileError(
            f"model file {location} ({model.name}) has sha256 {actual}, expected {model.sha256}; {fix}"
        )
    return location
