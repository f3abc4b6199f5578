"""Trainers' area: clips cut from scored calls, the clip library, playlists and downloads."""

from __future__ import annotations

import io
import re
from typing import Any

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import Session

from inspector.store.models import Call, Clip, User
from inspector.training import clips as clip_library
from inspector.training import playlists as playlist_library
from inspector.training.clips import ClipFilter, ClipSpec, LibraryError, RenderOptions
from scoring.pii import mask_pii
from scoring.scorecard import load_scorecard
from web.access import TRAINERS, me, require_visible, requires, sessions, settings
from web.security import finite, form_id, local_url
from web.training import bp


def _items() -> list[tuple[str, str]]:
    card = load_scorecard(settings().scorecard)
    return [(i.id, i.title) for i in card.items]


def _item_choices() -> dict[str, object]:
    items = _items()
    return {"items": items, "item_titles": dict(items)}


def _float(name: str) -> float:
    return finite(request.form.get(name, ""), name)


def _spec(call_pk: int, start_s: float = 0.0, end_s: float = 0.0) -> ClipSpec:
    form = request.form
    return ClipSpec(
        call_pk=call_pk,
        title=form.get("title", ""),
        start_s=start_s,
        end_s=end_s,
        kind=form.get("kind") or None,
        item_id=form.get("item_id") or None,
        topic=form.get("topic") or None,
        tags=clip_library.parse_tags(form.get("tags", "")),
        note=form.get("note") or None,
    )


@bp.post("/calls/<int:pk>/clips")
@requires(*TRAINERS)
def create(pk: int):
    """Save a span of a call as a clip (from the clip form or one click on evidence)."""
    items = [i for i, _ in _items()]
    with sessions().begin() as session:
        require_visible(session.get(Call, pk), current_user)
        try:
            clip = clip_library.create_clip(
                session, me(session), _spec(pk, _float("start_s"), _float("end_s")), items
            )
        except LibraryError as exc:
            abort(400, _("The clip could not be saved: %(reason)s", reason=str(exc)))
        clip_id, start_s, end_s = clip.id, clip.start_s, clip.end_s
        playlist_id = form_id("playlist_id")
        if playlist_id:
            try:
                playlist = playlist_library.get_playlist(session, me(session), playlist_id)
                playlist_library.add_to_playlist(session, me(session), playlist, clip)
            except (LookupError, PermissionError):
                abort(403, _("Only the playlist's owner, a QA lead or an admin may change it."))
    flash(_("Clip saved (%(start)s–%(end)s s)", start=round(start_s, 1), end=round(end_s, 1)))
    return redirect(url_for("training.clip_page", clip_id=clip_id))


def _clip(session: Session, clip_id: int) -> Clip:
    clip = session.get(Clip, clip_id)
    if clip is None:
        abort(404)
    return clip


@bp.get("/clips")
@requires(*TRAINERS)
def clips() -> str:
    a = request.args

    def number(name: str) -> float | None:
        return finite(a[name], name) if a.get(name, "").strip() else None

    text = (a.get("q") or "").strip() or None
    f = ClipFilter(
        text=text,
        # a masked user's digits search titles and notes only: a hit must not confirm a number
        in_transcript=current_user.unmasked or not re.search(r"\d{3}", text or ""),
        tag=a.get("tag") or None,
        kind=a.get("kind") or None,
        item=a.get("item") or None,
        topic=a.get("topic") or None,
        agent=a.get("agent") or None,
        team=a.get("team") or None,
        score_min=number("score_min"),
        score_max=number("score_max"),
        mine_only_of=current_user.id if a.get("mine") else None,
    )
    with sessions()() as session:
        rows = clip_library.search_clips(session, f)
        shown = clip_library.segments_of(session, [r.clip for r in rows[:50]])
        transcripts = {
            clip_id: [_marked(str(s.role), _masked(s.text), text) for s in segments]
            for clip_id, segments in shown.items()
        }
        playlists = playlist_library.visible_playlists(session, me(session))
    return render_template(
        "training/library.html",
        rows=rows,
        transcripts=transcripts,
        playlists=[p for p, owner, n in playlists if p.owner_id == current_user.id],
        **_item_choices(),
        args=a,
    )


def _masked(text: str) -> str:
    return text if current_user.unmasked else mask_pii(text)


def _marked(role: str, text: str, words: str | None) -> tuple[str, list[tuple[str, str]], bool]:
    """A sentence cut around the searched words: (role, [(before, found)...], whether found)."""
    if not words or words not in text:
        return role, [(text, "")], False
    pieces = text.split(words)
    parts = [(before, words) for before in pieces[:-1]] + [(pieces[-1], "")]
    return role, parts, True


@bp.get("/clips/<int:clip_id>")
@requires(*TRAINERS)
def clip_page(clip_id: int) -> str:
    with sessions()() as session:
        clip = _clip(session, clip_id)
        call = session.get(Call, clip.call_pk)
        segments = [
            {"start": s.start_s - clip.start_s, "role": str(s.role), "text": _masked(s.text)}
            for s in clip_library.clip_segments(session, clip)
        ]
        user = me(session)
        playlists = [
            p
            for p, _, _ in playlist_library.visible_playlists(session, user)
            if p.owner_id == user.id
        ]
        creator = session.get(User, clip.created_by)
        session.expunge_all()
    return render_template(
        "training/clip.html",
        clip=clip,
        call=call,
        segments=segments,
        playlists=playlists,
        **_item_choices(),
        creator=(creator.display_name or creator.username) if creator else "?",
        can_edit=clip_library.may_change(current_user.id, current_user.role, clip.created_by),
        mp3=clip_library.mp3_available(),
    )


@bp.post("/clips/<int:clip_id>")
@requires(*TRAINERS)
def update(clip_id: int):
    items = [i for i, _ in _items()]
    with sessions().begin() as session:
        clip = _clip(session, clip_id)
        try:
            clip_library.update_clip(session, me(session), clip, _spec(clip.call_pk), items)
        except PermissionError:
            abort(403, _("Only the clip's creator, a QA lead or an admin may change it."))
        except LibraryError as exc:
            abort(400, _("The clip could not be saved: %(reason)s", reason=str(exc)))
    flash(_("Clip updated"))
    return redirect(url_for("training.clip_page", clip_id=clip_id))


@bp.post("/clips/<int:clip_id>/delete")
@requires(*TRAINERS)
def delete(clip_id: int):
    with sessions().begin() as session:
        try:
            clip_library.delete_clip(session, me(session), _clip(session, clip_id))
        except PermissionError:
            abort(403, _("Only the clip's creator, a QA lead or an admin may change it."))
    flash(_("Clip deleted"))
    return redirect(url_for("training.clips"))


def _options(inline: bool = False) -> RenderOptions:
    a = request.args
    if inline:  # the player in the library: what the call page plays, cut to the clip
        return RenderOptions(mix=False, anonymise=False, masked_text=not current_user.unmasked)
    return RenderOptions(
        mix=a.get("mix") == "1",
        anonymise=a.get("anon", "1") == "1",
        beep=a.get("beep") == "1",
        masked_text=not current_user.unmasked,
    )


def _filename(title: str, ext: str) -> str:
    stem = re.sub(r"[^\w\-]+", "_", title).strip("_")[:60] or "clip"
    return f"{stem}.{ext}"


@bp.get("/clips/<int:clip_id>/audio")
@requires(*TRAINERS)
def audio(clip_id: int):
    return _send(clip_id, "wav", _options(inline=True), as_attachment=False)


@bp.get("/clips/<int:clip_id>/download")
@requires(*TRAINERS)
def download(clip_id: int):
    fmt = request.args.get("format", "wav")
    if fmt not in ("wav", "mp3", "txt"):
        abort(400, _("The format must be WAV, MP3 or TXT."))
    return _send(clip_id, fmt, _options(), as_attachment=True)


def _send(clip_id: int, fmt: str, options: RenderOptions, as_attachment: bool):
    with sessions()() as session:
        clip = _clip(session, clip_id)
        try:
            samples, rate, text = clip_library.render(session, clip, options)
            data = text.encode("utf-8") if fmt == "txt" else clip_library.encode(samples, rate, fmt)
        except LibraryError as exc:
            abort(409, _("The clip cannot be played now: %(reason)s", reason=str(exc)))
        title = clip.title
    mime = {"wav": "audio/wav", "mp3": "audio/mpeg", "txt": "text/plain; charset=utf-8"}[fmt]
    return send_file(
        io.BytesIO(data),
        mimetype=mime,
        as_attachment=as_attachment,
        download_name=_filename(title, fmt),
        max_age=0,
    )


# -- playlists ---------------------------------------------------------------------------------


@bp.get("/playlists")
@requires(*TRAINERS)
def playlists() -> str:
    with sessions()() as session:
        rows = playlist_library.visible_playlists(session, me(session))
        session.expunge_all()
    return render_template("training/playlists.html", rows=rows)


@bp.post("/playlists")
@requires(*TRAINERS)
def create_playlist():
    """A new playlist; made from a clip's page (`clip_id`), it starts with that clip."""
    clip_id = form_id("clip_id")
    with sessions().begin() as session:
        user = me(session)
        try:
            playlist = playlist_library.create_playlist(
                session,
                user,
                request.form.get("name", ""),
                request.form.get("description", ""),
                request.form.get("shared") == "1",
            )
        except LibraryError as exc:
            abort(400, _("The playlist could not be created: %(reason)s", reason=str(exc)))
        if clip_id:
            playlist_library.add_to_playlist(
                session, user, playlist, _clip(session, clip_id), request.form.get("note", "")
            )
        playlist_id = playlist.id
    if clip_id:
        flash(_("Playlist created with this clip"))
    return redirect(url_for("training.playlist_page", playlist_id=playlist_id))


def _playlist(session: Session, playlist_id: int):  # type: ignore[no-untyped-def]
    try:
        return playlist_library.get_playlist(session, me(session), playlist_id)
    except LookupError:
        abort(404)


@bp.get("/playlists/<int:playlist_id>")
@requires(*TRAINERS)
def playlist_page(playlist_id: int) -> str:
    with sessions()() as session:
        playlist = _playlist(session, playlist_id)
        rows = playlist_library.playlist_items(session, playlist)
        owner = session.get(User, playlist.owner_id)
        session.expunge_all()
    return render_template(
        "training/playlist.html",
        playlist=playlist,
        rows=rows,
        owner=(owner.display_name or owner.username) if owner else "?",
        can_edit=clip_library.may_change(current_user.id, current_user.role, playlist.owner_id),
    )


def _change(playlist_id: int, action: Any, message: str):
    with sessions().begin() as session:
        playlist = _playlist(session, playlist_id)
        try:
            action(session, me(session), playlist)
        except PermissionError:
            abort(403, _("Only the playlist's owner, a QA lead or an admin may change it."))
        except LookupError:
            abort(404)
    flash(message)
    back = url_for("training.playlist_page", playlist_id=playlist_id)
    return redirect(local_url(request.form.get("next"), back))


@bp.post("/playlists/<int:playlist_id>/items")
@requires(*TRAINERS)
def add_item(playlist_id: int):
    clip_id = form_id("clip_id")

    def act(session: Session, me: User, playlist: Any) -> None:
        playlist_library.add_to_playlist(
            session, me, playlist, _clip(session, clip_id or 0), request.form.get("note", "")
        )

    return _change(playlist_id, act, _("Added to the playlist"))


@bp.post("/playlists/<int:playlist_id>/items/<int:item_id>/move")
@requires(*TRAINERS)
def move_item(playlist_id: int, item_id: int):
    step = -1 if request.form.get("step") == "up" else 1
    return _change(
        playlist_id,
        lambda s, me, p: playlist_library.move_item(s, me, p, item_id, step),
        _("Order changed"),
    )


@bp.post("/playlists/<int:playlist_id>/items/<int:item_id>/remove")
@requires(*TRAINERS)
def remove_item(playlist_id: int, item_id: int):
    return _change(
        playlist_id,
        lambda s, me, p: playlist_library.remove_item(s, me, p, item_id),
        _("Removed from the playlist"),
    )


@bp.post("/playlists/<int:playlist_id>/items/<int:item_id>/note")
@requires(*TRAINERS)
def item_note(playlist_id: int, item_id: int):
    note = request.form.get("note", "")
    return _change(
        playlist_id,
        lambda s, me, p: playlist_library.set_item_note(s, me, p, item_id, note),
        _("Note saved"),
    )


@bp.post("/playlists/<int:playlist_id>/share")
@requires(*TRAINERS)
def share(playlist_id: int):
    shared = request.form.get("shared") == "1"
    return _change(
        playlist_id,
        lambda s, me, p: playlist_library.set_shared(s, me, p, shared),
        _("Shared with the other trainers") if shared else _("No longer shared"),
    )


@bp.get("/playlists/<int:playlist_id>/download")
@requires(*TRAINERS)
def download_playlist(playlist_id: int):
    """The playlist as a ZIP: each clip's WAV and transcript and an index.csv."""
    with sessions()() as session:
        playlist = _playlist(session, playlist_id)
        archive = playlist_library.playlist_archive(session, playlist, _options())
    return send_file(
        io.BytesIO(archive.data),
        mimetype="application/zip",
        as_attachment=True,
        download_name=_filename(archive.name, "zip"),
        max_age=0,
    )
