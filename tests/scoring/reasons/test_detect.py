"""Per-call detection with the packaged heads: several reasons, evidence, complaint class, the
fallback, and reasons the definitions exclude beside another."""

from __future__ import annotations

import dataclasses

from asr.types import Role, Segment, Transcript
from scoring.reasons.detect import ReasonModel, shared_reason_model
from scoring.reasons.taxonomy import load_taxonomy
from scoring.sentiment import shared_model


def _call(*customer: str) -> Transcript:
    segments = [Segment(0.0, 2.0, Role.AGENT, "您好，请问有什么可以帮您？")]
    segments += [Segment(3.0 + i, 3.9 + i, Role.CUSTOMER, t) for i, t in enumerate(customer)]
    # the pipeline's order: the sentiment stage encodes the sentences the reasons read
    return shared_model().annotate(Transcript(tuple(segments)))


def test_a_call_gets_several_reasons_with_evidence_and_a_complaint_class() -> None:
    found = shared_reason_model().detect(
        _call("我想把套餐换成五G的。", "另外我家宽带断网两天了，光猫亮红灯。")
    )
    assert set(found.codes) == {"plan.change", "broadband.fault"}
    fault = next(h for h in found.reasons if h.code == "broadband.fault")
    assert (fault.sentence, fault.segment_idx, fault.start_s) == (
        "另外我家宽带断网两天了，光猫亮红灯。", 2, 4.0
    )  # fmt: skip
    assert found.complaint_class is None
    complaint = shared_reason_model().detect(_call("那个营业员骗我签合约，我要投诉她。"))
    assert complaint.codes == ("complaint",) and complaint.complaint_class == "service"


def test_only_agent_speech_or_small_talk_gets_the_fallback() -> None:
    found = shared_reason_model().detect(_call("嗯。", "好的，谢谢。"))
    assert found.codes == ("other",) and found.reasons[0].segment_idx is None


def test_a_superseded_reason_goes_when_its_superseder_is_found() -> None:
    call = _call("我想查一下这个月话费的明细。", "这笔二十块的扣费我根本没订过，你们扣错了。")
    plain = load_taxonomy()
    without = dataclasses.replace(
        plain, reasons=tuple(dataclasses.replace(r, supersedes=()) for r in plain.reasons)
    )
    heads = shared_reason_model().heads
    assert {"billing.query", "billing.dispute"} <= set(
        ReasonModel(heads, without).detect(call).codes
    )
    kept = ReasonModel(heads, plain).detect(call).codes
    assert "billing.dispute" in kept and "billing.query" not in kept
