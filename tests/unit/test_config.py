from pathlib import Path

import pytest

from engine.config import EngineConfig


def test_defaults_need_no_environment():
    config = EngineConfig.from_env({})
    assert config.model_set is None and config.runtime.device == "cpu"
    assert not config.runtime.allow_spinning and config.runtime.memory_arena


def test_environment_overrides():
    config = EngineConfig.from_env(
        {
            "DLOCR_MODEL_SET": "ppocrv6-tiny",
            "DLOCR_DEVICE": "CUDA",
            "DLOCR_THREADS": "2",
            "DLOCR_MANIFEST": "/srv/my.toml",
            "DLOCR_MODEL_DIR": "/srv/models",
            "DLOCR_SPIN": "1",
            "DLOCR_ARENA": "0",
        }
    )
    assert config.model_set == "ppocrv6-tiny"
    assert config.runtime.device == "cuda" and config.runtime.intra_op_threads == 2
    assert config.manifest_path == Path("/srv/my.toml") and config.model_dir == Path("/srv/models")
    assert config.runtime.allow_spinning and not config.runtime.memory_arena


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DLOCR_DEVICE": "tpu"}, "cpu or cuda"),
        ({"DLOCR_THREADS": "two"}, "integer"),
        ({"DLOCR_THREADS": "-1"}, ">= 0"),
        ({"DLOCR_SPIN": "yes"}, "0 or 1"),
        ({"DLOCR_ARENA": "off"}, "DLOCR_ARENA must be 0 or 1"),
    ],
)
def test_bad_values_are_named(env, message):
    with pytest.raises(ValueError, match=message):
        EngineConfig.from_env(env)
