"""The reason bank, the packaged heads and retraining them."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from core.errors import ConfigError
from scoring.intents import IntentHeads
from scoring.reasons.bank import BANK_DIR, head_names, label_matrix, load_bank
from scoring.reasons.taxonomy import load_taxonomy
from scoring.reasons.train import HEADS_FILE, train

TAXONOMY = load_taxonomy()
BANK = load_bank(TAXONOMY)


def test_every_reason_has_sixty_wordings_across_registers() -> None:
    for code in TAXONOMY.codes:
        positives = [s for s in BANK if code in s.reasons]
        assert len(positives) >= 60, code
        registers = Counter(s.register for s in positives)
        assert set(registers) >= {"scripted", "colloquial", "disfluent", "masked", "asr_slip"}, (
            code,
            registers,
        )
    assert sum(not s.reasons for s in BANK) >= 50, "hard negatives"
    complaints = [s for s in BANK if TAXONOMY.complaint_reason in s.reasons]
    assert {s.complaint_class for s in complaints} == set(TAXONOMY.complaint_classes)
    texts = Counter(s.text for s in BANK)
    assert max(texts.values()) == 1, [t for t, n in texts.items() if n > 1]


def test_the_label_matrix_keeps_class_heads_to_rows_with_a_class() -> None:
    labels = label_matrix(BANK, TAXONOMY)
    names = head_names(TAXONOMY)
    assert labels.shape == (len(BANK), len(names))
    small_talk = next(i for i, s in enumerate(BANK) if not s.reasons)
    assert set(labels[small_talk, : len(TAXONOMY.codes)]) == {0}
    assert set(labels[small_talk, len(TAXONOMY.codes) :]) == {-1}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("billing.fee\t-\tscripted\t多扣了钱", "x.tsv:2: field 'reasons': unknown reason"),
        ("complaint\t-\tscripted\t我要投诉", "x.tsv:2: field 'complaint_class': a complaint needs"),
        ("complaint\tweather\tscripted\t我要投诉", "x.tsv:2: field 'complaint_class': one of"),
        ("other\t-\tshouted\t挂失", "x.tsv:2: field 'register'"),
        ("other\t-\tscripted", "x.tsv:2: 4 tab-separated fields expected, found 3"),
        ("other\t-\tscripted\t ", "x.tsv:2: field 'text': empty"),
    ],
)
def test_bank_errors_name_file_line_and_field(tmp_path: Path, row: str, message: str) -> None:
    (tmp_path / "x.tsv").write_text(f"reasons\tcomplaint_class\tregister\ttext\n{row}\n", "utf-8")
    with pytest.raises(ConfigError, match=message):
        load_bank(TAXONOMY, tmp_path)


def test_the_packaged_heads_were_trained_on_this_bank() -> None:
    heads = IntentHeads.load(HEADS_FILE)
    assert heads.acts == head_names(TAXONOMY)
    assert heads.info["bank_utterances"] == len(BANK), "run inspector models train-reasons"
    for name, report in heads.info["cross_validated"].items():
        # the cross-validation now includes the hard sentences mined from whole calls
        assert report["cv_f1"] >= 0.6, (name, report)


@pytest.mark.slow
def test_retraining_is_reproducible(tmp_path: Path) -> None:
    bank = tmp_path / "bank"
    bank.mkdir()
    for path in BANK_DIR.glob("*.tsv"):
        # a small bank that still has every reason: every fourth row of each file
        header, *rows = path.read_text("utf-8").splitlines()
        (bank / path.name).write_text("\n".join([header, *rows[::4]]) + "\n", "utf-8")
    first = train(TAXONOMY, bank, tmp_path / "a.npz")
    second = train(TAXONOMY, bank, tmp_path / "b.npz")
    np.testing.assert_array_equal(first.weights, second.weights)
    np.testing.assert_array_equal(first.scale, second.scale)
    assert IntentHeads.load(tmp_path / "a.npz").acts == head_names(TAXONOMY)
