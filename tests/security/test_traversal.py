"""Path traversal over HTTP and in downloads (issue 18: these probes held; kept held): static
files stay inside the static folder, audio comes from the database's path only, and names a
user chose (clip and playlist titles) never climb out of a download or an archive."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.security.conftest import pk_of

CLIMB = "../../../../etc/passwd"


@pytest.mark.parametrize(
    "path",
    [
        "/static/../inspector/settings.py",
        "/static/%2e%2e/%2e%2e/inspector/settings.py",
        "/static/..%2f..%2fpyproject.toml",
        "/static/vendor/../../../pyproject.toml",
        "/calls/1/audio/../../../../etc/passwd",
        "/clips/1/download?format=../../etc/passwd",
    ],
)
def test_requests_never_reach_files_outside(as_role, path: str) -> None:
    response = as_role("admin").get(path)
    assert response.status_code in (400, 404), (path, response.status_code)
    assert b"[project]" not in response.data and b"root:" not in response.data


def test_titles_never_climb_out_of_downloads_or_archives(served, as_role) -> None:
    trainer = as_role("trainer")
    pk = pk_of(served, "c01_compliant_billing")
    clip = trainer.post(f"/calls/{pk}/clips", data={"start_s": "0", "end_s": "3", "title": CLIMB})
    clip_id = int(clip.headers["Location"].rsplit("/", 1)[1])
    download = trainer.get(f"/clips/{clip_id}/download?format=wav")
    disposition = download.headers["Content-Disposition"]
    assert ".." not in disposition and "/" not in disposition.split("filename", 1)[1]
    playlist = trainer.post("/playlists", data={"name": CLIMB})
    playlist_id = int(playlist.headers["Location"].rsplit("/", 1)[1])
    trainer.post(f"/playlists/{playlist_id}/items", data={"clip_id": clip_id})
    archive = trainer.get(f"/playlists/{playlist_id}/download")
    assert ".." not in archive.headers["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(archive.data)).namelist()
    assert names and all(".." not in n and not n.startswith("/") for n in names)
