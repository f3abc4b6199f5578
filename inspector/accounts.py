"""User accounts: creation with a hashed password under the password policy, disabling, the
sessions a user may hold, the per-account sign-in throttle, and the demo's one user per role."""

from __future__ import annotations

import functools
import hmac
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from core.errors import ConfigError
from inspector.store.models import (
    AuditEntry,
    SignInFailure,
    User,
    UserRole,
    new_session_token,
    utcnow,
)

MIN_LENGTH = 12
#: a passphrase: at least this many words (of two or more characters) between spaces or dashes
PASSPHRASE_WORDS = 3
#: zxcvbn's score (0-4) a password must reach: 3 = "safely unguessable" against online attacks
#: and a slow hash offline
MIN_STRENGTH = 3
POLICY = (
    f"Use at least {MIN_LENGTH} characters, or a passphrase of {PASSPHRASE_WORDS} or more words "
    "(e.g. 'correct horse battery'); not a common password, not the user name."
)
_WORD_SPLIT = re.compile(r"[\s\-_.,;:]+")

#: failed sign-ins in a row (from any address) that one user name allows before it is locked
FREE_FAILURES = 5
#: the first lock; every failure after it doubles the next one, up to MAX_LOCK
FIRST_LOCK = timedelta(minutes=1)
MAX_LOCK = timedelta(hours=1)
#: a name's failures are forgotten after this long without another one
FORGET_AFTER = timedelta(days=1)


def add_user(
    session: Session,
    username: str,
    role: str,
    password: str | None = None,
    agent_id: str | None = None,
    team: str | None = None,
    display_name: str | None = None,
) -> tuple[User, str]:
    """Create a user (or reset an existing one's role and password); returns it and the password."""
    try:
        role_value = UserRole(role)
    except ValueError:
        raise ConfigError(f"role {role!r}: one of {', '.join(r.value for r in UserRole)}") from None
    if not username.strip():
        raise ConfigError("a user needs a name")
    if role_value == UserRole.AGENT and not agent_id:
        raise ConfigError("an agent account needs --agent-id (the id in the call metadata)")
    password = password or generate_password(username)
    problems = password_problems(password, username)
    if problems:
        raise ConfigError(f"password refused: {'; '.join(problems)}. {POLICY}")
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        user = User(username=username, password_hash="", role=role_value.value)
        session.add(user)
    else:  # a new password (and perhaps role): sessions signed in with the old one end
        end_sessions(user)
        session.execute(delete(SignInFailure).where(SignInFailure.username == _key(username)))
    user.role = role_value.value
    user.password_hash = generate_password_hash(password)
    user.agent_id = agent_id
    user.team = team
    user.display_name = display_name
    user.active = True
    session.flush()
    return user, password


def disable_user(session: Session, username: str) -> User:
    """Keep a user from signing in and end their sessions (`add_user` enables them again)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise ConfigError(f"no user {username!r}")
    user.active = False
    end_sessions(user)
    session.flush()
    return user


def end_sessions(user: User) -> None:
    """A new session token: every session cookie the user holds stops signing them in."""
    user.session_token = new_session_token()


def session_id(user: User) -> str:
    """What a session cookie holds: the user's id and current session token."""
    return f"{user.id}:{user.session_token}"


def session_user(session: Session, value: str) -> User | None:
    """The active user a session cookie's id names, if its token is still theirs."""
    user_id, _, token = value.partition(":")
    if not user_id.isdecimal() or not token:
        return None  # a cookie from before session tokens
    user = session.get(User, int(user_id))
    if user is None or not user.active or not user.session_token:
        return None
    return user if hmac.compare_digest(token.encode(), user.session_token.encode()) else None


def check_credentials(session: Session, username: str, password: str) -> User | None:
    """The active user with this name and password, else None (as slow either way)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        check_password_hash(_dummy_hash(), password)  # an unknown name takes as long
        return None
    return user if check_password_hash(user.password_hash, password) and user.active else None


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_urlsafe(16))


def _key(username: str) -> str:
    return username[:64]


def locked_for(session: Session, username: str, now: datetime | None = None) -> timedelta | None:
    """How long sign-ins under this name are still refused, or None when they are not."""
    now = now or utcnow()
    row = session.get(SignInFailure, _key(username))
    if row is None or row.locked_until is None or row.locked_until <= now:
        return None
    return row.locked_until - now


def record_failure(
    session: Session, username: str, address: str | None, now: datetime | None = None
) -> timedelta | None:
    """Count a failed sign-in under this name; the lock it starts (audited), if any.

    Known and unknown names are counted alike, so the lock tells nobody which names exist.
    """
    now = now or utcnow()
    session.execute(delete(SignInFailure).where(SignInFailure.last_failure_at < now - FORGET_AFTER))
    row = session.get(SignInFailure, _key(username), with_for_update=True)
    if row is None:
        row = SignInFailure(username=_key(username), failures=0)
        session.add(row)
    row.failures += 1
    row.last_failure_at = now
    if row.failures < FREE_FAILURES:
        return None
    doublings = min(row.failures - FREE_FAILURES, 16)  # past MAX_LOCK long before 2**16
    lock = min(FIRST_LOCK * 2**doublings, MAX_LOCK)
    row.locked_until = now + lock
    user = session.scalar(select(User).where(User.username == username))
    session.add(
        AuditEntry(
            user_id=user.id if user else None,
            action="sign_in.throttled",
            entity="user",
            entity_id=_key(username),
            after={
                "failures": row.failures,
                "locked_until": row.locked_until.isoformat(),
                "address": address,
            },
        )
    )
    session.flush()
    return lock


def record_success(session: Session, username: str) -> None:
    """A successful sign-in clears the name's failures."""
    session.execute(delete(SignInFailure).where(SignInFailure.username == _key(username)))


def is_passphrase(password: str) -> bool:
    """Several words: the length rule yields to them, the strength rule does not."""
    words = [w for w in _WORD_SPLIT.split(password) if len(w) >= 2]
    return len({w.lower() for w in words}) >= PASSPHRASE_WORDS


def password_problems(password: str, username: str = "") -> list[str]:
    """Why a password breaks the policy (empty when it is acceptable)."""
    from zxcvbn import zxcvbn

    problems = []
    if len(password) < MIN_LENGTH and not is_passphrase(password):
        problems.append(f"it is shorter than {MIN_LENGTH} characters and not a passphrase")
    name = username.strip().lower()
    folded = password.lower()
    if name and (folded == name or (len(name) >= 3 and name in folded)):
        problems.append("it contains the user name")
    bare = re.sub(r"[\W_]+", "", folded)  # "Password1234!" is "password1234"
    if folded in _common() or bare in _common():
        problems.append("it is one of the commonest passwords")
    elif not problems:
        result = zxcvbn(password[:100], user_inputs=[name] if name else [])
        if result["score"] < MIN_STRENGTH:
            warning = result["feedback"]["warning"] or "a predictable pattern"
            problems.append(f"it is easy to guess ({warning.rstrip('.')})")
    return problems


@functools.cache
def _common() -> frozenset[str]:
    """The 30,000 commonest passwords of leaked lists, as zxcvbn ships them."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def generate_password(username: str = "") -> str:
    """A random password that meets the policy (16 URL-safe characters)."""
    while True:
        password = secrets.token_urlsafe(12)
        if not password_problems(password, username):
            return password


#: the demo's accounts: one per role (the agent is A1001 of the bundled calls)
DEMO_USERS = [
    ("admin", "admin", None),
    ("lead", "qa_lead", None),
    ("qa", "qa", None),
    ("trainer", "trainer", None),
    ("manager", "manager", None),
    ("agent", "agent", "A1001"),
]


def demo_users(session: Session) -> list[tuple[str, str, str]]:
    """(username, role, password) for each demo account, with fresh random passwords."""
    out = []
    for username, role, agent_id in DEMO_USERS:
        _, password = add_user(session, username, role, agent_id=agent_id)
        out.append((username, role, password))
    return out
