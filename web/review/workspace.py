"""The call page's view model, as pure functions: one status in words, verdicts ordered by
severity, evidence grouped per sentence with every matched span, transcript runs carrying
low-confidence words and evidence hits, and the timeline's markers.

Spans are found in the stored (unmasked) text; masking keeps every character's position
(scoring.pii replaces digits one for one), so the same offsets cut the text a user may see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

#: a word the recogniser gave less than this probability is marked; a sentence without word
#: timings is marked whole below the same confidence (the scorecard's low_asr_confidence flag
#: starts at a mean of 0.5)
LOW_WORD_P = 0.5
#: silences from this long show on the timeline (the scorecard's hold rule starts at 5 s)
LONG_SILENCE_S = 5.0
#: a role's most negative sentiment shows on the timeline below this score
LOW_SENTIMENT = -0.3
#: the same sentence, as evidence and as a transcript segment, within this many seconds
SAME_START_S = 0.05

Mask = Callable[[str], str]

#: one state per call, in words (key -> message); the badge colour goes with the key
STATES: dict[str, Any] = {
    "queued": _l("Queued"),
    "processing": _l("Processing"),
    "failed": _l("Processing failed"),
    "not_scored": _l("Not scored"),
    "appealed": _l("Under appeal"),
    "final_accepted": _l("Appeal accepted · final"),
    "final_rejected": _l("Appeal rejected · final"),
    "final": _l("Final judgement"),
    "appeal_accepted": _l("Appeal accepted"),
    "appeal_rejected": _l("Appeal rejected"),
    "reviewed": _l("Reviewed"),
    "needs_review": _l("Needs review"),
    "scored": _l("Scored, no review needed"),
}
STATE_COLOURS = {
    "queued": "secondary",
    "processing": "secondary",
    "failed": "danger",
    "not_scored": "secondary",
    "appealed": "warning",
    "needs_review": "warning",
    "reviewed": "success",
    "scored": "success",
}


@dataclass(frozen=True)
class CallFacts:
    """What the call's one status is derived from."""

    job: str
    has_result: bool = True
    needs_review: bool = False
    review_status: str = "unreviewed"
    locked: bool = False
    #: the call's appeals' statuses, oldest first (open | accepted | rejected)
    appeals: tuple[str, ...] = ()


def call_state(f: CallFacts) -> str:
    """The one state a call is in (a key of STATES): processing first, then appeals, the
    final judgement, the review and the machine's verdict."""
    if f.job in ("queued", "running", "failed"):
        return {"queued": "queued", "running": "processing"}.get(f.job, "failed")
    if not f.has_result:
        return "not_scored"
    if "open" in f.appeals:
        return "appealed"
    decided = [a for a in f.appeals if a in ("accepted", "rejected")]
    accepted = f.review_status == "appeal_accepted" or (decided and decided[-1] == "accepted")
    if f.locked:
        if accepted:
            return "final_accepted"
        return "final_rejected" if decided else "final"
    if accepted:
        return "appeal_accepted"
    if decided:
        return "appeal_rejected"
    if f.review_status == "reviewed":
        return "reviewed"
    return "needs_review" if f.needs_review else "scored"


def state_colour(key: str) -> str:
    return STATE_COLOURS.get(key, "info")


# ---- verdicts ----

GROUPS = ("fatal", "failed", "review", "rest")
GROUP_LABELS = {
    "fatal": _l("Fatal"),
    "failed": _l("Failed"),
    "review": _l("Needs review"),
    "rest": _l("Other items"),
}


def severity(
    status: str, fatal: bool, needs_review: bool, route: str, reviewed: bool = False
) -> str:
    """Which group a verdict is summarised in: fatal, failed, review or the rest. Once a
    person has reviewed the call, the machine's doubt no longer lifts an item up."""
    if status == "failed":
        return "fatal" if fatal else "failed"
    if not reviewed and (needs_review or route == "review" or status == "needs_review"):
        return "review"
    return "rest"


def ordered(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items by group (fatal, failed, review, rest), keeping the scorecard's order inside."""
    return sorted(items, key=lambda i: GROUPS.index(i["group"]))


# ---- spans: evidence and low-confidence words in a text ----


@dataclass(frozen=True)
class Run:
    """A stretch of text with one set of marks."""

    text: str
    hit: bool = False
    low: bool = False
    items: tuple[str, ...] = ()
    p: float | None = None


def find_all(text: str, needle: str) -> list[tuple[int, int]]:
    """Every place `needle` occurs in `text`, as (start, end) offsets."""
    found, at = [], 0
    while needle and (i := text.find(needle, at)) >= 0:
        found.append((i, i + len(needle)))
        at = i + len(needle)
    return found


@dataclass
class _Marks:
    size: int
    hit: list[set[str]] = field(default_factory=list)
    low: list[float | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.hit = [set() for _ in range(self.size)]
        self.low = [None] * self.size


def runs(
    text: str,
    shown: str,
    hits: Iterable[tuple[int, int, str]] = (),
    lows: Iterable[tuple[int, int, float]] = (),
) -> list[Run]:
    """`shown` (the text as this user sees it, as long as `text`) cut into runs by the marked
    spans: hits (start, end, item id) and low-confidence words (start, end, probability)."""
    if len(shown) != len(text):  # masking changed the length: no marks rather than wrong ones
        return [Run(shown)] if shown else []
    marks = _Marks(len(text))
    for a, b, item in hits:
        for i in range(max(a, 0), min(b, len(text))):
            marks.hit[i].add(item)
    for a, b, p in lows:
        for i in range(max(a, 0), min(b, len(text))):
            marks.low[i] = p
    out: list[Run] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or (marks.hit[i], marks.low[i]) != (marks.hit[start], marks.low[start]):
            items = tuple(sorted(marks.hit[start]))
            p = marks.low[start]
            out.append(Run(shown[start:i], bool(items), p is not None, items, p))
            start = i
    return out


def low_words(text: str, words: Sequence[dict[str, Any]] | None) -> list[tuple[int, int, float]]:
    """The spans of `text` the recogniser was unsure of, from its word timings (in order)."""
    spans, at = [], 0
    for w in words or ():
        word = str(w.get("text", "")).strip()
        i = text.find(word, at) if word else -1
        if i < 0:
            continue
        at = i + len(word)
        p = w.get("probability")
        if isinstance(p, int | float) and p < LOW_WORD_P:
            spans.append((i, at, float(p)))
    return spans


def sentence_is_low(confidence: float | None, words: Sequence[Any] | None) -> bool:
    """A sentence marked whole: low confidence and no word timings to say where."""
    return not words and confidence is not None and confidence < LOW_WORD_P


# ---- evidence per sentence ----


def _key(e: dict[str, Any]) -> tuple:
    return (round(float(e.get("start", 0)), 2), e.get("role", ""), e.get("text", ""))


def evidence_rows(evidence: Iterable[dict[str, Any]], item_id: str, mask: Mask) -> list[dict]:
    """One row per sentence, every matched span of that sentence highlighted in it; a match
    that is not written in the sentence (a homophone, a paraphrase) is listed beside it."""
    grouped: dict[tuple, dict[str, Any]] = {}
    for e in evidence:
        row = grouped.setdefault(
            _key(e),
            {
                "start": float(e.get("start", 0)),
                "end": float(e.get("end", e.get("start", 0))),
                "role": e.get("role", ""),
                "text": e.get("text", ""),
                "matches": [],
            },
        )
        match = e.get("match") or ""
        if match and match not in row["matches"]:
            row["matches"].append(match)
    rows = []
    for row in sorted(grouped.values(), key=lambda r: r["start"]):
        text = row["text"]
        spans = [(a, b, item_id) for m in row["matches"] for a, b in find_all(text, m)]
        unplaced = [m for m in row["matches"] if m not in text]
        rows.append(
            row
            | {
                "runs": runs(text, mask(text), spans),
                "unplaced": [mask(m) for m in unplaced],
                "match": mask(row["matches"][0]) if row["matches"] else "",
            }
        )
    return rows


def segment_hits(
    segments: Sequence[Any], items: Iterable[tuple[str, Sequence[dict[str, Any]]]]
) -> dict[int, list[tuple[int, int, str]]]:
    """For each segment index, the spans of its text that some item's evidence matched."""
    hits: dict[int, list[tuple[int, int, str]]] = {}
    for item_id, evidence in items:
        for e in evidence:
            i = _segment_of(segments, e)
            if i is None:
                continue
            text = segments[i].text
            match = e.get("match") or ""
            spans = find_all(text, match) if match else []
            # the whole sentence when the match is not written in it (or there is none)
            hits.setdefault(i, []).extend(
                [(a, b, item_id) for a, b in spans] or [(0, len(text), item_id)]
            )
    return hits


def _segment_of(segments: Sequence[Any], e: dict[str, Any]) -> int | None:
    start = float(e.get("start", -1))
    for i, s in enumerate(segments):
        if abs(s.start_s - start) < SAME_START_S and (not e.get("role") or s.role == e["role"]):
            return i
    return None


# ---- the timeline ----


def markers(
    items: Sequence[dict[str, Any]], metrics: dict[str, Any], duration_s: float
) -> list[dict[str, Any]]:
    """Timeline markers: flagged verdicts by severity, long silences, overlaps and each
    role's sentiment low point; times within the call."""
    end = max(duration_s, 0.001)
    out: list[dict[str, Any]] = []
    for item in items:
        if item["group"] == "rest":
            continue
        t = item["evidence"][0]["start"] if item["evidence"] else 0.0
        out.append({"kind": item["group"], "start": t, "end": t, "item": item["id"]})
    for s in metrics.get("silences", []):
        if s["end_s"] - s["start_s"] >= LONG_SILENCE_S:
            out.append({"kind": "silence", "start": s["start_s"], "end": s["end_s"]})
    for o in metrics.get("overlaps", []):
        out.append(
            {"kind": "overlap", "start": o["start_s"], "end": o["start_s"] + o["duration_s"]}
        )
    for role, t in (metrics.get("sentiment") or {}).items():
        peak = t.get("peak") or {}
        if peak.get("score") is not None and peak["score"] < LOW_SENTIMENT:
            out.append(
                {
                    "kind": "sentiment",
                    "start": peak["time_s"],
                    "end": peak["time_s"],
                    "role": role,
                    "score": peak["score"],
                }
            )
    for m in out:
        m["start"] = min(max(float(m["start"]), 0.0), end)
        m["end"] = min(max(float(m["end"]), m["start"]), end)
    return sorted(out, key=lambda m: m["start"])
