"""Trainers' playlists: ordered clips with notes, shared or private, exported as one ZIP.

Helpers take the session and never commit; the web views open it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from core.cells import safe_cell
from core.errors import InspectorError
from inspector.store.models import (
    Call,
    Clip,
    Playlist,
    PlaylistItem,
    User,
    UserRole,
)
from inspector.training.clips import (
    CURATORS,
    LibraryError,
    RenderOptions,
    audit,
    render,
    renumber_playlist,
    require_change,
)
from scoring.clips import ClipFile, Span, wav_bytes


def visible_playlists(session: Session, user: User) -> list[tuple[Playlist, str, int]]:
    """The user's playlists and those shared with everyone, with owner name and clip count."""
    count = (
        select(func.count(PlaylistItem.id))
        .where(PlaylistItem.playlist_id == Playlist.id)
        .scalar_subquery()
    )
    query = (
        select(Playlist, User.username, count)
        .join(User, User.id == Playlist.owner_id)
        .order_by(Playlist.owner_id != user.id, Playlist.name)
    )
    if UserRole(user.role) not in CURATORS:
        query = query.where(or_(Playlist.owner_id == user.id, Playlist.shared.is_(True)))
    return [tuple(row) for row in session.execute(query)]  # type: ignore[misc]


def get_playlist(session: Session, user: User, playlist_id: int) -> Playlist:
    """A playlist the user may see (theirs, shared, or any for a curator), else LookupError."""
    playlist = session.get(Playlist, playlist_id)
    if playlist is None or not (
        playlist.owner_id == user.id or playlist.shared or UserRole(user.role) in CURATORS
    ):
        raise LookupError(f"playlist {playlist_id}")
    return playlist


def create_playlist(
    session: Session, user: User, name: str, description: str = "", shared: bool = False
) -> Playlist:
    if not name.strip():
        raise LibraryError("name: a playlist needs a name")
    playlist = Playlist(
        name=name.strip()[:256],
        description=description.strip() or None,
        owner_id=user.id,
        shared=shared,
    )
    session.add(playlist)
    session.flush()
    audit(session, user, "playlist.create", "playlist", playlist.id, None, {"name": name})
    return playlist


def playlist_items(session: Session, playlist: Playlist) -> list[tuple[PlaylistItem, Clip]]:
    return [
        tuple(row)  # type: ignore[misc]
        for row in session.execute(
            select(PlaylistItem, Clip)
            .join(Clip, Clip.id == PlaylistItem.clip_id)
            .where(PlaylistItem.playlist_id == playlist.id)
            .order_by(PlaylistItem.position)
        )
    ]


def add_to_playlist(
    session: Session, user: User, playlist: Playlist, clip: Clip, note: str = ""
) -> PlaylistItem:
    """Append a clip at the end of the playlist."""
    require_change(user, playlist.owner_id)
    last = session.scalar(
        select(func.max(PlaylistItem.position)).where(PlaylistItem.playlist_id == playlist.id)
    )
    item = PlaylistItem(
        playlist_id=playlist.id,
        clip_id=clip.id,
        position=(last or 0) + 1,
        note=note.strip() or None,
    )
    session.add(item)
    session.flush()
    audit(session, user, "playlist.add", "playlist", playlist.id, None, {"clip": clip.id})
    return item


def _item(session: Session, playlist: Playlist, item_id: int) -> PlaylistItem:
    item = session.get(PlaylistItem, item_id)
    if item is None or item.playlist_id != playlist.id:
        raise LookupError(f"playlist item {item_id}")
    return item


def move_item(session: Session, user: User, playlist: Playlist, item_id: int, step: int) -> None:
    """Move an item up (-1) or down (+1) by swapping with its neighbour."""
    require_change(user, playlist.owner_id)
    items = [i for i, _ in playlist_items(session, playlist)]
    index = next((k for k, i in enumerate(items) if i.id == item_id), None)
    if index is None:
        raise LookupError(f"playlist item {item_id}")
    other = index + step
    if not 0 <= other < len(items):
        return
    a, b = items[index], items[other]
    pa, pb = a.position, b.position
    # the unique (playlist, position) constraint: park one item while swapping
    session.execute(update(PlaylistItem).where(PlaylistItem.id == a.id).values(position=-1))
    session.execute(update(PlaylistItem).where(PlaylistItem.id == b.id).values(position=pa))
    session.execute(update(PlaylistItem).where(PlaylistItem.id == a.id).values(position=pb))
    session.expire_all()


def remove_item(session: Session, user: User, playlist: Playlist, item_id: int) -> None:
    require_change(user, playlist.owner_id)
    item = _item(session, playlist, item_id)
    session.delete(item)
    session.flush()
    renumber_playlist(session, playlist.id)
    audit(session, user, "playlist.remove", "playlist", playlist.id, {"clip": item.clip_id}, None)


def set_item_note(
    session: Session, user: User, playlist: Playlist, item_id: int, note: str
) -> None:
    require_change(user, playlist.owner_id)
    _item(session, playlist, item_id).note = note.strip() or None


def set_shared(session: Session, user: User, playlist: Playlist, shared: bool) -> None:
    require_change(user, playlist.owner_id)
    playlist.shared = shared
    audit(session, user, "playlist.share", "playlist", playlist.id, None, {"shared": shared})


@dataclass(frozen=True)
class Archive:
    name: str
    data: bytes
    skipped: list[str] = field(default_factory=list)


def playlist_archive(session: Session, playlist: Playlist, options: RenderOptions) -> Archive:
    """The playlist as a ZIP (clips, transcripts, index.csv); a clip whose recording is gone is
    listed in README.txt instead of failing the download.

    The text that index.csv puts at the start of a cell (title, call id, tags, note) is made
    spreadsheet-safe here (`core.cells`), since `scoring.clips.playlist_zip` writes the index
    with a plain `csv.writer`; the file names it derives from the title are unchanged by that.
    """
    from scoring.clips import playlist_zip

    files, skipped = [], []
    for item, clip in playlist_items(session, playlist):
        try:
            samples, rate, text = render(session, clip, options)
        except (LibraryError, InspectorError) as exc:
            skipped.append(f"{clip.title}: {exc}")
            continue
        call = session.get(Call, clip.call_pk)
        tags = tuple(
            safe_cell(t)
            for t in (clip.kind, clip.item_id, clip.topic and f"topic:{clip.topic}", *clip.tags)
            if t
        )
        files.append(
            ClipFile(
                position=item.position,
                title=safe_cell(clip.title),
                call_id=safe_cell(call.call_id if call else ""),
                span=Span(clip.start_s, clip.end_s),
                tags=tags,
                note=safe_cell(item.note or clip.note or ""),
                wav=wav_bytes(samples, rate),
                transcript=text,
            )
        )
    data = playlist_zip(playlist.name, files, skipped)
    return Archive(playlist.name, data, skipped)
