"""User accounts: creation with a hashed password, and the demo's one user per role."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from core.errors import ConfigError
from inspector.store.models import User, UserRole


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
    password = password or secrets.token_urlsafe(9)
    if len(password) < 8:
        raise ConfigError("a password needs at least 8 characters")
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
