"""Sign-in and sign-out views."""

from __future__ import annotations

import math
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask import session as cookie
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from inspector import accounts
from web.access import _signed_in, limiter, me, sessions
from web.auth import bp
from web.i18n import LOCALES
from web.security import local_url


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
        flash(
            _(
                "Too many failed sign-ins for this account: try again in %(minutes)d minutes.",
                minutes=minutes,
            ),
            "error",
        )
        return render_template("auth/login.html"), 429, {"Retry-After": str(minutes * 60)}
    if user is None:
        flash(_("Wrong user name or password."), "error")
        return render_template("auth/login.html"), 401
    lang = cookie.get("lang")
    cookie.clear()  # a fresh session: the CSRF token (and anything else) from before sign-in go
    if lang in LOCALES:
        cookie["lang"] = lang
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


@bp.post("/language")
def language() -> Any:
    """Switch the UI's language for this browser session, then go back where the user was."""
    lang = request.form.get("lang", "")
    if lang in LOCALES:
        cookie["lang"] = lang
    home = url_for("review.index" if current_user.is_authenticated else "auth.login")
    return redirect(local_url(request.form.get("next"), home))
