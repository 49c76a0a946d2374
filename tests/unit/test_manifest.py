"""Manifest parsing and verification: a corrupted byte, a missing file or a wrong size names the file and the fix."""

import hashlib
from pathlib import Path

import pytest

from engine.errors import ModelFileError
from engine.manifest import DEFAULT_MANIFEST, load_manifest, verify_file

PAYLOAD = b"not really onnx, but hashed like it" * 100


def write_manifest(tmp_path: Path, payload: bytes = PAYLOAD, size: int | None = None) -> Path:
    (tmp_path / "det.onnx").write_bytes(payload)
    (tmp_path / "rec.onnx").write_bytes(payload)
    digest = hashlib.sha256(payload).hexdigest()
    size_line = f"size = {size if size is not None else len(payload)}"
    manifest = tmp_path / "manifest.toml"
    manifest.write_text(
        f"""
[files.det]
role = "det"
path = "det.onnx"
sha256 = "{digest}"
{size_line}

[files.rec]
role = "rec"
path = "rec.onnx"
sha256 = "{digest}"
dictionary = "metadata:character"

[sets.mine]
det = "det"
rec = "rec"
""",
        encoding="utf-8",
    )
    return manifest


def test_shipped_manifest_defines_every_model_set_the_readme_names():
    manifest = load_manifest(DEFAULT_MANIFEST)
    assert set(manifest.sets) == {"ppocrv6-small", "ppocrv6-tiny", "ppocrv5", "ppocrv4"}
    assert manifest.default_set == "ppocrv6-small"
    for model_set in manifest.sets.values():
        assert model_set.cls is not None
        for model in model_set.files():
            assert model.wheel and "==" in model.wheel and model.member
            assert len(model.sha256) == 64 and model.size


def test_the_default_set_reads_screenshots_first_with_the_tiny_recognizer_and_its_dictionary():
    manifest = load_manifest(DEFAULT_MANIFEST)
    model_set = manifest.model_set(None)
    assert model_set.screen_rec is manifest.sets["ppocrv6-tiny"].rec
    assert model_set.screen_dictionary is manifest.sets["ppocrv6-tiny"].dictionary is not None
    assert {model_set.screen_rec, model_set.screen_dictionary} <= set(model_set.files())  # fetched with the set
    assert manifest.sets["ppocrv6-tiny"].screen_rec is None


def test_a_screen_recognizer_must_be_a_rec_entry(tmp_path):
    path = write_manifest(tmp_path)
    path.write_text(path.read_text(encoding="utf-8") + 'screen_rec = "det"\n', encoding="utf-8")
    with pytest.raises(ModelFileError, match="screen_rec = 'det' is not a rec entry"):
        load_manifest(path)


def test_user_manifest_with_paths_verifies(tmp_path):
    manifest = load_manifest(write_manifest(tmp_path))
    model_set = manifest.model_set(None)
    assert model_set.name == "mine"
    assert verify_file(model_set.det, tmp_path) == tmp_path / "det.onnx"


def test_one_corrupted_byte_is_an_error_naming_the_file(tmp_path):
    manifest = load_manifest(write_manifest(tmp_path))
    corrupted = bytearray(PAYLOAD)
    corrupted[100] ^= 0x01
    (tmp_path / "det.onnx").write_bytes(bytes(corrupted))
    with pytest.raises(ModelFileError, match=r"det\.onnx.*sha256"):
        verify_file(manifest.sets["mine"].det, tmp_path)


def test_wrong_size_and_missing_file_name_the_file(tmp_path):
    manifest = load_manifest(write_manifest(tmp_path, size=len(PAYLOAD) + 1))
    with pytest.raises(ModelFileError, match=r"det\.onnx.*bytes"):
        verify_file(manifest.sets["mine"].det, tmp_path)
    (tmp_path / "rec.onnx").unlink()
    with pytest.raises(ModelFileError, match=r"rec\.onnx.*missing"):
        verify_file(manifest.sets["mine"].rec, tmp_path)


def test_wheel_files_point_at_make_models_when_missing(tmp_path):
    model = load_manifest(DEFAULT_MANIFEST).model_set("ppocrv6-tiny").det
    with pytest.raises(ModelFileError, match="make models"):
        verify_file(model, tmp_path)


@pytest.mark.parametrize(
    ("snippet", "message"),
    [
        ('[files.x]\nrole = "det"\nsha256 = "00"\n', "either wheel"),
        ('[files.x]\nrole = "nope"\npath = "a"\nsha256 = "00"\n', "role"),
        ('[files.x]\nrole = "det"\npath = "a"\n', "sha256"),
        ("[files\n", "not valid TOML"),
        (
            '[files.a]\nrole = "det"\nfile = "x.onnx"\nwheel = "w==1"\nmember = "a"\nsha256 = "00"\n'
            '[files.b]\nrole = "rec"\nfile = "x.onnx"\nwheel = "w==1"\nmember = "b"\nsha256 = "00"\n',
            "several entries extract to x.onnx",
        ),
    ],
)
def test_malformed_manifests_are_rejected(tmp_path, snippet, message):
    path = tmp_path / "m.toml"
    path.write_text(snippet, encoding="utf-8")
    with pytest.raises(ModelFileError, match=message):
        load_manifest(path)


def test_unknown_model_set_lists_the_known_ones():
    with pytest.raises(ModelFileError, match="ppocrv6-small"):
        load_manifest(DEFAULT_MANIFEST).model_set("ppocrv9")
