"""Sign-in, roles and scope: who may see and change what.

Passwords are hashed with werkzeug (scrypt); sessions are Flask-Login cookies (HttpOnly,
SameSite) holding the user's session token, checked on every request, so that signing out, a
new password or role and disabling the user end them; every form and JSON mutation carries a
CSRF token (Flask-WTF), a new one after sign-in; sign-in attempts are rate limited per address
(Flask-Limiter) and throttled per account with a growing lock (`inspector.accounts`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask import session as cookie
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.security import generate_password_hash

from inspector import accounts
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


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login() -> Any:
    if request.method == "GET":
        return render_template("auth/login.html")
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    with sessions().begin() as session:
        # a locked name is refused without looking at the password: no guess counts
        wait = accounts.locked_for(session, username)
        user = None if wait else accounts.check_credentials(session, username, password)
        if user is not None:
            accounts.record_success(session, username)
            signed_in = _signed_in(user)
        elif wait is None and username:  # no account has an empty name
            accounts.record_failure(session, username, request.remote_addr)
    if wait is not None:
        minutes = math.ceil(wait.total_seconds() / 60)
        flash(f"该账户登录失败次数过多，请 {minutes} 分钟后再试")
        return render_template("auth/login.html"), 429, {"Retry-After": str(minutes * 60)}
    if user is None:
        flash("用户名或密码错误")
        return render_template("auth/login.html"), 401
    cookie.clear()  # a fresh session: the CSRF token (and anything else) from before sign-in go
    login_user(signed_in)
    return redirect(_next_url())


def _next_url() -> str:
    # only paths on this host, as the browser will read them: never an open redirect
    return local_url(request.args.get("next"), url_for("review.index"))


@bp.post("/logout")
@login_required
def logout() -> Any:
    with sessions().begin() as session:
        accounts.end_sessions(me(session))  # a copy of this cookie signs nobody in any more
    logout_user()
    cookie.clear()
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
