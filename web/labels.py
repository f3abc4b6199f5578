"""What the UI calls each stored value: statuses, roles, review states, flags, survey answers,
bases and routes. The words live in the catalogue (web/translations); this module only says
which message belongs to which value, so templates write `value|label("status")`.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

LABELS: dict[str, dict[str, Any]] = {
    # an item's verdict
    "status": {
        "passed": _l("Passed"),
        "failed": _l("Failed"),
        "not_applicable": _l("Not applicable"),
        "needs_review": _l("Needs review"),
    },
    # a call's processing state
    "job": {
        "queued": _l("Queued"),
        "running": _l("Processing"),
        "done": _l("Scored"),
        "failed": _l("Processing failed"),
    },
    "review": {
        "unreviewed": _l("Not reviewed"),
        "reviewed": _l("Reviewed"),
        "appeal_accepted": _l("Appeal accepted"),
    },
    "appeal": {
        "open": _l("Open"),
        "accepted": _l("Accepted"),
        "rejected": _l("Rejected"),
    },
    "verdict": {"confirm": _l("Confirm"), "overturn": _l("Overturn")},
    "role": {
        "admin": _l("Administrator"),
        "qa_lead": _l("QA lead"),
        "qa": _l("QA reviewer"),
        "trainer": _l("Trainer"),
        "manager": _l("Manager"),
        "agent": _l("Agent"),
    },
    # flags the product raises itself (a scorecard's own flags carry their titles)
    "flag": {
        "no_speech": _l("No speech (not scored)"),
        "qa_survey_mismatch": _l("QA score and survey disagree"),
        "complaint_risk": _l("Complaint risk"),
        "churn_risk": _l("Churn risk"),
        "customer_anger": _l("Customer anger"),
        "ticket_mismatch": _l("Ticket type does not match the call"),
        "low_asr_confidence": _l("Low recognition confidence"),
    },
    "survey": {
        "satisfied": _l("Satisfied"),
        "basic": _l("Fairly satisfied"),
        "dissatisfied": _l("Dissatisfied"),
        "none": _l("No survey"),
    },
    # what a verdict rests on
    "basis": {
        "exact": _l("Exact wording"),
        "regex": _l("Pattern"),
        "metric": _l("Measurement"),
        "metadata": _l("Call data"),
        "intent": _l("Intent model"),
        "sentiment": _l("Sentiment model"),
        "pinyin": _l("Homophone"),
        "similar": _l("Similar meaning"),
        "context": _l("Context in doubt"),
        "taken_back": _l("Threat taken back?"),
    },
    "route": {
        "final": _l("Final (automatic)"),
        "sampled": _l("Sampled for review"),
        "review": _l("Needs review"),
    },
    "flag_decision": {"confirmed": _l("Confirmed"), "dismissed": _l("Dismissed (false alarm)")},
    "speaker": {"agent": _l("Agent"), "customer": _l("Customer")},
    "grouping": {
        "agent": _l("By agent"),
        "team": _l("By team"),
        "queue": _l("By skill queue"),
        "overall": _l("Whole centre"),
    },
    "period": {
        "day": _l("By day"),
        "week": _l("By week"),
        "month": _l("By month"),
        "all": _l("Whole range"),
    },
    # a call's status in one word in the review queue (inspector/review/queue.py QueueRow.state)
    "call_state": {
        "fatal": _l("Fatal"),
        "needs_review": _l("Needs review"),
        "flagged": _l("Flagged"),
        "scored": _l("Scored"),
        "reviewed": _l("Reviewed"),
        "appeal_accepted": _l("Appeal accepted"),
        "no_speech": _l("No speech"),
        "queued": _l("Queued"),
        "running": _l("Processing"),
        "failed": _l("Processing failed"),
    },
    # a training clip's kind
    "clip": {"good": _l("Good example"), "bad": _l("Bad example")},
}


def label(value: Any, kind: str) -> str:
    """The catalogue's word for a stored value; an unknown value shows as itself."""
    if value is None:
        return ""
    key = getattr(value, "value", value)
    found = LABELS.get(kind, {}).get(key)
    return str(found) if found is not None else str(key)


def agent_label(name: str | None, agent_id: str | None) -> str:
    """An agent as people know them: the name with the code beside it."""
    if name and agent_id:
        return _("%(name)s (%(code)s)", name=name, code=agent_id)
    return name or agent_id or ""
