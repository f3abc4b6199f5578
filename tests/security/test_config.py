"""Issue 18 item 7: `inspector config` masks every credential inside a URL (database_url, the
derived database, broker_url), as well as the secret settings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from inspector.cli import main
from inspector.settings import mask_url

SECRETS = ("s3cr%40t-pw", "hunter2", "tok3n", "instance-secret", "salt-secret")


def test_config_prints_no_credentials(tmp_path: Path) -> None:
    env = {
        "INSPECTOR_DATA_DIR": str(tmp_path / "var"),
        "INSPECTOR_DATABASE_URL": "postgresql+psycopg://inspector:s3cr%40t-pw@db.internal:5432/qa",
        "INSPECTOR_BROKER_URL": "redis://:hunter2@redis.internal:6379/0",
        "INSPECTOR_ASR_MODEL_PATH": "https://tok3n@models.internal/base",
        "INSPECTOR_SECRET_KEY": "instance-secret",
        "INSPECTOR_CUSTOMER_HASH_SALT": "salt-secret",
    }
    result = CliRunner().invoke(main, ["config"], env=env)
    assert result.exit_code == 0, result.output
    for secret in SECRETS:
        assert secret not in result.output
    shown = json.loads(result.output)
    assert shown["database_url"] == "postgresql+psycopg://inspector:***@db.internal:5432/qa"
    assert shown["database"] == shown["database_url"]
    assert shown["broker_url"] == "redis://***@redis.internal:6379/0"
    assert shown["asr_model_path"] == "https://***@models.internal/base"
    assert shown["secret_key"] == "***" and shown["customer_hash_salt"] == "***"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u:p@h/db", "postgresql://u:***@h/db"),
        ("postgresql://u:p@ss@h/db", "postgresql://u:***@h/db"),  # an unescaped @ in it
        ("amqp://guest:guest@rabbit//", "amqp://guest:***@rabbit//"),
        ("postgresql:///qa?host=/run/pg&password=pw", "postgresql:///qa?host=/run/pg&password=***"),
        ("redis://h:6379/0?auth_token=t&db=1", "redis://h:6379/0?auth_token=***&db=1"),
        ("sqlite:////srv/var/inspector.db", "sqlite:////srv/var/inspector.db"),
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
    ],
)
def test_mask_url(url: str, shown: str) -> None:
    assert mask_url(url) == shown
