from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from asr.text import to_simplified
from inspector.cli import main
from tests.factories import REPO

LABELLED = REPO / "fixtures" / "transcripts" / "labelled.jsonl"


def _score(tmp_path: Path, lines: list[str]) -> tuple[Result, Path]:
    """`inspector score` over the lines written to a file: the CLI's result and its output."""
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        main,
        ["score", "--transcripts", str(source), "--out", str(out)],
        env={"INSPECTOR_DATA_DIR": str(tmp_path / "var")},
    )
    return result, out


def test_score_command_scores_good_lines_and_reports_bad_ones(tmp_path: Path) -> None:
    lines = LABELLED.read_text("utf-8").splitlines()[:3]
    lines.insert(1, "{broken json")
    lines.insert(2, json.dumps({"call_id": "x", "segments": [{"role": "agent", "start": 1}]}))
    result, out = _score(tmp_path, lines)
    assert result.exit_code == 0, result.output
    assert "line 2: invalid JSON" in result.output
    assert "line 3: segment 0" in result.output
    assert "scored 3 calls, 2 bad lines" in result.output
    records = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert [r["call_id"] for r in records] == [json.loads(lines[i])["call_id"] for i in (0, 3, 4)]
    first = records[0]
    assert set(first) >= {"call_id", "scorecard", "score", "fatal", "items", "flags", "metrics"}
    item = first["items"][0]
    assert set(item) >= {"id", "status", "deduction", "evidence"}
    assert item["status"] in ("passed", "failed", "not_applicable")


def test_score_command_refuses_a_bad_scorecard(tmp_path: Path) -> None:
    card = tmp_path / "card.yaml"
    card.write_text("name: x\nsections:\n  - items:\n      - id: a\n        points: 2\n")
    result = CliRunner().invoke(
        main,
        ["score", "--transcripts", str(LABELLED), "--scorecard", str(card)],
        env={"INSPECTOR_DATA_DIR": str(tmp_path / "var")},
    )
    assert result.exit_code == 1
    assert "card.yaml: item 'a': field 'fail_when'" in result.output


def test_a_transcript_in_traditional_characters_is_read_as_simplified(tmp_path: Path) -> None:
    """Another vendor's transcripts or a chat export in traditional characters: the heads and
    the phrase lists read simplified text, so the same words give the same verdicts, and the
    evidence a reviewer sees is in one script."""
    said = [
        ("agent", "您好，請問有什麼可以幫您？"),
        ("customer", "你們這個寬帶三天兩頭斷網，再這樣我就銷戶，轉到別家去。"),
        ("agent", "非常抱歉給您添麻煩了，我馬上幫您報修。"),
    ]

    def line(call_id: str, simplified: bool) -> str:
        segments = [
            {"role": role, "start": 3.0 * k, "end": 3.0 * k + 2.5, "text": text}
            for k, (role, text) in enumerate(said)
        ]
        if simplified:
            for s in segments:
                s["text"] = to_simplified(str(s["text"]))
        return json.dumps({"call_id": call_id, "segments": segments}, ensure_ascii=False)

    result, out = _score(tmp_path, [line("trad", False), line("simp", True)])
    assert result.exit_code == 0, result.output
    trad, simp = (json.loads(x) for x in out.read_text("utf-8").splitlines())
    assert [f["id"] for f in trad["flags"]] == [f["id"] for f in simp["flags"]]
    assert "churn_risk" in {f["id"] for f in trad["flags"]}
    assert {i["id"]: i["status"] for i in trad["items"]} == {
        i["id"]: i["status"] for i in simp["items"]
    }
    quoted = [e["text"] for f in trad["flags"] for e in f["evidence"]]
    assert quoted and all("寬" not in q and "銷" not in q for q in quoted)
