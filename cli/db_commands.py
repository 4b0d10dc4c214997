"""``diming db``: schema migrations."""

from __future__ import annotations

import click

from gis.storage import migrate


@click.group()
def db() -> None:
    """Database schema: upgrade, downgrade, current revision."""


@db.command()
@click.argument("revision", default="heads")
@click.pass_obj
def upgrade(obj, revision: str) -> None:
    """Migrate the database up to REVISION (default: every head)."""
    migrate.upgrade(obj.store, revision)
    click.echo(f"database at revision {migrate.current(obj.store)}")


@db.command()
@click.argument("revision")
@click.pass_obj
def downgrade(obj, revision: str) -> None:
    """Migrate the database down to REVISION ('base' removes everything)."""
    migrate.downgrade(obj.store, revision)
    click.echo(f"database at revision {migrate.current(obj.store) or 'base'}")


@db.command()
@click.pass_obj
def current(obj) -> None:
    """Print the current revision."""
    click.echo(migrate.current(obj.store) or "base")
