"""One frozen Settings object: defaults, then a TOML file, then INSPECTOR_* variables."""

from __future__ import annotations

import dataclasses
import re
import secrets
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.errors import ConfigError

ENV_PREFIX = "INSPECTOR_"
SECRETS_FILE = "instance.toml"
SECRET_FIELDS = ("secret_key", "customer_hash_salt")

Environment = Literal["development", "production"]
#: a process or thread count: a whole number, or "auto" (sized from the machine's cores and
#: memory when the command starts)
Count = int | Literal["auto"]
#: settings that take a Count
COUNT_FIELDS = ("workers", "web_workers", "web_threads")


@dataclass(frozen=True)
class Settings:
    """Every knob of the product; build it with `load_settings`."""

    env: Environment = "development"
    data_dir: Path = Path("var")
    database_url: str = ""
    secret_key: str = ""
    customer_hash_salt: str = ""
    log_level: str = "INFO"
    #: Time zone of naive timestamps in manifests and survey files.
    timezone: str = "Asia/Shanghai"
    # pipeline
    pipeline: Literal["default", "noop"] = "default"
    #: worker processes of `inspector work`, `inspector demo` and `inspector worker`; auto =
    #: one per core with one ASR thread each, as many as the available memory holds
    workers: Count = "auto"
    lease_s: float = 300.0
    max_attempts: int = 3
    poll_interval_s: float = 1.0
    #: local: worker processes on this machine (`inspector work`); celery: tasks on Redis queues
    #: for `inspector worker --queues asr|analysis|all` processes on any number of machines
    engine: Literal["local", "celery"] = "local"
    broker_url: str = "redis://127.0.0.1:6379/0"
    #: a task unacknowledged this long (its worker was lost) is delivered again; keep it above
    #: the longest call's processing time
    celery_visibility_timeout_s: float = 3600.0
    #: backfill without flooding: at most this many calls sent to the queues at a time
    dispatch_max_in_flight: int = 64
    #: a call sent this long ago and still queued (or whose lease ran out) is sent again
    dispatch_stale_s: float = 900.0
    # ingest
    audio_extensions: tuple[str, ...] = (
        ".wav",
        ".mp3",
        ".flac",
        ".ogg",
        ".m4a",
        ".aac",
        ".amr",
        ".opus",
        ".wma",
        ".au",
    )
    copy_audio: bool = True
    # asr
    asr_engine: Literal["faster-whisper", "openai-whisper", "fixture", "none"] = "faster-whisper"
    #: A CTranslate2 folder (faster-whisper) or an openai-whisper checkpoint; empty = packaged base.
    asr_model_path: str = ""
    #: Where prepared (assembled or converted) models are cached; empty = data_dir/models.
    model_cache: str = ""
    asr_device: Literal["auto", "cpu", "cuda"] = "auto"
    #: CTranslate2 compute type; auto = float16 on a GPU, int8 on the CPU
    asr_compute_type: Literal["auto", "int8", "int8_float16", "float16", "float32"] = "auto"
    asr_beam_size: int = 5
    #: voice-activity chunks (<= 30 s each) decoded together by faster-whisper; 1 = one by one
    asr_batch_size: int = 8
    asr_cpu_threads: int = 0
    #: Telecom glossary given to Whisper as context (commas separate terms).
    asr_hotwords: tuple[str, ...] = (
        "话费",
        "流量",
        "套餐",
        "宽带",
        "机主",
        "工号",
        "携号转网",
        "工单",
        "营业厅",
        "光猫",
        "满意度",
        "销户",
        "退订",
        "月租",
        "增值业务",
    )
    #: Homophone correction towards domain terms: "builtin" (asr/glossary_zh.txt), "off", or a
    #: file of one term per line; the hotwords above are always added.
    asr_glossary: str = "builtin"
    #: Recordings with ground-truth transcripts beside them (the "fixture" engine reads these).
    fixture_dir: Path = Path("fixtures/calls")
    #: the fixture engine takes this long per call (tests that stop a worker mid-call)
    fixture_delay_s: float = 0.0
    asr_language: str = "zh"
    agent_channel: Literal["left", "right", "auto"] = "left"
    # scoring
    scorecard: str = "telecom_hotline"
    #: per-turn sentiment and anger (m3e-small + the trained heads); off skips the model
    sentiment: bool = True
    # call reasons
    #: detect why each customer called (the reason heads over the sentiment stage's vectors)
    reasons: bool = True
    #: a call-reason taxonomy YAML; empty = the built-in telecom one (scoring/reasons/)
    reasons_taxonomy: str = ""
    #: 一次解决率: the same customer calling again about the same reason within this many days
    #: means the first call did not resolve it
    fcr_window_days: float = 7.0
    #: an emerging issue needs at least this many calls in the recent period
    emerging_min_count: int = 10
    # surveys
    #: a survey without a call id joins the customer's nearest earlier call within this window
    survey_join_window_h: float = 24.0
    #: 满意率 counts only 满意 (strict) or 满意 + 基本满意 (loose)
    survey_strict: bool = False
    survey_min_sample: int = 30
    #: composite satisfaction index weights as "name=weight" (dimension names, or "overall"
    #: for the main answer); empty = the dimensions the surveys have, equal weights
    survey_composite_weights: tuple[str, ...] = ()
    #: QA <-> survey mismatch: a call scoring at least this but 不满意 is flagged ...
    survey_mismatch_qa_high: float = 90.0
    #: ... and one scoring below this (or with a fatal hit) but 满意
    survey_mismatch_qa_low: float = 60.0
    #: a survey answered within this many seconds of being sent is implausibly fast
    survey_fast_answer_s: float = 15.0
    #: the scorecard item whose failures count as survey score solicitation (诱导好评)
    survey_solicitation_item: str = "score_solicitation"
    # review
    #: an agent may appeal an item this many days after the verdict was published
    appeal_window_days: float = 7.0
    # web
    #: while calls change (reviews, new results), each server process reads the dashboard's
    #: call facts again at most this often; the previous figures answer meanwhile (as_of)
    dashboard_refresh_s: float = 15.0
    host: str = "127.0.0.1"
    port: int = 5000
    #: gunicorn worker processes and threads per process of `inspector serve`; auto = one
    #: process per core, 4 threads each (docs/serving.md)
    web_workers: Count = "auto"
    web_threads: Count = "auto"
    #: reverse proxies in front of the UI that set X-Forwarded-For/-Proto/-Host/-Port/-Prefix
    #: (nginx: 1). 0 = none: those headers are dropped, so no client can claim another address
    #: or scheme
    proxy_hops: int = 0
    #: the UI is reached over HTTPS (directly or behind a TLS proxy that sets X-Forwarded-Proto):
    #: cookies are marked Secure, plain-HTTP requests are redirected and HSTS is sent. Off by
    #: default so a plain-HTTP instance (the demo, tests, a lab) can still sign in; production
    #: marks cookies Secure either way.
    https: bool = False

    @property
    def database(self) -> str:
        """The SQLAlchemy URL; the embedded default is a SQLite file in the data directory."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'inspector.db').resolve()}"

    @property
    def secure_cookies(self) -> bool:
        """Session cookies only over HTTPS: when `https` is on, and always in production."""
        return self.https or self.env == "production"

    @property
    def composite_weights(self) -> dict[str, float]:
        """survey_composite_weights parsed; a bad entry names itself."""
        out: dict[str, float] = {}
        for entry in self.survey_composite_weights:
            name, sep, weight = entry.partition("=")
            try:
                out[name.strip()] = float(weight)
            except ValueError:
                sep = ""
            if not sep or not name.strip() or out.get(name.strip(), -1) < 0:
                raise ConfigError(
                    f"setting 'survey_composite_weights': {entry!r} is not name=weight (>= 0)"
                )
        return out

    @property
    def audio_dir(self) -> Path:
        return self.data_dir / "audio"

    @property
    def models_dir(self) -> Path:
        return Path(self.model_cache) if self.model_cache else self.data_dir / "models"

    @property
    def exports_dir(self) -> Path:
        return self.data_dir / "exports"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def heartbeat_s(self) -> float:
        return max(self.lease_s / 3.0, 0.05)


def _count(value: Any) -> int | Literal["auto"]:
    """A Count from TOML (an integer or "auto") or the environment (digits or "auto")."""
    if isinstance(value, str) and value.strip().lower() == "auto":
        return "auto"
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        return int(value)
    raise ValueError(f'expected a whole number or "auto", got {value!r}')


def _coerce(name: str, annotation: Any, value: Any, source: str) -> Any:
    """Turn a TOML or environment value into the field's type, or raise ConfigError."""
    origin = typing.get_origin(annotation)
    try:
        if name in COUNT_FIELDS:
            return _count(value)
        if annotation is Path:
            return Path(str(value))
        if annotation is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off"}:
                return False
            raise ValueError(f"not a boolean: {value!r}")
        if annotation is int:
            if isinstance(value, bool):
                raise ValueError("not an integer")
            return int(value)
        if annotation is float:
            return float(value)
        if origin is Literal:
            allowed = typing.get_args(annotation)
            if value not in allowed:
                raise ValueError(f"{value!r} is not one of {', '.join(map(str, allowed))}")
            return value
        if origin is tuple:
            items = value.split(",") if isinstance(value, str) else list(value)
            return tuple(str(item).strip() for item in items if str(item).strip())
        if annotation is str or isinstance(annotation, types.UnionType):
            return str(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{source}: setting {name!r}: {exc}") from exc
    raise ConfigError(f"{source}: setting {name!r} has an unsupported type")


def _layer(values: Mapping[str, Any], source: str) -> dict[str, Any]:
    hints = typing.get_type_hints(Settings)
    known = {f.name for f in fields(Settings)}
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"{source}: unknown setting {key!r}")
        out[key] = _coerce(key, hints[key], value, source)
    return out


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: configuration file not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    # Allow either a flat file or one with an [inspector] table.
    return dict(data.get("inspector", data))


def load_settings(
    config_file: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Build Settings from defaults, an optional TOML file, INSPECTOR_* variables, overrides.

    The config file may also be named by INSPECTOR_CONFIG. In development, secrets missing from
    every layer come from `<data_dir>/instance.toml` (see `ensure_instance_secrets`); in
    production a missing secret is an error.
    """
    environ = {} if environ is None else environ
    values: dict[str, Any] = {}
    config_file = config_file or environ.get(ENV_PREFIX + "CONFIG")
    if config_file:
        values.update(_layer(_read_toml(Path(config_file)), str(config_file)))
    env_values = {
        key[len(ENV_PREFIX) :].lower(): value
        for key, value in environ.items()
        if key.startswith(ENV_PREFIX) and key != ENV_PREFIX + "CONFIG"
    }
    values.update(_layer(env_values, "environment"))
    values.update(_layer({k: v for k, v in overrides.items() if v is not None}, "overrides"))
    settings = Settings(**values)
    missing = [name for name in SECRET_FIELDS if not getattr(settings, name)]
    if missing:
        instance = settings.data_dir / SECRETS_FILE
        if instance.exists():
            stored = _layer(_read_toml(instance), str(instance))
            settings = dataclasses.replace(
                settings, **{k: stored[k] for k in missing if stored.get(k)}
            )
    _validate(settings)
    return settings


def _validate(settings: Settings) -> None:
    if settings.env == "production":
        for name in SECRET_FIELDS:
            if not getattr(settings, name):
                raise ConfigError(
                    f"setting {name!r} is required in production "
                    f"(set {ENV_PREFIX}{name.upper()} or put it in the config file)"
                )
    try:
        ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"setting 'timezone': unknown time zone {settings.timezone!r}") from exc
    for name in COUNT_FIELDS:
        value = getattr(settings, name)
        if value != "auto" and value < 1:
            raise ConfigError(f'setting {name!r} must be at least 1 or "auto", got {value}')
    if settings.proxy_hops < 0:
        raise ConfigError(f"setting 'proxy_hops' must be 0 or more, got {settings.proxy_hops}")
    for name in ("asr_beam_size", "asr_batch_size"):
        if getattr(settings, name) < 1:
            raise ConfigError(f"setting {name!r} must be at least 1, got {getattr(settings, name)}")
    if settings.max_attempts < 1:
        raise ConfigError(f"setting 'max_attempts' must be at least 1, got {settings.max_attempts}")
    if settings.dashboard_refresh_s < 0:
        raise ConfigError(
            f"setting 'dashboard_refresh_s' must be 0 or more, got {settings.dashboard_refresh_s}"
        )
    if settings.lease_s <= 0:
        raise ConfigError(f"setting 'lease_s' must be positive, got {settings.lease_s}")
    if settings.fcr_window_days <= 0:
        raise ConfigError(
            f"setting 'fcr_window_days' must be positive, got {settings.fcr_window_days}"
        )


def ensure_instance_secrets(settings: Settings) -> Settings:
    """In development, create random secrets once in the data directory and use them."""
    missing = [name for name in SECRET_FIELDS if not getattr(settings, name)]
    if not missing:
        return settings
    if settings.env == "production":
        raise ConfigError(f"settings {', '.join(missing)} are required in production")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    instance = settings.data_dir / SECRETS_FILE
    stored = _read_toml(instance) if instance.exists() else {}
    for name in missing:
        stored.setdefault(name, secrets.token_hex(32))
    lines = ["# Generated secrets of this development instance; keep this file private."]
    lines += [f'{key} = "{value}"' for key, value in sorted(stored.items())]
    instance.write_text("\n".join(lines) + "\n", encoding="utf-8")
    instance.chmod(0o600)
    return dataclasses.replace(settings, **{name: stored[name] for name in missing})


MASK = "***"
#: query parameters of a connection URL that carry a credential (libpq, redis, AMQP, S3 ...)
_SECRET_PARAM = re.compile(r"pass|pwd|secret|token|key|auth|credential", re.IGNORECASE)
_URL = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s\"'<>]+")


def mask_url(url: str) -> str:
    """A URL with its credentials masked: the password in user:password@ (or a bare token
    before @) and any secret-looking query parameter; a URL without any is returned as is."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return MASK
    netloc, query = parts.netloc, parts.query
    if "@" in netloc:
        userinfo, _, host = netloc.rpartition("@")
        user, colon, _password = userinfo.partition(":")
        # redis://:password@host and token-only URLs (https://TOKEN@host) hide it all
        netloc = f"{user}:{MASK}@{host}" if colon and user else f"{MASK}@{host}"
    pairs = parse_qsl(query, keep_blank_values=True)
    if any(_SECRET_PARAM.search(k) and v for k, v in pairs):
        query = urlencode(
            [(k, MASK if _SECRET_PARAM.search(k) and v else v) for k, v in pairs], safe="*/:"
        )
    if (netloc, query) == (parts.netloc, parts.query):
        return url
    return (
        f"{parts.scheme}://{netloc}{parts.path}"
        + (f"?{query}" if query else "")
        + (f"#{parts.fragment}" if parts.fragment else "")
    )


def mask_urls(text: str) -> str:
    """Every URL inside a text with its credentials masked."""
    return _URL.sub(lambda m: mask_url(m.group(0)), text)


def as_dict(settings: Settings) -> dict[str, Any]:
    """Settings as plain values, secrets and credentials inside URLs masked (for `inspector
    config`)."""
    out: dict[str, Any] = {}
    for f in fields(settings):
        value = getattr(settings, f.name)
        if f.name in SECRET_FIELDS:
            value = MASK if value else ""
        out[f.name] = _shown(value)
    out["database"] = _shown(settings.database)
    return out


def _shown(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, str):
        return mask_urls(value)
    if isinstance(value, tuple):
        return [_shown(v) for v in value]
    return value
