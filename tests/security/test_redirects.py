"""Issue 18 item 1: no open redirect after sign-in or from the playlist forms' `next` field.

A Location is judged as a browser reads it (tabs and newlines dropped, backslashes as
slashes): it must stay on this host.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest

from tests.security.conftest import pk_of, sign_in
from web.security import local_url

OFF_SITE = [
    "/\t/evil.example/x",
    "//evil.example/x",
    "///evil.example/x",
    "/\\evil.example/x",
    "\\\\evil.example/x",
    "\\/evil.example/x",
    "/\n/evil.example/x",
    "/\r\n/evil.example/x",
    " //evil.example/x",
    "\x00//evil.example/x",
    "https://evil.example/x",
    "http:evil.example",
    "javascript:alert(1)",
    "evil.example/x",
]


def browser_reads(location: str) -> tuple[str, str]:
    """(scheme, host) of a Location after the browser's clean-up of a URL."""
    cleaned = "".join(ch for ch in location if ch not in "\t\n\r")
    cleaned = cleaned.strip("".join(map(chr, range(0x21)))).replace("\\", "/")
    parts = urlsplit(cleaned)
    return parts.scheme, parts.netloc


def stays_here(location: str) -> bool:
    scheme, host = browser_reads(location)
    return scheme in ("", "http") and host in ("", "localhost")


@pytest.mark.parametrize("target", OFF_SITE)
def test_local_url_refuses_other_hosts(target: str) -> None:
    assert local_url(target, "/fallback") == "/fallback"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/calls/3?sort=newest#score", "/calls/3?sort=newest#score"),
        ("/clips?q=%E5%A5%BD", "/clips?q=%E5%A5%BD"),
        ("/\tcalls/3", "/calls/3"),  # what the browser would have asked for anyway
        ("", "/fallback"),
        (None, "/fallback"),
    ],
)
def test_local_url_keeps_paths_on_this_host(target: str | None, expected: str) -> None:
    assert local_url(target, "/fallback") == expected


@pytest.mark.parametrize("target", OFF_SITE)
def test_sign_in_never_redirects_off_site(served, target: str) -> None:
    client = served.app.test_client()
    response = sign_in(client, "qa", quote(target, safe=""))
    assert response.status_code == 302
    assert stays_here(response.headers["Location"]), response.headers["Location"]


def test_the_probe_of_the_issue(served) -> None:
    """POST /login?next=/%09/evil.example/x answered Location: //evil.example/x."""
    response = sign_in(served.app.test_client(), "qa", "/%09/evil.example/x")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_sign_in_still_returns_to_the_page_asked_for(served) -> None:
    pk = pk_of(served, "c01_compliant_billing")
    response = sign_in(served.app.test_client(), "qa", quote(f"/calls/{pk}?x=1", safe=""))
    assert response.headers["Location"] == f"/calls/{pk}?x=1"


def test_playlist_forms_next_stays_on_this_host(served, as_role) -> None:
    trainer = as_role("trainer")
    created = trainer.post("/playlists", data={"name": "redirects"})
    playlist = int(created.headers["Location"].rsplit("/", 1)[1])
    clip = trainer.post(
        f"/calls/{pk_of(served, 'c01_compliant_billing')}/clips",
        data={"start_s": "0", "end_s": "3", "title": "redirect probe"},
    )
    clip_id = int(clip.headers["Location"].rsplit("/", 1)[1])
    added = trainer.post(
        f"/playlists/{playlist}/items",
        data={"clip_id": clip_id, "next": "/\t/evil.example/x"},
    )
    assert added.status_code == 302 and stays_here(added.headers["Location"])
    assert added.headers["Location"] == f"/playlists/{playlist}"
    with served.sessions() as session:
        from inspector.store.models import PlaylistItem

        item = session.query(PlaylistItem).filter_by(playlist_id=playlist).one().id
    posts = {
        f"/playlists/{playlist}/share": {"shared": "1"},
        f"/playlists/{playlist}/items/{item}/note": {"note": "n"},
        f"/playlists/{playlist}/items/{item}/move": {"step": "up"},
    }
    for path, form in posts.items():
        for target in OFF_SITE:
            response = trainer.post(path, data=form | {"next": target})
            assert response.status_code == 302, (path, target)
            assert stays_here(response.headers["Location"]), (path, target)
    kept = trainer.post(f"/playlists/{playlist}/share", data={"shared": "0", "next": "/clips?q=1"})
    assert kept.headers["Location"] == "/clips?q=1"  # the library's own "next" still works
    removed = trainer.post(
        f"/playlists/{playlist}/items/{item}/remove", data={"next": "//evil.example/x"}
    )
    assert removed.headers["Location"] == f"/playlists/{playlist}"
