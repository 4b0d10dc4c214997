"""``diming search``: the search index of names, in the database."""

from __future__ import annotations

import click


@click.group()
def search() -> None:
    """The search index of names (search_keys): rebuild it from the register."""


@search.command()
@click.pass_obj
def reindex(obj) -> None:
    """Make the search keys of every road, place name and alias again from the register.

    Every write keeps the keys as it goes, so this is needed only after the rules that make them
    changed (``diming db upgrade`` runs it then) or after names were written around diming."""
    from placenames.search import index_upkeep

    counts = index_upkeep.reindex(obj.store)
    click.echo("search keys rebuilt: " + ", ".join(f"{name} {count}" for name, count in counts.items()))


COMMANDS = [search]
