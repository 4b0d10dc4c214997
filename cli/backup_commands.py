"""``diming backup`` and ``diming restore``."""

from __future__ import annotations

import click

from gis.storage import backup as backups


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@click.pass_obj
def backup(obj, path) -> None:
    """Write a consistent backup of the whole database to PATH (pg_dump file or GeoPackage copy)."""
    backups.backup(obj.store, path)
    click.echo(f"backup written to {path}")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def restore(obj, path, yes) -> None:
    """Replace the database's contents with the backup at PATH."""
    if not yes:
        click.confirm(f"Replace everything in {obj.settings.database_url} with {path}?", abort=True)
    backups.restore(obj.store, path)
    click.echo(f"restored {path}")


COMMANDS = [backup, restore]
