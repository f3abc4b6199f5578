"""The utterance bank, the trained act heads, the intent operator and custom acts."""

from __future__ import annotations

import json
import re
from collections import Counter

import numpy as np
import pytest
import yaml

from asr.text import normalize_for_cer
from core.errors import ConfigError, ScorecardError
from scoring.engine import check
from scoring.intents import (
    ACTS,
    ANGER_TURNS_DIR,
    CONTRAST_ACTS,
    CONTRAST_AGAINST,
    CONTRAST_DIR,
    FLAG_TURNS_DIR,
    GUARD_ACTS,
    GUARD_DIR,
    IntentHeads,
    builtin_heads,
    contrast_heads,
    fit_heads,
    guard_heads,
    load_bank,
    load_one_act,
    loud_register,
    sentence_units,
)
from scoring.scorecard import _Ctx, load_scorecard, parse_condition, parse_scorecard
from tests.factories import REPO
from tests.scoring.factories import make_view

BANK = load_bank()
GUARDS = load_bank(GUARD_DIR)
FLAG_TURNS = load_bank(FLAG_TURNS_DIR)
ANGER_TURNS = load_bank(ANGER_TURNS_DIR)
CONTRASTS = load_bank(CONTRAST_DIR)
ONE_ACT = [u for rows in load_one_act().values() for u in rows]


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
    """A text's sentences of six characters or more, as written (an emoji code is part of its
    sentence here: 祝您生活愉快[微笑] is not a dialogue's 祝您生活愉快 taken from it)."""
    return {
        n for part in re.split(r"[。！？!?；;…\s]", text) if len(n := normalize_for_cer(part)) >= 6
    }


def test_the_bank_shares_no_sentence_with_the_development_sets() -> None:
    for folder in ("dialogues", "takebacks", "posts"):
        assert list((REPO / "fixtures" / folder).glob("*.jsonl")), folder
    bank = set().union(
        *(
            _sentences(u.text)
            for u in BANK + GUARDS + FLAG_TURNS + ANGER_TURNS + CONTRASTS + ONE_ACT
        )
    )
    for path in (REPO / "fixtures" / "dialogues").glob("*.jsonl"):
        for line in path.read_text("utf-8").splitlines():
            for seg in json.loads(line)["segments"]:
                shared = _sentences(seg["text"]) & bank
                assert not shared, f"{path.name}: {shared}"
    # the take-back sets (bench/takebacks.py): customer turns only
    for path in (REPO / "fixtures" / "takebacks").glob("*.jsonl"):
        for line in path.read_text("utf-8").splitlines():
            for turn in json.loads(line)["turns"]:
                shared = _sentences(turn) & bank
                assert not shared, f"{path.name}: {shared}"
    # the social-media exchanges (bench/verdicts.py --sets posts_a posts_b); an @account name
    # (up to a space or a punctuation mark) is no sentence
    handle = re.compile(r"@[^\s，。！？、,.!?：:@]{1,16}")
    for path in (REPO / "fixtures" / "posts").glob("*.jsonl"):
        for line in path.read_text("utf-8").splitlines():
            for turn in json.loads(line)["turns"]:
                shared = _sentences(handle.sub(" ", turn["text"])) & bank
                assert not shared, f"{path.name}: {shared}"
    # the reviews' flag sets (bench/verdicts.py --sets cheer_a ...): the customer's turns, whose
    # words the flags read
    flagsets = list((REPO / "fixtures" / "flagsets").glob("*.jsonl"))
    assert flagsets
    for path in flagsets:
        for line in path.read_text("utf-8").splitlines():
            for seg in json.loads(line)["segments"]:
                if seg["role"] == "customer":
                    shared = _sentences(handle.sub(" ", seg["text"])) & bank
                    assert not shared, f"{path.name}: {shared}"


def test_the_flag_sets_label_only_the_flags_they_judge() -> None:
    flags = {"complaint_risk", "churn_risk", "customer_anger"}
    for path in (REPO / "fixtures" / "flagsets").glob("*.jsonl"):
        ids = []
        for line in path.read_text("utf-8").splitlines():
            data = json.loads(line)
            judged, raised = set(data["expected"]["judged"]), set(data["expected"]["flags"])
            assert judged and judged <= flags and raised <= judged, data["call_id"]
            ids.append(data["call_id"])
        assert len(ids) == len(set(ids)) >= 50, path.name


HELPDESK_LABELS = (
    "helpdesk_labels.jsonl",
    "helpdesk_holdout_labels.jsonl",
    "helpdesk_dev2_labels.jsonl",
    "helpdesk_holdout2_labels.jsonl",
)


@pytest.mark.parametrize("name", HELPDESK_LABELS)
def test_helpdesk_labels_hold_ids_and_labels_only(name: str) -> None:
    text = (REPO / "bench" / "data" / name).read_text("utf-8")
    assert len(text.splitlines()) >= 50
    assert not re.search(r"[\u4e00-\u9fff]", text), "no dialogue text in the repository"


def test_the_second_judges_flags_cover_the_first_helpdesk_set_without_text() -> None:
    text = (REPO / "bench" / "data" / "helpdesk_second_judge_flags.jsonl").read_text("utf-8")
    assert not re.search(r"[\u4e00-\u9fff]", text), "no dialogue text in the repository"
    second = {json.loads(x)["call_id"] for x in text.splitlines()}
    first = (REPO / "bench" / "data" / "helpdesk_labels.jsonl").read_text("utf-8")
    assert second == {json.loads(x)["call_id"] for x in first.splitlines()}


def test_the_helpdesk_label_sets_share_no_dialogue() -> None:
    seen: set[str] = set()
    for name in HELPDESK_LABELS:
        text = (REPO / "bench" / "data" / name).read_text("utf-8")
        ids = [json.loads(x)["call_id"] for x in text.splitlines()]
        assert len(ids) == len(set(ids)), name
        assert not seen & set(ids), name
        seen |= set(ids)


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
    assert heads.info["flag_turns"] == len(FLAG_TURNS)
    assert heads.info["anger_turns"] == len(ANGER_TURNS)
    for act, report in heads.info["cross_validated"].items():
        assert report["cv_f1"] >= 0.6, act


def test_the_context_rows_cover_their_acts_and_are_not_in_the_bank() -> None:
    for act in GUARD_ACTS:
        positives = [u for u in GUARDS if act in u.acts]
        assert len(positives) >= 80, act
        assert {"scripted", "colloquial", "written"} <= {u.register for u in positives}, act
    # their counter-examples include real threats in the same surroundings
    assert sum(bool(u.acts & {"complaint_threat", "churn_threat"}) for u in GUARDS) >= 80
    # (one sentence may be two acts' own rows: each head reads its own label of it)
    own = list({(u.role, u.text): u for u in ONE_ACT}.values())
    texts = Counter((u.role, u.text) for u in BANK + GUARDS + CONTRASTS + own)
    assert max(texts.values()) == 1, "a turn is in the bank twice"


def test_the_packaged_context_heads_are_apart_from_the_act_heads() -> None:
    heads = guard_heads()
    assert heads.acts == tuple(GUARD_ACTS)
    customer_rows = sum(u.role == "customer" for u in BANK + GUARDS)
    assert heads.info["bank_utterances"] == customer_rows
    assert heads.info["flag_turns"] == len(FLAG_TURNS)
    # narrow guards: over every customer row they find a look-alike only now and then (cv F1
    # 0.54-0.64), but what matters is that they never read a real threat as one
    for act, report in heads.info["cross_validated"].items():
        assert report["cv_f1"] >= 0.5 and report["cv_precision"] >= 0.6, act
    assert not set(GUARD_ACTS) & set(builtin_heads().acts)


def test_context_heads_train_on_their_rows_beside_the_banks_customer_rows(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from scoring.intents_train import train_guards

    header = "role\tacts\tregister\ttext\n"
    (tmp_path / "bank").mkdir()
    (tmp_path / "guards").mkdir()
    (tmp_path / "bank" / "b.tsv").write_text(
        header
        + "".join(
            f"customer\tcomplaint_threat\tscripted\t第{i}次了，我要投诉你们\n" for i in range(8)
        )
        + "".join(f"agent\tclosing\tscripted\t感谢来电{i}\n" for i in range(3)),
        "utf-8",
    )
    (tmp_path / "guards" / "g.tsv").write_text(
        header
        + "".join(
            f"customer\tcomplaint_aside\tscripted\t{2000 + i}年投诉过，早解决了\n" for i in range(8)
        )
        + "".join(
            f"customer\tchurn_aside\tscripted\t{2000 + i}年转过网，又转回来了\n" for i in range(8)
        )
        + "".join(f"customer\ttaken_back\tscripted\t刚才那是气话{i}，别记\n" for i in range(8)),
        "utf-8",
    )
    heads = train_guards(tmp_path / "bank", tmp_path / "guards", tmp_path / "g.npz")
    # the agent's rows take no part; the stored file is what was trained
    assert heads.acts == tuple(GUARD_ACTS) and heads.info["bank_utterances"] == 32
    again = IntentHeads.load(tmp_path / "g.npz")
    assert again.acts == heads.acts and np.allclose(again.weights, heads.weights)


def test_flag_turns_teach_the_complaint_look_alike_head_only(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from scoring.intents_train import train_guards

    header = "role\tacts\tregister\ttext\n"
    for folder in ("bank", "guards", "turns"):
        (tmp_path / folder).mkdir()
    (tmp_path / "bank" / "b.tsv").write_text(
        header
        + "".join(f"customer\tcomplaint_threat\tscripted\t第{i}次了，我要投诉\n" for i in range(8)),
        "utf-8",
    )
    (tmp_path / "guards" / "g.tsv").write_text(
        header
        + "".join(f"customer\tcomplaint_aside\tscripted\t{2000 + i}年投诉过\n" for i in range(8))
        + "".join(f"customer\tchurn_aside\tscripted\t{2000 + i}年转过网\n" for i in range(8))
        + "".join(f"customer\ttaken_back\tscripted\t刚才那是气话{i}\n" for i in range(8)),
        "utf-8",
    )
    (tmp_path / "turns" / "w.tsv").write_text(
        header
        + "".join(f"customer\tcomplaint_aside\tcolloquial\t我在法院上班{i}\n" for i in range(6))
        + "".join(f"customer\tnone\tcolloquial\t查一下话费{i}\n" for i in range(4)),
        "utf-8",
    )
    heads = train_guards(
        tmp_path / "bank",
        tmp_path / "guards",
        tmp_path / "g.npz",
        flag_turns_dir=tmp_path / "turns",
    )
    report = heads.info["cross_validated"]
    assert heads.info["flag_turns"] == 10
    assert report["complaint_aside"]["n"] == 42 and report["complaint_aside"]["positives"] == 14
    # the other heads (their writers did not judge take-backs) are trained without them
    assert report["churn_aside"]["n"] == report["taken_back"]["n"] == 32


def _tiny_bank(folder) -> None:  # type: ignore[no-untyped-def]
    """Six rows for every dialogue act, each its role's counter-example of the others."""
    folder.mkdir()
    rows = "".join(
        f"{role}\t{act}\tscripted\t{text}{i}\n"
        for act, (role, text) in ACTS.items()
        for i in range(6)
    )
    (folder / "b.tsv").write_text("role\tacts\tregister\ttext\n" + rows, "utf-8")


def test_an_acts_own_rows_teach_its_head_and_move_no_other(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from scoring.intents_train import train

    _tiny_bank(tmp_path / "bank")
    alone = train(tmp_path / "bank", tmp_path / "a.npz", one_act_dir=tmp_path / "none")
    own = tmp_path / "own" / "churn_threat"
    own.mkdir(parents=True)
    (own / "o.tsv").write_text(
        "role\tacts\tregister\ttext\n"
        + "".join(f"customer\tnone\tcolloquial\t彩铃给我退了，以后不用了{i}\n" for i in range(4))
        + "".join(f"customer\tchurn_threat\tcolloquial\t这个号以后不用了{i}\n" for i in range(4)),
        "utf-8",
    )
    both = train(tmp_path / "bank", tmp_path / "b.npz", one_act_dir=tmp_path / "own")
    k = both.acts.index("churn_threat")
    others = [j for j in range(len(both.acts)) if j != k]
    assert np.array_equal(both.weights[others], alone.weights[others])
    assert np.array_equal(both.shift[others], alone.shift[others])
    assert not np.array_equal(both.weights[k], alone.weights[k])
    # the n-gram table is the bank's alone
    assert both.lexical["customer"].ngrams.vocabulary == alone.lexical["customer"].ngrams.vocabulary
    assert both.info["bank_utterances"] == alone.info["bank_utterances"] == 6 * len(ACTS)
    assert both.info["one_act_utterances"] == {"churn_threat": 8}
    assert "one_act_utterances" not in alone.info


def test_flag_turns_teach_the_threat_heads_and_move_no_other(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from scoring.intents_train import train

    _tiny_bank(tmp_path / "bank")
    alone = train(tmp_path / "bank", tmp_path / "a.npz", flag_turns_dir=tmp_path / "none")
    (tmp_path / "turns").mkdir()
    (tmp_path / "turns" / "w.tsv").write_text(
        "role\tacts\tregister\ttext\n"
        + "".join(f"customer\tcomplaint_threat\tcolloquial\t我这就去消协{i}\n" for i in range(4))
        + "".join(f"customer\tchurn_threat\tcolloquial\t合约一到拜拜{i}\n" for i in range(4))
        + "".join(f"customer\tcomplaint_aside\tcolloquial\t我在法院上班{i}\n" for i in range(4)),
        "utf-8",
    )
    both = train(tmp_path / "bank", tmp_path / "b.npz", flag_turns_dir=tmp_path / "turns")
    taught = [both.acts.index(a) for a in ("complaint_threat", "churn_threat")]
    others = [j for j in range(len(both.acts)) if j not in taught]
    assert np.array_equal(both.weights[others], alone.weights[others])
    assert all(not np.array_equal(both.weights[k], alone.weights[k]) for k in taught)
    assert both.lexical["customer"].ngrams.vocabulary == alone.lexical["customer"].ngrams.vocabulary
    assert both.info["flag_turns"] == 12 and "flag_turns" not in alone.info
    # every turn is an example or a counter-example of each threat act
    report = both.info["cross_validated"]
    assert report["churn_threat"]["n"] == alone.info["cross_validated"]["churn_threat"]["n"] + 12
    assert report["churn_threat"]["positives"] == 6 + 4


def test_each_kind_of_rows_after_the_bank_is_encoded_apart(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # the encoder batches sentences of like length together, and a sentence's vector moves in
    # its last decimals with its batch: an act's own rows, the flag turns and the anger turns
    # are each encoded in a call of their own, so rows added to one leave the others' vectors
    import scoring.embeddings
    from scoring.intents_train import train

    calls: list[list[str]] = []
    real = scoring.embeddings.shared_encoder()

    class Recorder:
        def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
            calls.append(list(texts))
            return real.encode(texts, batch_size=batch_size)

    _tiny_bank(tmp_path / "bank")
    for folder, row in (
        ("one_act/churn_threat", "customer\t{}\tcolloquial\t这个号以后不用了{}\n"),
        ("flag_turns", "customer\t{}\tcolloquial\t合约一到拜拜{}\n"),
        ("anger_turns", "customer\t{}\tcolloquial\t你们这是耍我玩呢{}\n"),
    ):
        act = "anger" if folder == "anger_turns" else "churn_threat"
        (tmp_path / "bank" / folder).mkdir(parents=True)
        (tmp_path / "bank" / folder / "w.tsv").write_text(
            "role\tacts\tregister\ttext\n"
            + "".join(row.format(act if i % 2 else "none", i) for i in range(6)),
            "utf-8",
        )
    monkeypatch.setattr(scoring.embeddings, "shared_encoder", Recorder)
    train(tmp_path / "bank", tmp_path / "h.npz")
    assert [len(texts) for texts in calls] == [6 * len(ACTS), 6, 6, 6]
    assert [texts[0][:4] for texts in calls[1:]] == ["这个号以", "合约一到", "你们这是"]


def test_anger_turns_teach_the_anger_head_and_move_no_other(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from scoring.intents_train import train

    _tiny_bank(tmp_path / "bank")
    alone = train(tmp_path / "bank", tmp_path / "a.npz")
    (tmp_path / "bank" / "anger_turns").mkdir()
    (tmp_path / "bank" / "anger_turns" / "w.tsv").write_text(
        "role\tacts\tregister\ttext\n"
        + "".join(f"customer\tanger\tcolloquial\t你们这是耍我玩呢{i}\n" for i in range(4))
        # a turn not labelled anger is a counter-example of anger, though it speaks of leaving
        + "".join(f"customer\tnone\tcolloquial\t哈哈气死我了，号我不要了{i}\n" for i in range(4)),
        "utf-8",
    )
    both = train(tmp_path / "bank", tmp_path / "b.npz")
    k = both.acts.index("anger")
    others = [j for j in range(len(both.acts)) if j != k]
    assert np.array_equal(both.weights[others], alone.weights[others])
    assert not np.array_equal(both.weights[k], alone.weights[k])
    assert both.lexical["customer"].ngrams.vocabulary == alone.lexical["customer"].ngrams.vocabulary
    assert both.info["anger_turns"] == 8 and "anger_turns" not in alone.info
    report = both.info["cross_validated"]
    assert report["anger"]["n"] == alone.info["cross_validated"]["anger"]["n"] + 8
    assert report["anger"]["positives"] == alone.info["cross_validated"]["anger"]["positives"] + 4


@pytest.mark.parametrize(
    ("folder", "row", "error"),
    [
        ("churn", "customer\tnone\tcolloquial\t会员退了", "not an act"),
        (
            "churn_threat",
            "agent\tnone\tscripted\t好的",
            "said by the agent, churn_threat is the customer's act",
        ),
    ],
)
def test_an_acts_own_rows_are_checked(tmp_path, folder: str, row: str, error: str) -> None:  # type: ignore[no-untyped-def]
    from scoring.intents import load_one_act

    (tmp_path / folder).mkdir()
    (tmp_path / folder / "o.tsv").write_text(f"role\tacts\tregister\ttext\n{row}\n", "utf-8")
    with pytest.raises(ConfigError, match=error):
        load_one_act(tmp_path)


def test_the_contrast_rows_cover_their_acts_beside_what_they_are_told_from() -> None:
    for act, against in CONTRAST_AGAINST.items():
        positives = [u for u in CONTRASTS if act in u.acts]
        assert len(positives) >= 80, act
        assert {"scripted", "colloquial", "disfluent", "written"} <= {
            u.register for u in positives
        }, act
        # the acts they are told from, in the same surroundings
        assert sum(bool(u.acts & against) for u in CONTRASTS) >= 80, act


def test_the_packaged_contrast_heads_read_only_their_contrast() -> None:
    heads = contrast_heads()
    assert heads.acts == tuple(CONTRAST_ACTS)
    taking_part = [
        u
        for u in BANK + GUARDS + CONTRASTS
        if any(act in u.acts or u.acts & CONTRAST_AGAINST[act] for act in CONTRAST_ACTS)
    ]
    assert heads.info["bank_utterances"] == len(taking_part)
    for act, report in heads.info["cross_validated"].items():
        assert report["cv_f1"] >= 0.8 and report["cv_precision"] >= 0.8, act
    assert not set(CONTRAST_ACTS) & (set(builtin_heads().acts) | set(guard_heads().acts))


@pytest.mark.parametrize(
    ("against", "expected"),
    [
        # every row of the act's role takes part; the other role's rows never do
        (None, [1, 0, 0, -1]),
        # only the rows of the acts it is told from, beside its own
        ({"anger_aside": frozenset({"anger"})}, [1, 0, -1, -1]),
    ],
)
def test_a_contrast_act_takes_only_the_rows_of_the_acts_it_is_told_from(
    against: dict[str, frozenset[str]] | None, expected: list[int]
) -> None:
    from scoring.intents_train import label_matrix

    table = {"anger_aside": CONTRAST_ACTS["anger_aside"]}
    rows = [
        ("customer", {"anger_aside"}),
        ("customer", {"anger", "dissatisfied"}),
        ("customer", {"thanks_satisfied"}),
        ("agent", {"closing"}),
    ]
    labels = label_matrix([r for r, _ in rows], [frozenset(a) for _, a in rows], table, against)
    assert labels[:, 0].tolist() == expected


def test_contrast_heads_train_on_their_rows_and_their_contrast_only(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from scoring.intents_train import train_contrasts

    header = "role\tacts\tregister\ttext\n"
    for folder in ("bank", "guards", "contrasts"):
        (tmp_path / folder).mkdir()
    (tmp_path / "bank" / "b.tsv").write_text(
        header
        + "".join(f"customer\tanger\tscripted\t第{i}次了，你们是抢钱吗\n" for i in range(6))
        + "".join(f"customer\tnone\tscripted\t请问第{i}个套餐多少钱\n" for i in range(9)),
        "utf-8",
    )
    (tmp_path / "guards" / "g.tsv").write_text(
        header + "customer\tcomplaint_aside\tscripted\t前年投诉过，早解决了\n", "utf-8"
    )
    (tmp_path / "contrasts" / "c.tsv").write_text(
        header
        + "".join(
            f"customer\tanger_aside\twritten\t太棒了！！第{i}次这么快修好\n" for i in range(8)
        )
        + "customer\tanger,dissatisfied\twritten\t又断了！！！凭什么？？？\n",
        "utf-8",
    )
    heads = train_contrasts(
        tmp_path / "bank", tmp_path / "guards", tmp_path / "contrasts", tmp_path / "c.npz"
    )
    # 8 look-alikes and 7 angry rows; the calm questions and the context row take no part,
    # not even in the n-gram table
    assert heads.acts == tuple(CONTRAST_ACTS) and heads.info["bank_utterances"] == 15
    assert "套餐" not in heads.lexical["customer"].ngrams.vocabulary
    again = IntentHeads.load(tmp_path / "c.npz")
    assert again.acts == heads.acts and np.allclose(again.weights, heads.weights)


def test_a_contrast_act_is_read_of_the_sentences_asked_only_as_it_reads_in_full() -> None:
    view = make_view(
        (0.5, 4.0, "agent", "您好，请问有什么可以帮您？"),
        (4.5, 9.0, "customer", "救命！！！你们的师傅也太好了吧！！！"),
        (9.5, 14.0, "customer", "网又断了！！！你们到底修不修？？？"),
    )
    texts = view._units[1]
    last = np.array([len(texts) - 1])
    view.contrast_probabilities("anger_aside", last)
    known = view.memo[("contrast", "anger_aside")]
    assert np.isnan(known[:-1]).all() and not np.isnan(known[-1])
    every = np.arange(len(texts))
    # the agent's sentences are no customer's look-alike; the rest read as in one pass
    vectors, _, _, roles, read = view._unit_inputs
    full = contrast_heads().probabilities(vectors, list(read), list(roles))[:, 0]
    full = np.where(roles == "customer", full, 0.0)
    assert np.allclose(view.contrast_probabilities("anger_aside", every), full, atol=1e-5)
    assert full[0] == 0.0 and full.max() > 0.5


def _dissatisfied_unless_aside(*lines: tuple[float, float, str, str], min_p: float):
    view = make_view(*lines)
    condition = parse_condition(
        {
            "intent": {
                "act": "dissatisfied",
                "role": "customer",
                "min_p": min_p,
                "unless": {"complaint_aside": 0.5},
            }
        },
        _Ctx("t.yaml", "item 'x'"),
        "applies_when",
    )
    return view, check(condition, view)


def test_a_context_act_in_an_intents_unless_is_read_of_the_likely_sentences_only() -> None:
    # a grievance settled long ago, told in passing, is left out; a call with no sentence at
    # the condition's min_p never runs the context heads
    aside = (4.5, 9.0, "customer", "前两年我投诉过一回乱收费，后来你们都退给我了，处理得挺好。")
    view, hit = _dissatisfied_unless_aside(aside, min_p=0.5)
    assert view.context_probability("complaint_aside", 0) > 0.5 and not hit.matched
    view, hit = _dissatisfied_unless_aside(
        (4.5, 9.0, "customer", "你们这网三天两头断，我真是受够了。"), min_p=0.5
    )
    assert hit.matched
    calm = (4.5, 9.0, "customer", "你好，查一下我这个月的流量还剩多少。")
    view, hit = _dissatisfied_unless_aside(calm, min_p=0.5)
    assert not hit.matched and view._units[2]._more is not None  # the context heads not run
    view.context_probability("complaint_aside", 0)
    assert view._units[2]._more is None


COMPLAINTS = [
    "你们再乱扣费，我就打工信部电话投诉。",
    "上次投诉了也没用，这回我直接找记者。",
    "我大前年投诉过一次，这次再不退钱我还投诉。",
    # (read as an aside, over the flag's doubt, from session 20's rows to session 23's, which
    # cleared it; at 0.54 since session 24's churn rows: under the doubt, the flag stands)
    "我之前投诉过你们，这次要是还不处理，我就去消协。",
]
MOVES = ["月底前修不好，我就把号销了。", "我不想换号，但你们要再断网，我就销户。"]
ASIDES = ["前两年我在工信部投诉过一回，那次处理得还行。", "本来想给你们差评的，后来想想算了。"]


def _context(line: str, act: str) -> float:
    view = make_view((0.5, 4.0, "customer", line))
    return max(view.context_probability(act, u) for u in range(len(view._units[1])))


def _doubt(flag: str, act: str) -> float:
    """The default scorecard's threshold from which `act` doubts `flag`."""
    rule = next(f for f in load_scorecard("telecom_hotline").flags if f.id == flag)
    return dict(rule.doubt)[act]


@pytest.mark.parametrize("line", COMPLAINTS)
def test_the_context_heads_never_read_a_threat_beside_a_past_one_as_an_aside(line: str) -> None:
    # not enough of an aside to doubt the complaint flag (the default scorecard's threshold)
    assert _context(line, "complaint_aside") < _doubt("complaint_risk", "complaint_aside")


@pytest.mark.parametrize("line", MOVES)
def test_the_context_heads_never_read_a_move_beside_a_denial_as_an_aside(line: str) -> None:
    assert _context(line, "churn_aside") < 0.5


@pytest.mark.parametrize("line", ASIDES)
def test_the_context_heads_read_a_past_or_dropped_complaint_as_an_aside(line: str) -> None:
    # enough of an aside to doubt the complaint flag, with a margin
    assert _context(line, "complaint_aside") > _doubt("complaint_risk", "complaint_aside") + 0.1


@pytest.mark.parametrize(
    ("line", "taken_back"),
    [
        ("刚才说的都是气头上的话，您别放在心上。", True),
        ("哎，是我一时冲动，那句话收回。", True),
        ("不好意思啊，我嗓门大了，但投诉我还是要投。", False),
        ("我不是说气话，下周就去办携号转网。", False),
        ("算了，我自己去营业厅问吧。", False),
    ],
)
def test_the_take_back_head_reads_a_threat_withdrawn_not_one_kept(
    line: str, taken_back: bool
) -> None:
    assert (_context(line, "taken_back") >= 0.5) is taken_back


def test_fitting_is_reproducible() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(60, 16)).astype(np.float32)
    labels = (vectors[:, :1] > 0).astype(np.int8)
    a = fit_heads(vectors, labels, ("x",), ("agent",))
    b = fit_heads(vectors, labels, ("x",), ("agent",))
    assert np.array_equal(a.weights, b.weights) and np.array_equal(a.scale, b.scale)
    probs = a.probabilities(vectors)[:, 0]
    assert ((probs > 0.5) == (labels[:, 0] == 1)).mean() > 0.9


def test_a_head_is_fitted_to_the_optimum() -> None:
    # scikit-learn's default tolerance stopped lbfgs short of the optimum, where it stopped moved
    # with noise in the vectors' last decimals (session 36): the fitted head is the optimum
    # an exact second-order solver finds
    from sklearn.linear_model import LogisticRegression

    from scoring.lexical import C_JOINT, Ngrams, joint_features

    rng = np.random.default_rng(0)
    alphabet = [chr(0x4E00 + i) for i in range(300)]
    texts = ["".join(rng.choice(alphabet, size=rng.integers(6, 30))) for _ in range(600)]
    vectors = rng.normal(size=(600, 64)).astype(np.float32)
    cue = np.array([sum(ch in t for ch in alphabet[:20]) for t in texts])
    labels = (cue + vectors[:, 0] + rng.normal(size=600) > np.median(cue)).astype(np.int8)
    heads = fit_heads(
        vectors, labels[:, None], ("anger",), ("customer",), texts=texts, joint=frozenset({"anger"})
    )
    x = joint_features(Ngrams.fit(texts), texts, vectors).astype(np.float64)
    optimum = LogisticRegression(C=C_JOINT, solver="newton-cg", tol=1e-10).fit(x, labels)
    assert np.abs(heads.weights[0] - optimum.coef_[0][-64:]).max() < 1e-4
    assert abs(heads.biases[0] - optimum.intercept_[0]) < 1e-4


def test_a_joint_head_reads_the_words_a_vector_cannot_separate(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # the same random vector for every sentence: only the characters tell the act apart
    texts = [f"第{i}次了，呵呵，真行" for i in range(12)] + [
        f"第{i}次了，好的，谢谢" for i in range(12)
    ]
    vectors = np.tile(np.random.default_rng(1).normal(size=(1, 16)).astype(np.float32), (24, 1))
    labels = np.array([[1]] * 12 + [[0]] * 12, dtype=np.int8)
    plain = fit_heads(vectors, labels, ("anger",), ("customer",))
    joint = fit_heads(
        vectors, labels, ("anger",), ("customer",), texts=texts, joint=frozenset({"anger"})
    )
    assert np.ptp(plain.probabilities(vectors)[:, 0]) < 1e-6
    probs = joint.probabilities(vectors, texts)[:, 0]
    assert probs[:12].min() > 0.5 > probs[12:].max()
    with pytest.raises(ValueError, match="texts"):
        joint.probabilities(vectors)
    # stored and loaded, the n-gram part scores the same (weights kept at half precision)
    joint.save(tmp_path / "h.npz")
    again = IntentHeads.load(tmp_path / "h.npz")
    assert np.allclose(
        again.probabilities(vectors, texts), joint.probabilities(vectors, texts), atol=1e-3
    )
    # another role's sentences are not read for it
    other = joint.probabilities(vectors, texts, ["agent"] * 24)[:, 0]
    assert np.ptp(other) < 1e-6


def test_the_ngram_scores_equal_scikit_learns_tf_idf() -> None:
    heads = builtin_heads()
    assert set(heads.lexical) == {"agent", "customer"}
    texts = [
        "你们这服务可真行啊，呵呵  耍我玩呢？",
        "@某某客服 我要销户!!",
        "USB 不行",
        "",
        "销户销户",
        "请您私信提供宽带账号，以便为您反馈核实",
        # characters no table has seen, inside and around n-grams; a NUL as a character
        "😀销🛰户😀 Ab\x00c",
        "〇",
    ]
    for table in heads.lexical.values():
        reference = np.asarray(table.ngrams.transform(texts) @ table.weights.T)
        assert np.allclose(table.scores(texts), reference, atol=1e-5)
    # each role's table holds its own sentences' n-grams, not the other's
    customer, agent = heads.lexical["customer"].ngrams, heads.lexical["agent"].ngrams
    assert customer.vocabulary != agent.vocabulary


def test_sentences_split_at_strong_punctuation_only() -> None:
    view = make_view((0.0, 5.0, "agent", "好的，已经办好了。请问还有其他问题吗？3.5元"))
    units = sentence_units(view.segments)
    assert [t for _, t in units] == ["好的，已经办好了。", "请问还有其他问题吗？", "3.5元"]


def test_a_run_of_full_stops_ends_its_sentence_whole() -> None:
    # a post's ellipsis (..., ......) stays with the sentence before it: the next sentence is
    # read (and quoted as evidence) without dots in front of it; a decimal point splits nothing
    text = "地下室一格信号都没有...楼上邻居早就换了运营商......这也太不像话了.套餐2.5元.好"
    units = sentence_units(make_view((0.0, 9.0, "customer", text)).segments)
    assert [t for _, t in units] == [
        "地下室一格信号都没有...",
        "楼上邻居早就换了运营商......",
        "这也太不像话了.",
        "套餐2.5元.",
        "好",
    ]


def test_a_speaker_loud_throughout_reads_without_exclamation_marks() -> None:
    # a caller exclaiming over most of four turns: every ！ is register, ？！ a question
    texts = [
        "喂？！",
        "我在工地上！！",
        "好的。",
        "请问办理什么业务？",
        "查话费！",
        "对，就这个！！",
    ]
    roles = ["customer", "customer", "agent", "agent", "customer", "customer"]
    assert loud_register(texts, roles, [0, 0, 1, 1, 2, 3]) == [
        "喂？",
        "我在工地上。",
        "好的。",
        "请问办理什么业务？",
        "查话费。",
        "对，就这个。",
    ]
    # a post (one turn): a lone ！ ending most sentences is register, a run is emphasis
    post = ["你大声点！", "我在工地上！", "气死我了！！"]
    assert loud_register(post, ["customer"] * 3, [0, 0, 0]) == [
        "你大声点。",
        "我在工地上。",
        "气死我了！！",
    ]
    assert loud_register(["气死我了！！", "你们搞什么？！"], ["customer"] * 2, [0, 0]) == [
        "气死我了！！",
        "你们搞什么？！",
    ]
    # a caller who exclaims now and then is read as written
    calm = ["我想查话费。", "上个月多扣了钱！", "帮我看看。", "好的。"]
    assert loud_register(calm, ["customer"] * 4, [0, 1, 2, 3]) == calm


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        # ？？？ and a trailing tag stay with their sentence
        ("这是什么情况？？？", ["这是什么情况？？？"]),
        ("升级后收不到短信了.@某某客服 \u200b", ["升级后收不到短信了.@某某客服 \u200b"]),
        ("卸载不了.还特别耗电.@某某客服", ["卸载不了.", "还特别耗电.@某某客服"]),
        # a leading tag goes with the first sentence; a turn of tags alone stays one unit
        ("@某某客服 。宽带又断了。", ["@某某客服 。宽带又断了。"]),
        ("@某某客服 @某某官方", ["@某某客服 @某某官方"]),
        # a post's emoji codes between words end the sentence they close; a code that opens
        # the post, ends it or stands before punctuation stays where it is
        ("推来推去[抓狂][抓狂]我不续了，下月停掉", ["推来推去[抓狂][抓狂]", "我不续了，下月停掉"]),
        ("[呵呵]你们真行", ["[呵呵]你们真行"]),
        ("信号差[怒]，你们管不管", ["信号差[怒]，你们管不管"]),
        ("好的[微笑]", ["好的[微笑]"]),
        ("型号是A[2]B的那款", ["型号是A[2]B的那款"]),
        ("我不会[微笑]销户的", ["我不会[微笑]销户的"]),
        ("我才不[哼]转网呢", ["我才不[哼]转网呢"]),
    ],
)
def test_a_piece_that_says_nothing_is_no_sentence_of_its_own(
    text: str, sentences: list[str]
) -> None:
    units = sentence_units(make_view((0.0, 5.0, "customer", text)).segments)
    assert [t for _, t in units] == sentences


UPSELL = [
    "我给您推荐一下我们的五G套餐，网速快很多",
    "现在升级五G套餐每月只多十块钱",
    "您可以考虑换成五G套餐，流量更多",
    "五G套餐现在有优惠，要不要给您办一个",
    "建议您升级到五G，看视频不卡",
    "我们新出了五G畅享套餐，很适合您",
    "给您换个五G的套餐吧，性价比更高",
    "五G套餐送视频会员，您有兴趣吗",
    "升级五G以后网速能提高好几倍",
    "这边可以帮您把套餐升到五G",
]
NOT_UPSELL = [
    "您现在用的是四G套餐",
    "您的流量还剩三个G",
    "这个月的话费是八十元",
    "请您提供一下机主姓名",
    "您的宽带已经恢复了",
    "请问还有其他问题吗",
    "好的，已经帮您取消了",
    "您家附近的基站正在维护",
    "稍后请对我的服务进行评价",
    "感谢您的来电，再见",
]


def _upsell_card(examples: list[str], counters: list[str]):  # type: ignore[no-untyped-def]
    return parse_scorecard(
        yaml.safe_load(
            yaml.safe_dump(
                {
                    "name": "sales",
                    "acts": {
                        "upsell_5g": {
                            "role": "agent",
                            "examples": examples,
                            "counter_examples": counters,
                        }
                    },
                    "sections": [
                        {
                            "title": "s",
                            "items": [
                                {
                                    "id": "offered_5g",
                                    "points": 5,
                                    "pass_when": {"intent": {"act": "upsell_5g", "role": "agent"}},
                                }
                            ],
                        }
                    ],
                },
                allow_unicode=True,
            )
        ),
        "sales.yaml",
    )


def test_a_scorecard_defines_its_own_act_from_examples() -> None:
    card = _upsell_card(UPSELL, NOT_UPSELL)
    report = card.custom_report["upsell_5g"]
    assert report["positives"] == len(UPSELL) and report["cv_f1"] >= 0.7
    offered = make_view((0.0, 4.0, "agent", "要不要顺便给您升个五G套餐？现在办很划算。"))
    plain = make_view((0.0, 4.0, "agent", "您这个月的账单已经发到邮箱了。"))
    item = card.items[0]
    view = type(offered)(offered.transcript, offered.metrics, {}, card.custom_heads)
    assert check(item.pass_when, view).matched
    view = type(plain)(plain.transcript, plain.metrics, {}, card.custom_heads)
    assert not check(item.pass_when, view).matched


def test_custom_act_errors_name_the_act_and_field() -> None:
    with pytest.raises(ScorecardError, match=r"act 'upsell_5g': field 'examples': at least 8"):
        _upsell_card(UPSELL[:3], NOT_UPSELL)


def test_an_unknown_act_is_refused_when_the_scorecard_loads() -> None:
    with pytest.raises(ScorecardError, match=r"field 'when.intent.act': unknown act 'upsell'"):
        parse_condition({"intent": {"act": "upsell"}}, _Ctx("t.yaml", "flag 'x'"), "when")


@pytest.mark.parametrize(
    ("also", "message"),
    [
        ({"grumble": 0.9}, r"field 'when.intent.act': unknown act 'grumble'"),
        ({"dissatisfied": 1.5}, r"field 'when.intent.also.dissatisfied': must be between 0 and 1"),
        (["dissatisfied"], r"field 'when.intent.also': needs a mapping of act -> probability"),
    ],
)
def test_a_bad_also_is_refused_when_the_scorecard_loads(also: object, message: str) -> None:
    with pytest.raises(ScorecardError, match=message):
        parse_condition(
            {"intent": {"act": "anger", "also": also}}, _Ctx("t.yaml", "flag 'x'"), "when"
        )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"also_in": "turn"}, r"field 'when.intent.also_in': only goes with also"),
        (
            {"also": {"dissatisfied": 0.9}, "also_in": "call"},
            r"field 'when.intent.also_in': 'call' is not sentence or turn",
        ),
    ],
)
def test_a_bad_also_in_is_refused_when_the_scorecard_loads(params: dict, message: str) -> None:
    with pytest.raises(ScorecardError, match=message):
        parse_condition({"intent": {"act": "anger", **params}}, _Ctx("t.yaml", "flag 'x'"), "when")
