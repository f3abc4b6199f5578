"""The packaged call model: it loads, fits the taxonomy and the heads it was trained with, survives
a save and load, and gives way to the fixed rule for a taxonomy it was not trained for; the mined
sentences and the call-level decision on hand-made numbers."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from core.errors import ConfigError
from scoring.intents import IntentHeads
from scoring.reasons.bank import head_names, load_bank
from scoring.reasons.call_model import CALLS_FILE, CallModel
from scoring.reasons.calls import CallSentences, SentenceScores
from scoring.reasons.detect import load_reason_model
from scoring.reasons.features import class_feature_names, feature_names
from scoring.reasons.mining import mine_call
from scoring.reasons.taxonomy import load_taxonomy
from scoring.reasons.train import HEADS_FILE
from scoring.reasons.train_calls import TRAIN_CALLS, decide
from tests.factories import REPO

TAXONOMY = load_taxonomy()


def test_the_packaged_call_model_fits_the_taxonomy_and_the_heads() -> None:
    model = CallModel.load(CALLS_FILE)
    heads = IntentHeads.load(HEADS_FILE)
    assert model.codes == TAXONOMY.codes
    assert model.keep.features == feature_names(TAXONOMY)
    assert model.complaint.features == class_feature_names(TAXONOMY)
    assert model.classes == tuple(TAXONOMY.complaint_classes)
    calls = sum(1 for x in TRAIN_CALLS.read_text("utf-8").splitlines() if x.strip())
    assert model.info["train_calls"] == calls, "run inspector models train-reasons"
    assert heads.info["train_calls"] == calls
    assert heads.info["bank_utterances"] == len(load_bank(TAXONOMY))
    assert model.info["heads_mined_sentences"] == heads.info["mined_sentences"]
    assert 0.0 < model.weak < model.threshold < 1.0


def test_the_call_model_survives_save_and_load(tmp_path: Path) -> None:
    model = CallModel.load(CALLS_FILE)
    model.save(tmp_path / "calls.npz")
    again = CallModel.load(tmp_path / "calls.npz")
    x = np.random.default_rng(0).random((len(model.codes), len(model.keep.features)))
    np.testing.assert_allclose(again.keep_probabilities(x), model.keep_probabilities(x))
    c = np.random.default_rng(1).random(len(model.complaint.features))
    np.testing.assert_allclose(again.class_probabilities(c), model.class_probabilities(c))
    assert again.class_probabilities(c).sum() == pytest.approx(1.0)
    assert (again.threshold, again.weak, again.info) == (model.threshold, model.weak, model.info)


def test_a_missing_call_model_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="train-reasons"):
        CallModel.load(tmp_path / "none.npz")


def test_a_taxonomy_the_call_model_was_not_trained_for_gets_the_fixed_rule(tmp_path: Path) -> None:
    model = load_reason_model()
    assert model.uses_call_model
    fewer = dataclasses.replace(TAXONOMY, reasons=TAXONOMY.reasons[1:])
    other = dataclasses.replace(model, taxonomy=fewer)
    assert not other.uses_call_model
    assert not load_reason_model(calls_path=None).uses_call_model


def _sentences(n: int) -> CallSentences:
    vectors = np.eye(n, 4, dtype=np.float32)
    return CallSentences(tuple((i, f"s{i}") for i in range(n)), vectors, vectors[:0], np.arange(n))


def test_a_call_lends_its_best_sentence_per_given_reason_and_its_passing_mentions() -> None:
    names = head_names(TAXONOMY)
    p = np.full((3, len(names)), 0.01, dtype=np.float32)
    p[:, names.index("billing.dispute")] = [0.2, 0.9, 0.6]  # the judge's reason
    p[:, names.index("billing.query")] = [0.35, 0.1, 0.29]  # a passing mention
    scores = SentenceScores(_sentences(3).units, p, p[:0], np.arange(3), names)
    mined = mine_call(_sentences(3), scores, frozenset({"billing.dispute"}), TAXONOMY)
    dispute, query = names.index("billing.dispute"), names.index("billing.query")
    assert ((mined.labels >= 0).sum(axis=1) == 1).all(), "each mined row speaks to one head"
    rows = {
        (int(np.argmax(vector)), int(np.argmax(label >= 0)), int(label.max()))
        for vector, label in zip(mined.vectors, mined.labels, strict=True)
    }
    # sentence 1 is the dispute's best (a positive), sentence 0 the query's passing mention
    assert rows == {(1, dispute, 1), (0, query, 0)}


@pytest.mark.parametrize(
    ("p", "kept"),
    [
        # kept above the threshold, the rest not
        ([0.0, 0.1, 0.9, 0.5], {"plan.order", "billing.refund"}),
        # none kept: the likeliest when it reaches `weak`
        ([0.0, 0.0, 0.35, 0.0], {"plan.order"}),
        # none kept, none likely: the fallback
        ([0.1, 0.0, 0.2, 0.0], {"other"}),
        # 争议 supersedes 查询
        ([0.9, 0.8, 0.0, 0.0], {"billing.dispute"}),
    ],
)
def test_the_call_level_decision(p: list[float], kept: set[str]) -> None:
    row = np.zeros((1, len(TAXONOMY.codes)))
    for code, value in zip(
        ("billing.query", "billing.dispute", "plan.order", "billing.refund"), p, strict=True
    ):
        row[0, TAXONOMY.codes.index(code)] = value
    got = decide(row, 0.4, 0.3, TAXONOMY)[0]
    assert {c for c, k in zip(TAXONOMY.codes, got, strict=True) if k} == kept


def test_the_fixture_path_is_the_repository_one() -> None:
    assert TRAIN_CALLS == REPO / "fixtures" / "reasons" / "train.jsonl"
