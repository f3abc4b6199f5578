"""Dialogue acts (意图) of each turn: linear heads with calibrated probabilities over the same
m3e-small turn vectors the sentiment stage computes (a turn is encoded once per call).

The built-in heads are trained on the utterance bank in `scoring/intent_data/` by
`inspector models train-intents` (scoring/intents_train.py) and ship as
`scoring/models/intent_heads.npz`. A scorecard may add its own acts from example sentences; their
heads are fitted when the scorecard loads (scoring/scorecard.py).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from asr.types import Segment, Transcript
from core.errors import ConfigError
from scoring.lexical import C_JOINT, Ngrams, joint_features
from scoring.matching import EMOJI_CODE

BANK_DIR = Path(__file__).with_name("intent_data")
HEADS_FILE = Path(__file__).parent / "models" / "intent_heads.npz"
#: the context acts' own rows (read with the bank's customer rows) and their heads
GUARD_DIR = BANK_DIR / "guards"
#: single customer turns written and labelled for the complaint and churn flags only (one file a
#: writer, flag_turns/README.md), read as an act's own rows are (ONE_ACT_DIR): they teach the
#: acts below and no other head
FLAG_TURNS_DIR = BANK_DIR / "flag_turns"
#: the dialogue acts the flag turns teach: a turn labelled the flag's threat is one
FLAG_TURN_THREATS = frozenset({"complaint_threat", "churn_threat"})
#: the context acts they teach: a turn not labelled a threat that speaks of its matter is a
#: look-alike. Not `taken_back`, which their writers did not judge, nor `churn_aside`: with them
#: it left more look-alikes of leaving final on the development sets (docs/benchmarks.md,
#: "Session 34")
FLAG_TURN_ACTS = frozenset({"complaint_aside"})
#: single customer turns written and labelled for customer_anger only by blind writers (one file
#: a writer, anger_turns/README.md), read as an act's own rows are: they teach these acts alone
ANGER_TURNS_DIR = BANK_DIR / "anger_turns"
ANGER_TURN_ACTS = frozenset({"anger"})
GUARD_FILE = Path(__file__).parent / "models" / "guard_heads.npz"
#: rows that teach one act's head only (one_act/<act>/*.tsv): near misses of that act which
#: no other head, nor the n-gram table, reads, so adding them moves no other act
ONE_ACT_DIR = BANK_DIR / "one_act"
#: the contrast acts' own rows (read with the rows of the acts they are told from) and heads
CONTRAST_DIR = BANK_DIR / "contrasts"
CONTRAST_FILE = Path(__file__).parent / "models" / "contrast_heads.npz"
# `written`: online helpdesk and social-media register (亲, 私信, emoji codes, ？？？)
REGISTERS = (
    "scripted",
    "colloquial",
    "disfluent",
    "masked",
    "asr_slip",
    "hard_negative",
    "written",
)

#: act id -> (role whose turns it is about, what it means)
ACTS: dict[str, tuple[str, str]] = {
    "greeting": ("agent", "opens the call with a greeting and an offer of service"),
    "staff_number": ("agent", "states their own staff number"),
    "identity_request": ("agent", "asks for or checks the caller's identity"),
    "account_disclosure": ("agent", "tells or changes the customer's account data"),
    "hold_announce": ("agent", "announces a wait or a look-up"),
    "hold_thanks": ("agent", "thanks the customer for waiting, or apologises for the wait"),
    "apology": ("agent", "apologises, soothes or shows understanding"),
    "handover": ("agent", "hands the matter on: ticket, department, escalation, visit"),
    "time_frame": ("agent", "states by when something will happen"),
    "callback_channel": ("agent", "says how the customer will hear back"),
    "further_help": ("agent", "asks whether anything else is needed or the problem is solved"),
    "survey_invite": ("agent", "invites the customer to rate the service"),
    "rating_steer": ("agent", "asks for a top score or steers the rating"),
    "closing": ("agent", "closes politely: thanks for calling, goodbye, good wishes"),
    "deflection": ("agent", "pushes the customer elsewhere without ownership"),
    "blame_customer": ("agent", "blames or belittles the customer"),
    "curt_refusal": ("agent", "refuses curtly or impatiently, rushes the customer"),
    "complaint_threat": ("customer", "threatens a complaint, the regulator, media or a lawyer"),
    "churn_threat": ("customer", "threatens to cancel, port out or switch operator"),
    "anger": ("customer", "is clearly angry, hostile or sarcastic"),
    "dissatisfied": ("customer", "expresses dissatisfaction or a grievance"),
    "repeat_unresolved": ("customer", "says the matter is still unresolved after earlier tries"),
    "thanks_satisfied": ("customer", "thanks the agent or says the problem is solved"),
}

#: context acts: how a sentence stands to another act's words, for a condition's `unless`.
#: Their heads are a file of their own (GUARD_FILE), trained on their rows (GUARD_DIR) against
#: every customer row of the bank, so adding or editing them never moves the acts above.
GUARD_ACTS: dict[str, tuple[str, str]] = {
    "complaint_aside": (
        "customer",
        "speaks of a complaint, the regulator, the media or a lawsuit without threatening one now:"
        " in the past, a what-if, a denial, someone else's, taken back, a joke",
    ),
    "churn_aside": (
        "customer",
        "speaks of leaving, porting or cancelling without threatening it now: in the past, a"
        " what-if, a denial, someone else's move, an add-on stopped, taken back, a joke",
    ),
    "taken_back": (
        "customer",
        "takes back a threat or harsh words the caller's side said earlier in the call: said in"
        " anger, not meant, only talk or a joke, retracted, not to be recorded, apologised for",
    ),
}

#: contrast acts: a look-alike told from one act only, for a condition's `unless` on that act.
#: Each is read against the rows of the acts CONTRAST_AGAINST names (the bank's, the context
#: rows' and its own, CONTRAST_DIR), not every row of its role: a look-alike of anger against
#: every row would be told from the bank's calm questions and thanks too, and learn mostly who
#: wrote a row (cross-validated F1 0.37 against every row, 0.85 against anger). Their heads are
#: a file of their own (CONTRAST_FILE) with their own n-gram table, so adding or editing them
#: moves neither the acts nor the context acts above.
CONTRAST_ACTS: dict[str, tuple[str, str]] = {
    "anger_aside": (
        "customer",
        "sounds heated or uses strong words but is not angry: sincere praise or thanks with"
        " exclamations, friendly teasing or a joke, excitement or surprise, a technical word"
        " (an app killed, a phone died), a calm factual complaint, mild disappointment, a polite"
        " repeat, someone else's anger or anger long over",
    ),
}
CONTRAST_AGAINST: dict[str, frozenset[str]] = {"anger_aside": frozenset({"anger"})}

#: every act a scorecard may name
ALL_ACTS: dict[str, tuple[str, str]] = ACTS | GUARD_ACTS | CONTRAST_ACTS


@dataclass(frozen=True)
class Utterance:
    """One labelled turn of the bank."""

    role: str
    acts: frozenset[str]
    register: str
    text: str


def load_bank(folder: Path = BANK_DIR) -> list[Utterance]:
    """Every `*.tsv` of the bank (role, acts, register, text); errors name file and line."""
    out: list[Utterance] = []
    files = sorted(folder.glob("*.tsv"))
    if not files:
        raise ConfigError(f"{folder}: no utterance bank (*.tsv)")
    for path in files:
        out += load_bank_file(path)
    return out


def load_bank_file(path: Path) -> list[Utterance]:
    """One `*.tsv` of a bank (load_bank); errors name file and line."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(rows, None)
        if header != ["role", "acts", "register", "text"]:
            raise ConfigError(f"{path}: header must be role, acts, register, text")
        return [_utterance(row, f"{path.name}:{line}") for line, row in enumerate(rows, start=2)]


def load_one_act(folder: Path = ONE_ACT_DIR) -> dict[str, list[Utterance]]:
    """The rows of each act's own folder (one_act/<act>/*.tsv), by act; every row of its
    act's role. No folder, no such rows."""
    out: dict[str, list[Utterance]] = {}
    for sub in sorted(p for p in folder.glob("*") if p.is_dir()):
        if sub.name not in ACTS:
            raise ConfigError(f"{sub}: not an act ({', '.join(ACTS)})")
        rows = load_bank(sub)
        role = ACTS[sub.name][0]
        for u in rows:
            if u.role != role:
                said = f"{u.text[:20]!r} is said by the {u.role}"
                raise ConfigError(f"{sub}: {said}, {sub.name} is the {role}'s act")
        out[sub.name] = rows
    return out


def _utterance(row: list[str], where: str) -> Utterance:
    if len(row) != 4:
        raise ConfigError(f"{where}: 4 tab-separated fields expected, found {len(row)}")
    role, acts_field, register, text = row
    acts = frozenset() if acts_field == "none" else frozenset(acts_field.split(","))
    unknown = sorted(a for a in acts if a not in ALL_ACTS)
    if unknown:
        raise ConfigError(f"{where}: field 'acts': unknown act {', '.join(unknown)}")
    wrong_role = sorted(a for a in acts if ALL_ACTS[a][0] != role)
    if wrong_role:
        raise ConfigError(f"{where}: field 'acts': {', '.join(wrong_role)} is not a {role} act")
    if register not in REGISTERS:
        raise ConfigError(f"{where}: field 'register': one of {', '.join(REGISTERS)}")
    if not text.strip():
        raise ConfigError(f"{where}: field 'text': empty")
    return Utterance(role, acts, register, text.strip())


@dataclass(frozen=True, eq=False)
class RoleNgrams:
    """One role's n-gram table and the n-gram weights of its joint acts."""

    ngrams: Ngrams
    acts: tuple[int, ...]  # the heads' columns these weights add to
    weights: np.ndarray  # (len(acts), vocabulary)

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """(texts, acts): each sentence's n-gram part of its acts' scores."""
        weights_t = self.__dict__.get("_weights_t")
        if weights_t is None:
            weights_t = np.ascontiguousarray(self.weights.T)
            object.__setattr__(self, "_weights_t", weights_t)
        return self.ngrams.apply(self.ngrams.hits(texts), weights_t, len(texts))


@dataclass(frozen=True, eq=False)
class IntentHeads:
    """One logistic head per act, with Platt scaling fitted on cross-validated scores."""

    acts: tuple[str, ...]
    roles: tuple[str, ...]
    weights: np.ndarray  # (acts, dim)
    biases: np.ndarray  # (acts,)
    scale: np.ndarray  # (acts,) Platt slope
    shift: np.ndarray  # (acts,) Platt intercept
    info: dict
    #: joint heads (scoring/lexical.py): per role, the acts that also read the sentence's
    #: character n-grams, with that role's own n-gram table (fitted on its sentences only)
    lexical: dict[str, RoleNgrams] = field(default_factory=dict)

    def probabilities(
        self,
        vectors: np.ndarray,
        texts: Sequence[str] | None = None,
        roles: Sequence[str] | None = None,
    ) -> np.ndarray:
        """Calibrated P(act) for every sentence and act: shape (sentences, acts). Joint heads
        need the sentences' texts beside their vectors; given the sentences' roles, only the
        joint acts' role's sentences are read (the others' P of those acts is never used)."""
        if len(vectors) == 0:
            return np.zeros((0, len(self.acts)), dtype=np.float32)
        raw = vectors @ self.weights.T + self.biases
        if self.lexical:
            if texts is None or len(texts) != len(vectors):
                raise ValueError("these intent heads read the sentences' texts too")
            of_role = np.asarray(roles) if roles is not None else None
            for role, table in self.lexical.items():
                rows = (
                    np.flatnonzero(of_role == role)
                    if of_role is not None
                    else np.arange(len(texts))
                )
                if len(rows):
                    raw[np.ix_(rows, table.acts)] += table.scores([texts[i] for i in rows])
        z = raw * self.scale + self.shift
        return (1.0 / (1.0 + np.exp(-z))).astype(np.float32)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            path,
            acts=np.array(self.acts),
            roles=np.array(self.roles),
            weights=self.weights.astype(np.float32),
            biases=self.biases.astype(np.float32),
            scale=self.scale.astype(np.float32),
            shift=self.shift.astype(np.float32),
            info=np.array(json.dumps(self.info, ensure_ascii=False, sort_keys=True)),
            **self._ngram_arrays(),
        )

    def _ngram_arrays(self) -> dict[str, np.ndarray]:
        arrays = {}
        for role, table in self.lexical.items():
            arrays |= {
                f"ngram_{role}_vocabulary": np.array(table.ngrams.vocabulary),
                f"ngram_{role}_idf": table.ngrams.idf.astype(np.float32),
                f"ngram_{role}_acts": np.array(table.acts, dtype=np.int32),
                f"ngram_{role}_weights": table.weights.astype(np.float16),
            }
        return arrays

    @classmethod
    def load(cls, path: Path = HEADS_FILE) -> IntentHeads:
        if not path.exists():
            raise ConfigError(f"{path}: intent heads missing (inspector models train-intents)")
        with np.load(path, allow_pickle=False) as z:
            try:
                return cls(
                    acts=tuple(str(a) for a in z["acts"]),
                    roles=tuple(str(r) for r in z["roles"]),
                    weights=z["weights"].astype(np.float32),
                    biases=z["biases"].astype(np.float32),
                    scale=z["scale"].astype(np.float32),
                    shift=z["shift"].astype(np.float32),
                    info=json.loads(str(z["info"])),
                    **_load_ngrams(z),
                )
            except KeyError as exc:
                raise ConfigError(f"{path}: intent heads incomplete: {exc}") from exc


def _load_ngrams(z: Any) -> dict[str, Any]:
    if "ngram_weights" in z.files:
        raise KeyError("n-gram tables per role (stored by an older version: retrain the heads)")
    roles = [
        k[len("ngram_") : -len("_weights")]
        for k in z.files
        if k.startswith("ngram_") and k.endswith("_weights")
    ]
    lexical = {
        role: RoleNgrams(
            Ngrams(tuple(str(g) for g in z[f"ngram_{role}_vocabulary"]), z[f"ngram_{role}_idf"]),
            tuple(int(k) for k in z[f"ngram_{role}_acts"]),
            z[f"ngram_{role}_weights"].astype(np.float32),
        )
        for role in roles
    }
    return {"lexical": lexical} if lexical else {}


#: a head is fitted to the optimum: with scikit-learn's default tolerance (1e-4) lbfgs stopped
#: dozens of iterations short of it, where it stopped moved with noise in the vectors' last
#: decimals (the encoder's float32 sums over a batch), and the churn head's weights moved by up
#: to 0.7 with it; fitted to 1e-8 in double precision they move by 1e-4 (session 36)
FIT_TOL = 1e-8
FIT_MAX_ITER = 20000


def fit_heads(
    vectors: np.ndarray,
    labels: np.ndarray,
    acts: tuple[str, ...],
    roles: tuple[str, ...],
    c: float = 32.0,
    folds: int = 5,
    seed: int = 0,
    texts: Sequence[str] | None = None,
    joint: frozenset[str] = frozenset(),
    table_rows: np.ndarray | None = None,
    tol: float | None = FIT_TOL,
) -> IntentHeads:
    """One head per act over the rows of its role, each fitted to `tol` (None: scikit-learn's
    default, which stops short of the optimum).

    `labels` is (rows, acts) with 1 / 0, and -1 where a row does not take part (another role's
    turn). Probabilities are calibrated on out-of-fold scores (Platt), so 0.8 means ~80 %.
    Acts in `joint` get a joint head over the texts' character n-grams and the vectors
    (scoring/lexical.py), its n-gram table fitted on those acts' rows (of `table_rows` only,
    where given: an act's own rows do not change the table the other acts read).
    """
    from scipy.special import expit
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    dim = vectors.shape[1]
    weights = np.zeros((len(acts), dim), dtype=np.float32)
    biases = np.zeros(len(acts), dtype=np.float32)
    scale = np.ones(len(acts), dtype=np.float32)
    shift = np.zeros(len(acts), dtype=np.float32)
    joint_acts = tuple(k for k, act in enumerate(acts) if act in joint)
    if joint_acts and texts is None:
        raise ConfigError("joint heads need the bank's texts")
    # one n-gram table per role, fitted on the sentences of that role's joint acts
    tables: dict[str, Ngrams] = {}
    features: dict[str, Any] = {}
    for role in dict.fromkeys(roles[k] for k in joint_acts):
        assert texts is not None
        on = np.any(labels[:, [k for k in joint_acts if roles[k] == role]] >= 0, axis=1)
        if table_rows is not None:
            on &= table_rows
        tables[role] = Ngrams.fit([t for t, keep in zip(texts, on, strict=True) if keep])
        features[role] = joint_features(tables[role], texts, vectors)
    ngram_weights: dict[int, np.ndarray] = {}
    report: dict[str, dict[str, float]] = {}
    for k, act in enumerate(acts):
        rows = labels[:, k] >= 0
        x = features[roles[k]][rows] if k in joint_acts else vectors[rows]
        y = labels[rows, k].astype(int)
        if y.sum() < 5 or (1 - y).sum() < 5:
            raise ConfigError(f"act {act}: needs at least 5 examples and 5 counter-examples")
        strength = C_JOINT if k in joint_acts else c
        if tol is None:  # scikit-learn's default tolerance, on the vectors as they come
            model = LogisticRegression(C=strength, max_iter=5000)
        else:  # to the optimum, in double precision (a float32 sum is too coarse for tol)
            x = x.astype(np.float64)
            model = LogisticRegression(C=strength, tol=tol, max_iter=FIT_MAX_ITER)
        n_folds = int(min(folds, y.sum(), (1 - y).sum()))
        cv = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
        oof = cross_val_predict(model, x, y, cv=cv, method="decision_function")
        platt = LogisticRegression(C=1e4, max_iter=1000).fit(oof.reshape(-1, 1), y)
        model.fit(x, y)
        coef = model.coef_[0]
        if k in joint_acts:
            ngram_weights[k] = coef[: len(coef) - dim].astype(np.float32)
            coef = coef[len(coef) - dim :]
        weights[k], biases[k] = coef, model.intercept_[0]
        scale[k], shift[k] = platt.coef_[0][0], platt.intercept_[0]
        p = expit(oof * scale[k] + shift[k])  # no overflow where a tiny bank separates fully
        predicted = p >= 0.5
        tp = float((predicted & (y == 1)).sum())
        precision = tp / max(float(predicted.sum()), 1.0)
        recall = tp / max(float(y.sum()), 1.0)
        report[act] = {
            "n": int(len(y)),
            "positives": int(y.sum()),
            "cv_precision": round(precision, 3),
            "cv_recall": round(recall, 3),
            "cv_f1": round(2 * precision * recall / max(precision + recall, 1e-9), 3),
        }
    info = {"c": c, "folds": folds, "seed": seed, "cross_validated": report}
    lexical = {}
    for role, table in tables.items():
        columns = tuple(k for k in joint_acts if roles[k] == role)
        lexical[role] = RoleNgrams(table, columns, np.stack([ngram_weights[k] for k in columns]))
    if joint_acts:
        info["joint"] = {"acts": [acts[k] for k in joint_acts], "c": C_JOINT}
    return IntentHeads(acts, roles, weights, biases, scale, shift, info, lexical)


@lru_cache(maxsize=1)
def builtin_heads() -> IntentHeads:
    """The packaged heads, loaded once per process."""
    return IntentHeads.load()


@lru_cache(maxsize=1)
def guard_heads() -> IntentHeads:
    """The packaged context heads (GUARD_ACTS), loaded once per process."""
    return IntentHeads.load(GUARD_FILE)


@lru_cache(maxsize=1)
def contrast_heads() -> IntentHeads:
    """The packaged contrast heads (CONTRAST_ACTS), loaded once per process."""
    return IntentHeads.load(CONTRAST_FILE)


#: a post's emoji codes after words and before more words ([怒][怒] in 客服还踢皮球[怒][怒]这号我不
#: 养了) end a sentence as 。 would: they close what they comment on, and a code read into
#: the next sentence changes how the heads read it. A code at a post's start stays, and so
#: does one inside a clause: after a negation or a modal (我不会[微笑]销户的) or with fewer
#: than two characters of words on either side
_EMOJI_END = re.compile(
    r"(?<=[\w\u3400-\u9fff][\w\u3400-\u9fff])(?<![不没别会要想就才也都])"
    rf"(?:{EMOJI_CODE.pattern})+(?=[\w\u3400-\u9fff]{{2}})"
)
#: a sentence ends after 。！？；… or a full stop (not a decimal point); a run of full stops (a
#: post's ... or ......) is one ellipsis, kept whole with the sentence before it;
#: \x00 is where _EMOJI_END's codes end one
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;…])|(?<=[^0-9.]\.)(?![0-9.])|(?<=\.\.)(?!\.)|\x00")
_WORDY = re.compile(r"[\w\u3400-\u9fff]")


#: a lone exclamation mark (not in a run such as ！！ or ？！)
_LONE_BANG = re.compile(r"(?<![！!？?])[！!](?![！!？?])")
_BANGS = re.compile(r"[！!]+")
_ASKED_LOUDLY = re.compile(r"[？?][！!？?]*[！!][！!？?]*")
#: a speaker who ends at least this share of their turns (of at least LOUD_TURNS) with an
#: exclamation mark, or (with fewer turns) of their sentences with a lone ！, is loud throughout
LOUD_SHARE = 0.5
LOUD_TURNS = 3


def _ends_with_lone_bang(text: str) -> bool:
    tail = text.rstrip()[-2:]
    return tail[-1:] in ("！", "!") and _LONE_BANG.search(tail) is not None


def loud_register(texts: Sequence[str], roles: Sequence[str], owners: Sequence[int]) -> list[str]:
    """The sentences (of segments `owners`) as the heads should read them. A caller on a loud
    line or hard of hearing is transcribed exclaiming throughout (喂？！ 我在工地上！！ 好！！
    三！！): a speaker of three turns or more who ends at least half of them with an
    exclamation mark speaks loudly, not angrily, so for them ！ reads as 。 and ？！ as ？. A
    speaker of fewer turns (a written post) who ends at least half of their sentences with a
    lone ！ is read without the lone ones; a run (！！, ？！) in a post still counts, as
    emphasis."""
    out = list(texts)
    for role in set(roles):
        mine = [k for k, r in enumerate(roles) if r == role]
        turn_ends = {owners[k]: texts[k] for k in mine}  # a turn's last sentence
        exclaimed = sum(t.rstrip()[-1:] in ("！", "!") for t in turn_ends.values())
        if len(turn_ends) >= LOUD_TURNS:
            if exclaimed >= LOUD_SHARE * len(turn_ends):
                for k in mine:
                    out[k] = _BANGS.sub("。", _ASKED_LOUDLY.sub("？", texts[k]))
        elif sum(_ends_with_lone_bang(texts[k]) for k in mine) >= LOUD_SHARE * len(mine):
            for k in mine:
                out[k] = _LONE_BANG.sub("。", texts[k])
    return out


def sentence_units(segments: Sequence[Segment]) -> list[tuple[int, str]]:
    """(segment index, sentence) for every sentence of every segment: an act is judged on the
    sentence that carries it, so a question at the end of a long turn is not averaged away."""
    from scoring.embeddings import without_mentions

    units = []
    for i, seg in enumerate(segments):
        parts: list[str] = []
        before = ""  # wordless pieces ahead of the first sentence
        marked = _EMOJI_END.sub("\\g<0>\x00", seg.text)
        for x in (x.strip() for x in _SENTENCE_END.split(marked)):
            if not x:
                continue
            if _WORDY.search(without_mentions(x)):
                parts.append(before + x)
                before = ""
            elif parts:
                # ？？？, ！！ or a trailing "@某某客服" stays with its sentence: alone it says
                # nothing, and the encoder would read a bare account name
                parts[-1] += x
            else:
                before += x
        units += [(i, x) for x in parts] or [(i, seg.text)]
    return units


def encode_units(
    segments: Sequence[Segment], encode: Callable[[list[str]], np.ndarray]
) -> tuple[np.ndarray, list[tuple[int, str]], np.ndarray]:
    """Sentence vectors, their units, and one vector per segment (the normalised mean of its
    sentences' vectors, what the sentiment heads read)."""
    units = sentence_units(segments)
    vectors = encode([t for _, t in units])
    per_segment = np.zeros((len(segments), vectors.shape[1] if len(units) else 512), np.float32)
    for (i, _), v in zip(units, vectors, strict=True):
        per_segment[i] += v
    norms = np.linalg.norm(per_segment, axis=1, keepdims=True)
    per_segment = per_segment / np.where(norms > 0, norms, 1.0)
    return vectors, units, per_segment


def unit_vectors(transcript: Transcript) -> tuple[np.ndarray, tuple[tuple[int, str], ...]]:
    """The sentence vectors the sentiment stage kept; encoded here only when it has not run."""
    if transcript.vectors is not None and len(transcript.vectors) == len(transcript.vector_units):
        return transcript.vectors, transcript.vector_units
    from scoring.embeddings import shared_encoder

    encoder = shared_encoder()
    vectors, units, _ = encode_units(
        transcript.segments, lambda texts: encoder.encode(texts, batch_size=64)
    )
    return vectors, tuple(units)
