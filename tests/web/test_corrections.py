"""Transcript correction from the call page: who may, CSRF, the flash with the score delta, the
trail (masked for roles that see numbers masked), errors inside the layout."""

from __future__ import annotations

import re

import pytest

from inspector.review.corrections import ordered_segments
from tests.web.conftest import call_pk

#: c26: the agent's 急什么 (a forbidden phrase, fatal) in sentence 4
FIXED = "请您稍等，开机需要系统处理一下。"


def _segment(app, pk: int, i: int):  # type: ignore[no-untyped-def]
    """Sentence i of the call as stored (the page's markup belongs to the call page)."""
    with app.extensions["inspector.sessions"]() as session:
        return ordered_segments(session, pk)[i]


def _correct(client, pk: int, i: int, text: str, role: str = "agent", **more: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/calls/{pk}/transcript/correct",
        data={"segment": str(i), "text": text, "role": role, **more},
    )


def test_a_qa_reviewer_corrects_a_sentence_and_sees_the_delta(app, as_role) -> None:
    qa = as_role("qa")
    pk = call_pk(qa, "c26_angry_ends_worse")
    page = qa.get(f"/calls/{pk}").get_data(as_text=True)
    assert "急什么" in _segment(app, pk, 4).text
    assert 'id="seg-fix-4"' in page and "corrections.js" in page
    saved = _correct(qa, pk, 4, FIXED, comment="ASR 误识别")
    assert saved.status_code == 302 and saved.location.endswith(f"/calls/{pk}#seg-4")
    page = qa.get(f"/calls/{pk}").get_data(as_text=True)
    flash = re.search(r"转写已更正并重新评分：(\d+) → (\d+)（([+-]\d+)）", page)
    assert flash, page[:3000]
    before, after, delta = (int(g) for g in flash.groups())
    assert before == 0 and after > 0 and delta == after - before
    assert _segment(app, pk, 4).text == FIXED
    trail = page.split('id="transcript-corrections"')[1]
    assert "急什么" in trail and FIXED in trail and "ASR 误识别" in trail and "qa" in trail
    assert f"+{delta}" in trail


def test_a_correction_settles_the_heap_after_its_transaction(app, as_role, monkeypatch) -> None:
    import web.review.corrections as view

    calls = []
    monkeypatch.setattr(view, "settle_heap", lambda after: calls.append(after))
    qa = as_role("qa")
    pk = call_pk(qa, "c26_angry_ends_worse")
    assert _correct(qa, pk, 4, FIXED).status_code == 302
    assert calls == ["the first rescoring"]  # once the models are loaded, outside the request's
    # transaction (settle_heap itself freezes once per process: tests/core/test_machine.py)


def test_a_speaker_change(app, as_role) -> None:
    lead = as_role("lead")
    pk = call_pk(lead, "c26_angry_ends_worse")
    seg = _segment(app, pk, 7)
    assert seg.role == "customer"
    assert _correct(lead, pk, 7, seg.text, role="agent").status_code == 302
    assert _segment(app, pk, 7).role == "agent"
    trail = lead.get(f"/calls/{pk}").get_data(as_text=True).split('id="transcript-corrections"')[1]
    before, after = re.findall(r'<span class="badge[^"]*">(.*?)</span>', trail)[:2]
    assert (before, after) == ("客户", "坐席")


@pytest.mark.parametrize("who", ["admin", "trainer", "manager", "agent5"])
def test_only_qa_reviewers_correct(as_role, who: str) -> None:
    client = as_role(who)
    pk = call_pk(as_role("qa"), "c26_angry_ends_worse")
    assert _correct(client, pk, 4, FIXED).status_code == 403
    page = client.get(f"/calls/{pk}").get_data(as_text=True)
    assert "seg-fix-" not in page and "corrections.js" not in page


def test_errors_are_shown_in_the_layout(as_role) -> None:
    qa = as_role("qa")
    pk = call_pk(qa, "c26_angry_ends_worse")
    empty = _correct(qa, pk, 4, "   ")
    assert empty.status_code == 400
    body = empty.get_data(as_text=True)
    assert "文本：更正后的句子不能为空。" in body and 'class="navbar' in body
    missing = _correct(qa, pk, 99, FIXED)
    assert missing.status_code == 400 and "这通电话中没有这句话" in missing.get_data(as_text=True)
    role = _correct(qa, pk, 4, FIXED, role="robot")
    assert role.status_code == 400 and "说话人" in role.get_data(as_text=True)
    assert _correct(qa, pk, "x", FIXED).status_code == 400  # type: ignore[arg-type]
    stale = _correct(qa, pk, 4, FIXED, start="0.0")
    assert stale.status_code == 400 and "刷新" in stale.get_data(as_text=True)


def test_the_trail_is_masked_for_an_agent(as_role) -> None:
    qa = as_role("qa")
    pk = call_pk(qa, "c26_angry_ends_worse")
    number = "我的号码是13812345678，开机需要系统处理。"
    assert _correct(qa, pk, 4, number).status_code == 302
    assert "13812345678" in qa.get(f"/calls/{pk}").get_data(as_text=True)
    agent = as_role("agent5")
    page = agent.get(f"/calls/{pk}").get_data(as_text=True)
    trail = page.split('id="transcript-corrections"')[1]
    assert "13812345678" not in page and "*******5678" in trail


def test_corrections_need_csrf(app, as_role) -> None:
    qa = as_role("qa")
    pk = call_pk(qa, "c26_angry_ends_worse")
    app.config["WTF_CSRF_ENABLED"] = True
    assert _correct(qa, pk, 4, FIXED).status_code == 400
    page = qa.get(f"/calls/{pk}").get_data(as_text=True)
    token = page.split('name="csrf-token" content="')[1].split('"')[0]
    assert _correct(qa, pk, 4, FIXED, csrf_token=token).status_code == 302


def test_a_verdict_carried_over_a_correction_shows_once_in_the_history(app, as_role) -> None:
    qa = as_role("qa")
    pk = call_pk(qa, "c26_angry_ends_worse")
    # a confirmed item the correction does not change is carried onto the new result
    assert qa.post(f"/calls/{pk}/review", data={"verdict:empathy": "confirm"}).status_code == 302
    assert _correct(qa, pk, 4, FIXED).status_code == 302
    history = qa.get(f"/calls/{pk}").get_data(as_text=True).split('id="trail"')[1]
    history = history.split("</table>")[0]
    assert history.count("<tr>") == 1
