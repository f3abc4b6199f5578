from __future__ import annotations

from pathlib import Path

import pytest

from inspector.ingest import ingest
from inspector.worker import run_worker
from tests.factories import make_truth, make_wav
from web import create_app


@pytest.fixture
def client(settings, sessions, tmp_path: Path):
    wav = make_wav(settings.fixture_dir / "c1.wav", seed=1, seconds=4)
    make_truth(
        wav, [{"role": "agent", "start": 0, "end": 1, "text": "<script>alert(1)</script>您好"}]
    )
    (settings.fixture_dir / "bad.wav").write_text("x")
    ingest(sessions, settings, settings.fixture_dir)
    import dataclasses

    run_worker(dataclasses.replace(settings, asr_engine="fixture"), burst=True)
    app = create_app(settings, sessions)
    app.config["TESTING"] = True
    return app.test_client()


def test_call_list_and_page(client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "c1" in body and "bad" in body and "not a readable audio file" in body
    assert "done: 1" in body and "failed: 1" in body
    failed_only = client.get("/?status=failed").get_data(as_text=True)
    assert "bad" in failed_only and ">c1<" not in failed_only
    import re

    pk = re.search(r'href="/calls/(\d+)">c1<', body).group(1)
    call = client.get(f"/calls/{pk}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;您好" in call and "<script>alert" not in call
    assert client.get("/calls/999").status_code == 404
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_factory_needs_a_secret(settings) -> None:
    import dataclasses

    with pytest.raises(ValueError, match="secret_key"):
        create_app(dataclasses.replace(settings, secret_key=""))
