"""``diming db``: schema migrations, and the partitions of door plates and names by district."""

from __future__ import annotations

import json

import click

from gis.storage import migrate
from gis.storage import partitions as storage_partitions


@click.group()
def db() -> None:
    """Database schema: upgrade, downgrade, current revision, partitions."""


@db.command()
@click.argument("revision", default="heads")
@click.pass_obj
def upgrade(obj, revision: str) -> None:
    """Migrate the database up to REVISION (default: every head); then rebuild the search keys
    of names if the rules that make them changed."""
    migrate.upgrade(obj.store, revision)
    click.echo(f"database at revision {migrate.current(obj.store)}")
    _search_keys_current(obj.store)


def _search_keys_current(store) -> None:
    from placenames.search import index_upkeep

    if index_upkeep.has_keys_table(store):
        rebuilt = index_upkeep.ensure_current(store)
        if rebuilt is not None:
            click.echo("search keys rebuilt: " + ", ".join(f"{name} {count}" for name, count in rebuilt.items()))


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


@db.command()
@click.option(
    "--add", "district", metavar="CODE", help="Give district CODE (6 digits) partitions of its own, moving its rows out of DEFAULT."
)
@click.option("--json", "as_json", is_flag=True, help="Print the partitions as JSON.")
@click.pass_obj
def partitions(obj, district: str | None, as_json: bool) -> None:
    """PostgreSQL partitions of door plates and place names by district (docs/operations.md)."""
    if district:
        made = storage_partitions.add_store_district(obj.store, district)
        click.echo(f"district {district}: " + (", ".join(made) if made else "has its partitions already"))
    found = storage_partitions.store_partitions(obj.store)
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    if not found:
        click.echo("no partitions (SQLite keeps every district in one table)" if obj.store.dialect == "sqlite" else "no partitioned tables")
    for entry in found:
        waiting = entry.get("districts") or {}
        extra = f"  waiting: {', '.join(f'{code} ({n})' for code, n in waiting.items())}" if waiting else ""
        click.echo(f"{entry['table']:<12} {entry['district']:<8} {entry['partition']:<22} {entry['rows']:>10} rows{extra}")
