"""Issue 18 item 5: security headers on every response (Flask-Talisman), pages that need no
inline script or style (so the Content-Security-Policy can forbid both), cookies that work over
plain HTTP unless `https` is set, and a server banner without versions."""

from __future__ import annotations

import dataclasses
import re
import urllib.request
from html.parser import HTMLParser

import pytest

from tests.factories import running_server
from tests.security.conftest import pk_of, sign_in
from web import create_app


def directives(response) -> dict[str, str]:
    policy = response.headers.get("Content-Security-Policy", "")
    return {
        part.split()[0]: " ".join(part.split()[1:])
        for part in (p.strip() for p in policy.split(";"))
        if part
    }


def assert_protected(response, where: str) -> None:
    csp = directives(response)
    assert csp, f"{where}: no Content-Security-Policy"
    assert csp["default-src"] == "'self'", where
    assert csp["script-src"] == "'self'", where
    assert re.fullmatch(r"'self'( 'nonce-[\w-]+')?", csp["style-src"]), where
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'", where
    assert "unsafe-inline" not in str(csp) and "unsafe-eval" not in str(csp), where
    assert response.headers.get("X-Frame-Options") == "DENY", where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") == "same-origin", where


@pytest.fixture(scope="module")
def ids(served, as_role) -> dict[str, int]:
    """Real ids for every route parameter: a call, a clip, a playlist and its item."""
    trainer = as_role("trainer")
    pk = pk_of(served, "c01_compliant_billing")
    clip = trainer.post(
        f"/calls/{pk}/clips", data={"start_s": "0", "end_s": "3", "title": "headers"}
    )
    clip_id = int(clip.headers["Location"].rsplit("/", 1)[1])
    playlist = trainer.post("/playlists", data={"name": "headers"})
    playlist_id = int(playlist.headers["Location"].rsplit("/", 1)[1])
    trainer.post(f"/playlists/{playlist_id}/items", data={"clip_id": clip_id})
    return {
        "pk": pk,
        "clip_id": clip_id,
        "playlist_id": playlist_id,
        "item_id": 1,
        "appeal_id": 1,
        "name": "qa",
        "filename": "style.css",
    }


def every_get_url(app, ids: dict[str, int]) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods:
            urls.append(
                rule.build({arg: ids[arg] for arg in rule.arguments}, append_unknown=False)[1]
            )
    return sorted(urls)


@pytest.mark.parametrize("who", ["anonymous", "admin", "trainer", "agent"])
def test_every_response_carries_the_headers(served, as_role, ids, who: str) -> None:
    client = served.app.test_client() if who == "anonymous" else as_role(who)
    urls = every_get_url(served.app, ids) + ["/no/such/page", "/?from=yesterday"]
    assert len(urls) > 20
    for url in urls:
        response = client.get(url)
        response.close()
        assert_protected(response, f"{who} GET {url} ({response.status_code})")
    # and on what a POST answers (a redirect, a refusal)
    assert_protected(client.post("/logout"), f"{who} POST /logout")
    assert_protected(client.post(f"/calls/{ids['pk']}/review"), f"{who} POST review")


class _Inline(HTMLParser):
    """Inline scripts, styles and event handlers in a page (what the policy blocks)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        data = dict(attrs).get("type") == "application/json"  # data for a script, never run
        if tag == "script" and "src" not in names and not data:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        self.found += [f"{tag} {n}=" for n in names if n == "style" or n.startswith("on")]


@pytest.mark.parametrize("who", ["admin", "qa", "trainer", "manager", "agent"])
def test_pages_have_no_inline_script_or_style(served, as_role, ids, who: str) -> None:
    client = as_role(who)
    pages = ["/", "/appeals", f"/calls/{ids['pk']}", "/clips", f"/clips/{ids['clip_id']}"]
    pages += ["/playlists", f"/playlists/{ids['playlist_id']}"]
    pages += ["/manage/dashboard", "/manage/satisfaction"]
    for url in pages:
        response = client.get(url)
        if response.status_code != 200:
            continue  # a page this role may not see
        parser = _Inline()
        parser.feed(response.get_data(as_text=True))
        assert parser.found == [], (who, url)
    anonymous = _Inline()
    anonymous.feed(served.app.test_client().get("/login").get_data(as_text=True))
    assert anonymous.found == []


def test_the_call_page_hands_wavesurfer_the_style_nonce(served, as_role, ids) -> None:
    response = as_role("qa").get(f"/calls/{ids['pk']}")
    nonce = re.search(r"'nonce-([\w-]+)'", directives(response)["style-src"]).group(1)
    assert f'"nonce": "{nonce}"' in response.get_data(as_text=True)


def test_cookies_work_over_plain_http_by_default(served) -> None:
    client = served.app.test_client()
    response = sign_in(client, "qa")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert client.get("/").status_code == 200  # no redirect to https
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_https_setting_secures_cookies_and_redirects(served) -> None:
    behind_proxy = {"X-Forwarded-Proto": "https"}
    # no proxy configured (proxy_hops = 0): a client's X-Forwarded-Proto is not believed
    alone = create_app(dataclasses.replace(served.settings, https=True), served.sessions)
    alone.config.update(TESTING=True)
    assert alone.test_client().get("/login", headers=behind_proxy).status_code in (301, 302)
    app = create_app(
        dataclasses.replace(served.settings, https=True, proxy_hops=1), served.sessions
    )
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    client = app.test_client()
    plain = client.get("/login")
    assert plain.status_code in (301, 302)
    assert plain.headers["Location"].startswith("https://")
    assert client.get("/login", headers=behind_proxy).status_code == 200
    response = client.post(
        "/login",
        data={"username": "qa", "password": "correct horse 1"},
        headers=behind_proxy,
        environ_base={"REMOTE_ADDR": "10.99.0.1"},
    )
    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"]
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_the_server_banner_names_no_versions(tmp_path) -> None:
    with (
        running_server(tmp_path / "var") as (base, _),
        urllib.request.urlopen(f"{base}/healthz") as r,
    ):
        server = r.headers["Server"]
        assert_protected(r, "served /healthz")
    assert not re.search(r"\d|werkzeug|python", server, re.IGNORECASE)
