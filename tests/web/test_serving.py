"""The production server: `inspector serve` runs gunicorn with threaded workers sized from the
cores; X-Forwarded-* count only from configured proxies; cookies are Secure under HTTPS."""

from __future__ import annotations

import dataclasses
import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from inspector.accounts import add_user
from tests.factories import running_server
from web import create_app
from web.serving import THREADS_PER_WORKER, gunicorn_options, plan_server

PASSWORD = "correct horse 1"


@pytest.mark.parametrize(
    ("workers", "threads", "cores", "expected", "why"),
    [
        ("auto", "auto", 2, (2, THREADS_PER_WORKER), "2 cores"),
        ("auto", "auto", 16, (16, THREADS_PER_WORKER), "16 cores"),
        ("auto", 8, 1, (1, 8), "1 cores"),
        (3, "auto", 8, (3, THREADS_PER_WORKER), "web_workers setting"),
        (1, 1, 8, (1, 1), "web_workers setting"),
    ],
)
def test_plan_server(workers, threads, cores: int, expected, why: str) -> None:
    plan = plan_server(workers, threads, cores)
    assert (plan.workers, plan.threads) == expected
    assert why in plan.reason


def test_gunicorn_trusts_no_forwarded_scheme_itself(settings) -> None:
    ipv6 = dataclasses.replace(settings, host="::1", port=8080)
    options = gunicorn_options(ipv6, plan_server(2, 4, 2))
    assert options["bind"] == "[::1]:8080"
    assert (options["worker_class"], options["workers"], options["threads"]) == ("gthread", 2, 4)
    assert options["secure_scheme_headers"] == {}  # ProxyFix in the app decides (proxy_hops)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def _client() -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)


@dataclasses.dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: str


def _open(client, url: str, data: dict[str, str] | None = None, headers: dict[str, str] = {}):  # noqa: B006
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        response = client.open(request, timeout=30)
    except urllib.error.HTTPError as error:  # 3xx and 4xx: the response itself
        response = error
    with response:
        return Answer(response.status, dict(response.headers), response.read().decode())


def _sign_in(client, base: str, username: str):
    page = _open(client, f"{base}/login").body
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    form = {"username": username, "password": PASSWORD, "csrf_token": token}
    return _open(client, f"{base}/login", form)


def _children(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()


@pytest.mark.slow
def test_serve_signs_in_and_reads_the_queue_over_http(settings, sessions) -> None:
    with sessions.begin() as session:
        add_user(session, "qa", "qa", PASSWORD)
    with running_server(settings.data_dir) as (base, process):
        assert len(_children(process.pid)) == 2  # INSPECTOR_WEB_WORKERS=2: two gunicorn workers
        client = _client()
        signed = _sign_in(client, base, "qa")
        assert signed.status == 302 and signed.headers["Location"].endswith("/")
        assert "Secure" not in signed.headers["Set-Cookie"]  # plain HTTP: a lab, the demo
        queue = _open(client, f"{base}/")
        assert queue.status == 200
        assert "质检队列" in queue.body
        assert not re.search(r"\d", queue.headers["Server"])  # no versions in the banner
        assert _open(_client(), f"{base}/").status in (302, 401)  # not signed in: no queue


@pytest.mark.slow
def test_forwarded_proto_counts_only_from_a_configured_proxy(settings, sessions) -> None:
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    with running_server(settings.data_dir, https="1") as (base, _):
        # no proxy configured: a client's X-Forwarded-Proto is ignored, plain HTTP redirected
        response = _open(_client(), f"{base}/login", headers=proxied)
        assert response.status in (301, 302)
        assert response.headers["Location"].startswith("https://")
    with running_server(settings.data_dir, https="1", proxy_hops="1") as (base, _):
        # behind the configured proxy the request counts as HTTPS: no redirect, and the session
        # cookie (holding the sign-in form's CSRF token) is Secure
        page = _open(_client(), f"{base}/login", headers=proxied)
        assert page.status == 200
        cookie = page.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie
        assert "max-age" in page.headers["Strict-Transport-Security"]


def _whoami(settings, sessions, **changes):  # type: ignore[no-untyped-def]
    app = create_app(dataclasses.replace(settings, **changes), sessions)

    @app.get("/_whoami")
    def whoami() -> dict[str, str]:
        from flask import request

        return {"addr": request.remote_addr or "", "scheme": request.scheme, "host": request.host}

    return app.test_client()


FORWARDED = {
    "X-Forwarded-For": "198.51.100.9, 203.0.113.7",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "qa.example.com",
}


def test_forwarded_headers_are_ignored_by_default(settings, sessions) -> None:
    seen = _whoami(settings, sessions).get("/_whoami", headers=FORWARDED).get_json()
    assert seen == {"addr": "127.0.0.1", "scheme": "http", "host": "localhost"}


@pytest.mark.parametrize(
    ("hops", "addr"),
    [(1, "203.0.113.7"), (2, "198.51.100.9")],  # each proxy appends the address it saw
)
def test_forwarded_headers_are_honoured_from_configured_proxies(
    settings, sessions, hops: int, addr: str
) -> None:
    headers = FORWARDED | {
        "X-Forwarded-Proto": ", ".join(["https"] * hops),
        "X-Forwarded-Host": ", ".join(["qa.example.com"] * hops),
    }
    client = _whoami(settings, sessions, proxy_hops=hops)
    seen = client.get("/_whoami", headers=headers).get_json()
    assert seen == {"addr": addr, "scheme": "https", "host": "qa.example.com"}
