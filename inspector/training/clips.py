"""The trainers' clip library: clips cut from scored calls, their tags, search and downloads.

Helpers take the session and never commit; the web views open it. Audio is cut on demand from
the stored recording (scoring/clips.py), so a clip costs a row, not a file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.orm import Session

from asr.types import Role, Segment
from core.errors import InspectorError
from inspector.store.models import (
    AuditEntry,
    Call,
    Clip,
    PlaylistItem,
    ScoreResult,
    TranscriptSegment,
    User,
    UserRole,
    utcnow,
)
from scoring.clips import Span, anonymise, cut, sidecar, snap, wav_bytes

KINDS = ("good", "bad")
#: longest clip a trainer may save (a training clip is a moment, not a call)
MAX_CLIP_S = 600.0
#: who may change any clip or playlist, not only their own
CURATORS = {UserRole.ADMIN, UserRole.QA_LEAD}


class LibraryError(InspectorError):
    """A clip or playlist request that cannot be carried out (the message says which field)."""


@dataclass(frozen=True)
class ClipSpec:
    """What a trainer asks for: a span of a call and how to file it."""

    call_pk: int
    title: str
    start_s: float
    end_s: float
    kind: str | None = None
    item_id: str | None = None
    topic: str | None = None
    tags: tuple[str, ...] = ()
    note: str | None = None


def parse_tags(text: str) -> tuple[str, ...]:
    """Free tags from a comma/space separated field, de-duplicated in order."""
    seen: dict[str, None] = {}
    for part in text.replace("，", ",").replace(" ", ",").split(","):
        tag = part.strip()[:40]
        if tag:
            seen.setdefault(tag, None)
    return tuple(seen)


def _segments(session: Session, call_pk: int) -> list[Segment]:
    rows = session.scalars(
        select(TranscriptSegment)
        .where(TranscriptSegment.call_pk == call_pk)
        .order_by(TranscriptSegment.start_s)
    )
    return [Segment(r.start_s, r.end_s, Role(r.role), r.text, r.confidence) for r in rows]


def _check(spec: ClipSpec, items: Sequence[str]) -> None:
    if not spec.title.strip():
        raise LibraryError("title: a clip needs a name")
    if len(spec.title) > 256:
        raise LibraryError("title: at most 256 characters")
    if spec.kind not in (None, *KINDS):
        raise LibraryError(f"kind: {spec.kind!r} is not one of {', '.join(KINDS)}")
    if spec.item_id and spec.item_id not in items:
        raise LibraryError(f"item_id: {spec.item_id!r} is not an item of the scorecard")
    if not (spec.start_s >= 0 and spec.end_s > spec.start_s):
        raise LibraryError(f"span: {spec.start_s:.2f}-{spec.end_s:.2f} s is empty or negative")


def create_clip(session: Session, user: User, spec: ClipSpec, items: Sequence[str]) -> Clip:
    """Save a clip, its span widened to whole sentences and kept inside the recording."""
    _check(spec, items)
    call = session.get(Call, spec.call_pk)
    if call is None:
        raise LibraryError(f"call {spec.call_pk} does not exist")
    if not call.audio_path:
        raise LibraryError(f"call {call.call_id} has no stored recording to cut from")
    span = snap(spec.start_s, spec.end_s, _segments(session, call.id))
    if call.duration_s:
        span = Span(min(span.start_s, call.duration_s), min(span.end_s, call.duration_s))
    if span.duration_s <= 0:
        raise LibraryError(f"span: starts at or after the end of {call.call_id}")
    if span.duration_s > MAX_CLIP_S:
        raise LibraryError(f"span: {span.duration_s:.0f} s is longer than {MAX_CLIP_S:.0f} s")
    clip = Clip(
        call_pk=call.id,
        title=spec.title.strip(),
        start_s=round(span.start_s, 3),
        end_s=round(span.end_s, 3),
        kind=spec.kind,
        item_id=spec.item_id or None,
        topic=(spec.topic or "").strip()[:64] or None,
        tags=list(spec.tags),
        note=(spec.note or "").strip() or None,
        created_by=user.id,
    )
    session.add(clip)
    session.flush()
    audit(session, user, "clip.create", "clip", clip.id, None, _state(clip))
    return clip


def _state(clip: Clip) -> dict[str, Any]:
    return {
        "title": clip.title,
        "start_s": clip.start_s,
        "end_s": clip.end_s,
        "kind": clip.kind,
        "item_id": clip.item_id,
        "topic": clip.topic,
        "tags": list(clip.tags or []),
        "note": clip.note,
    }


def audit(
    session: Session,
    user: User,
    action: str,
    entity: str,
    entity_id: int,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    session.add(
        AuditEntry(
            user_id=user.id,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            before=before,
            after=after,
        )
    )


def may_change(user_id: int, role: str, owner_id: int) -> bool:
    """A clip or playlist is changed by its creator, a QA lead or an admin."""
    return user_id == owner_id or UserRole(role) in CURATORS


def require_change(user: User, owner_id: int) -> None:
    if not may_change(user.id, user.role, owner_id):
        raise PermissionError("only its creator, a QA lead or an admin may change this")


def update_clip(
    session: Session, user: User, clip: Clip, spec: ClipSpec, items: Sequence[str]
) -> Clip:
    """Rename, re-tag or re-file a clip (the span stays: cut a new clip for another span)."""
    require_change(user, clip.created_by)
    _check(
        ClipSpec(clip.call_pk, spec.title, clip.start_s, clip.end_s, spec.kind, spec.item_id),
        items,
    )
    before = _state(clip)
    clip.title = spec.title.strip()
    clip.kind = spec.kind
    clip.item_id = spec.item_id or None
    clip.topic = (spec.topic or "").strip()[:64] or None
    clip.tags = list(spec.tags)
    clip.note = (spec.note or "").strip() or None
    clip.updated_at = utcnow()
    audit(session, user, "clip.update", "clip", clip.id, before, _state(clip))
    return clip


def delete_clip(session: Session, user: User, clip: Clip) -> None:
    """Delete a clip; playlists holding it close the gap."""
    require_change(user, clip.created_by)
    affected = session.scalars(
        select(PlaylistItem.playlist_id).where(PlaylistItem.clip_id == clip.id).distinct()
    ).all()
    audit(session, user, "clip.delete", "clip", clip.id, _state(clip), None)
    session.execute(PlaylistItem.__table__.delete().where(PlaylistItem.clip_id == clip.id))
    session.delete(clip)
    session.flush()
    for playlist_id in affected:
        renumber_playlist(session, playlist_id)


@dataclass(frozen=True)
class ClipFilter:
    #: words in the clip's title, note or the sentences it holds
    text: str | None = None
    #: whether `text` may match the transcript (off for a masked user typing digits: a search
    #: hit must not confirm a masked number)
    in_transcript: bool = True
    tag: str | None = None
    kind: str | None = None
    item: str | None = None
    topic: str | None = None
    agent: str | None = None
    team: str | None = None
    score_min: float | None = None
    score_max: float | None = None
    mine_only_of: int | None = None


@dataclass(frozen=True)
class ClipRow:
    clip: Clip
    call_id: str
    agent_id: str | None
    agent_name: str | None
    team: str | None
    score: float | None
    creator: str


def search_clips(session: Session, f: ClipFilter, limit: int = 200) -> list[ClipRow]:
    """Clips matching every filter given, newest first, with their call's agent and QA score."""
    latest = (
        select(ScoreResult.call_pk, func.max(ScoreResult.id).label("rid"))
        .group_by(ScoreResult.call_pk)
        .subquery()
    )
    score = func.coalesce(ScoreResult.final_score, ScoreResult.score)
    query = (
        select(Clip, Call.call_id, Call.agent_id, Call.agent_name, Call.team, score, User.username)
        .join(Call, Call.id == Clip.call_pk)
        .join(User, User.id == Clip.created_by)
        .outerjoin(latest, latest.c.call_pk == Clip.call_pk)
        .outerjoin(ScoreResult, ScoreResult.id == latest.c.rid)
        .order_by(Clip.id.desc())
        .limit(limit)
    )
    if f.text:
        like = f"%{f.text}%"
        found = [Clip.title.like(like), Clip.note.like(like)]
        if f.in_transcript:
            found.append(_said(like))
        query = query.where(or_(*found))
    if f.kind:
        query = query.where(Clip.kind == f.kind)
    if f.item:
        query = query.where(Clip.item_id == f.item)
    if f.topic:
        query = query.where(Clip.topic == f.topic)
    if f.agent:
        query = query.where(Call.agent_id == f.agent)
    if f.team:
        query = query.where(Call.team == f.team)
    if f.score_min is not None:
        query = query.where(score >= f.score_min)
    if f.score_max is not None:
        query = query.where(score <= f.score_max)
    if f.mine_only_of is not None:
        query = query.where(Clip.created_by == f.mine_only_of)
    rows = [ClipRow(*row) for row in session.execute(query)]
    if f.tag:  # tags are a JSON list: filter here, portable across databases
        rows = [r for r in rows if f.tag in (r.clip.tags or [])]
    return rows


def _said(like: str) -> Any:
    """A sentence inside the clip's span contains the words (one EXISTS, no query per clip)."""
    t = TranscriptSegment
    return exists().where(
        t.call_pk == Clip.call_pk,
        t.end_s > Clip.start_s,
        t.start_s < Clip.end_s,
        t.text.like(like),
    )


def segments_of(session: Session, clips: Sequence[Clip]) -> dict[int, list[Segment]]:
    """The sentences of each clip, read in one query for all of them."""
    if not clips:
        return {}
    rows = session.scalars(
        select(TranscriptSegment)
        .where(TranscriptSegment.call_pk.in_({c.call_pk for c in clips}))
        .order_by(TranscriptSegment.call_pk, TranscriptSegment.start_s)
    )
    by_call: dict[int, list[Segment]] = {}
    for r in rows:
        by_call.setdefault(r.call_pk, []).append(
            Segment(r.start_s, r.end_s, Role(r.role), r.text, r.confidence)
        )
    return {
        c.id: [s for s in by_call.get(c.call_pk, []) if s.end_s > c.start_s and s.start_s < c.end_s]
        for c in clips
    }


def clip_segments(session: Session, clip: Clip) -> list[Segment]:
    """The call's sentences that fall in the clip."""
    return [
        s
        for s in _segments(session, clip.call_pk)
        if s.end_s > clip.start_s and s.start_s < clip.end_s
    ]


@dataclass(frozen=True)
class RenderOptions:
    """How a download is made: mixed to mono or channels kept, personal data removed or not."""

    mix: bool = False
    anonymise: bool = True
    beep: bool = False
    masked_text: bool = True


def render(session: Session, clip: Clip, options: RenderOptions) -> tuple[Any, int, str]:
    """The clip's samples (channels, n), sample rate and sidecar transcript."""
    from asr.audio import decode

    call = session.get(Call, clip.call_pk)
    if call is None or not call.audio_path or not Path(call.audio_path).is_file():
        raise LibraryError(f"clip {clip.id}: the recording of its call is not in the store")
    audio = decode(Path(call.audio_path))
    span = Span(clip.start_s, clip.end_s)
    samples = cut(audio, span, mix=options.mix)
    segments = clip_segments(session, clip)
    if options.anonymise:
        samples = anonymise(samples, audio.sample_rate_hz, span.start_s, segments, options.beep)
    text = sidecar(segments, span, masked=options.masked_text or options.anonymise)
    header = f"# {clip.title} · {call.call_id} {span.start_s:.2f}-{span.end_s:.2f} s\n"
    return samples, audio.sample_rate_hz, header + text


def encode(samples: Any, rate_hz: int, fmt: str) -> bytes:
    """WAV (PCM16) or MP3 bytes; MP3 needs a libsndfile built with it."""
    if fmt == "wav":
        return wav_bytes(samples, rate_hz)
    if fmt == "mp3":
        import io

        import soundfile as sf

        if "MP3" not in sf.available_formats():
            raise LibraryError("format: this machine's libsndfile has no MP3 encoder; use wav")
        buffer = io.BytesIO()
        sf.write(buffer, samples.T, rate_hz, format="MP3")
        return buffer.getvalue()
    raise LibraryError(f"format: {fmt!r} is not wav or mp3")


def mp3_available() -> bool:
    import soundfile as sf

    return "MP3" in sf.available_formats()


# -- playlists ---------------------------------------------------------------------------------


def renumber_playlist(session: Session, playlist_id: int) -> None:
    """A playlist's positions 1..n again after a removal (two passes: the unique constraint)."""
    ids = session.scalars(
        select(PlaylistItem.id)
        .where(PlaylistItem.playlist_id == playlist_id)
        .order_by(PlaylistItem.position)
    ).all()
    for k, item_id in enumerate(ids, start=1):
        session.execute(update(PlaylistItem).where(PlaylistItem.id == item_id).values(position=-k))
    for k, item_id in enumerate(ids, start=1):
        session.execute(update(PlaylistItem).where(PlaylistItem.id == item_id).values(position=k))
    session.expire_all()
