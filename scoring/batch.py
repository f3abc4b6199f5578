"""Score a JSONL file of transcripts; a bad line is reported and the others go on."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from core.machine import settle_heap
from scoring.engine import evaluate
from scoring.io import parse_line, result_json
from scoring.metrics import measure
from scoring.scorecard import load_scorecard
from scoring.sentiment import shared_model


@dataclass
class ScoreReport:
    scored: int = 0
    errors: list[str] = field(default_factory=list)


def score_file(
    path: Path, scorecard: str | Path, out: TextIO, sentiment: bool = True
) -> ScoreReport:
    """Write one result line per good transcript line; the scorecard is validated first.

    With `sentiment`, turns that carry no sentiment score get one from the packaged model.
    """
    card = load_scorecard(scorecard)
    report = ScoreReport()
    with Path(path).open(encoding="utf-8-sig") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                parsed = parse_line(line, f"{path}: line {number}")
            except ValueError as exc:
                report.errors.append(str(exc))
                continue
            transcript = parsed.transcript
            if sentiment and any(s.sentiment is None for s in transcript.segments):
                transcript = shared_model().annotate(transcript)
            metrics = measure(transcript, parsed.duration_s)
            result = evaluate(transcript, metrics, card, parsed.metadata)
            out.write(json.dumps(result_json(parsed.call_id, result, metrics), ensure_ascii=False))
            out.write("\n")
            report.scored += 1
            settle_heap(after="the first call")  # the sentiment model and heads are loaded now
    return report
