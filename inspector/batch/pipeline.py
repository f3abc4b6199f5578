"""The stages a call passes through, behind one small interface each issue plugs into."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from asr import audio
from asr.protocol import TranscribeOptions, Transcriber
from asr.transcriber import FixtureTranscriber, NullTranscriber, WhisperTranscriber
from asr.types import DecodedAudio, Role, Transcript
from core.errors import AudioDecodeError, ConfigError
from inspector.batch.jobs import CallInfo
from inspector.settings import Settings
from scoring.audio_metrics import measure_stereo
from scoring.engine import evaluate
from scoring.metrics import measure
from scoring.reasons.detect import CallReasons, ReasonModel, shared_reason_model
from scoring.reasons.phrases import customer_keywords
from scoring.scorecard import Scorecard, load_scorecard
from scoring.sentiment import SentimentModel, shared_model
from scoring.types import CallResult, Metrics

if TYPE_CHECKING:
    from asr.glossary import Glossary


@dataclass
class CallWork:
    """The working state of one call as it moves through the stages."""

    call: CallInfo
    audio: DecodedAudio | None = None
    transcript: Transcript | None = None
    metrics: Metrics | None = None
    result: CallResult | None = None
    reasons: CallReasons | None = None


class Stage(Protocol):
    name: str

    def run(self, work: CallWork) -> None: ...


class Scorer(Protocol):
    """Scores a measured transcript against a scorecard (filled by the scoring engine)."""

    def score(self, work: CallWork) -> CallResult | None: ...


class DecodeStage:
    name = "decode"

    def run(self, work: CallWork) -> None:
        if not work.call.audio_path:
            raise AudioDecodeError(work.call.call_id, "no stored audio for this call")
        work.audio = audio.decode(Path(work.call.audio_path))


class TranscribeStage:
    name = "transcribe"

    def __init__(self, transcriber: Transcriber, settings: Settings) -> None:
        self.transcriber = transcriber
        self.settings = settings

    def run(self, work: CallWork) -> None:
        assert work.audio is not None, "decode runs before transcribe"
        options = TranscribeOptions(
            language=self.settings.asr_language,
            agent_channel=work.call.agent_channel or self.settings.agent_channel,
            audio_sha256=work.call.audio_sha256,
        )
        work.transcript = self.transcriber.transcribe(work.audio, options)


class SentimentStage:
    """Scores every turn's sentiment and anger; the model loads on the first call with speech."""

    name = "sentiment"

    def __init__(self, model_factory: Callable[[], SentimentModel] | None = None) -> None:
        self._factory = model_factory or shared_model
        self._model: SentimentModel | None = None

    def run(self, work: CallWork) -> None:
        assert work.transcript is not None, "transcribe runs before sentiment"
        if not any(s.text.strip() for s in work.transcript.segments):
            return
        if self._model is None:
            self._model = self._factory()
        work.transcript = self._model.annotate(work.transcript)


class ReasonStage:
    """Why the customer called, from the sentence vectors the sentiment stage kept; the heads
    load on the first call with speech."""

    name = "reasons"

    def __init__(self, taxonomy_path: str = "") -> None:
        self.taxonomy_path = taxonomy_path
        self._model: ReasonModel | None = None

    def run(self, work: CallWork) -> None:
        assert work.transcript is not None, "transcribe runs before reasons"
        if not any(s.text.strip() for s in work.transcript.segments):
            return
        if self._model is None:
            self._model = shared_reason_model(self.taxonomy_path)
        found = self._model.detect(work.transcript)
        work.reasons = replace(found, keywords=customer_keywords(work.transcript))


class MeasureStage:
    name = "measure"

    def run(self, work: CallWork) -> None:
        assert work.transcript is not None, "transcribe runs before measure"
        audio = work.audio
        if audio is not None and audio.channels >= 2:
            # each party on its own channel: voice activity gives overlap and silence exactly
            work.metrics = measure_stereo(audio, work.transcript, _agent_channel(work))
            return
        duration = audio.duration_s if audio is not None else (work.call.duration_s or 0)
        work.metrics = measure(work.transcript, duration)


def _agent_channel(work: CallWork) -> int:
    """The agent's channel as transcription decided it (channel map or content)."""
    assert work.transcript is not None
    channels = [s.channel for s in work.transcript.segments if s.role == Role.AGENT]
    if channels and channels[0] is not None:
        return int(channels[0])
    return 1 if work.call.agent_channel == "right" else 0


class ScoreStage:
    name = "score"

    def __init__(self, scorer: Scorer | None) -> None:
        self.scorer = scorer

    def run(self, work: CallWork) -> None:
        work.result = self.scorer.score(work) if self.scorer is not None else None


class ScorecardScorer:
    """Scores each call with one scorecard, loaded once per worker."""

    def __init__(self, scorecard: Scorecard) -> None:
        self.scorecard = scorecard

    def score(self, work: CallWork) -> CallResult | None:
        if work.transcript is None or work.metrics is None:
            return None
        return evaluate(work.transcript, work.metrics, self.scorecard, work.call.metadata)


class NoopStage:
    """Does nothing: the benchmark configuration that measures the spine alone."""

    name = "noop"

    def run(self, work: CallWork) -> None:
        return None


#: stages of the ASR phase; decode runs in both phases (analysis measures the audio again)
ASR_STAGES = {"decode", "transcribe", "noop"}
ANALYSIS_SKIPS = {"transcribe"}


@dataclass
class Pipeline:
    stages: Sequence[Stage]

    def process(
        self,
        call: CallInfo,
        on_stage: Callable[[str], None] | None = None,
        *,
        phase: str | None = None,
        transcript: Transcript | None = None,
    ) -> CallWork:
        """Run the stages: all of them, only the ASR phase ("asr"), or the analysis phase from
        a transcript made earlier ("analysis")."""
        work = CallWork(call=call, transcript=transcript)
        for stage in self.stages:
            if phase == "asr" and stage.name not in ASR_STAGES:
                continue
            if phase == "analysis" and stage.name in ANALYSIS_SKIPS:
                continue
            if on_stage is not None:
                on_stage(stage.name)
            stage.run(work)
        return work


def load_glossary(settings: Settings) -> Glossary | None:
    """The homophone-correction glossary the settings name (None when it is off)."""
    from asr.glossary import PACKAGED_GLOSSARY, Glossary

    if settings.asr_glossary == "off":
        return None
    path = PACKAGED_GLOSSARY if settings.asr_glossary == "builtin" else Path(settings.asr_glossary)
    if not path.is_file():
        raise ConfigError(f"setting 'asr_glossary': glossary file {path} does not exist")
    return Glossary.from_file(path, settings.asr_hotwords)


def build_transcriber(settings: Settings) -> Transcriber:
    """The engine named by settings, loaded once per worker process."""
    if settings.asr_engine == "none":
        return NullTranscriber()
    if settings.asr_engine == "fixture":
        return FixtureTranscriber([settings.fixture_dir], settings.fixture_delay_s)
    defaults = TranscribeOptions(hotwords=settings.asr_hotwords)
    if settings.asr_engine == "faster-whisper":
        from asr.engines.faster import FasterWhisperEngine
        from asr.models import prepare_base_ct2, validate_ct2_dir

        model_dir = (
            validate_ct2_dir(Path(settings.asr_model_path))
            if settings.asr_model_path
            else prepare_base_ct2(settings.models_dir)
        )
        engine = FasterWhisperEngine(
            model_dir,
            device=settings.asr_device,
            compute_type="" if settings.asr_compute_type == "auto" else settings.asr_compute_type,
            cpu_threads=settings.asr_cpu_threads,
            beam_size=settings.asr_beam_size,
            batch_size=settings.asr_batch_size,
        )
        return WhisperTranscriber(engine, defaults, load_glossary(settings))
    if settings.asr_engine == "openai-whisper":
        from asr.engines.openai import OpenAIWhisperEngine
        from asr.models import prepare_base_openai, validate_openai_checkpoint

        checkpoint = (
            validate_openai_checkpoint(Path(settings.asr_model_path))
            if settings.asr_model_path
            else prepare_base_openai(settings.models_dir)
        )
        return WhisperTranscriber(
            OpenAIWhisperEngine(
                checkpoint, device=settings.asr_device, beam_size=settings.asr_beam_size
            ),
            defaults,
            load_glossary(settings),
        )
    raise ConfigError(f"setting 'asr_engine': engine {settings.asr_engine!r} is not available")


def prepare_models(settings: Settings) -> list[Path]:
    """Assemble or convert the packaged weights the settings need (idempotent, offline)."""
    from asr.models import prepare_base_ct2, prepare_base_openai

    if settings.asr_model_path or settings.pipeline == "noop":
        return []
    if settings.asr_engine == "faster-whisper":
        return [prepare_base_ct2(settings.models_dir)]
    if settings.asr_engine == "openai-whisper":
        return [prepare_base_openai(settings.models_dir)]
    return []


def build_pipeline(settings: Settings) -> Pipeline:
    if settings.pipeline == "noop":
        return Pipeline([NoopStage()])
    return Pipeline(
        [
            DecodeStage(),
            TranscribeStage(build_transcriber(settings), settings),
            *([SentimentStage()] if settings.sentiment else []),
            *([ReasonStage(settings.reasons_taxonomy)] if settings.reasons else []),
            MeasureStage(),
            ScoreStage(ScorecardScorer(load_scorecard(settings.scorecard))),
        ]
    )
