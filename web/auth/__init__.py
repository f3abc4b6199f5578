"""Sign-in, roles and scope: who may see and change what.

Passwords are hashed with werkzeug (scrypt); sessions are Flask-Login cookies (HttpOnly,
SameSite); every form and JSON mutation carries a CSRF token (Flask-WTF); sign-in attempts are
rate limited per address (Flask-Limiter).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.security import check_password_hash, generate_password_hash

from inspector.settings import Settings
from inspector.store.models import Call, User, UserRole
from web.security import local_url

bp = Blueprint("auth", __name__, template_folder="../templates")
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

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def unmasked(self) -> bool:
        return self.role in UNMASKED


def _signed_in(user: User) -> SignedIn:
    return SignedIn(
        user.id, user.username, UserRole(user.role), user.agent_id, user.team, user.display_name
    )


@login_manager.user_loader
def load_user(user_id: str) -> SignedIn | None:
    with current_app.extensions["inspector.sessions"]() as session:
        user = session.get(User, int(user_id))
        return _signed_in(user) if user is not None and user.active else None


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


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login() -> Any:
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        password = request.form.get("password", "")
        with current_app.extensions["inspector.sessions"]() as session:
            user = session.scalar(select(User).where(User.username == username))
            ok = (
                user is not None
                and user.active
                and check_password_hash(user.password_hash, password)
            )
            if ok:
                login_user(_signed_in(user))
                return redirect(_next_url())
        flash("用户名或密码错误")
        return render_template("auth/login.html"), 401
    return render_template("auth/login.html")


def _next_url() -> str:
    # only paths on this host, as the browser will read them: never an open redirect
    return local_url(request.args.get("next"), url_for("review.index"))


@bp.post("/logout")
@login_required
def logout() -> Any:
    logout_user()
    return redirect(url_for("auth.login"))


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
