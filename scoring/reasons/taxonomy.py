"""The call-reason taxonomy as data: two levels of codes with Chinese titles, plus the MIIT
complaint classes (工信部申诉分类) of complaint calls.

Validated when loaded; every error names the file and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from core.errors import ConfigError

BUILTIN = Path(__file__).with_name("telecom.yaml")
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Reason:
    code: str
    group: str
    group_title: str
    title: str
    definition: str
    #: reasons this one excludes by definition: when both are found only this one is kept
    supersedes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The title a manager reads: 话费账单/争议, or 网络信号 for a one-reason group."""
        if self.title == self.group_title:
            return self.title
        return f"{self.group_title}/{self.title}"


@dataclass(frozen=True)
class Taxonomy:
    name: str
    version: str
    reasons: tuple[Reason, ...]
    complaint_reason: str
    #: class code -> title (网络质量, 资费, 服务)
    complaint_classes: dict[str, str]
    fallback_reason: str

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)

    def get(self, code: str) -> Reason | None:
        return next((r for r in self.reasons if r.code == code), None)

    def label(self, code: str) -> str:
        """The Chinese label of a reason or complaint class (the code itself when unknown)."""
        reason = self.get(code)
        if reason is not None:
            return reason.label
        return self.complaint_classes.get(code, code)


def load_taxonomy(path: Path | str | None = None) -> Taxonomy:
    """Read and validate a taxonomy file (the built-in telecom one by default)."""
    path = Path(path) if path else BUILTIN
    if not path.is_file():
        raise ConfigError(f"{path}: taxonomy file does not exist")
    try:
        raw = yaml.safe_load(path.read_text("utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    return parse_taxonomy(raw, str(path))


@lru_cache(maxsize=4)
def cached_taxonomy(path: str = "") -> Taxonomy:
    """The taxonomy at `path` ("" for the built-in one), read once per process."""
    return load_taxonomy(path or None)


def parse_taxonomy(raw: Any, source: str) -> Taxonomy:
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: a mapping with name, groups and complaint_classes")
    name = _text(raw, "name", source)
    groups = raw.get("groups")
    if not isinstance(groups, dict) or not groups:
        raise ConfigError(f"{source}: field 'groups': a mapping of group key to its reasons")
    reasons: list[Reason] = []
    for key, spec in groups.items():
        reasons += _group(str(key), spec, f"{source}: group {key!r}")
    codes = [r.code for r in reasons]
    classes = raw.get("complaint_classes")
    if not isinstance(classes, dict) or not classes:
        raise ConfigError(f"{source}: field 'complaint_classes': a mapping of code to title")
    for code, title in classes.items():
        if not _KEY.match(str(code)) or not isinstance(title, str) or not title.strip():
            raise ConfigError(
                f"{source}: field 'complaint_classes': {code!r} needs a lower-case code and a title"
            )
    complaint = raw.get("complaint_reason")
    if complaint not in codes:
        raise ConfigError(
            f"{source}: field 'complaint_reason': {complaint!r} is not a reason code"
            f" (one of {', '.join(codes)})"
        )
    for reason in reasons:
        unknown = [c for c in reason.supersedes if c not in codes or c == reason.code]
        if unknown:
            raise ConfigError(
                f"{source}: reason {reason.code!r}: field 'supersedes': {', '.join(unknown)}"
                " is not another reason code"
            )
    fallback = raw.get("fallback_reason")
    if fallback not in codes:
        raise ConfigError(
            f"{source}: field 'fallback_reason': {fallback!r} is not a reason code"
            f" (one of {', '.join(codes)})"
        )
    return Taxonomy(
        name=name,
        version=str(raw.get("version", "1")),
        reasons=tuple(reasons),
        complaint_reason=str(complaint),
        complaint_classes={str(k): str(v).strip() for k, v in classes.items()},
        fallback_reason=str(fallback),
    )


def _group(key: str, spec: Any, where: str) -> list[Reason]:
    if not _KEY.match(key):
        raise ConfigError(f"{where}: field 'key': lower-case letters, digits and _ only")
    if not isinstance(spec, dict):
        raise ConfigError(f"{where}: a mapping with title and reasons (or a definition)")
    title = _text(spec, "title", where)
    subs = spec.get("reasons")
    if subs is None:
        # a group without sub-reasons is one reason, coded by the group's key
        return [
            Reason(
                key, key, title, title, _text(spec, "definition", where),
                _codes(spec, "supersedes", where),
            )
        ]  # fmt: skip
    if not isinstance(subs, dict) or not subs:
        raise ConfigError(f"{where}: field 'reasons': a mapping of reason key to its definition")
    out = []
    for sub, body in subs.items():
        at = f"{where}: reason {sub!r}"
        if not _KEY.match(str(sub)):
            raise ConfigError(f"{at}: field 'key': lower-case letters, digits and _ only")
        if not isinstance(body, dict):
            raise ConfigError(f"{at}: a mapping with a definition (and a title)")
        sub_title = body.get("title", title)
        if not isinstance(sub_title, str) or not sub_title.strip():
            raise ConfigError(f"{at}: field 'title': a non-empty text")
        out.append(
            Reason(
                f"{key}.{sub}", key, title, sub_title.strip(), _text(body, "definition", at),
                _codes(body, "supersedes", at),
            )
        )  # fmt: skip
    return out


def _text(spec: dict, field: str, where: str) -> str:
    value = spec.get(field)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: field {field!r}: a non-empty text")
    return value.strip()


def _codes(spec: dict, field: str, where: str) -> tuple[str, ...]:
    value = spec.get(field, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{where}: field {field!r}: a list of reason codes")
    return tuple(value)
