"""Issue 18 item 9: a failure reason shown to reviewers, trainers, managers and agents names the
recording, not a path on the server; admins (and the logs) keep the path."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from inspector.review.queue import public_reason
from inspector.store.models import Call, Job
from tests.security.conftest import BROKEN, pk_of


def stored_reason(served) -> str:
    with served.sessions() as session:
        return session.scalar(
            select(Job.error)
            .join(Call, Call.id == Job.call_pk)
            .where(Call.call_id == "broken_upload")
        )


def server_paths(served) -> list[str]:
    return [str(served.recordings.parent), str(served.settings.data_dir)]


def test_the_stored_reason_names_a_server_path(served) -> None:
    """The premise: what the worker wrote names where the file lies (kept for admins)."""
    reason = stored_reason(served)
    assert any(path in reason for path in server_paths(served)), reason


@pytest.mark.parametrize("who", ["qa", "lead", "trainer", "manager"])
def test_the_queue_and_call_page_name_the_recording(served, as_role, who: str) -> None:
    client = as_role(who)
    pk = pk_of(served, "broken_upload")
    for url in ("/?sort=newest", f"/calls/{pk}"):
        body = client.get(url).get_data(as_text=True)
        assert "broken_upload" in body
        assert BROKEN in body, (who, url)  # the reason names the recording
        for path in server_paths(served):
            assert path not in body, (who, url)
        assert not re.search(r"/(tmp|var|srv|home|root)/", body), (who, url)


def test_admins_see_the_path(served, as_role) -> None:
    admin = as_role("admin")
    for url in ("/?sort=newest", f"/calls/{pk_of(served, 'broken_upload')}"):
        body = admin.get(url).get_data(as_text=True)
        assert any(path in body for path in server_paths(served)), url


@pytest.mark.parametrize(
    ("error", "paths", "shown"),
    [
        (
            "decode: AudioDecodeError: /srv/in/2026/a b.wav: not a readable audio file",
            ("/srv/in/2026/a b.wav", "/srv/var/audio/ab/abcd.wav"),
            "decode: AudioDecodeError: a b.wav: not a readable audio file",
        ),
        (
            "asr: RuntimeError: Error opening '/srv/var/audio/ab/abcd.wav': Format not recognised",
            ("/srv/in/2026/a b.wav", "/srv/var/audio/ab/abcd.wav"),
            "asr: RuntimeError: Error opening 'a b.wav': Format not recognised",
        ),
        (
            "asr: OSError: [Errno 2] No such file: '/opt/models/cache/ct2/model.bin'",
            (),
            "asr: OSError: [Errno 2] No such file: 'model.bin'",
        ),
        (
            r"decode: ffmpeg: C:\data\in\a.wav: invalid data",
            (),
            "decode: ffmpeg: a.wav: invalid data",
        ),
        (
            "abandoned: the worker processing it was lost 3 times (last stage: asr)",
            (),
            "abandoned: the worker processing it was lost 3 times (last stage: asr)",
        ),
        ("see https://example.com/docs/x for help", (), "see https://example.com/docs/x for help"),
    ],
)
def test_public_reason(error: str, paths: tuple[str, ...], shown: str) -> None:
    assert public_reason(error, "a b.wav", paths) == shown
