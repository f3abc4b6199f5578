"""Survey rows -> normalised answers, by a column-mapping profile; bad rows name row and field."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from core.errors import SurveyImportError
from surveys.indices import Level
from surveys.reading import FORMULA, read_table

PROFILES_DIR = Path(__file__).with_name("profiles")
IVR_WORDS = {"满意": 1, "基本满意": 2, "不满意": 3}
SCALES = {"ivr3": (1, 3), "csat5": (1, 5), "ten_point": (1, 10), "nps11": (0, 10)}


def level_of(scale: str, score: float) -> Level:
    """Map an answer on its own scale onto 满意 / 基本满意 / 不满意."""
    if scale == "ivr3":
        return {1: Level.SATISFIED, 2: Level.BASIC, 3: Level.DISSATISFIED}[int(score)]
    if scale == "csat5":
        return Level.SATISFIED if score >= 4 else Level.BASIC if score >= 3 else Level.DISSATISFIED
    # ten_point (1-10) and nps11 (0-10) share the bands: 9-10, 7-8, the rest
    return Level.SATISFIED if score >= 9 else Level.BASIC if score >= 7 else Level.DISSATISFIED


@dataclass(frozen=True)
class Profile:
    name: str
    id_column: str | None
    call_id_column: str | None
    customer_hash_column: str | None
    sent_column: str
    answered_column: str | None
    answer_column: str
    scale: str
    nps_column: str | None = None
    comment_column: str | None = None
    dimensions: dict[str, tuple[str, str]] = field(default_factory=dict)


def load_profile(name_or_path: str | Path) -> Profile:
    path = Path(name_or_path)
    if not path.suffix:
        path = PROFILES_DIR / f"{name_or_path}.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        known = ", ".join(p.stem for p in PROFILES_DIR.glob("*.yaml"))
        raise SurveyImportError(f"{path}: survey profile not found (built in: {known})") from exc
    try:
        answer = raw["answer"]
        if answer["scale"] not in SCALES:
            raise SurveyImportError(
                f"{path}: field 'answer.scale': {answer['scale']!r} is not one "
                f"of {', '.join(SCALES)}"
            )
        return Profile(
            name=str(raw["name"]),
            id_column=raw.get("id_column"),
            call_id_column=raw.get("call_id_column"),
            customer_hash_column=raw.get("customer_hash_column"),
            sent_column=raw["sent_column"],
            answered_column=raw.get("answered_column"),
            answer_column=answer["column"],
            scale=answer["scale"],
            nps_column=raw.get("nps_column"),
            comment_column=raw.get("comment_column"),
            dimensions={
                k: (v["column"], v["scale"]) for k, v in (raw.get("dimensions") or {}).items()
            },
        )
    except KeyError as exc:
        raise SurveyImportError(f"{path}: field {exc.args[0]!r}: missing") from exc


@dataclass(frozen=True)
class SurveyRecord:
    row: int
    response_key: str
    call_ref: str | None
    customer_hash: str | None
    sent_at: datetime
    answered_at: datetime | None
    responded: bool
    scale: str
    score: float | None
    level: Level | None
    nps: float | None
    dimensions: dict[str, float]
    comment: str | None
    dimension_scales: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}: field {self.field!r}: {self.reason}"


def _time(value: str, tz: ZoneInfo) -> datetime:
    parsed = datetime.fromisoformat(value.strip().replace("/", "-"))
    return parsed.replace(tzinfo=tz) if parsed.tzinfo is None else parsed


def _score(value: Any, scale: str, column: str) -> float:
    text = str(value).strip()
    if scale == "ivr3" and text in IVR_WORDS:
        return float(IVR_WORDS[text])
    try:
        score = float(text)
    except ValueError:
        raise ValueError(column, f"{text!r} is not a number on the {scale} scale") from None
    low, high = SCALES[scale]
    if not (low <= score <= high) or (scale != "nps11" and score != int(score)):
        raise ValueError(column, f"{text!r} is outside the {scale} scale ({low}-{high})")
    return score


def parse_row(number: int, raw: Mapping[str, Any], profile: Profile, tz: ZoneInfo) -> SurveyRecord:
    """One row as a record; raises ValueError((field, reason)) on the first bad field."""

    def cell(column: str | None) -> str:
        if column is None:
            return ""
        value = raw.get(column)
        if value is FORMULA:  # a spreadsheet formula is no answer: never read it as empty
            raise ValueError(column, "a formula, not a value (export the values, not formulas)")
        return "" if value is None else str(value).strip()

    sent = cell(profile.sent_column)
    if not sent:
        raise ValueError(profile.sent_column, "missing")
    try:
        sent_at = _time(sent, tz)
    except ValueError:
        raise ValueError(profile.sent_column, f"{sent!r} is not a date-time") from None
    answered_text = cell(profile.answered_column)
    try:
        answered_at = _time(answered_text, tz) if answered_text else None
    except ValueError:
        raise ValueError(profile.answered_column, f"{answered_text!r} is not a date-time") from None
    if answered_at is not None and answered_at < sent_at:
        raise ValueError(
            profile.answered_column, f"answered at {answered_text}, before it was sent ({sent})"
        )
    answer = cell(profile.answer_column)
    score = _score(answer, profile.scale, profile.answer_column) if answer else None
    nps_text = cell(profile.nps_column)
    nps = _score(nps_text, "nps11", profile.nps_column or "") if nps_text else None
    dims = {
        name: _score(cell(col), scale, col)
        for name, (col, scale) in profile.dimensions.items()
        if cell(col)
    }
    ident = cell(profile.id_column)
    if profile.id_column and not ident:
        raise ValueError(profile.id_column, "missing")
    key = (
        f"{profile.name}:{ident}"
        if ident
        else f"{profile.name}:sha256:"
        + hashlib.sha256(
            json.dumps(dict(raw), sort_keys=True, ensure_ascii=False, default=str).encode()
        ).hexdigest()
    )
    return SurveyRecord(
        row=number,
        response_key=key,
        call_ref=cell(profile.call_id_column) or None,
        customer_hash=cell(profile.customer_hash_column).lower() or None,
        sent_at=sent_at,
        answered_at=answered_at,
        responded=score is not None,
        scale=profile.scale,
        score=score,
        level=level_of(profile.scale, score) if score is not None else None,
        nps=nps,
        dimensions=dims,
        comment=cell(profile.comment_column) or None,
        dimension_scales={name: profile.dimensions[name][1] for name in dims},
    )


def parse_file(
    path: Path, profile: Profile, tz: ZoneInfo, rows: list[tuple[int, dict[str, Any]]] | None = None
) -> Iterator[SurveyRecord | RowError]:
    for number, raw in rows if rows is not None else read_table(path).rows:
        try:
            yield parse_row(number, raw, profile, tz)
        except ValueError as exc:
            column, reason = exc.args if len(exc.args) == 2 else ("?", str(exc))
            yield RowError(number, column, reason)
