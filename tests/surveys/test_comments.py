"""Survey comments: the call classifier's sentiment and a reason category, stored at import."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inspector.store.models import SurveyResponse
from inspector.surveys.imports import analyse_comments, import_surveys
from surveys.comments import OTHER, analyse, cue_reason, reason_label
from tests.factories import REPO


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("客服态度很好，希望尽快修好", "service_attitude"),
        ("家里信号太差，老是掉线", "network_quality"),
        ("乱扣费，套餐太贵了", "billing"),
        ("问题拖了一个礼拜还没解决", "resolution"),
        ("还行吧", None),
    ],
)
def test_cue_words(text: str, reason: str | None) -> None:
    assert cue_reason(text) == reason


def test_sentiment_and_nearest_example_fallback() -> None:
    got = analyse(
        ["非常耐心，讲得很清楚", "交了钱还停机，太过分了", "通话的时候声音断断续续", "嗯"]
    )
    assert got[0].label == "positive" and got[0].sentiment > 0.3
    assert got[1].label == "negative" and got[1].sentiment < -0.3
    assert got[2].category == "network_quality"  # no cue word; nearest example
    assert got[3].category == OTHER
    assert reason_label("billing") == "资费账单" and reason_label(OTHER) == "其他"
    assert analyse([]) == []


def test_import_then_analyse_fills_every_comment_once(settings, sessions) -> None:
    source = REPO / "fixtures" / "surveys" / "sms_10point.csv"
    import_surveys(sessions, settings, source, "sms_10point")
    done = analyse_comments(sessions, batch=3)  # several committed batches
    with sessions() as session:
        rows = session.scalars(select(SurveyResponse)).all()
    with_comment = [r for r in rows if r.comment]
    assert done == len(with_comment) >= 6
    assert all(r.comment_category and r.comment_sentiment is not None for r in with_comment)
    assert all(r.comment_category is None for r in rows if not r.comment)
    by_text = {r.comment: r for r in with_comment}
    assert by_text["套餐还是太贵"].comment_category == "billing"
    assert by_text["交了钱还停机，客服态度恶劣"].comment_sentiment < -0.3
    assert by_text["非常耐心，解答很清楚"].comment_sentiment > 0.3
    assert analyse_comments(sessions) == 0  # nothing left: a rerun does no work
