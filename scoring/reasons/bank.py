"""The labelled bank of customer sentences the reason heads learn from
(`scoring/reason_data/*.tsv`: reasons, complaint_class, register, text).

`reasons` is a comma-separated list of taxonomy codes, or `none` for a hard negative (a friend's
question, a passing mention, small talk); `complaint_class` is the MIIT class the sentence points
to (网络质量 / 资费 / 服务), or `-`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.errors import ConfigError
from scoring.intents import REGISTERS
from scoring.reasons.taxonomy import Taxonomy

BANK_DIR = Path(__file__).parent.parent / "reason_data"
HEADER = ["reasons", "complaint_class", "register", "text"]
#: the heads of the complaint classes are named after the class with this prefix
CLASS_PREFIX = "complaint_class."


@dataclass(frozen=True)
class LabelledSentence:
    reasons: frozenset[str]
    complaint_class: str | None
    register: str
    text: str


def load_bank(taxonomy: Taxonomy, folder: Path = BANK_DIR) -> list[LabelledSentence]:
    """Every `*.tsv` of the bank in file order; errors name the file, the line and the field."""
    files = sorted(folder.glob("*.tsv"))
    if not files:
        raise ConfigError(f"{folder}: no reason bank (*.tsv)")
    out: list[LabelledSentence] = []
    for path in files:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
            if next(rows, None) != HEADER:
                raise ConfigError(f"{path}: header must be {', '.join(HEADER)}")
            for line, row in enumerate(rows, start=2):
                out.append(_sentence(row, taxonomy, f"{path}:{line}"))
    return out


def _sentence(row: list[str], taxonomy: Taxonomy, where: str) -> LabelledSentence:
    if len(row) != 4:
        raise ConfigError(f"{where}: 4 tab-separated fields expected, found {len(row)}")
    reasons_field, class_field, register, text = row
    reasons = frozenset() if reasons_field == "none" else frozenset(reasons_field.split(","))
    unknown = sorted(r for r in reasons if taxonomy.get(r) is None)
    if unknown:
        raise ConfigError(f"{where}: field 'reasons': unknown reason {', '.join(unknown)}")
    if class_field != "-" and class_field not in taxonomy.complaint_classes:
        raise ConfigError(
            f"{where}: field 'complaint_class': one of {', '.join(taxonomy.complaint_classes)} or -"
        )
    if taxonomy.complaint_reason in reasons and class_field == "-":
        raise ConfigError(f"{where}: field 'complaint_class': a complaint needs its class")
    if register not in REGISTERS:
        raise ConfigError(f"{where}: field 'register': one of {', '.join(REGISTERS)}")
    if not text.strip():
        raise ConfigError(f"{where}: field 'text': empty")
    return LabelledSentence(
        reasons, None if class_field == "-" else class_field, register, text.strip()
    )


def head_names(taxonomy: Taxonomy) -> tuple[str, ...]:
    """One head per reason, then one per complaint class."""
    return taxonomy.codes + tuple(CLASS_PREFIX + c for c in taxonomy.complaint_classes)


def label_matrix(bank: list[LabelledSentence], taxonomy: Taxonomy) -> np.ndarray:
    """(rows, heads): every row takes part in every reason head (1 / 0); a class head learns only
    from rows that point to a class, so small talk never teaches what a complaint is about."""
    names = head_names(taxonomy)
    out = np.full((len(bank), len(names)), -1, dtype=np.int8)
    for i, row in enumerate(bank):
        for k, code in enumerate(taxonomy.codes):
            out[i, k] = int(code in row.reasons)
        if row.complaint_class is not None:
            for k, cls in enumerate(taxonomy.complaint_classes, start=len(taxonomy.codes)):
                out[i, k] = int(cls == row.complaint_class)
    return out
