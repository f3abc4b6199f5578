"""Personal numbers (issue 18, item 8): masked in one function for the roles that must not see
them, everywhere a page shows text: transcript, evidence sentence and matched words (data-match),
flags, survey comments; numbers in Chinese digits and split into groups too."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select

from inspector.store.models import Call, SurveyResponse
from tests.security.conftest import pk_of

#: c22's agent reads out the ID number and a mobile number in Chinese digits
ID_DIGITS = "四幺零幺零五幺九九零零三零七"  # all but the last four of the ID number
PHONE_HEAD = "幺三八零零零零"
COMMENT = "请回电13800138000，我身份证410105199003071234，座机三八零零零零零二"


def _add_comment(served, call_id: str) -> None:  # type: ignore[no-untyped-def]
    with served.sessions.begin() as session:
        call_pk = session.scalar(select(Call.id).where(Call.call_id == call_id))
        now = datetime(2026, 11, 2, 12, tzinfo=UTC)
        session.add(
            SurveyResponse(
                response_key="pii-probe",
                call_pk=call_pk,
                join_method="call_id",
                sent_at=now,
                answered_at=now,
                responded=True,
                scale="ivr3",
                score=3.0,
                level="dissatisfied",
                comment=COMMENT,
                source_file="probe.csv",
                source_row=2,
            )
        )


def test_numbers_are_masked_in_every_part_of_the_call_page(served, as_role) -> None:
    pk = pk_of(served, "c22_privacy_leak")
    _add_comment(served, "c22_privacy_leak")
    for role in ("trainer", "manager"):
        page = as_role(role).get(f"/calls/{pk}").get_data(as_text=True)
        assert ID_DIGITS not in page and PHONE_HEAD not in page, role
        assert not re.search(r'data-match="[^"]*' + ID_DIGITS, page)
        assert "13800138000" not in page and "410105199003071234" not in page
        assert "三八零零零零零二" not in page and "零零零二" in page  # last four digits kept
    full = as_role("qa").get(f"/calls/{pk}").get_data(as_text=True)
    assert ID_DIGITS in full and "13800138000" in full  # reviewers may see them
