"""What every page shares: the navigation, the labels and agent names, the centre's time zone,
and errors shown inside the layout with a way back (JSON for the API and fetch calls)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, jsonify, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from jinja2 import pass_context
from werkzeug.exceptions import HTTPException

from inspector.settings import Settings
from inspector.store.models import UserRole
from web.i18n import LOCALES, select_locale
from web.labels import agent_label, label
from web.security import local_url

#: the navigation: endpoint, text, the roles that see it (empty: everyone signed in)
_MANAGERS = (UserRole.ADMIN, UserRole.MANAGER, UserRole.QA_LEAD)
_TRAINERS = (UserRole.ADMIN, UserRole.QA_LEAD, UserRole.QA, UserRole.TRAINER)
NAV_LINKS: list[tuple[str, Any, tuple[UserRole, ...]]] = [
    ("review.index", _l("Review queue"), ()),
    ("review.appeals", _l("Appeals"), ()),
    ("training.clips", _l("Clip library"), _TRAINERS),
    ("training.playlists", _l("Playlists"), _TRAINERS),
    ("manage.dashboard", _l("Dashboard"), _MANAGERS),
    ("manage.satisfaction", _l("Satisfaction"), _MANAGERS),
    ("review.my_tasks", _l("My tasks"), (UserRole.QA_LEAD, UserRole.QA)),
]

ERROR_TITLES = {
    400: _l("The request could not be understood"),
    403: _l("You do not have access to this page"),
    404: _l("Not found"),
    405: _l("This action is not allowed here"),
    409: _l("This action cannot be done now"),
    413: _l("The upload is too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
}


def tz_label(settings: Settings, now: datetime | None = None) -> str:
    """The centre's time zone as shown beside times: "Asia/Shanghai (UTC+08:00)"."""
    offset = (now or datetime.now(settings.tz)).astimezone(settings.tz).strftime("%z")
    return f"{settings.timezone} (UTC{offset[:3]}:{offset[3:]})"


def _wants_json() -> bool:
    if "/api/" in request.path or request.is_json:
        return True
    accept = request.accept_mimetypes
    return accept.best_match(["text/html", "application/json"]) == "application/json"


def _back() -> str:
    referrer = request.referrer
    if referrer:
        parts = urlsplit(referrer)
        if parts.netloc == request.host and parts.path != request.path:
            return local_url(parts.path + (f"?{parts.query}" if parts.query else ""), "/")
    return url_for("review.index")


def error_page(exc: HTTPException) -> Any:
    code = exc.code or 500
    default = type(exc).description
    message = "" if exc.description == default else str(exc.description or "")
    title = str(ERROR_TITLES.get(code, exc.name))
    if _wants_json():
        return jsonify(error=message or title, status=code), code
    response = render_template("error.html", code=code, title=title, message=message, back=_back())
    headers = exc.get_headers()
    return response, code, [(k, v) for k, v in headers if k.lower() != "content-type"]


def init_layout(app: Flask, settings: Settings) -> None:
    app.register_error_handler(HTTPException, error_page)

    @app.template_filter("label")
    @pass_context  # never folded at compile time: the word depends on the request's language
    def _label(context: Any, value: Any, kind: str) -> str:
        return label(value, kind)

    @app.template_filter("agent")
    def _agent(row: Any) -> str:
        """A call's or row's agent: name with code (`agent_name`/`agent_id` or `agent`)."""
        name = getattr(row, "agent_name", None)
        code = getattr(row, "agent_id", None) or getattr(row, "agent", None)
        return agent_label(name, code)

    @app.context_processor
    def _layout() -> dict[str, Any]:
        return {
            "nav_links": NAV_LINKS,
            "locales": LOCALES,
            "current_locale": select_locale(),
            "tz_label": tz_label(settings),
        }

    @app.get("/favicon.ico")
    def favicon() -> Any:
        return app.send_static_file("favicon.svg")
