"""The production web server: gunicorn with threaded workers (gthread), sized from the cores.

Each worker process builds the app from the settings after the fork (its own database engine)
and reads the dashboard's facts in the background as it starts, so managers never wait for the
first read; the memory this costs per worker is in docs/serving.md. docs/serving.md also says
why gunicorn and not waitress.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from core.machine import usable_cores
from inspector.settings import Count, Settings

log = logging.getLogger(__name__)

#: threads per worker process when `web_threads = "auto"`: requests wait on SQLite and the
#: socket for part of their time, so a few threads keep a core busy (docs/benchmarks.md)
THREADS_PER_WORKER = 4


@dataclass(frozen=True)
class ServerPlan:
    """gunicorn worker processes and threads per process, and why."""

    workers: int
    threads: int
    reason: str


def plan_server(workers: Count, threads: Count, cores: int) -> ServerPlan:
    """auto: one worker process per core (requests are Python and hold the GIL), each with
    THREADS_PER_WORKER threads; numbers are taken as given."""
    n = max(cores, 1) if workers == "auto" else workers
    t = THREADS_PER_WORKER if threads == "auto" else threads
    why = f"{cores} cores" if workers == "auto" else "web_workers setting"
    return ServerPlan(n, t, f"{n} worker processes x {t} threads ({why})")


def address(settings: Settings) -> str:
    """host:port to listen on (an IPv6 host in brackets)."""
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    return f"{host}:{settings.port}"


def gunicorn_options(settings: Settings, plan: ServerPlan) -> dict[str, Any]:
    """gunicorn's configuration for these settings."""
    return {
        "bind": address(settings),
        "worker_class": "gthread",
        "workers": plan.workers,
        "threads": plan.threads,
        # an export of every dashboard table takes seconds; a stuck worker is replaced after this
        "timeout": 120,
        "graceful_timeout": 30,
        "keepalive": 5,
        "proc_name": "inspector-web",
        "loglevel": settings.log_level.lower(),
        "errorlog": "-",
        # X-Forwarded-* are the app's business (`proxy_hops`, werkzeug's ProxyFix): gunicorn
        # would otherwise trust X-Forwarded-Proto from any client on 127.0.0.1
        "secure_scheme_headers": {},
        # no control socket in $HOME: one server per systemd unit, stopped by its signals
        "control_socket_disable": True,
    }


class _Server(BaseApplication):  # type: ignore[misc]  (gunicorn is untyped)
    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self._settings = settings
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        """In each worker process, after the fork."""
        from web import create_app

        app = create_app(self._settings)
        threading.Thread(
            target=app.extensions["inspector.dashboard"].warm, name="dashboard-warm", daemon=True
        ).start()
        return app


def serve(settings: Settings, workers: Count | None = None, threads: Count | None = None) -> None:
    """Serve the UI until SIGINT or SIGTERM (gunicorn's master process is this one)."""
    plan = plan_server(
        settings.web_workers if workers is None else workers,
        settings.web_threads if threads is None else threads,
        usable_cores(),
    )
    log.info("gunicorn: %s", plan.reason)
    from web.i18n import compile_catalogues

    compile_catalogues()  # a checkout not set up by run.sh still shows Chinese
    if settings.https and not settings.proxy_hops:
        log.warning(
            "https is on but proxy_hops is 0: X-Forwarded-Proto from a TLS proxy is ignored, "
            "so every request is redirected to https (set proxy_hops, docs/serving.md)"
        )
    _Server(settings, gunicorn_options(settings, plan)).run()
