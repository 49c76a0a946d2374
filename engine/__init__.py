"""dlocr's engine: image in, text lines (and license fields) out. Importing it loads nothing."""

from engine.config import EngineConfig
from engine.errors import (
    EngineError,
    EngineFault,
    ImageSizeOutOfRange,
    InvalidInput,
    ModelFileError,
    NoLicenseFound,
    RecognitionFailed,
    UnsupportedFormat,
    WrongSide,
)
from engine.pipeline import Engine
from engine.results import FieldValue, LicenseResult, PageResult, Quality, ReadOptions, TextLine

__version__ = "0.1.0"

__all__ = [
    "Engine",
    "EngineConfig",
    "EngineError",
    "EngineFault",
    "FieldValue",
    "ImageSizeOutOfRange",
    "InvalidInput",
    "LicenseResult",
    "ModelFileError",
    "NoLicenseFound",
    "PageResult",
    "Quality",
    "ReadOptions",
    "RecognitionFailed",
    "TextLine",
    "UnsupportedFormat",
    "WrongSide",
]
