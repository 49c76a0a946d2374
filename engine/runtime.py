"""The only module that imports onnxruntime: one session per model file, providers picked by a pure function."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, Literal, TypeVar

import numpy as np
import numpy.typing as npt
import onnxruntime as ort

from engine.errors import EngineFault, ModelFileError

logger = logging.getLogger(__name__)

Device = Literal["cpu", "cuda"]
CPU = "CPUExecutionProvider"
CUDA = "CUDAExecutionProvider"
CUDA_OPTIONS = {"cudnn_conv_algo_search": "HEURISTIC"}
"""cuDNN's default, EXHAUSTIVE, times every convolution algorithm for each new input shape. Page sizes and text
line widths change the shapes on nearly every call, so it would search all the time (seconds per page)."""
ProviderChoice = str | tuple[str, dict[str, str]]


@dataclass(frozen=True)
class RuntimeOptions:
    device: Device = "cpu"
    intra_op_threads: int = 0
    """0 lets onnxruntime use one thread per physical core."""
    inter_op_threads: int = 1
    allow_spinning: bool = False
    """onnxruntime's idle intra-op threads spin for new work by default. The engine runs three models in turn (card
    detection, the 0/180 classifier, recognition), each with its own thread pool, so the pool that just ran spins
    on the cores the next one needs: on 2 cores, pages read ~15% slower with spinning on."""
    memory_arena: bool = True
    """onnxruntime keeps the memory it allocated in an arena and never hands it back: off, a process reading photos
    holds ~250 MB instead of ~430 MB, and reads 2.5% slower (paired over 140 photos)."""


def choose_providers(device: Device, available: list[str]) -> list[ProviderChoice]:
    """The execution providers to ask for: CUDA (with its options) then CPU when CUDA is wanted and present,
    else CPU alone."""
    if device == "cuda" and CUDA in available:
        return [(CUDA, dict(CUDA_OPTIONS)), CPU]
    return [CPU]


S = TypeVar("S")


class SessionPerShape(Generic[S]):
    """One session for each input shape, made on first use.

    onnxruntime's CUDA convolutions keep the cuDNN plan of the last input shape only, so one session fed alternating
    shapes re-plans at every change (0.3-2 s). A session per shape keeps every plan; engine.shapes keeps the
    shapes few.
    """

    def __init__(self, first: S, make: Callable[[], S]) -> None:
        self._first: S | None = first
        self._make = make
        self._sessions: dict[tuple[int, ...], S] = {}
        self._lock = threading.Lock()

    def __call__(self, shape: tuple[int, ...]) -> S:
        session = self._sessions.get(shape)
        if session is None:
            with self._lock:
                session = self._sessions.get(shape)
                if session is None:
                    # The session loaded at start-up (to check the model) serves the first shape.
                    session = self._first if self._first is not None else self._make()
                    self._first = None
                    self._sessions[shape] = session
        return session

    def __len__(self) -> int:
        return len(self._sessions)


class Runtime:
    """An inference session for one ONNX model (one per input shape on CUDA); `run` is safe to call from many
    threads at once."""

    def __init__(self, path: Path, options: RuntimeOptions) -> None:
        session_options = ort.SessionOptions()
        session_options.intra_op_num_threads = options.intra_op_threads
        session_options.inter_op_num_threads = options.inter_op_threads
        session_options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # A memory pattern is planned and kept for each input shape, and line widths and page sizes give new shapes
        # all the time: with patterns on, a process reading photos kept growing (534 -> 597 MB over 480 images);
        # off, it stays near 430 MB, at the same speed (paired over 140 photos: 0.997 of the time).
        session_options.enable_mem_pattern = False
        session_options.enable_cpu_mem_arena = options.memory_arena
        spinning = "1" if options.allow_spinning else "0"
        session_options.add_session_config_entry("session.intra_op.allow_spinning", spinning)
        providers = choose_providers(options.device, ort.get_available_providers())

        def load() -> ort.InferenceSession:
            return ort.InferenceSession(str(path), sess_options=session_options, providers=providers)

        try:
            self._session = load()
        except Exception as error:  # onnxruntime raises its own untyped errors for unreadable graphs
            raise ModelFileError(f"onnxruntime cannot load {path}: {error}") from error
        self.path = path
        self.providers: list[str] = self._session.get_providers()
        self._session_for = SessionPerShape(self._session, load) if CUDA in self.providers else None
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
        session = self._session if self._session_for is None else self._session_for(tensor.shape)
        try:
            outputs = session.run(None, {self._input_name: tensor})
        except Exception as error:
            raise EngineFault(f"inference failed in {self.path.name} for input {tensor.shape}: {error}") from error
        return np.asarray(outputs[0], dtype=np.float32)
