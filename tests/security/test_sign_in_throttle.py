"""Issue 18 item 3: sign-in is throttled per account as well as per address, with a growing lock
and an audit entry, and the CSRF token changes at sign-in."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from inspector import accounts
from inspector.accounts import add_user
from inspector.store.models import AuditEntry, SignInFailure
from tests.security.conftest import fresh_address, sign_in
from tests.web.conftest import PASSWORD

_names = itertools.count(1)
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def user(served) -> str:
    name = f"throttled{next(_names)}"
    with served.sessions.begin() as session:
        add_user(session, name, "qa", PASSWORD)
    return name


def attempt(served, username: str, password: str, address: dict[str, str] | None = None):
    return served.app.test_client().post(
        "/login",
        data={"username": username, "password": password},
        environ_base=address or fresh_address(),
    )


def throttled_entries(served, username: str) -> list[AuditEntry]:
    with served.sessions() as session:
        return list(
            session.scalars(
                select(AuditEntry).where(
                    AuditEntry.action == "sign_in.throttled", AuditEntry.entity_id == username
                )
            )
        )


def unlock(served, username: str) -> None:
    """As if the lock had run out."""
    with served.sessions.begin() as session:
        session.execute(
            update(SignInFailure)
            .where(SignInFailure.username == username)
            .values(locked_until=datetime.now(UTC) - timedelta(seconds=1))
        )


def test_failures_from_many_addresses_lock_the_account(served, user: str) -> None:
    """The probe of the issue: 40 failures from four addresses, then the right password from a
    fifth, signed in."""
    addresses = [fresh_address() for _ in range(5)]
    codes = [
        attempt(served, user, f"wrong guess {n}", addresses[n % 4]).status_code for n in range(40)
    ]
    assert codes[: accounts.FREE_FAILURES] == [401] * accounts.FREE_FAILURES
    assert set(codes[accounts.FREE_FAILURES :]) == {429}
    client = served.app.test_client()
    response = client.post(
        "/login", data={"username": user, "password": PASSWORD}, environ_base=addresses[4]
    )
    assert response.status_code == 429
    assert client.get("/").status_code == 302  # not signed in
    assert int(response.headers["Retry-After"]) > 0
    assert "请" in response.get_data(as_text=True) and "分钟后再试" in response.get_data(
        as_text=True
    )
    entries = throttled_entries(served, user)
    assert len(entries) == 1  # refused attempts during a lock neither count nor add entries
    assert entries[0].user_id is not None
    assert entries[0].after["failures"] == accounts.FREE_FAILURES
    assert entries[0].after["address"] in {a["REMOTE_ADDR"] for a in addresses}


def test_the_right_password_during_a_lock_does_not_sign_in(served, user: str) -> None:
    for n in range(accounts.FREE_FAILURES):
        attempt(served, user, f"wrong {n}")
    client = served.app.test_client()
    response = client.post(
        "/login", data={"username": user, "password": PASSWORD}, environ_base=fresh_address()
    )
    assert response.status_code == 429
    assert client.get("/").status_code == 302  # still signed out


def test_after_the_lock_each_failure_locks_again_for_longer(served, user: str) -> None:
    for n in range(accounts.FREE_FAILURES):
        attempt(served, user, f"wrong {n}")
    unlock(served, user)
    assert attempt(served, user, "wrong again").status_code == 401
    assert attempt(served, user, PASSWORD).status_code == 429
    entries = throttled_entries(served, user)
    first, second = (
        datetime.fromisoformat(e.after["locked_until"]) - e.at.astimezone(UTC) for e in entries
    )
    assert first < second
    unlock(served, user)
    assert attempt(served, user, PASSWORD).status_code == 302  # the lock ran out
    with served.sessions() as session:
        assert session.get(SignInFailure, user) is None  # success forgets the failures


def test_a_new_password_lifts_the_lock(served, user: str) -> None:
    for n in range(accounts.FREE_FAILURES):
        attempt(served, user, f"wrong {n}")
    with served.sessions.begin() as session:
        add_user(session, user, "qa", "another horse 2")
    assert attempt(served, user, "another horse 2").status_code == 302


def test_unknown_names_are_throttled_alike(served) -> None:
    """A lock reveals nothing: names that exist and names that do not answer the same."""
    codes = [attempt(served, "no-such-user", f"guess {n}").status_code for n in range(8)]
    assert codes == [401] * accounts.FREE_FAILURES + [429] * 3
    entries = throttled_entries(served, "no-such-user")
    assert len(entries) == 1 and entries[0].user_id is None


def test_other_accounts_are_not_locked(served, user: str) -> None:
    for n in range(accounts.FREE_FAILURES + 3):
        attempt(served, user, f"wrong {n}")
    assert sign_in(served.app.test_client(), "qa").status_code == 302


@pytest.mark.parametrize(
    ("failures", "lock"),
    [
        (1, None),
        (accounts.FREE_FAILURES - 1, None),
        (accounts.FREE_FAILURES, accounts.FIRST_LOCK),
        (accounts.FREE_FAILURES + 1, accounts.FIRST_LOCK * 2),
        (accounts.FREE_FAILURES + 3, accounts.FIRST_LOCK * 8),
        (accounts.FREE_FAILURES + 10, accounts.MAX_LOCK),
        (accounts.FREE_FAILURES + 500, accounts.MAX_LOCK),
    ],
)
def test_the_lock_doubles_up_to_a_limit(served, failures: int, lock: timedelta | None) -> None:
    name = f"backoff{next(_names)}"
    with served.sessions.begin() as session:
        locks = [
            accounts.record_failure(session, name, "10.0.0.1", T0 + timedelta(hours=2 * n))
            for n in range(failures)
        ]
        last = T0 + timedelta(hours=2 * (failures - 1))
        assert locks[-1] == lock
        assert accounts.locked_for(session, name, last) == lock
        if lock is not None:
            half = last + lock / 2
            assert accounts.locked_for(session, name, half) == lock / 2
            assert accounts.locked_for(session, name, last + lock) is None
        accounts.record_success(session, name)
        assert accounts.locked_for(session, name, last) is None


def test_failures_are_forgotten_after_a_quiet_day(served) -> None:
    name = f"forgotten{next(_names)}"
    with served.sessions.begin() as session:
        for n in range(accounts.FREE_FAILURES - 1):
            accounts.record_failure(session, name, None, T0 + timedelta(minutes=n))
        later = T0 + accounts.FORGET_AFTER + timedelta(hours=1)
        assert accounts.record_failure(session, name, None, later) is None
        assert session.get(SignInFailure, name).failures == 1


def test_the_csrf_token_changes_at_sign_in(served, user: str, monkeypatch) -> None:
    """The token of the signed-out sign-in page no longer works once signed in."""
    monkeypatch.setitem(served.app.config, "WTF_CSRF_ENABLED", True)
    client = served.app.test_client()
    page = client.get("/login").get_data(as_text=True)
    before = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(
        "/login",
        data={"username": user, "password": PASSWORD, "csrf_token": before},
        environ_base=fresh_address(),
    )
    assert response.status_code == 302
    assert client.post("/logout", data={"csrf_token": before}).status_code == 400
    page = client.get("/").get_data(as_text=True)
    after = page.split('name="csrf-token" content="')[1].split('"')[0]
    assert after != before
    assert client.post("/logout", data={"csrf_token": after}).status_code == 302
