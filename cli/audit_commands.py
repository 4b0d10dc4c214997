"""``diming audit``: the append-only change log."""

from __future__ import annotations

import datetime as dt

import click

import accounts.models  # noqa: F401  (declares the secret columns the export masks)
from gis.storage import audit_export


@click.group()
def audit() -> None:
    """The audit log of every change to registered data."""


@audit.command("export")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]), help="Only entries from this date (UTC).")
@click.option("--table", help="Only changes of this table (e.g. roads, door_plates).")
@click.pass_obj
def export(obj, path, since, table) -> None:
    """Write the audit log to PATH (.jsonl or .csv) for archiving."""
    since_utc = since.replace(tzinfo=dt.UTC) if since else None
    count = audit_export.export(obj.store, path, since=since_utc, table=table)
    click.echo(f"exported {count} audit entries to {path}")
