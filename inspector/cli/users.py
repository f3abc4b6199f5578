"""`inspector users`: accounts of the review UI."""

from __future__ import annotations

import click

from inspector.cli.base import main, sessions_for, settings_for


@main.group("users")
def users_group() -> None:
    """Accounts of the review UI."""


@users_group.command("add")
@click.argument("username")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["admin", "qa_lead", "qa", "trainer", "manager", "agent"]),
)
@click.option("--agent-id", default=None, help="For agents: their id in the call metadata.")
@click.option("--team", default=None)
@click.option("--name", "display_name", default=None, help="Display name.")
@click.option(
    "--password",
    default=None,
    help=(
        "At least 12 characters or a passphrase of 3+ words; not a common password nor the "
        "user name (default: generated and printed once)."
    ),
)
@click.pass_context
def users_add_cmd(
    ctx: click.Context,
    username: str,
    role: str,
    agent_id: str | None,
    team: str | None,
    display_name: str | None,
    password: str | None,
) -> None:
    """Create a user, or reset an existing user's role and password (ending their sessions)."""
    from inspector.accounts import add_user

    settings = settings_for(ctx)
    with sessions_for(settings).begin() as session:
        _, used = add_user(session, username, role, password, agent_id, team, display_name)
    click.echo(f"user {username} ({role})" + ("" if password else f" password: {used}"))


@users_group.command("disable")
@click.argument("username")
@click.pass_context
def users_disable_cmd(ctx: click.Context, username: str) -> None:
    """Keep a user from signing in and end their sessions (`users add` enables them again)."""
    from inspector.accounts import disable_user

    settings = settings_for(ctx)
    with sessions_for(settings).begin() as session:
        disable_user(session, username)
    click.echo(f"user {username} disabled; their sessions have ended")
