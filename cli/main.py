"""Entry point and the options every command shares.

Errors of the product (``DimingError``) are printed in Chinese and English and end
the command with a non-zero exit code; nothing else is caught.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

from gis.errors import DimingError
from gis.settings import Settings

if TYPE_CHECKING:
    from gis.storage import Store


class Context:
    """What a command needs: settings, the district's deployment profile, and a Store opened on first use."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._store: Store | None = None

    @property
    def profile(self):
        from gis import profile

        return profile.of(self.settings)

    @property
    def store(self):
        if self._store is None:
            from gis.storage import Store

            self._store = Store(self.settings.database_url, pool_size=self.settings.pool_size)
        return self._store


class DimingGroup(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except DimingError as exc:
            click.echo(f"错误 Error [{exc.code}]: {exc.zh} / {exc.en}", err=True)
            if exc.details is not None:
                click.echo(json.dumps(exc.details, ensure_ascii=False, indent=2, default=str), err=True)
            sys.exit(2 if exc.http_status < 500 else 1)


@click.group(cls=DimingGroup)
@click.option("--db", "database_url", envvar="DIMING_DATABASE_URL", help="Database URL or .gpkg path (default: var/diming.gpkg).")
@click.pass_context
def main(ctx: click.Context, database_url: str | None) -> None:
    """diming 地名 — place names, door numbers and community boundaries."""
    ctx.obj = Context(Settings.from_env(database_url=database_url))
    if ctx.invoked_subcommand != "profile":  # ``diming profile check`` must work while the profile is bad
        _ = ctx.obj.profile  # a bad DIMING_PROFILE stops every other command here with a message (exit 2)


def register_commands() -> None:
    from cli import audit_commands, backup_commands, data_commands, db_commands, serve_command, users_commands

    main.add_command(db_commands.db)
    main.add_command(users_commands.users)
    main.add_command(audit_commands.audit)
    for command in data_commands.COMMANDS + backup_commands.COMMANDS:
        main.add_command(command)
    main.add_command(serve_command.serve)
    from cli import numbers_commands

    main.add_command(numbers_commands.numbers)
    from cli import certificate_command

    numbers_commands.numbers.add_command(certificate_command.certificate)
    from cli import names_commands

    main.add_command(names_commands.names)
    from cli import names_print_command

    names_commands.names.add_command(names_print_command.print_command)
    main.add_command(numbers_commands.signs)
    from cli import redistricting_commands

    main.add_command(redistricting_commands.redistrict)
    from cli import boundaries_commands

    for command in boundaries_commands.COMMANDS:
        main.add_command(command)
    from cli import units_commands

    for command in units_commands.COMMANDS:
        main.add_command(command)

    from cli import boundary_documents_commands

    boundary_documents_commands.attach(boundaries_commands.boundaries, boundaries_commands.inspections)
    from cli import profile_commands

    for command in profile_commands.COMMANDS:
        main.add_command(command)
    from cli import search_commands

    for command in search_commands.COMMANDS:
        main.add_command(command)


register_commands()
