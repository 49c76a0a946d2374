"""Provider choice is a pure function; asking for CUDA on a CPU-only machine warns loudly and still runs."""

import logging

import numpy as np
import pytest

from engine.errors import ModelFileError
from engine.manifest import DEFAULT_MANIFEST, DEFAULT_MODEL_DIR, load_manifest, verify_file
from engine.runtime import CPU, CUDA, CUDA_OPTIONS, Runtime, RuntimeOptions, SessionPerShape, choose_providers


@pytest.mark.parametrize(
    ("device", "available", "expected"),
    [
        ("cpu", [CUDA, CPU], [CPU]),
        ("cuda", [CUDA, CPU], [(CUDA, CUDA_OPTIONS), CPU]),
        ("cuda", [CPU], [CPU]),
        ("cuda", ["TensorrtExecutionProvider", CUDA, CPU], [(CUDA, CUDA_OPTIONS), CPU]),
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


@pytest.mark.parametrize(("allow", "entry"), [(False, "0"), (True, "1")])
def test_idle_threads_spin_only_when_asked(classifier_path, allow, entry):
    runtime = Runtime(classifier_path, RuntimeOptions(allow_spinning=allow))
    options = runtime._session.get_session_options()
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == entry


def test_no_memory_pattern_is_kept_per_input_shape(classifier_path):
    runtime = Runtime(classifier_path, RuntimeOptions())
    assert runtime._session.get_session_options().enable_mem_pattern is False


@pytest.mark.parametrize("arena", [True, False])
def test_the_memory_arena_is_on_unless_turned_off(classifier_path, arena):
    runtime = Runtime(classifier_path, RuntimeOptions(memory_arena=arena))
    assert runtime._session.get_session_options().enable_cpu_mem_arena is arena
    assert runtime.run(np.zeros((1, 3, 48, 192), dtype=np.float32)).shape == (1, 2)


def test_an_unloadable_file_is_a_model_file_error(tmp_path):
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"definitely not a protobuf")
    with pytest.raises(ModelFileError, match=r"broken\.onnx"):
        Runtime(broken, RuntimeOptions())


def test_each_input_shape_gets_its_own_session_and_keeps_it():
    made = []

    def make():
        made.append(object())
        return made[-1]

    first = object()
    session_for = SessionPerShape(first, make)
    assert session_for((6, 3, 48, 320)) is first  # the session loaded at start-up serves the first shape
    second = session_for((6, 3, 48, 480))
    assert second is made[0] and second is not first
    assert session_for((6, 3, 48, 320)) is first and session_for((6, 3, 48, 480)) is second
    assert len(made) == 1 and len(session_for) == 2


def test_cuda_sessions_ask_cudnn_for_heuristic_plans():
    # cuDNN's default EXHAUSTIVE search times every algorithm for each new shape: seconds per page on an H100.
    assert choose_providers("cuda", [CUDA, CPU])[0] == (CUDA, {"cudnn_conv_algo_search": "HEURISTIC"})
