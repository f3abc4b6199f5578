"""Sign-in, the role x endpoint matrix, scope, PII masking, audio ranges, CSRF."""

from __future__ import annotations

import pytest

from tests.web.conftest import call_pk, login

ALL = ("admin", "lead", "qa", "trainer", "manager", "agent")


def test_signed_out_goes_to_sign_in(app) -> None:
    client = app.test_client()
    for path in ("/", "/calls/1", "/calls/1/audio", "/appeals", "/manage/satisfaction"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/healthz").status_code == 200
    assert login(client, "qa", "wrong password").status_code == 401


def test_login_is_rate_limited(app) -> None:
    """Ten attempts a minute per address, whatever the names (per account: tests/security)."""
    client = app.test_client()
    codes = [login(client, f"guess{n}", "bad").status_code for n in range(11)]
    assert codes[:10] == [401] * 10 and codes[10] == 429


# (method, path template, {role: expected status}); {pk} is c01 (agent A1001's call)
MATRIX = [
    ("GET", "/", dict.fromkeys(ALL, 200)),
    ("GET", "/calls/{pk}", dict.fromkeys(ALL, 200)),
    ("GET", "/calls/{pk}/audio", dict.fromkeys(ALL, 200)),
    ("GET", "/calls/{pk}/peaks.json", dict.fromkeys(ALL, 200)),
    (
        "GET",
        "/appeals",
        {"admin": 200, "lead": 200, "qa": 200, "trainer": 403, "manager": 403, "agent": 200},
    ),
    (
        "GET",
        "/manage/satisfaction",
        {"admin": 200, "lead": 200, "qa": 403, "trainer": 403, "manager": 200, "agent": 403},
    ),
    (
        "GET",
        "/manage/satisfaction/export?format=csv",
        {"admin": 200, "lead": 200, "qa": 403, "trainer": 403, "manager": 200, "agent": 403},
    ),
    (
        "POST",
        "/calls/{pk}/review",
        {"admin": 403, "lead": 409, "qa": 409, "trainer": 403, "manager": 403, "agent": 403},
    ),
    (
        "POST",
        "/calls/{pk}/appeals",
        {"admin": 403, "lead": 403, "qa": 403, "trainer": 403, "manager": 403, "agent": 409},
    ),
    (
        "POST",
        "/appeals/999/decide",
        {"admin": 403, "lead": 400, "qa": 403, "trainer": 403, "manager": 403, "agent": 403},
    ),
]


@pytest.mark.parametrize(("method", "path", "expected"), MATRIX, ids=[m[1] for m in MATRIX])
def test_role_endpoint_matrix(as_role, method, path, expected) -> None:
    pk = call_pk(as_role("qa"), "c01_compliant_billing")
    for role, status in expected.items():
        client = as_role(role)
        url = path.format(pk=pk)
        response = client.get(url) if method == "GET" else client.post(url, data={})
        response.close()  # file responses hold the recording open until closed
        assert response.status_code == status, (role, url)


def test_agents_see_only_their_own_calls(as_role) -> None:
    qa = as_role("qa")
    own, other = call_pk(qa, "c01_compliant_billing"), call_pk(qa, "c21_score_solicitation")
    agent = as_role("agent")
    queue = agent.get("/").get_data(as_text=True)
    assert "c01_compliant_billing" in queue and "c21_score_solicitation" not in queue
    for path in (f"/calls/{other}", f"/calls/{other}/audio", f"/calls/{other}/peaks.json"):
        response = agent.get(path)
        response.close()
        assert response.status_code == 404
    assert agent.get(f"/calls/{own}").status_code == 200
    assert as_role("other_agent").get(f"/calls/{own}").status_code == 404


def test_pii_is_masked_for_roles_that_should_not_see_it(as_role) -> None:
    pk = call_pk(as_role("qa"), "c22_privacy_leak")
    full = as_role("qa").get(f"/calls/{pk}").get_data(as_text=True)
    masked = as_role("trainer").get(f"/calls/{pk}").get_data(as_text=True)
    assert "*******" not in full and "*******" in masked


def test_audio_supports_ranges(as_role) -> None:
    client = as_role("qa")
    pk = call_pk(client, "c01_compliant_billing")
    whole = client.get(f"/calls/{pk}/audio")
    part = client.get(f"/calls/{pk}/audio", headers={"Range": "bytes=100-199"})
    assert whole.status_code == 200 and whole.headers["Accept-Ranges"] == "bytes"
    assert part.status_code == 206 and part.data == whole.data[100:200]
    whole.close()
    part.close()
    peaks = client.get(f"/calls/{pk}/peaks.json").get_json()
    assert len(peaks["channels"]) == 2 and peaks["duration_s"] > 10


def test_text_is_escaped_and_mutations_need_csrf(app, as_role) -> None:
    client = as_role("qa")
    pk = call_pk(client, "c01_compliant_billing")
    app.config["WTF_CSRF_ENABLED"] = True
    assert (
        client.post(f"/calls/{pk}/review", data={"verdict:greeting": "confirm"}).status_code == 400
    )
    page = client.get(f"/calls/{pk}").get_data(as_text=True)
    token = page.split('name="csrf-token" content="')[1].split('"')[0]
    ok = client.post(
        f"/calls/{pk}/review", data={"verdict:greeting": "confirm", "csrf_token": token}
    )
    assert ok.status_code == 302


def test_queue_filters_sorting_and_sampling(as_role) -> None:
    client = as_role("qa")
    first = client.get("/").get_data(as_text=True)
    # priority: the fatal calls (c21 solicitation, c22 privacy leak is review) come first
    order = [c for c in ("c21_score_solicitation", "c01_compliant_billing") if c in first]
    assert first.index(order[0]) < first.index(order[1])
    only = client.get("/?item=score_solicitation").get_data(as_text=True)
    assert "c21_score_solicitation" in only and "c01_compliant_billing" not in only
    flagged = client.get("/?flag=customer_anger").get_data(as_text=True)
    assert "c17_empathy_after_anger" in flagged and "c01_compliant_billing" not in flagged
    low = client.get("/?score_max=10").get_data(as_text=True)
    assert "c21_score_solicitation" in low and "c01_compliant_billing" not in low
    agent = client.get("/?agent=A1001").get_data(as_text=True)
    assert "c01_compliant_billing" in agent and "c21_score_solicitation" not in agent
    sampled = client.get("/?sample=1&seed=3").get_data(as_text=True)
    assert sampled.count('href="/calls/') == 3  # one call for each agent: A1001, A1003, A1005
    assert client.get("/?sample=lots").status_code == 400
    assert client.get("/?sort=random").status_code == 400


def test_user_text_is_escaped(as_role) -> None:
    agent = as_role("agent5")
    pk = call_pk(as_role("qa"), "c26_angry_ends_worse")
    reason = "<script>alert(1)</script>"
    r = agent.post(
        f"/calls/{pk}/appeals", data={"item_id": "identity_verification", "reason": reason}
    )
    assert r.status_code == 302
    for page in (agent.get("/appeals"), agent.get(f"/calls/{pk}")):
        body = page.get_data(as_text=True)
        assert reason not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_verdict_basis_confidence_and_routing_are_shown(as_role, sessions) -> None:
    from sqlalchemy import select, update

    from inspector.store.models import Call, ItemResultRow, ScoreResult

    client = as_role("qa")
    pk = call_pk(client, "c21_score_solicitation")
    page = client.get(f"/calls/{pk}").get_data(as_text=True)
    assert "原文" in page and "置信 1.00" in page  # the exact top-score request
    # a verdict the machine is unsure of shows in the queue with its confidence
    with sessions.begin() as session:
        result_id = session.scalar(
            select(ScoreResult.id).join(Call).where(Call.call_id == "c01_compliant_billing")
        )
        session.execute(
            update(ItemResultRow)
            .where(ItemResultRow.result_id == result_id, ItemResultRow.item_id == "closing")
            .values(route="review", confidence=0.61, review_reason="置信度低")
        )
    queue = client.get("/?sort=newest").get_data(as_text=True)
    assert "标准结束语 低置信 0.61" in queue  # the item's Chinese title, not its id
