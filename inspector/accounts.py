"""User accounts: creation with a hashed password under the password policy, and the demo's one
user per role."""

from __future__ import annotations

import functools
import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from core.errors import ConfigError
from inspector.store.models import User, UserRole

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
    user.role = role_value.value
    user.password_hash = generate_password_hash(password)
    user.agent_id = agent_id
    user.team = team
    user.display_name = display_name
    user.active = True
    session.flush()
    return user, password


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
