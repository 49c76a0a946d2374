"""The only module that imports onnxruntime: one session per model file, providers picked by a pure function."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
import onnxruntime as ort

from engine.errors import EngineFault, ModelFileError

logger = logging.getLogger(__name__)

Device = Literal["cpu", "cuda"]
CPU = "CPUExecutionProvider"
CUDA = "CUDAExecutionProvider"


@dataclass(frozen=True)
class RuntimeOptions:
    device: Device = "cpu"
    intra_op_threads: int = 0
    """0 lets onnxruntime use one thread per physical core."""
    inter_op_threads: int = 1


def choose_providers(device: Device, available: list[str]) -> list[str]:
    """The execution providers to ask for: CUDA then CPU when CUDA is wanted and present, else CPU alone."""
    if device == "cuda" and CUDA in available:
        return [CUDA, CPU]
    return [CPU]


class Runtime:
    """An inference session for one ONNX model; `run` is safe to call from many threads at once."""

    def __init__(self, path: Path, options: RuntimeOptions) -> None:
        session_options = ort.SessionOptions()
        session_options.intra_op_num_threads = options.intra_op_threads
        session_options.inter_op_num_threads = options.inter_op_threads
        session_options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        providers = choose_providers(options.device, ort.get_available_providers())
        try:
            self._session = ort.InferenceSession(str(path), sess_options=session_options, providers=providers)
        except Exception as error:  # onnxruntime raises its own untyped errors for unreadable graphs
            raise ModelFileError(f"onnxruntime cannot load {path}: {error}") from error
        self.path = path
        self.providers: list[str] = self._session.get_providers()
        if options.device == "cuda" and CUDA not in self.providers:
            logger.warning(
                "CUDA was asked for but %s runs on CPU (available providers: %s); install the `gpu` extra "
                "(onnxruntime-gpu) with a matching CUDA and cuDNN, or set the device to cpu",
                path.name,
                ", ".join(ort.get_available_providers()),
            )
        self._input_name = self._session.get_inputs()[0].name
        self.metadata: dict[str, str] = dict(self._session.get_modelmeta().custom_metadata_map)

    def run(self, tensor: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Run the model on one NCHW float32 batch and return its first output."""
        try:
            outputs = self._session.run(None, {self._input_name: tensor})
        except Exception as error:
            raise EngineFault(f"inference failed in {self.path.name} for input {tensor.shape}: {error}") from error
        return np.asarray(outputs[0], dtype=np.float32)
