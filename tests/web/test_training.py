"""Trainers' clip library over real processed calls: clips from evidence and from picked spans,
who may do what, sample-exact downloads, anonymised audio, playlists and their ZIP."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import numpy as np
import pytest
import soundfile as sf
from sqlalchemy import select

from inspector.accounts import add_user
from inspector.store.models import AuditEntry, Call, Clip, TranscriptSegment
from scoring.pii import mask_pii
from tests.web.conftest import PASSWORD, call_pk


def _segments(sessions, pk: int) -> list[TranscriptSegment]:
    with sessions() as session:
        return list(
            session.scalars(
                select(TranscriptSegment)
                .where(TranscriptSegment.call_pk == pk)
                .order_by(TranscriptSegment.start_s)
            )
        )


def _clip_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/clips/(\d+)$", response.headers["Location"]).group(1))


def _make(client, pk: int, start: float, end: float, **fields) -> int:
    data = {"start_s": start, "end_s": end, "title": "示例"} | fields
    return _clip_id(client.post(f"/calls/{pk}/clips", data=data))


def _clip(sessions, clip_id: int) -> Clip:
    with sessions() as session:
        return session.get(Clip, clip_id)


def test_clip_from_evidence_is_one_click_and_snaps_to_sentences(as_role, sessions) -> None:
    trainer = as_role("trainer")
    pk = call_pk(trainer, "c26_angry_ends_worse")
    page = trainer.get(f"/calls/{pk}").get_data(as_text=True)
    # every piece of evidence has a one-click clip form with its span and item
    form = re.search(
        r'<form method="post" action="/calls/\d+/clips" id="clip-ev-forbidden_phrase-1"'
        r"[^>]*>(.*?)</form>",
        page,
        re.S,
    )
    assert form is not None and 'class="clip-evidence"' in page
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form.group(1)))
    assert fields["item_id"] == "forbidden_phrase" and fields["kind"] == "bad"
    clip_id = _make(
        trainer,
        pk,
        float(fields["start_s"]),
        float(fields["end_s"]),
        title=fields["title"],
        item_id="forbidden_phrase",
        kind="bad",
    )
    clip = _clip(sessions, clip_id)
    sentence = next(
        s
        for s in _segments(sessions, pk)
        if s.start_s <= clip.start_s + 1e-6 and s.end_s > clip.start_s
    )
    assert clip.start_s == pytest.approx(sentence.start_s, abs=1e-3)
    assert clip.item_id == "forbidden_phrase" and clip.kind == "bad"

    # a dragged span that cuts two sentences in half is widened to both, whole
    segs = _segments(sessions, pk)
    a, b = segs[1], segs[2]
    span_id = _make(
        trainer,
        pk,
        (a.start_s + a.end_s) / 2,
        (b.start_s + b.end_s) / 2,
        tags="安抚, 升级,安抚",
        topic="投诉",
    )
    clip = _clip(sessions, span_id)
    assert (clip.start_s, clip.end_s) == (
        pytest.approx(a.start_s, abs=1e-3),
        pytest.approx(b.end_s, abs=1e-3),
    )
    assert clip.tags == ["安抚", "升级"] and clip.topic == "投诉"
    with sessions() as session:
        assert session.scalar(select(AuditEntry).where(AuditEntry.action == "clip.create"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"start_s": 5, "end_s": 5}, "empty"),
        ({"start_s": -1, "end_s": 2}, "empty or negative"),
        ({"start_s": 0, "end_s": 2, "title": " "}, "title"),
        ({"start_s": 0, "end_s": 2, "kind": "ugly"}, "kind"),
        ({"start_s": 0, "end_s": 2, "item_id": "nope"}, "item_id"),
        ({"start_s": 9000, "end_s": 9005}, "after the end"),
        ({"start_s": "x", "end_s": 2}, "start_s: not a number"),
    ],
)
def test_bad_clip_requests_say_which_field(as_role, data, message) -> None:
    trainer = as_role("trainer")
    pk = call_pk(trainer, "c01_compliant_billing")
    response = trainer.post(f"/calls/{pk}/clips", data={"title": "t"} | data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_who_may_cut_see_and_change_clips(app, as_role, sessions) -> None:
    trainer = as_role("trainer")
    pk = call_pk(trainer, "c01_compliant_billing")
    clip_id = _make(trainer, pk, 0.5, 3.0)
    for role in ("agent", "manager"):
        client = as_role(role)
        assert (
            client.post(
                f"/calls/{pk}/clips", data={"start_s": 0, "end_s": 2, "title": "x"}
            ).status_code
            == 403
        )
        assert client.get("/clips").status_code == 403
        assert client.get(f"/clips/{clip_id}/download").status_code == 403
    with sessions.begin() as session:
        add_user(session, "trainer2", "trainer", PASSWORD)
    other = as_role("trainer2")
    assert other.get(f"/clips/{clip_id}").status_code == 200  # the library is shared
    assert other.post(f"/clips/{clip_id}", data={"title": "mine now"}).status_code == 403
    assert other.post(f"/clips/{clip_id}/delete").status_code == 403
    lead = as_role("lead")  # a lead curates everyone's clips
    assert (
        lead.post(
            f"/clips/{clip_id}", data={"title": "改名", "kind": "good", "tags": "开场"}
        ).status_code
        == 302
    )
    assert _clip(sessions, clip_id).title == "改名"
    assert trainer.post(f"/clips/{clip_id}/delete").status_code == 302
    assert _clip(sessions, clip_id) is None
    # the call page shows the clip tools only to those who may cut
    assert 'id="clip-form"' in trainer.get(f"/calls/{pk}").get_data(as_text=True)
    assert 'id="clip-form"' not in as_role("manager").get(f"/calls/{pk}").get_data(as_text=True)


def test_library_filters(as_role) -> None:
    trainer = as_role("trainer")
    good = call_pk(trainer, "c01_compliant_billing")
    bad = call_pk(trainer, "c26_angry_ends_worse")
    _make(trainer, good, 0.5, 3.0, title="标准开场", kind="good", tags="开场", item_id="greeting")
    _make(trainer, bad, 0.5, 3.0, title="情绪失控", kind="bad", topic="投诉")

    def titles(query: str) -> list[str]:
        body = trainer.get(f"/clips?{query}").get_data(as_text=True)
        return re.findall(r'<a (?:class="[^"]*" )?href="/clips/\d+">([^<]+)</a>', body)

    assert titles("") == ["情绪失控", "标准开场"]  # newest first
    assert titles("kind=good") == ["标准开场"]
    assert titles("tag=开场") == ["标准开场"]
    assert titles("item=greeting") == ["标准开场"]
    assert titles("topic=投诉") == ["情绪失控"]
    assert titles("agent=A1005") == ["情绪失控"]
    assert titles("team=nobody") == []
    assert titles("score_max=50") == ["情绪失控"]  # the fatal call scores 0
    assert titles("q=开场") == ["标准开场"]
    assert trainer.get("/clips?score_min=abc").status_code == 400


def _said_only_in(texts: list[str], others: list[str], size: int = 4) -> str:
    """A few characters said in `texts` and in none of `others`."""
    for text in texts:
        for at in range(len(text) - size + 1):
            words = text[at : at + size]
            if not any(words in o for o in others) and not re.search(r"[，。？！\d]", words):
                return words
    raise AssertionError("no distinctive words")


def test_search_covers_the_words_said_in_the_clip(as_role, sessions) -> None:
    from inspector.training.clips import ClipFilter, search_clips

    trainer = as_role("trainer")
    pk = call_pk(trainer, "c01_compliant_billing")
    segments = _segments(sessions, pk)
    inside, outside = segments[:2], segments[-2:]
    clip_id = _make(trainer, pk, inside[0].start_s, inside[-1].end_s - 0.01, title="开头示范")
    kept = _clip(sessions, clip_id)
    held = [s.text for s in segments if s.end_s > kept.start_s and s.start_s < kept.end_s]
    rest = [s.text for s in segments if not (s.end_s > kept.start_s and s.start_s < kept.end_s)]
    said = _said_only_in(held, rest)
    not_in_clip = _said_only_in([s.text for s in outside], held)

    def titles(query: str) -> list[str]:
        body = trainer.get(f"/clips?q={query}").get_data(as_text=True)
        return re.findall(r'<a (?:class="[^"]*" )?href="/clips/\d+">([^<]+)</a>', body)

    assert titles(said) == ["开头示范"]  # in the clip's sentences, not its title or note
    assert titles(not_in_clip) == []  # said in the call, but outside the clip
    assert titles("开头") == ["开头示范"]  # titles still match
    page = trainer.get(f"/clips?q={said}").get_data(as_text=True)
    assert f"<mark>{said}</mark>" in page  # the sentence that matched, words highlighted
    # a masked user's search for digits stays out of the transcript (the route turns it off)
    with sessions() as session:
        assert search_clips(session, ClipFilter(text=said, in_transcript=False)) == []
        assert [r.clip.id for r in search_clips(session, ClipFilter(text=said))] == [clip_id]


def test_new_playlist_from_a_clip_holds_that_clip(as_role, sessions) -> None:
    from inspector.store.models import Playlist, PlaylistItem

    trainer = as_role("trainer")
    pk = call_pk(trainer, "c26_angry_ends_worse")
    clip_id = _make(trainer, pk, 0.5, 3.0, title="情绪安抚")
    page = trainer.get(f"/clips/{clip_id}").get_data(as_text=True)
    form = re.search(
        r'<form method="post" action="/playlists" id="new-playlist">(.*?)</form>', page, re.S
    )
    assert form and f'name="clip_id" value="{clip_id}"' in form.group(1) and "新建播放列表" in page
    response = trainer.post("/playlists", data={"name": "新人培训", "clip_id": clip_id})
    assert response.status_code == 302
    playlist_id = int(re.search(r"/playlists/(\d+)$", response.headers["Location"]).group(1))
    with sessions() as session:
        assert session.get(Playlist, playlist_id).name == "新人培训"
        items = session.scalars(
            select(PlaylistItem).where(PlaylistItem.playlist_id == playlist_id)
        ).all()
    assert [(i.clip_id, i.position) for i in items] == [(clip_id, 1)]
    listing = trainer.get(f"/playlists/{playlist_id}").get_data(as_text=True)
    assert "情绪安抚" in listing and "已新建播放列表并加入此剪辑" in listing
    # the library offers the same on every row
    library = trainer.get("/clips").get_data(as_text=True)
    assert re.search(
        rf'class="new-playlist[^"]*">\s*<input[^>]*>\s*'
        rf'<input type="hidden" name="clip_id" value="{clip_id}"',
        library,
    )
    # a clip that does not exist makes no playlist
    assert trainer.post("/playlists", data={"name": "空", "clip_id": 999999}).status_code == 404
    with sessions() as session:
        assert session.scalar(select(Playlist).where(Playlist.name == "空")) is None


def test_library_in_english_with_agent_names(as_role) -> None:
    trainer = as_role("trainer")
    pk = call_pk(trainer, "c01_compliant_billing")
    _make(trainer, pk, 0.5, 3.0, title="标准开场", kind="good")
    page = trainer.get("/clips").get_data(as_text=True)
    assert "王芳（A1001）" in page and "好例子" in page and "剪辑库" in page
    assert "Asia/Shanghai" in page  # times labelled with the centre's zone
    trainer.post("/language", data={"lang": "en"})
    page = trainer.get("/clips").get_data(as_text=True)
    assert "Clip library" in page and "Good example" in page and "New playlist" in page
    assert "王芳 (A1001)" in page and "好例子" not in page


def test_downloads_are_sample_exact_in_both_channel_modes(as_role, sessions) -> None:
    trainer = as_role("trainer")
    pk = call_pk(trainer, "c01_compliant_billing")
    clip_id = _make(trainer, pk, 1.0, 4.0)
    clip = _clip(sessions, clip_id)
    with sessions() as session:
        call = session.get(Call, pk)
        source, rate = sf.read(call.audio_path, always_2d=True)
    first, last = round(clip.start_s * rate), round(clip.end_s * rate)

    stereo = trainer.get(f"/clips/{clip_id}/download?format=wav&anon=0")
    assert stereo.headers["Content-Type"] == "audio/wav"
    assert "attachment" in stereo.headers["Content-Disposition"]
    data, got_rate = sf.read(io.BytesIO(stereo.data), always_2d=True)
    assert got_rate == rate and data.shape == (last - first, source.shape[1])
    np.testing.assert_allclose(data, source[first:last], atol=1 / 32768)

    mono, _ = sf.read(
        io.BytesIO(trainer.get(f"/clips/{clip_id}/download?mix=1&anon=0").data), always_2d=True
    )
    assert mono.shape == (last - first, 1)
    np.testing.assert_allclose(mono[:, 0], source[first:last].mean(axis=1), atol=2 / 32768)

    text = trainer.get(f"/clips/{clip_id}/download?format=txt").get_data(as_text=True)
    assert text.startswith("# 示例 · c01_compliant_billing") and re.search(
        r"^\[\d{3}\.\d\d\] agent: ", text, re.M
    )
    mp3 = trainer.get(f"/clips/{clip_id}/download?format=mp3")
    assert mp3.status_code == 200 and mp3.headers["Content-Type"] == "audio/mpeg"
    assert trainer.get(f"/clips/{clip_id}/download?format=flac").status_code == 400
    inline = trainer.get(f"/clips/{clip_id}/audio")
    assert "attachment" not in inline.headers.get("Content-Disposition", "")
    for response in (stereo, inline, mp3):
        response.close()


def test_anonymised_download_mutes_sentences_with_personal_numbers(as_role, sessions) -> None:
    trainer = as_role("trainer")
    pk = call_pk(trainer, "c22_privacy_leak")
    segments = _segments(sessions, pk)
    leaky = next(s for s in segments if mask_pii(s.text) != s.text)
    clip_id = _make(trainer, pk, segments[0].start_s, segments[-1].end_s, title="泄露")
    clip = _clip(sessions, clip_id)

    def read(query: str) -> tuple[np.ndarray, int]:
        response = trainer.get(f"/clips/{clip_id}/download?{query}")
        data, rate = sf.read(io.BytesIO(response.data), always_2d=True)
        response.close()
        return data, rate

    plain, rate = read("anon=0")
    masked, _ = read("anon=1")
    a = round((leaky.start_s - clip.start_s) * rate)
    b = round((leaky.end_s - clip.start_s) * rate)
    assert np.abs(plain[a:b]).max() > 0.01  # someone speaks there
    assert np.abs(masked[a:b]).max() == 0  # ...and the anonymised copy is silent
    assert np.abs(masked[:a]).max() > 0.01  # the rest is kept
    beeped, _ = read("anon=1&beep=1")
    assert np.abs(beeped[a:b]).max() > 0.05
    text = trainer.get(f"/clips/{clip_id}/download?format=txt&anon=1").get_data(as_text=True)
    assert leaky.text not in text and mask_pii(leaky.text) in text


def test_playlists_order_share_and_zip(as_role, sessions) -> None:
    trainer = as_role("trainer")
    pk = call_pk(trainer, "c17_empathy_after_anger")
    first = _make(trainer, pk, 0.5, 3.0, title="先听这个", kind="good")
    second = _make(trainer, pk, 5.0, 8.0, title="再听这个", kind="bad", tags="安抚")
    created = trainer.post("/playlists", data={"name": "安抚训练", "description": "新员工"})
    playlist = int(created.headers["Location"].rsplit("/", 1)[1])
    for clip_id, note in ((second, "注意语气"), (first, "")):
        assert (
            trainer.post(
                f"/playlists/{playlist}/items", data={"clip_id": clip_id, "note": note}
            ).status_code
            == 302
        )

    def order() -> list[str]:
        body = trainer.get(f"/playlists/{playlist}").get_data(as_text=True)
        return re.findall(r'<a (?:class="[^"]*" )?href="/clips/\d+">([^<]+)</a>', body)

    assert order() == ["再听这个", "先听这个"]
    item = re.search(
        r"/items/(\d+)/move", trainer.get(f"/playlists/{playlist}").get_data(as_text=True)
    ).group(1)  # the first row's item
    trainer.post(f"/playlists/{playlist}/items/{item}/move", data={"step": "down"})
    assert order() == ["先听这个", "再听这个"]

    with sessions.begin() as session:
        add_user(session, "trainer2", "trainer", PASSWORD)
    other = as_role("trainer2")
    assert other.get(f"/playlists/{playlist}").status_code == 404  # not shared yet
    trainer.post(f"/playlists/{playlist}/share", data={"shared": "1"})
    assert other.get(f"/playlists/{playlist}").status_code == 200
    assert "安抚训练" in other.get("/playlists").get_data(as_text=True)
    assert other.post(f"/playlists/{playlist}/items/{item}/remove").status_code == 403

    response = other.get(f"/playlists/{playlist}/download?anon=1")
    assert response.headers["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    response.close()
    rows = list(csv.DictReader(io.StringIO(archive.read("index.csv").decode("utf-8-sig"))))
    assert [r["title"] for r in rows] == ["先听这个", "再听这个"]
    assert rows[1]["note"] == "注意语气" and "bad" in rows[1]["tags"].split(";")
    for row in rows:
        data, rate = sf.read(io.BytesIO(archive.read(row["file"])), always_2d=True)
        assert data.shape[0] == pytest.approx(float(row["duration_s"]) * rate, abs=1)
        assert archive.read(row["transcript_file"]).decode().startswith("# ")

    # removing closes the gap; deleting a clip drops it from the playlist
    trainer.post(f"/playlists/{playlist}/items/{item}/remove")
    assert order() == ["先听这个"]
    trainer.post(f"/clips/{first}/delete")
    assert order() == []
