"""Blind probes of single agent sentences: does an item fail (or pass) on the act and not elsewhere?

Each probe in bench/data/agent_lines/ is a TSV in the utterance bank's format (role, acts,
register, text), written and labelled by a helper session that saw only the acts' definitions,
never the scorecard, the bank or the call sets, and scored before anyone read it. Each sentence
is put into a short call as the agent's second turn (a greeting, the caller's question, the
sentence, the caller's 哦，好的) and the call is scored with the default scorecard: a sentence
labelled with one of `--acts` should fail the item (a fault such as forbidden_phrase) or, with
`--expect pass`, pass it (a duty of the closing part such as further_help: the sentence is in the
closing window, the greeting is not), and any other sentence should not. A probe must share no
sentence with the intent heads' training rows: a sentence that is one is left out (a short stock
line two writers both wrote), a probe with more than 5 % of them refused (a probe that taught a
head is no measure of it).

Probes: rude9 (session 48), rude10 and rude11 (session 49), rude12 (session 50; forbidden_phrase,
acts blame_customer and curt_refusal: 200 rude sentences without a swear word, 120 polite
look-alikes, 50 of them plain statements of a rule or a refusal, which the item's definition
passes), steer8 and steer9 (session 49), steer10 (session 50; score_solicitation, act rating_steer:
80 steering rating invitations, 80 neutral ones), defl2 and defl3 (session 50; deflection, act
deflection: 120 sentences that push the caller away or say nothing can be done, 180 look-alikes: a
place named with ownership taken in the same sentence, a step the rules require in person, a
refusal with an alternative; their brief also counted "do it yourself in the APP" as a push, which
the call sets' judges mostly do not), close11 (session 47) and close12 (session 49; further_help,
survey_invitation and closing, acts further_help, survey_invite and closing: 200 sentences of a
call's end, 30 look-alikes), hold11 (dead_air with --gap 15, act hold_announce: 100 announcements
of a wait on the line, 50 look-alikes), hand3 and hand4 (commitment, acts handover, time_frame and
callback_channel: 160 handovers, 60 of them with a time frame and a way to hear back, 40
look-alikes; `--expect applies` for the handover, `--all --expect pass` for the three together). A
probe leaves the folder once it is read (close8 in session 46; hold8, close9 and hand1 in session
47; hold9, steer4, hand2 and close10 in session 48, once their successors existed), or once it is
taught to the heads (rude6 and rude7 in session 48, as
scoring/intent_data/one_act/*/agent_rude3.tsv; rude8, steer5 and steer6 in session 49, as
agent_rude4.tsv and rating_steer/agent_invitations3.tsv; steer7 in session 50, as
rating_steer/agent_invitations4.tsv, and hold10, as hold_announce/agent_hold10.tsv).

python bench/agent_lines.py [--item forbidden_phrase] [--acts blame_customer curt_refusal]
                            [--probes rude10] [--errors]
python bench/agent_lines.py --item score_solicitation --acts rating_steer
python bench/agent_lines.py --item deflection --acts deflection --probes defl2 defl3
python bench/agent_lines.py --item further_help --acts further_help --expect pass
python bench/agent_lines.py --item dead_air --acts hold_announce --expect pass --gap 15
python bench/agent_lines.py --item commitment --acts handover --expect applies
python bench/agent_lines.py --item commitment --all --expect pass --acts handover time_frame \\
    callback_channel
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.errors import ConfigError  # noqa: E402
from scoring import evaluate, load_scorecard  # noqa: E402
from scoring.intents import BANK_DIR, Utterance, load_bank_file  # noqa: E402
from scoring.io import parse_line  # noqa: E402
from scoring.metrics import measure  # noqa: E402
from scoring.sentiment import shared_model  # noqa: E402

PROBES = REPO / "bench" / "data" / "agent_lines"
OPENING = "您好，很高兴为您服务，请问有什么可以帮您？"
QUESTION = "我想问一下我这个事情怎么处理。"
ANSWER = "哦，好的。"
BACK = "好，这边看到了，您这个是正常的。"


def training_texts() -> set[str]:
    """Every sentence the heads were trained on (the bank, the acts' own rows, the rest)."""
    return {u.text for path in sorted(BANK_DIR.rglob("*.tsv")) for u in load_bank_file(path)}


def probe_call(text: str, call_id: str, gap_s: float = 0.0) -> str:
    """The sentence as the agent's second turn of a short call (timings at 4 characters/s); with
    `gap_s`, a silence that long after it and the agent back with the answer (a hold)."""
    said = len(text) / 4
    segments = [
        {"role": "agent", "start": 0.0, "end": 3.0, "text": OPENING},
        {"role": "customer", "start": 3.5, "end": 7.0, "text": QUESTION},
        {"role": "agent", "start": 7.5, "end": 7.5 + said, "text": text},
    ]
    end = 7.5 + said
    if gap_s:
        start = end + gap_s
        segments.append({"role": "agent", "start": start, "end": start + 3.0, "text": BACK})
        end = start + 3.0
    segments.append({"role": "customer", "start": end + 0.5, "end": end + 2.5, "text": ANSWER})
    return json.dumps({"call_id": call_id, "segments": segments}, ensure_ascii=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--item", default="forbidden_phrase")
    parser.add_argument("--acts", nargs="+", default=["blame_customer", "curt_refusal"])
    parser.add_argument("--probes", nargs="+", help="probe names (default: those of the acts)")
    parser.add_argument(
        "--expect",
        choices=("fail", "pass", "applies"),
        default="fail",
        help="whether a sentence of the acts fails the item (a fault), passes it (a duty) or "
        "makes it apply (commitment: anything but not_applicable)",
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="a sentence is of the acts only if it is every one of them (commitment passes on "
        "handover, time_frame and callback_channel together)",
    )
    parser.add_argument(
        "--gap", type=float, default=0.0, help="seconds of silence after the sentence (a hold)"
    )
    parser.add_argument("--errors", action="store_true", help="print the sentences scored wrong")
    args = parser.parse_args()
    try:  # the bank's reader: its header, acts and registers checked, errors name the line
        probes = {path.stem: load_bank_file(path) for path in sorted(PROBES.glob("*.tsv"))}
    except ConfigError as error:
        sys.exit(str(error))
    acts = set(args.acts)
    names = args.probes or [
        name for name, rows in probes.items() if any(u.acts & acts for u in rows)
    ]
    if not names:
        sys.exit(f"no probes of {', '.join(args.acts)} in {PROBES}")
    missing = [name for name in names if name not in probes]
    if missing:
        sys.exit(f"no probe {', '.join(missing)} in {PROBES}")
    model, card = shared_model(), load_scorecard("telecom_hotline")
    if args.item not in {item.id for item in card.items}:
        sys.exit(f"no item {args.item!r} in the default scorecard")
    taught = training_texts()
    # an item that fails on the act (forbidden_phrase), one that passes on it (further_help) or
    # one that applies on it (commitment on a handover)
    found = {"fail": "failed", "pass": "passed", "applies": "applied"}[args.expect]
    print(f"| probe | {args.item} {found} on the act | {found} on the rest | precision | recall |")
    print("|---|---:|---:|---:|---:|")
    errors: list[tuple[str, int, Utterance, str]] = []
    left_out = 0
    for name in names:
        shared = [u.text for u in probes[name] if u.text in taught]
        if len(shared) > len(probes[name]) // 20:
            sys.exit(f"{name}: {len(shared)} sentences are training rows too (e.g. {shared[0]})")
        rows = [u for u in probes[name] if u.text not in taught]  # a short stock line or two
        left_out += len(shared)
        counts: Counter[tuple[bool, bool]] = Counter()
        for number, row in enumerate(rows, start=1):
            line = probe_call(row.text, f"{name}-{number:03d}", args.gap)
            parsed = parse_line(line, f"{name}-{number:03d}")
            transcript = model.annotate(parsed.transcript)
            result = evaluate(
                transcript, measure(transcript, parsed.duration_s), card, parsed.metadata
            )
            status = next(str(i.status) for i in result.items if i.id == args.item)
            truth = acts <= row.acts if args.all else bool(row.acts & acts)
            hit = status != "not_applicable" if args.expect == "applies" else status == found
            counts[truth, hit] += 1
            if truth != hit:
                errors.append((name, number, row, status))
        tp, fn = counts[True, True], counts[True, False]
        fp, tn = counts[False, True], counts[False, False]
        precision = f"{100 * tp / (tp + fp):.1f} %" if tp + fp else "-"
        recall = f"{100 * tp / (tp + fn):.1f} %" if tp + fn else "-"
        print(f"| {name} | {tp} / {tp + fn} | {fp} / {fp + tn} | {precision} | {recall} |")
    if left_out:
        print(f"({left_out} sentences left out: training rows too)")
    if args.errors:
        for name, number, row, status in errors:
            said = ",".join(sorted(row.acts)) or "none"
            print(f"{name}-{number:03d}\t{said}\t{status}\t{row.text}")


if __name__ == "__main__":
    main()
