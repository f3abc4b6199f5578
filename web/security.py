"""The UI's defences that are not about roles: security headers (Flask-Talisman), forwarded
headers trusted only from configured proxies, redirects that stay on this host, and ids and
numbers that fit the database. docs/security.md says what each one prevents."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, abort, request
from werkzeug.exceptions import NotFound
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from inspector.settings import Settings

#: the largest id a route or form may name: SQLite's and PostgreSQL's 64-bit integers
MAX_ID = 2**63 - 1

#: scripts and styles from this host only (the browser libraries are vendored under
#: web/static/vendor); wavesurfer's shadow-DOM <style> carries the per-response nonce
CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data: blob:",
    "media-src": "'self' blob:",
    "connect-src": "'self'",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a number past MAX_ID is 404, not an OverflowError in the
    database driver. NotFound rather than a failed match, which would answer 405 where another
    method of the same path exists (POST /clips/<huge> beside GET /clips/<id>); every integer
    in this app's routes is an id, so no other rule could have matched instead."""

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise NotFound()
        return number


def protect(app: Flask, settings: Settings) -> None:
    """Security headers on every response, and HTTPS-only cookies when `settings.https`."""
    from flask_talisman import Talisman

    Talisman(
        app,
        content_security_policy=CSP,
        content_security_policy_nonce_in=["style-src"],
        frame_options="DENY",
        referrer_policy="same-origin",
        permissions_policy={
            "browsing-topics": "()",
            "camera": "()",
            "geolocation": "()",
            "microphone": "()",
        },
        # plain HTTP (the demo, tests, a lab) keeps working; behind TLS set `https = true`
        force_https=settings.https,
        strict_transport_security=settings.https,
        session_cookie_secure=settings.secure_cookies,
        session_cookie_http_only=True,
        session_cookie_samesite="Lax",
    )


class DropForwarded:
    """WSGI middleware for a server no proxy stands in front of: X-Forwarded-* and Forwarded
    are removed, so nothing downstream (Flask-Talisman's HTTPS check, the sign-in rate limit,
    the audit log) can take a client's word for its address or scheme."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        for key in [k for k in environ if k.startswith("HTTP_X_FORWARDED_")]:
            del environ[key]
        environ.pop("HTTP_FORWARDED", None)
        return self.app(environ, start_response)


def trust_proxies(app: Flask, settings: Settings) -> None:
    """Honour X-Forwarded-For/-Proto/-Host/-Port/-Prefix from `proxy_hops` proxies (werkzeug's
    ProxyFix takes the value each proxy appended, counting from the nearest); with no proxy
    configured, drop them."""
    hops = settings.proxy_hops
    if hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops
        )
    else:
        app.wsgi_app = DropForwarded(app.wsgi_app)  # type: ignore[method-assign]


def local_url(target: str | None, fallback: str) -> str:
    """`target` when it is a path on this host, else `fallback`: never an open redirect.

    Checked after the browser's own clean-up of a URL (WHATWG URL parsing): tabs and newlines
    anywhere are dropped, leading and trailing controls and spaces are trimmed, and a
    backslash is a slash. "/\\t/evil.example" or "/\\\\evil.example" become "//evil.example",
    another host, and are refused; what is returned is the cleaned URL that was checked.
    """
    if not target:
        return fallback
    cleaned = "".join(ch for ch in target if ch not in "\t\n\r")
    cleaned = cleaned.strip("".join(map(chr, range(0x21)))).replace("\\", "/")
    if not cleaned.startswith("/") or cleaned.startswith("//"):
        return fallback  # another scheme, a relative path, or //host (also ///host)
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in cleaned):
        return fallback
    try:
        parts = urlsplit(cleaned)
    except ValueError:
        return fallback
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return fallback
    return urlunsplit(("", "", parts.path, parts.query, parts.fragment))


def form_id(name: str) -> int | None:
    """An id from the form: None when absent, 400 when it is not a number or out of range."""
    value = request.form.get(name, "").strip()
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        abort(400, f"{name}: not a number")
    if not 0 < number <= MAX_ID:
        abort(400, f"{name}: out of range")
    return number


def page_number(size: int) -> int:
    """The ?page= of a listing: 1 when absent, 400 when it is not a page a query can reach."""
    value = request.args.get("page", "").strip()
    if not value:
        return 1
    try:
        number = int(value)
    except ValueError:
        abort(400, "page: not a number")
    if number < 1:
        return 1
    if (number - 1) * size > MAX_ID:
        abort(400, "page: out of range")
    return number


def finite(value: str, name: str) -> float:
    """A finite number from a form or query value, else 400 (nan and inf are not scores)."""
    try:
        number = float(value)
    except ValueError:
        abort(400, f"{name}: not a number")
    if not math.isfinite(number):
        abort(400, f"{name}: not a finite number")
    return number
