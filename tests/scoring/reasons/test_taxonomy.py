from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from core.errors import ConfigError
from scoring.reasons.taxonomy import BUILTIN, load_taxonomy


def test_the_builtin_taxonomy_has_the_issue_reasons_and_miit_classes() -> None:
    t = load_taxonomy()
    assert t.codes == (
        "billing.query", "billing.dispute", "billing.refund",
        "plan.order", "plan.change", "plan.cancel",
        "network.signal", "broadband.fault", "account.close", "complaint", "other",
    )  # fmt: skip
    assert t.label("billing.dispute") == "话费账单/争议"
    assert t.label("network.signal") == "网络信号"
    assert t.label("complaint") == "投诉"
    assert t.complaint_reason == "complaint"
    assert t.complaint_classes == {"network": "网络质量", "billing": "资费", "service": "服务"}
    assert t.label("billing") == "资费"
    assert t.fallback_reason == "other"
    assert t.get("billing.dispute").supersedes == ("billing.query",)
    assert t.get("account.close").supersedes == ("plan.cancel",)


def _edited(tmp_path: Path, change) -> Path:
    raw = yaml.safe_load(BUILTIN.read_text("utf-8"))
    change(raw)
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
    return path


def test_titles_are_edited_without_code(tmp_path: Path) -> None:
    def rename(raw):
        raw["groups"]["billing"]["title"] = "账单"

    assert load_taxonomy(_edited(tmp_path, rename)).label("billing.refund") == "账单/退费"


def _set(path: list, value):
    def change(raw):
        node = raw
        for key in path[:-1]:
            node = node[key]
        if value is KeyError:
            del node[path[-1]]
        else:
            node[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set(["groups"], {}), "field 'groups'"),
        (_set(["groups", "billing", "title"], ""), "group 'billing': field 'title'"),
        (
            _set(["groups", "billing", "reasons", "query", "definition"], KeyError),
            "group 'billing': reason 'query': field 'definition'",
        ),
        (_set(["groups", "plan", "reasons", "Bad-Key"], {"definition": "x"}), "field 'key'"),
        (_set(["groups", "other"], "text"), "group 'other': a mapping"),
        (_set(["complaint_reason"], "complaints"), "field 'complaint_reason': 'complaints'"),
        (_set(["fallback_reason"], KeyError), "field 'fallback_reason'"),
        (_set(["complaint_classes", "service"], ""), "field 'complaint_classes': 'service'"),
        (_set(["name"], KeyError), "field 'name'"),
        (
            _set(["groups", "billing", "reasons", "dispute", "supersedes"], ["billing.fee"]),
            "reason 'billing.dispute': field 'supersedes': billing.fee is not another",
        ),
        (_set(["groups", "other", "supersedes"], "complaint"), "field 'supersedes': a list"),
    ],
)
def test_errors_name_the_file_and_field(tmp_path: Path, change, message: str) -> None:
    path = _edited(tmp_path, change)
    with pytest.raises(ConfigError) as info:
        load_taxonomy(path)
    assert str(path) in str(info.value)
    assert message in str(info.value)


def test_a_missing_file_or_bad_yaml_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_taxonomy(tmp_path / "none.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("groups: [", "utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_taxonomy(bad)
