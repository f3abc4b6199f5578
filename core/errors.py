"""The named error hierarchy shared by every package.

It lives in `core`, below the domain packages (asr, scoring, surveys), because they raise these
errors and must never import `inspector`; the batch boundary catches them by class.
"""

from __future__ import annotations


class InspectorError(Exception):
    """Base of every error the product raises on purpose."""

    #: A permanent error fails a call at once; a transient one is retried.
    permanent: bool = False


class ConfigError(InspectorError):
    """Settings or a configuration file are invalid."""

    permanent = True


class AudioDecodeError(InspectorError):
    """A recording cannot be read as audio."""

    permanent = True

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


class TranscriptionError(InspectorError):
    """The ASR engine failed on a recording."""


class ScorecardError(InspectorError):
    """A scorecard file is invalid."""

    permanent = True


class SurveyImportError(InspectorError):
    """A survey file or row is invalid."""

    permanent = True


class ManifestError(InspectorError):
    """A manifest row is invalid."""

    permanent = True
