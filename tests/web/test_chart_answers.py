"""A chart's answer is computed once per query over the same facts, again for new facts."""

from __future__ import annotations

from types import SimpleNamespace

from web.manage.charts import ChartAnswers


def test_the_same_question_over_the_same_facts_is_answered_once() -> None:
    answers, asked = ChartAnswers(), []

    def compute() -> dict[str, int]:
        asked.append(1)
        return {"n": len(asked)}

    facts = SimpleNamespace(calls=object(), surveys=object())
    assert answers.get(facts, ("qa", ()), compute) == {"n": 1}
    assert answers.get(facts, ("qa", ()), compute) == {"n": 1}
    assert answers.get(facts, ("qa", (("team", "T3"),)), compute) == {"n": 2}  # another query
    newer = SimpleNamespace(calls=facts.calls, surveys=object())  # new survey responses
    assert answers.get(newer, ("qa", ()), compute) == {"n": 3}
    assert answers.get(newer, ("qa", ()), compute) == {"n": 3}


def test_answers_are_bounded() -> None:
    answers = ChartAnswers(size=2)
    facts = SimpleNamespace(calls=object(), surveys=None)
    for k in range(5):
        answers.get(facts, ("agents", k), lambda: {})
    assert len(answers._answers) == 2
