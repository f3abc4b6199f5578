"""Sign-in, roles and scope: who may see and change what.

Passwords are hashed with werkzeug (scrypt); sessions are Flask-Login cookies (HttpOnly,
SameSite) holding the user's session token, checked on every request, so that signing out, a
new password or role and disabling the user end them; every form and JSON mutation carries a
CSRF token (Flask-WTF), a new one after sign-in; sign-in attempts are rate limited per address
(Flask-Limiter) and throttled per account with a growing lock (`inspector.accounts`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import abort, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, login_required
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.security import generate_password_hash

from inspector import accounts
from inspector.settings import Settings
from inspector.store.models import Call, User, UserRole

login_manager = LoginManager()
login_manager.login_view = "auth.login"
limiter = Limiter(get_remote_address, storage_uri="memory://", default_limits=[])

#: roles that see transcripts unmasked (phone, ID and card numbers)
UNMASKED = {UserRole.ADMIN, UserRole.QA_LEAD, UserRole.QA}
#: roles that change verdicts
REVIEWERS = {UserRole.QA, UserRole.QA_LEAD}
MANAGERS = {UserRole.ADMIN, UserRole.MANAGER, UserRole.QA_LEAD}
#: roles that cut clips and build playlists
TRAINERS = {UserRole.ADMIN, UserRole.QA_LEAD, UserRole.QA, UserRole.TRAINER}
EVERYONE = set(UserRole)


@dataclass(frozen=True)
class SignedIn:
    """The signed-in user as views see it (detached from any database session)."""

    id: int
    username: str
    role: UserRole
    agent_id: str | None
    team: str | None
    display_name: str | None
    #: what the session cookie holds (`accounts.session_id`): the id and the session token
    session_id: str = field(repr=False)

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return self.session_id

    @property
    def unmasked(self) -> bool:
        return self.role in UNMASKED


def _signed_in(user: User) -> SignedIn:
    return SignedIn(
        user.id,
        user.username,
        UserRole(user.role),
        user.agent_id,
        user.team,
        user.display_name,
        accounts.session_id(user),
    )


@login_manager.user_loader
def load_user(session_id: str) -> SignedIn | None:
    """The user of a session cookie, on every request: None once their token has changed."""
    with sessions()() as session:
        user = accounts.session_user(session, session_id)
        return _signed_in(user) if user is not None else None


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def requires(*roles: UserRole) -> Callable:
    """Signed in with one of these roles, else 403 (401 -> sign-in page when signed out)."""
    allowed = set(roles)

    def wrap(view: Callable) -> Callable:
        @functools.wraps(view)
        @login_required
        def inner(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        return inner

    return wrap


def scope_calls(query: Any, user: SignedIn) -> Any:
    """Limit a query over calls to what the user may see: an agent sees only their own."""
    if user.role == UserRole.AGENT:
        return query.where(Call.agent_id == (user.agent_id or "\0no agent id"))
    return query


def can_see(call: Call, user: SignedIn) -> bool:
    return user.role != UserRole.AGENT or (bool(user.agent_id) and call.agent_id == user.agent_id)


def sessions() -> sessionmaker[Session]:
    """The app's session factory (views open their own sessions)."""
    return current_app.extensions["inspector.sessions"]


def settings() -> Settings:
    return current_app.extensions["inspector.settings"]


def me(session: Session) -> User:
    """The signed-in user's row in this session (403 when the account is gone)."""
    user = session.get(User, current_user.id)
    if user is None:
        abort(403)
    return user


def require_visible(call: Call | None, user: SignedIn) -> Call:
    if call is None or not can_see(call, user):
        abort(404)  # an agent learns nothing about other agents' calls
    return call
