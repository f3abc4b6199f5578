"""The utterance bank, the trained act heads, the intent operator and custom acts."""

from __future__ import annotations

import json
import re
from collections import Counter

import numpy as np
import pytest

from core.errors import ConfigError
from scoring.intents import ACTS, builtin_heads, fit_heads, load_bank, sentence_units
from scoring.matching import normalize
from tests.factories import REPO
from tests.scoring.factories import make_view

BANK = load_bank()


def test_the_bank_is_large_and_covers_every_act_in_every_register() -> None:
    assert len(BANK) >= 3000
    for act in ACTS:
        positives = [u for u in BANK if act in u.acts]
        assert len(positives) >= 80, act
        registers = {u.register for u in positives}
        assert {"scripted", "colloquial"} <= registers, act
    assert sum(u.register == "hard_negative" for u in BANK) >= 500
    texts = Counter((u.role, u.text) for u in BANK)
    assert max(texts.values()) == 1, "a turn is in the bank twice"


def _sentences(text: str) -> set[str]:
    return {n for part in re.split(r"[。！？!?；;，,…\s]", text) if len(n := normalize(part)) >= 6}


def test_the_bank_shares_no_sentence_with_the_development_sets() -> None:
    bank = set().union(*(_sentences(u.text) for u in BANK))
    for path in (REPO / "fixtures" / "dialogues").glob("*.jsonl"):
        for line in path.read_text("utf-8").splitlines():
            for seg in json.loads(line)["segments"]:
                shared = _sentences(seg["text"]) & bank
                assert not shared, f"{path.name}: {shared}"


def test_helpdesk_labels_hold_ids_and_labels_only() -> None:
    text = (REPO / "bench" / "data" / "helpdesk_labels.jsonl").read_text("utf-8")
    assert len(text.splitlines()) >= 100
    assert not re.search(r"[\u4e00-\u9fff]", text), "no dialogue text in the repository"


def test_bank_errors_name_file_line_and_field(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "x.tsv").write_text(
        "role\tacts\tregister\ttext\nagent\tchurn_threat\tscripted\t我要销户\n", "utf-8"
    )
    with pytest.raises(ConfigError, match=r"x.tsv:2: field 'acts': churn_threat is not a agent"):
        load_bank(tmp_path)


def test_the_packaged_heads_know_every_act_and_are_calibrated() -> None:
    heads = builtin_heads()
    assert heads.acts == tuple(ACTS)
    assert heads.info["bank_utterances"] == len(BANK)
    for act, report in heads.info["cross_validated"].items():
        assert report["cv_f1"] >= 0.6, act


def test_fitting_is_reproducible() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(60, 16)).astype(np.float32)
    labels = (vectors[:, :1] > 0).astype(np.int8)
    a = fit_heads(vectors, labels, ("x",), ("agent",))
    b = fit_heads(vectors, labels, ("x",), ("agent",))
    assert np.array_equal(a.weights, b.weights) and np.array_equal(a.scale, b.scale)
    probs = a.probabilities(vectors)[:, 0]
    assert ((probs > 0.5) == (labels[:, 0] == 1)).mean() > 0.9


def test_sentences_split_at_strong_punctuation_only() -> None:
    view = make_view((0.0, 5.0, "agent", "好的，已经办好了。请问还有其他问题吗？3.5元"))
    units = sentence_units(view.segments)
    assert [t for _, t in units] == ["好的，已经办好了。", "请问还有其他问题吗？", "3.5元"]
