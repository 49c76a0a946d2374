"""The engine's one error hierarchy, typed by whose fault it is. No HTTP knowledge here: server/ maps these."""


class EngineError(Exception):
    """Base of every error the engine raises on purpose."""


class InvalidInput(EngineError):
    """The caller's input cannot be used: undecodable bytes, unsupported format, size out of range."""


class UnsupportedFormat(InvalidInput):
    """The bytes are not a JPEG, PNG, BMP or TIFF image, or cannot be decoded."""


class ImageSizeOutOfRange(InvalidInput):
    """The image decodes, but its sides or its byte size are outside the accepted range."""


class RecognitionFailed(EngineError):
    """The image is valid but holds no license, no text, or a different page than the one asked for."""


class NoLicenseFound(RecognitionFailed):
    """No driving-license page (or electronic license) was found in the image."""


class WrongSide(RecognitionFailed):
    """A license page was found, but not the one the caller asked for; `found` names it."""

    def __init__(self, requested: str, found: str) -> None:
        super().__init__(f"requested side {requested!r} but the image shows the {found!r} page")
        self.requested = requested
        self.found = found


class EngineFault(EngineError):
    """Our side failed: a model file missing or corrupt, or inference itself failed."""


class ModelFileError(EngineFault):
    """A model file is missing or does not match the manifest; the message names the file and the fix."""
