"""A scorecard's own dialogue acts, defined by example sentences instead of code.

```yaml
acts:
  mention_5g_upgrade:
    role: agent
    examples: [我这边给您推荐一下五G套餐, ...]           # at least 8
    counter_examples: [您现在用的是四G套餐, ...]          # at least 8
```
A head is fitted on the examples' m3e-small vectors when the scorecard loads (kept per process
by the acts' content hash) and the cross-validated separation is reported, so an author sees at
once whether the examples teach what they meant. Items then use `intent: {act: <id>}`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from core.errors import ScorecardError
from scoring.intents import ALL_ACTS, IntentHeads, fit_heads

MIN_EXAMPLES = 8


@dataclass(frozen=True)
class CustomAct:
    id: str
    role: str
    examples: tuple[str, ...]
    counter_examples: tuple[str, ...]


def parse_acts(raw: Any, source: str) -> dict[str, CustomAct]:
    if not isinstance(raw, dict):
        raise ScorecardError(f"{source}: field 'acts': a mapping of act id to its examples")
    out: dict[str, CustomAct] = {}
    for act_id, spec in raw.items():
        where = f"{source}: act {act_id!r}"
        if act_id in ALL_ACTS:
            raise ScorecardError(f"{where}: field 'id': a built-in act has this name")
        if not isinstance(spec, dict):
            raise ScorecardError(f"{where}: a mapping of role, examples, counter_examples")
        role = spec.get("role")
        if role not in ("agent", "customer"):
            raise ScorecardError(f"{where}: field 'role': agent or customer, got {role!r}")
        lists = {}
        for key in ("examples", "counter_examples"):
            value = spec.get(key)
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise ScorecardError(f"{where}: field {key!r}: a list of sentences")
            if len(set(value)) < MIN_EXAMPLES:
                raise ScorecardError(
                    f"{where}: field {key!r}: at least {MIN_EXAMPLES} different sentences"
                    f" (found {len(set(value))})"
                )
            lists[key] = tuple(dict.fromkeys(value))
        examples, counters = lists["examples"], lists["counter_examples"]
        out[str(act_id)] = CustomAct(str(act_id), role, examples, counters)
    return out


def fit_custom_acts(
    acts: dict[str, CustomAct],
) -> tuple[IntentHeads, dict[str, dict[str, float]]]:
    """Heads for the acts (fitted once per process for the same examples) and their report."""
    key = json.dumps(
        [[a.id, a.role, a.examples, a.counter_examples] for a in acts.values()], ensure_ascii=False
    )
    return _fit(hashlib.sha256(key.encode("utf-8")).hexdigest(), key)


@lru_cache(maxsize=32)
def _fit(digest: str, key: str) -> tuple[IntentHeads, dict[str, dict[str, float]]]:
    from scoring.embeddings import shared_encoder

    specs = json.loads(key)
    texts: list[str] = []
    labels: list[list[int]] = []
    for k, (_, _, examples, counters) in enumerate(specs):
        for text, y in [(t, 1) for t in examples] + [(t, 0) for t in counters]:
            texts.append(text)
            labels.append([y if j == k else -1 for j in range(len(specs))])
    vectors = shared_encoder().encode(texts, batch_size=64)
    heads = fit_heads(
        vectors,
        np.array(labels, dtype=np.int8),
        tuple(s[0] for s in specs),
        tuple(s[1] for s in specs),
        folds=4,
    )
    heads.info["digest"] = digest
    return heads, heads.info["cross_validated"]
