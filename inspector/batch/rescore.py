"""Re-score a call from a transcript given to it (a reviewer's correction): the pipeline's
analysis phase (decode for the measurements, sentiment, reasons, measure, score) and its
result writer, so that a corrected call is scored exactly as the batch scores any call."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from asr.types import Transcript
from inspector.batch.jobs import call_info
from inspector.batch.pipeline import (
    DecodeStage,
    MeasureStage,
    Pipeline,
    ReasonStage,
    ScorecardScorer,
    ScoreStage,
    SentimentStage,
    Stage,
)
from inspector.batch.results import write_results
from inspector.settings import Settings
from inspector.store.models import Call
from scoring.scorecard import Scorecard


class PipelineRescorer:
    """The analysis phase of build_pipeline's stages with the given scorecard; the models load
    once per process (the stages share the cached sentiment and reason models)."""

    def __init__(self, settings: Settings, scorecard: Scorecard) -> None:
        self.settings = settings
        self.scorecard = scorecard

    def stages(self, call: Call) -> list[Stage]:
        # without its recording (moved, or never stored) the call is measured from the
        # transcript and its known duration, as MeasureStage does for a mono call
        audio = call.audio_path and Path(call.audio_path).is_file()
        return [
            *([DecodeStage()] if audio else []),
            *([SentimentStage()] if self.settings.sentiment else []),
            *([ReasonStage(self.settings.reasons_taxonomy)] if self.settings.reasons else []),
            MeasureStage(),
            ScoreStage(ScorecardScorer(self.scorecard)),
        ]

    def __call__(self, session: Session, call: Call, transcript: Transcript) -> None:
        work = Pipeline(self.stages(call)).process(
            call_info(call), phase="analysis", transcript=transcript
        )
        write_results(session, work, self.settings)
