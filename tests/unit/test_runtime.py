"""Provider choice is a pure function; asking for CUDA on a CPU-only machine warns loudly and still runs."""

import logging

import numpy as np
import pytest

from engine.errors import ModelFileError
from engine.manifest import DEFAULT_MANIFEST, DEFAULT_MODEL_DIR, load_manifest, verify_file
from engine.runtime import CPU, CUDA, Runtime, RuntimeOptions, choose_providers


@pytest.mark.parametrize(
    ("device", "available", "expected"),
    [
        ("cpu", [CUDA, CPU], [CPU]),
        ("cuda", [CUDA, CPU], [CUDA, CPU]),
        ("cuda", [CPU], [CPU]),
        ("cuda", ["TensorrtExecutionProvider", CUDA, CPU], [CUDA, CPU]),
    ],
)
def test_choose_providers(device, available, expected):
    assert choose_providers(device, available) == expected


@pytest.fixture(scope="module")
def classifier_path():
    model_set = load_manifest(DEFAULT_MANIFEST).model_set(None)
    assert model_set.cls is not None
    return verify_file(model_set.cls, DEFAULT_MODEL_DIR)


def test_cuda_requested_but_cpu_bound_warns_and_runs(classifier_path, caplog):
    with caplog.at_level(logging.WARNING, logger="engine.runtime"):
        runtime = Runtime(classifier_path, RuntimeOptions(device="cuda", intra_op_threads=1))
    if CUDA in runtime.providers:
        pytest.skip("this machine has a working CUDA provider")
    assert runtime.providers == [CPU]
    assert any("CUDA was asked for" in record.message for record in caplog.records)
    output = runtime.run(np.zeros((2, 3, 48, 192), dtype=np.float32))
    assert output.shape == (2, 2)
    assert np.allclose(output.sum(axis=1), 1.0, atol=1e-4)


def test_cpu_runtime_does_not_warn(classifier_path, caplog):
    with caplog.at_level(logging.WARNING, logger="engine.runtime"):
        Runtime(classifier_path, RuntimeOptions(device="cpu", intra_op_threads=1))
    assert not caplog.records


def test_an_unloadable_file_is_a_model_file_error(tmp_path):
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"definitely not a protobuf")
    with pytest.raises(ModelFileError, match=r"broken\.onnx"):
        Runtime(broken, RuntimeOptions())
