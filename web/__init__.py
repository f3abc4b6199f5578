"""The review UI: a Flask application factory with one blueprint per user area."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from inspector.settings import Settings
from inspector.store.database import make_engine, make_session_factory
from web.security import IdConverter, protect, trust_proxies

__all__ = ["create_app"]


def create_app(settings: Settings, session_factory: sessionmaker[Session] | None = None) -> Flask:
    """Bind settings and the database and register blueprints; no migrations, no I/O."""
    app = Flask(__name__)
    if not settings.secret_key:
        raise ValueError("create_app needs settings with a secret_key")
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings.secure_cookies,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
    )
    if session_factory is None:
        session_factory = make_session_factory(make_engine(settings.database))
    app.extensions["inspector.settings"] = settings
    app.extensions["inspector.sessions"] = session_factory
    from inspector.reports.dashboard import scorecard_items
    from inspector.reports.facts import FactsCache
    from inspector.review.scorecards import ScorecardCache
    from web.manage.charts import ChartAnswers

    app.extensions["inspector.scorecard"] = ScorecardCache(settings.scorecard)  # read when asked
    app.extensions["inspector.chart_answers"] = ChartAnswers()

    # the dashboard's fact columns: read on the first request (or by `inspector serve` at start)
    app.extensions["inspector.dashboard"] = FactsCache(
        session_factory,
        settings.tz,
        scorecard_items(settings),
        min_refresh_s=settings.dashboard_refresh_s,
    )

    from flask_wtf.csrf import CSRFProtect

    from web.access import limiter, login_manager
    from web.auth import bp as auth_bp
    from web.i18n import init_babel
    from web.layout import init_layout
    from web.manage import bp as manage_bp
    from web.review import bp as review_bp
    from web.training import bp as training_bp

    app.url_map.converters["int"] = IdConverter  # before any route is added
    protect(app, settings)
    trust_proxies(app, settings)
    CSRFProtect(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    init_babel(app)
    init_layout(app, settings)

    @app.context_processor
    def _helpers() -> dict:
        from urllib.parse import urlencode

        from flask import request

        def args_with(**overrides: object) -> str:
            args = request.args.to_dict() | {k: str(v) for k, v in overrides.items()}
            return urlencode(args)

        def vendored(name: str) -> bool:
            """Whether run.sh vendored this browser library (npm may have been missing)."""
            return (Path(app.static_folder or "") / "vendor" / name).exists()

        return {"args_with": args_with, "vendored": vendored}

    @app.template_filter("local")
    def _local(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
        """A stored UTC time in the centre's time zone."""
        return value.astimezone(settings.tz).strftime(fmt) if value else ""

    app.register_blueprint(auth_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(manage_bp)
    app.register_blueprint(training_bp)
    return app
