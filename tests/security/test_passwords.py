"""Issue 18 item 4: the password policy (12+ characters or a passphrase; not a common password,
not the user name), at `inspector users add` and everywhere passwords are made."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from inspector.accounts import DEMO_USERS, demo_users, password_problems
from inspector.cli import main
from tests.web.conftest import PASSWORD


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"INSPECTOR_DATA_DIR": str(tmp_path / "var"), "INSPECTOR_LOG_LEVEL": "WARNING"}


def add(env: dict[str, str], username: str, password: str):
    return CliRunner().invoke(
        main, ["users", "add", username, "--role", "qa", "--password", password], env=env
    )


@pytest.mark.parametrize(
    ("username", "password", "reason"),
    [
        ("wang", "12345678", "shorter than 12"),
        ("wang", "Tr0ub4dor&3", "shorter than 12"),  # 11 characters, one word
        ("wang", "password1234", "commonest passwords"),
        ("wang", "Password1234!", "commonest passwords"),
        ("wang", "qwertyuiop12", "commonest passwords"),
        ("wangfang", "wangfang2026!", "user name"),
        ("wangfang", "WANGFANG-is-my-name", "user name"),
        ("wang", "aaaaaaaaaaaaaaaa", "easy to guess"),
        ("wang", "abcabcabcabcabc", "easy to guess"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(
    env: dict[str, str], username: str, password: str, reason: str
) -> None:
    result = add(env, username, password)
    assert result.exit_code != 0
    assert "password refused" in result.output and reason in result.output
    assert "Traceback" not in result.output
    assert "at least 12 characters" in result.output  # the policy is spelled out


@pytest.mark.parametrize(
    "password",
    [
        PASSWORD,  # the web and browser tests' password
        "xK3-9aq_Lm2P",
        "correct horse battery staple",
        "晚霞 海风 灯塔 远航",  # a passphrase may be shorter than 12 characters
        "violet harbour lantern",
    ],
)
def test_strong_passwords_and_passphrases_are_accepted(env: dict[str, str], password: str) -> None:
    result = add(env, "wang", password)
    assert result.exit_code == 0, result.output
    assert password_problems(password, "wang") == []


def test_a_generated_password_meets_the_policy(env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["users", "add", "qa", "--role", "qa"], env=env)
    assert result.exit_code == 0, result.output
    generated = result.output.rsplit("password: ", 1)[1].strip()
    assert password_problems(generated, "qa") == []


def test_demo_accounts_meet_the_policy(sessions) -> None:
    with sessions.begin() as session:
        accounts = demo_users(session)
    assert [name for name, _, _ in accounts] == [name for name, _, _ in DEMO_USERS]
    for username, _, password in accounts:
        assert password_problems(password, username) == [], username
