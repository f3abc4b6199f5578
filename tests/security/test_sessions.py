"""Issue 18 item 2: sessions are revocable. A session cookie saved before sign-out, a new
password, a new role or disabling the user no longer opens `/` or `/calls/1`; other users'
sessions go on. `inspector users disable NAME` keeps a user from signing in."""

from __future__ import annotations

import itertools

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from inspector.accounts import add_user
from inspector.cli import main
from inspector.store.models import User
from tests.security.conftest import pk_of, sign_in
from tests.web.conftest import PASSWORD

NEW_PASSWORD = "another horse 2"
_names = itertools.count(1)


@pytest.fixture
def user(served) -> str:
    """A qa user of this test's own: ending its sessions leaves the other tests' clients alone."""
    name = f"revoke{next(_names)}"
    with served.sessions.begin() as session:
        add_user(session, name, "qa", PASSWORD)
    return name


def signed_in(served, username: str, password: str = PASSWORD):
    client = served.app.test_client()
    assert sign_in(client, username, password=password).status_code == 302
    return client


def saved_cookie(client) -> str:
    return client.get_cookie("session").value


def replay(served, cookie: str):
    """A new browser holding a copy of the saved session cookie."""
    client = served.app.test_client()
    client.set_cookie("session", cookie)
    return client


def opens_pages(served, client) -> bool:
    """Whether the client still gets the queue and a call page (not the sign-in page)."""
    codes = {client.get(url).status_code for url in ("/", f"/calls/{pk(served)}")}
    assert codes <= {200, 302}, codes
    return codes == {200}


def pk(served) -> int:
    return pk_of(served, "c01_compliant_billing")


def cli(served, *args: str):
    env = {"INSPECTOR_DATA_DIR": str(served.settings.data_dir), "INSPECTOR_LOG_LEVEL": "WARNING"}
    return CliRunner().invoke(main, list(args), env=env)


def test_a_cookie_replayed_after_sign_out_opens_nothing(served, user: str) -> None:
    """The probe of the issue: the cookie saved before POST /logout still opened / and /calls/1."""
    client = signed_in(served, user)
    cookie = saved_cookie(client)
    assert opens_pages(served, replay(served, cookie))
    assert client.post("/logout").status_code == 302
    assert not opens_pages(served, replay(served, cookie))
    response = replay(served, cookie).get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert opens_pages(served, signed_in(served, user))  # signing in again works


def test_signing_out_ends_the_users_other_sessions_too(served, user: str) -> None:
    laptop, phone = signed_in(served, user), signed_in(served, user)
    laptop.post("/logout")
    assert not opens_pages(served, phone)


def test_a_new_password_from_the_cli_ends_sessions(served, user: str) -> None:
    client = signed_in(served, user)
    cookie = saved_cookie(client)
    result = cli(served, "users", "add", user, "--role", "qa", "--password", NEW_PASSWORD)
    assert result.exit_code == 0, result.output
    assert not opens_pages(served, client)
    assert not opens_pages(served, replay(served, cookie))
    assert sign_in(served.app.test_client(), user).status_code == 401  # the old password
    assert opens_pages(served, signed_in(served, user, NEW_PASSWORD))


def test_a_new_role_ends_sessions(served, user: str) -> None:
    client = signed_in(served, user)
    assert client.get("/manage/satisfaction").status_code == 403
    with served.sessions.begin() as session:
        add_user(session, user, "manager", PASSWORD)
    assert not opens_pages(served, client)  # not a qa session that carries on as a manager
    assert signed_in(served, user).get("/manage/satisfaction").status_code == 200


def test_disabling_a_user_ends_sessions_and_sign_in(served, user: str) -> None:
    client = signed_in(served, user)
    cookie = saved_cookie(client)
    result = cli(served, "users", "disable", user)
    assert result.exit_code == 0, result.output
    assert "disabled" in result.output
    assert not opens_pages(served, client)
    assert not opens_pages(served, replay(served, cookie))
    assert sign_in(served.app.test_client(), user).status_code == 401
    with served.sessions() as session:
        assert session.scalar(select(User.active).where(User.username == user)) is False
    # `users add` with a new password enables the account again
    assert (
        cli(served, "users", "add", user, "--role", "qa", "--password", NEW_PASSWORD).exit_code == 0
    )
    assert opens_pages(served, signed_in(served, user, NEW_PASSWORD))


def test_disabling_an_unknown_user_is_an_error(served) -> None:
    result = cli(served, "users", "disable", "nobody-here")
    assert result.exit_code != 0 and "no user 'nobody-here'" in result.output


def test_other_users_sessions_go_on(served, as_role, user: str) -> None:
    qa = as_role("qa")
    client = signed_in(served, user)
    client.post("/logout")
    cli(served, "users", "disable", user)
    assert opens_pages(served, qa)


def test_a_cookie_without_a_session_token_signs_nobody_in(served, user: str) -> None:
    """Cookies made before session tokens held the bare user id: they open nothing."""
    with served.sessions() as session:
        user_id = session.scalar(select(User.id).where(User.username == user))
    client = served.app.test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = str(user_id)
        cookie["_fresh"] = True
    assert not opens_pages(served, client)
    with client.session_transaction() as cookie:
        cookie["_user_id"] = f"{user_id}:not-the-token"
    assert not opens_pages(served, client)
