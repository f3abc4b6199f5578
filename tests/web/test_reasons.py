"""Call reasons in the review UI: shown with evidence on the call page, the queue filter, and
a reviewer's correction in the trail (real fixture calls, real models)."""

from __future__ import annotations

import re

from sqlalchemy import select

from inspector.store.models import AuditEntry
from tests.web.conftest import call_pk


def test_the_call_page_shows_reasons_with_evidence_and_the_queue_filters_by_them(as_role) -> None:
    qa = as_role("qa")
    pk = call_pk(qa, "c01_compliant_billing")
    page = qa.get(f"/calls/{pk}").get_data(as_text=True)
    assert '<section id="reasons">' in page and "来电原因" in page
    assert "话费账单/查询" in page
    assert "你好，我想问一下我这个月的话费怎么比上个月多了。" in page
    assert 'id="reason-form"' in page
    queue = qa.get("/?reason=billing.query").get_data(as_text=True)
    assert f'href="/calls/{pk}">c01_compliant_billing<' in queue
    assert re.search(r"<td>[^<]*话费账单/查询[^<]*</td>", queue), "the queue row names the reason"
    assert "c22_privacy_leak" not in qa.get("/?reason=account.close").get_data(as_text=True)
    # a manager sees the reasons but cannot correct them
    manager = as_role("manager").get(f"/calls/{pk}").get_data(as_text=True)
    assert "话费账单/查询" in manager and 'id="reason-form"' not in manager


def test_a_reviewer_corrects_the_reasons_and_the_trail_keeps_it(as_role, sessions) -> None:
    qa = as_role("qa")
    pk = call_pk(qa, "c26_angry_ends_worse")
    r = qa.post(
        f"/calls/{pk}/reasons",
        data={"reason": ["other", "complaint"], "complaint_class": "service", "comment": "曝光"},
    )
    assert r.status_code == 302
    page = qa.get(f"/calls/{pk}").get_data(as_text=True)
    assert "复核更正" in page and "投诉分类 <strong>服务</strong>" in page
    assert 'id="reason-trail"' in page and "曝光" in page
    assert f'href="/calls/{pk}">c26_angry_ends_worse<' in qa.get("/?reason=complaint").get_data(
        as_text=True
    )
    refused = qa.post(f"/calls/{pk}/reasons", data={"reason": ["complaint"]})
    assert refused.status_code == 400
    assert (
        as_role("agent5").post(f"/calls/{pk}/reasons", data={"reason": "other"}).status_code == 403
    )
    with sessions() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "reasons_corrected")
        ).all()
    assert [e.after for e in entries] == [
        {"reasons": ["other", "complaint"], "complaint_class": "service"}
    ]


def test_the_dashboard_has_the_reason_panels_and_their_exports(as_role, app) -> None:
    manager = as_role("manager")
    page = manager.get("/manage/dashboard").get_data(as_text=True)
    for title in (
        "来电原因",
        "新兴问题预警",
        "来电原因与满意度",
        "来电原因与质检",
        "一次解决率",
    ):
        assert title in page
    volume = manager.get("/manage/api/reasons").get_json()
    counts = {r["reason"]: r["calls"] for r in volume["reasons"]}
    assert counts["billing.query"] >= 1 and sum(counts.values()) >= 5
    assert {r["label"] for r in volume["reasons"]} >= {"话费账单/查询", "其他"}
    rows = manager.get("/manage/api/reason_qa").get_json()["rows"]
    assert rows and all(0 <= r["qa_mean"] <= 100 for r in rows)
    assert "rows" in manager.get("/manage/api/reason_satisfaction").get_json()
    assert manager.get("/manage/api/emerging").get_json()["alerts"] == []  # five calls: no trend
    fcr = manager.get("/manage/api/fcr").get_json()
    assert fcr["window_days"] == 7 and set(fcr) >= {"overall", "reason", "agent", "team"}
    csv = manager.get("/manage/dashboard/export?table=reasons&table=fcr_reasons&format=csv")
    text = csv.get_data().decode("utf-8-sig")
    assert "来电原因" in text and "话费账单/查询" in text and "一次解决率" in text
    assert as_role("qa").get("/manage/api/reasons").status_code == 403
