"""Issue 18 item 6: out-of-range input answers 400 or 404, never a 500 (OverflowError from the
database driver, "date value out of range" from datetime)."""

from __future__ import annotations

import pytest

from tests.security.conftest import pk_of

HUGE = 10**20  # past a 64-bit integer
NOT_FOUND_OR_BAD = {400, 404}


def clip_and_playlist(served, client) -> tuple[int, int]:
    pk = pk_of(served, "c01_compliant_billing")
    clip = client.post(f"/calls/{pk}/clips", data={"start_s": "0", "end_s": "3", "title": "r"})
    playlist = client.post("/playlists", data={"name": "ranges"})
    return (
        int(clip.headers["Location"].rsplit("/", 1)[1]),
        int(playlist.headers["Location"].rsplit("/", 1)[1]),
    )


def test_every_route_with_a_huge_id_answers_404(served, as_role) -> None:
    """Each route's integer parameters set to 10**20, in turn, GET and POST alike."""
    admin = as_role("admin")
    clip_id, playlist_id = clip_and_playlist(served, admin)
    real = {
        "pk": pk_of(served, "c01_compliant_billing"),
        "clip_id": clip_id,
        "playlist_id": playlist_id,
        "item_id": 1,
        "appeal_id": 1,
    }
    tried = 0
    for rule in served.app.url_map.iter_rules():
        numbers = [a for a in rule.arguments if a in real]
        for huge in numbers:
            values = {a: real[a] for a in numbers} | {huge: HUGE}
            url = "/" + rule.rule.lstrip("/")
            for arg, value in values.items():
                url = url.replace(f"<int:{arg}>", str(value))
            for method in rule.methods & {"GET", "POST"}:
                response = admin.open(url, method=method)
                response.close()
                assert response.status_code == 404, (method, url)
                tried += 1
    assert tried >= 20


@pytest.mark.parametrize(
    "url",
    [
        "/calls/100000000000000000000",
        "/calls/100000000000000000000/audio",
        "/calls/100000000000000000000/peaks.json",
        "/clips/100000000000000000000",
        "/clips/100000000000000000000/download",
        "/playlists/100000000000000000000",
        "/playlists/100000000000000000000/download",
    ],
)
def test_the_probes_of_the_issue_answer_404(as_role, url: str) -> None:
    assert as_role("admin").get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/?page=100000000000000000000",
        "/?page=1e3",
        "/?from=9999-12-31T23:59:59-12:00",
        "/?to=0001-01-01T00:00:00%2B14:00",
        "/?from=0001-01-01",
        "/?score_min=nan",
        "/?score_max=inf",
        "/?sample=inf",
        "/?sample=1e400",
        "/?sample=5&seed=x",
        "/manage/satisfaction?from=0001-01-01T00:00:00%2B14:00",
        "/manage/satisfaction?to=9999-12-31T23:59:59-12:00",
        "/manage/satisfaction/export?format=csv&from=9999-12-31T23:59:59-12:00",
        "/manage/dashboard?from=9999-12-31T23:59:59-12:00",
        "/manage/dashboard/export?format=csv&from=0001-01-01T00:00:00%2B14:00",
        "/manage/api/qa?from=9999-12-31T23:59:59-12:00",
        "/manage/api/satisfaction?to=0001-01-01T00:00:00%2B14:00",
        "/clips?score_min=inf",
        "/clips?score_max=nan",
    ],
)
def test_out_of_range_queries_answer_400(as_role, url: str) -> None:
    assert as_role("admin").get(url).status_code == 400


def test_a_page_past_the_end_is_empty_not_an_error(as_role) -> None:
    assert as_role("qa").get("/?page=1000000").status_code == 200


def test_out_of_range_form_values_answer_400_or_404(served, as_role) -> None:
    trainer = as_role("trainer")
    clip_id, playlist_id = clip_and_playlist(served, trainer)
    pk = pk_of(served, "c01_compliant_billing")
    posts = [
        (f"/playlists/{playlist_id}/items", {"clip_id": str(HUGE)}),
        (f"/playlists/{playlist_id}/items", {"clip_id": "-1"}),
        (f"/playlists/{playlist_id}/items", {"clip_id": "x"}),
        (f"/playlists/{playlist_id}/items", {"clip_id": "999999"}),
        (f"/calls/{pk}/clips", {"start_s": "0", "end_s": "3", "title": "t", "playlist_id": HUGE}),
        (f"/calls/{pk}/clips", {"start_s": "nan", "end_s": "3", "title": "t"}),
        (f"/calls/{pk}/clips", {"start_s": "0", "end_s": "inf", "title": "t"}),
        (f"/calls/{pk}/clips", {"start_s": "0", "end_s": "1e400", "title": "t"}),
    ]
    for path, form in posts:
        response = trainer.post(path, data=form)
        assert response.status_code in NOT_FOUND_OR_BAD, (path, form, response.status_code)
    # a manual deduction of infinity is no score either
    lead = as_role("lead")
    response = lead.post(
        f"/calls/{pk_of(served, 'c26_angry_ends_worse')}/review",
        data={"manual_title": "x", "manual_points": "inf", "manual_comment": ""},
    )
    assert response.status_code == 400
