from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ConfigError
from inspector.settings import ensure_instance_secrets, load_settings


def test_defaults_keep_everything_under_var() -> None:
    s = load_settings(None, {})
    assert s.data_dir == Path("var")
    assert s.database.startswith("sqlite:///") and s.database.endswith("var/inspector.db")
    assert s.host == "127.0.0.1"


def test_toml_then_environment_then_overrides(tmp_path: Path) -> None:
    config = tmp_path / "inspector.toml"
    config.write_text('workers = 3\nport = 8000\nhost = "0.0.0.0"\nlease_s = 12.5\n')
    env = {"INSPECTOR_PORT": "9000", "INSPECTOR_COPY_AUDIO": "false"}
    s = load_settings(config, env, host="127.0.0.2")
    assert (s.workers, s.port, s.host, s.lease_s, s.copy_audio) == (
        3,
        9000,
        "127.0.0.2",
        12.5,
        False,
    )


def test_config_file_named_by_environment(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[inspector]\nmax_attempts = 7\n")
    assert load_settings(None, {"INSPECTOR_CONFIG": str(config)}).max_attempts == 7


def test_settings_are_frozen() -> None:
    s = load_settings(None, {})
    with pytest.raises(AttributeError):
        s.workers = 2  # type: ignore[misc]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"INSPECTOR_WORKERS": "many"}, "environment: setting 'workers'"),
        ({"INSPECTOR_WORKERS": "0"}, "'workers' must be at least 1"),
        ({"INSPECTOR_ASR_ENGINE": "bogus"}, "setting 'asr_engine'"),
        ({"INSPECTOR_COPY_AUDIO": "maybe"}, "setting 'copy_audio'"),
        ({"INSPECTOR_NO_SUCH": "1"}, "unknown setting 'no_such'"),
        ({"INSPECTOR_TIMEZONE": "Mars/Olympus"}, "unknown time zone"),
        ({"INSPECTOR_ASR_BATCH_SIZE": "0"}, "'asr_batch_size' must be at least 1"),
        ({"INSPECTOR_ASR_BEAM_SIZE": "0"}, "'asr_beam_size' must be at least 1"),
        ({"INSPECTOR_WORKERS": "2.5"}, "setting 'workers': expected a whole number or \"auto\""),
        ({"INSPECTOR_WORKERS": "-1"}, "'workers' must be at least 1 or \"auto\", got -1"),
        ({"INSPECTOR_WEB_WORKERS": "lots"}, "environment: setting 'web_workers'"),
        ({"INSPECTOR_WEB_THREADS": "0"}, "'web_threads' must be at least 1"),
        ({"INSPECTOR_PROXY_HOPS": "-1"}, "'proxy_hops' must be 0 or more"),
        ({"INSPECTOR_PROXY_HOPS": "one"}, "environment: setting 'proxy_hops'"),
    ],
)
def test_bad_values_name_the_setting(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(None, env)


@pytest.mark.parametrize(
    ("toml", "env", "expected"),
    [
        ("", {}, ("auto", "auto", "auto")),  # the defaults: sized from the machine
        ('workers = "auto"\nweb_workers = 3\n', {}, ("auto", 3, "auto")),
        ("workers = 4\n", {"INSPECTOR_WORKERS": "auto"}, ("auto", "auto", "auto")),
        ("", {"INSPECTOR_WORKERS": "2", "INSPECTOR_WEB_THREADS": "AUTO"}, (2, "auto", "auto")),
        ("web_threads = 8\n", {}, ("auto", "auto", 8)),
    ],
)
def test_counts_take_a_number_or_auto(
    tmp_path: Path, toml: str, env: dict[str, str], expected: tuple
) -> None:
    config = tmp_path / "c.toml"
    config.write_text(toml)
    s = load_settings(config, env)
    assert (s.workers, s.web_workers, s.web_threads) == expected


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("workers = true\n", "c.toml: setting 'workers': expected a whole number or \"auto\""),
        ("workers = 1.5\n", "c.toml: setting 'workers'"),
        ('workers = "half"\n', "c.toml: setting 'workers'"),
        ("workers = 0\n", "'workers' must be at least 1"),
    ],
)
def test_bad_counts_in_toml_name_the_file_and_setting(
    tmp_path: Path, toml: str, message: str
) -> None:
    config = tmp_path / "c.toml"
    config.write_text(toml)
    with pytest.raises(ConfigError, match=message):
        load_settings(config, {})


def test_bad_toml_names_the_file(tmp_path: Path) -> None:
    config = tmp_path / "broken.toml"
    config.write_text("workers = = 2")
    with pytest.raises(ConfigError, match="broken.toml: invalid TOML"):
        load_settings(config, {})
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "missing.toml", {})


def test_production_requires_secrets(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="'secret_key' is required in production"):
        load_settings(None, {"INSPECTOR_ENV": "production", "INSPECTOR_DATA_DIR": str(tmp_path)})
    s = load_settings(
        None,
        {
            "INSPECTOR_ENV": "production",
            "INSPECTOR_SECRET_KEY": "k",
            "INSPECTOR_CUSTOMER_HASH_SALT": "s",
        },
    )
    assert s.secret_key == "k"


def test_development_secrets_are_generated_once_and_reused(tmp_path: Path) -> None:
    s = load_settings(None, {"INSPECTOR_DATA_DIR": str(tmp_path)})
    assert s.secret_key == ""
    first = ensure_instance_secrets(s)
    assert len(first.secret_key) == 64 and first.customer_hash_salt
    again = load_settings(None, {"INSPECTOR_DATA_DIR": str(tmp_path)})
    assert (again.secret_key, again.customer_hash_salt) == (
        first.secret_key,
        first.customer_hash_salt,
    )
    assert (tmp_path / "instance.toml").stat().st_mode & 0o077 == 0
