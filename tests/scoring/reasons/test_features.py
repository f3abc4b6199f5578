"""The call-level features of the sentence heads' probabilities, on hand-made probabilities."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.reasons.features import (
    CallProbabilities,
    class_feature_names,
    class_features,
    feature_names,
    reason_features,
)
from scoring.reasons.taxonomy import load_taxonomy

TAXONOMY = load_taxonomy()
CODES = TAXONOMY.codes
NAMES = feature_names(TAXONOMY)


def make_call(
    customer: list[dict[str, float]],
    agent: list[dict[str, float]] = (),  # type: ignore[assignment]
    turn: list[int] | None = None,
    chars: list[int] | None = None,
) -> CallProbabilities:
    """Probabilities per sentence given as {code: p} (unnamed reasons 0.01)."""

    def matrix(rows: list[dict[str, float]]) -> np.ndarray:
        out = np.full((len(rows), len(CODES)), 0.01)
        for i, row in enumerate(rows):
            for code, p in row.items():
                out[i, CODES.index(code)] = p
        return out

    n = len(customer)
    return CallProbabilities(
        matrix(customer),
        matrix(list(agent)),
        np.array(turn if turn is not None else range(n)),
        np.array(chars if chars is not None else [10] * n, dtype=float),
    )


def feature(call: CallProbabilities, code: str, name: str) -> float:
    return float(reason_features(call, TAXONOMY)[CODES.index(code), NAMES.index(name)])


Q, D, R = "billing.query", "billing.dispute", "billing.refund"
TWO = make_call([{Q: 0.9}, {Q: 0.6, D: 0.95}], turn=[0, 3], chars=[10, 30])


@pytest.mark.parametrize(
    ("call", "code", "name", "value"),
    [
        (TWO, Q, "max_p", 0.9),
        (TWO, Q, "second_p", 0.6),
        (TWO, Q, "n_ge_0.5", 2),
        (TWO, Q, "n_ge_0.9", 1),
        (TWO, Q, "share_ge_0.5", 1.0),
        (TWO, D, "share_ge_0.5", 0.5),
        (TWO, D, "chars_share_ge_0.5", 0.75),
        (TWO, Q, "best_position", 0.0),
        (TWO, D, "best_position", 1.0),
        # the dispute is said only in the customer's fourth turn
        (TWO, D, "first_turns_max", 0.01),
        (TWO, Q, "first_turns_max", 0.9),
        (TWO, D, "is_top", 1.0),
        (TWO, Q, "is_top", 0.0),
        (TWO, Q, "rank", 1),
        (TWO, Q, "rival_max", 0.95),
        (TWO, Q, "margin", 0.9 - 0.95),
        # 争议 and 退费 supersede 查询 (telecom.yaml)
        (TWO, Q, "superseder_max", 0.95),
        (TWO, D, "superseded_max", 0.9),
        (TWO, D, "superseder_max", 0.0),
        (TWO, Q, "log_sentences", np.log(3)),
        (TWO, Q, f"is:{Q}", 1.0),
        (TWO, Q, f"is:{D}", 0.0),
        (make_call([{Q: 0.7}], agent=[{Q: 0.8}, {Q: 0.6}]), Q, "agent_max", 0.8),
        (make_call([{Q: 0.7}], agent=[{Q: 0.8}, {Q: 0.6}]), Q, "agent_n_ge_0.5", 2),
        (make_call([{Q: 0.7}]), Q, "second_p", 0.0),
        (make_call([{Q: 0.7}]), Q, "agent_max", 0.0),
    ],
)
def test_reason_features(call: CallProbabilities, code: str, name: str, value: float) -> None:
    assert feature(call, code, name) == pytest.approx(value)


def test_a_call_without_customer_sentences_has_only_its_reason_columns() -> None:
    x = reason_features(make_call([]), TAXONOMY)
    assert x.shape == (len(CODES), len(NAMES))
    np.testing.assert_array_equal(x[:, -len(CODES) :], np.eye(len(CODES)))
    assert not x[:, : -len(CODES)].any()


def test_mass_share_sums_to_one_over_the_reasons() -> None:
    x = reason_features(TWO, TAXONOMY)
    assert x[:, NAMES.index("mass_share")].sum() == pytest.approx(1.0)


def test_class_features_read_the_class_heads_on_sentences_that_show_a_reason() -> None:
    reasons = np.array([[0.9, 0.0], [0.1, 0.1]])
    classes = np.array([[0.2, 0.7, 0.1], [0.9, 0.05, 0.05]])
    x = class_features(reasons, classes)
    names = class_feature_names(TAXONOMY)
    assert len(names) == 9 + len(CODES)
    # per class: best on the evidence sentence (only the first), best overall, mean
    np.testing.assert_allclose(x[:9], [0.2, 0.9, 0.55, 0.7, 0.7, 0.375, 0.1, 0.1, 0.075])
    np.testing.assert_allclose(x[9:], [0.9, 0.1])
    # no sentence shows a reason: every sentence is evidence
    np.testing.assert_allclose(class_features(reasons * 0.1, classes)[:3], [0.9, 0.9, 0.55])
