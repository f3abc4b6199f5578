"""The `inspector` click group, the settings and sessions every command uses, and the commands
about the settings themselves (init, config)."""

from __future__ import annotations

import json
import logging
import os

import click
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from core.errors import InspectorError
from inspector.settings import Settings, as_dict, ensure_instance_secrets, load_settings
from inspector.store.database import make_engine, make_session_factory, upgrade

log = logging.getLogger("inspector")


class CountType(click.ParamType):
    """A process or thread count on the command line: a whole number >= 1, or auto."""

    name = "N|auto"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None):
        if isinstance(value, int) or value == "auto":
            return value
        text = str(value).strip().lower()
        if text == "auto":
            return "auto"
        if text.isdigit() and int(text) >= 1:
            return int(text)
        self.fail(f'{value!r} is not a whole number >= 1 or "auto"', param, ctx)


COUNT = CountType()


def settings_for(ctx: click.Context, **overrides: object) -> Settings:
    """Settings from the group options, prepared for use (secrets, data dir, schema)."""
    settings = load_settings(ctx.obj["config"], os.environ, **overrides)
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    settings = ensure_instance_secrets(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database)
    upgrade(engine)
    engine.dispose()
    return settings


_engines: dict[str, Engine] = {}


def sessions_for(settings: Settings) -> sessionmaker[Session]:
    """Sessions on the settings' database: one engine per command, closed when it ends."""
    engine = _engines.get(settings.database)
    if engine is None:
        engine = _engines[settings.database] = make_engine(settings.database)
    return make_session_factory(engine)


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except InspectorError as exc:
            raise click.ClickException(str(exc)) from exc
        finally:
            while _engines:
                _engines.popitem()[1].dispose()


@click.group(cls=_Group)
@click.option(
    "--config",
    "config",
    type=click.Path(dir_okay=False),
    default=None,
    help="TOML settings file (also INSPECTOR_CONFIG).",
)
@click.pass_context
def main(ctx: click.Context, config: str | None) -> None:
    """Hotline Inspector: quality inspection and satisfaction for call recordings."""
    ctx.ensure_object(dict)
    ctx.obj["config"] = config


@main.command("init")
@click.pass_context
def init_cmd(ctx: click.Context) -> None:
    """Create the data directory, its secrets and the database schema."""
    settings = settings_for(ctx)
    click.echo(f"data directory {settings.data_dir.resolve()} ready; database at head")


@main.command("config")
@click.pass_context
def config_cmd(ctx: click.Context) -> None:
    """Print the effective settings (secrets masked)."""
    settings = load_settings(ctx.obj["config"], os.environ)
    click.echo(json.dumps(as_dict(settings), indent=2, ensure_ascii=False, default=str))


def date_range(settings: Settings, start: str | None, end: str | None):
    from inspector.batch.manifest import parse_range

    try:
        return parse_range(start, end, settings.tz)
    except ValueError as exc:
        raise click.BadParameter(f"{exc}: use YYYY-MM-DD", param_hint="--from/--to") from exc
