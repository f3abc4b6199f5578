"""Saved filters: a user keeps queue filters under names of their own, lists, applies and
deletes them; nobody sees another user's."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from inspector.store.models import SavedFilter, utcnow

MAX_NAME = 64
MAX_PER_USER = 50


@dataclass(frozen=True)
class Saved:
    id: int
    name: str
    #: the query string that applies it (filter keys only, no page)
    query: str


def query_string(pairs: Iterable[tuple[str, str]], keys: Iterable[str]) -> str:
    """The filter part of a query string: the given keys with a value, in a stable order."""
    allowed = list(keys)
    kept = [(k, v.strip()) for k, v in pairs if k in allowed and v and v.strip()]
    return urlencode(sorted(kept, key=lambda kv: (allowed.index(kv[0]), kv[1])))


def saved(session: Session, user_id: int) -> list[Saved]:
    """The user's saved filters, by name."""
    rows = session.scalars(
        select(SavedFilter).where(SavedFilter.user_id == user_id).order_by(SavedFilter.name)
    )
    return [Saved(r.id, r.name, r.query) for r in rows]


def save(session: Session, user_id: int, name: str, query: str) -> Saved:
    """Keep `query` under `name` for the user (a name already used is overwritten); ValueError
    when the name is empty or too long, or the user has too many."""
    name = " ".join(name.split())
    if not name:
        raise ValueError("a saved filter needs a name")
    if len(name) > MAX_NAME:
        raise ValueError(f"a saved filter's name has at most {MAX_NAME} characters")
    row = session.scalar(
        select(SavedFilter).where(SavedFilter.user_id == user_id, SavedFilter.name == name)
    )
    if row is None:
        if len(saved(session, user_id)) >= MAX_PER_USER:
            raise ValueError(f"at most {MAX_PER_USER} saved filters per user")
        row = SavedFilter(user_id=user_id, name=name, query=query)
        session.add(row)
    else:
        row.query, row.created_at = query, utcnow()
    session.flush()
    return Saved(row.id, row.name, row.query)


def remove(session: Session, user_id: int, filter_id: int) -> bool:
    """Delete one of the user's saved filters; False when it is not theirs or not there."""
    result = session.execute(
        delete(SavedFilter).where(SavedFilter.id == filter_id, SavedFilter.user_id == user_id)
    )
    return bool(result.rowcount)
