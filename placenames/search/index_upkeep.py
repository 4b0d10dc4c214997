"""The search keys kept in step with the register: rewritten in the transaction of every write.

Every write that changes a road, a place name, an alias (别名, 简称, 曾用名) or a compound - an officer's
edit, an announced rename or cancellation, an import, the demo builder's bulk load - is noted
by the store, and before it commits ``keep`` deletes the keys of the records it changed and
makes them again from the records as they now are (``gis.storage.changes``). The keys commit
or roll back with the change: a name is searchable from the moment it is committed, by every
worker, and a rolled-back write leaves no key behind.

The rows a record makes depend on that record alone (see ``key_table``):

- a road: its name's keys (``keys.of_name``), state current;
- a place name, current or cancelled, public: its name's keys (and, current, its name
  reversed), state current or retired (a cancelled name is found as such); a place of any other status or
  classification has none;
- an alias or short name still in use: the keys of that name, leading to its place;
- a former name: its normalized form and pinyin (no typo or initials keys: former names are
  matched as typed or in pinyin), leading to its place, with the day it ended;
- a compound (小区/大院): its name's keys, state current (residents ask for their compound by name).

``reindex`` makes every key again from the register (``diming search reindex``; ``diming db
upgrade`` runs it when the stored keys were made by other rules, ``keys.KEYS_VERSION``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from gis.basemap import Road
from gis.errors import Unavailable
from gis.storage import changes, utcnow
from gis.storage.model import table_of

from . import keys
from .key_table import ALIAS, BY_ALIAS, BY_FORMER, BY_NAME, COMPOUND, CURRENT, PLACE, RETIRED, ROAD, SearchIndexState, SearchKey

# The register tables the keys are made from, and the source each stands for.
FOLLOWED = {"roads": ROAD, "place_names": PLACE, "place_name_aliases": ALIAS, "compounds": COMPOUND}
KEYS = table_of(SearchKey)
CHUNK = 500


def keep(session: Session, changed: dict[str, set[int]]) -> None:
    """Rewrite the keys of the changed records (``gis.storage.changes`` calls this before a commit).

    A database not yet migrated to the keys has none to keep: the migration that adds them
    marks them to be rebuilt when the register already holds names."""
    if not inspect(session.connection()).has_table(SearchKey.__tablename__):
        return
    for table, ids in changed.items():
        source = FOLLOWED[table]
        for chunk in _chunks(sorted(ids)):
            mine = (SearchKey.source == source) & SearchKey.source_id.in_(chunk)
            changes.rewrite(session, KEYS, mine, _rows_of(source, _records(session, source, chunk)))


def reindex(store) -> dict[str, int]:
    """Make every key again from the register, in one transaction; counts of records and keys."""
    counts = {}
    with store.transaction(actor="search-index", reason="search keys rebuilt from the register") as session:
        for table, source in FOLLOWED.items():
            records = _records(session, source, None)
            counts[table.removeprefix("place_name_")] = len(records)  # roads, place_names, aliases, compounds
            counts[f"{source}_keys"] = changes.rewrite(session, KEYS, SearchKey.source == source, _rows_of(source, records))
        changes.rewrite(session, table_of(SearchIndexState), None, [{"id": 1, "keys_version": keys.KEYS_VERSION, "rebuilt_at": utcnow()}])
    store.analyze(KEYS.name)  # the planner's figures of a table just made: a prefix is an index range, not a sort of it
    return counts


def stored_version(session: Session) -> int | None:
    """The rules' version that made the stored keys (None before the migration that adds them)."""
    return session.scalar(select(SearchIndexState.keys_version).where(SearchIndexState.id == 1))


def is_current(store) -> bool:
    """Whether the stored keys were made by today's rules."""
    with store.read() as session:
        return stored_version(session) == keys.KEYS_VERSION


def ensure_current(store) -> dict[str, int] | None:
    """Rebuild the keys if other rules made them (after an upgrade); what was rebuilt, or None."""
    return None if is_current(store) else reindex(store)


def has_keys_table(store) -> bool:
    """Whether the database is at or past the migration that adds the keys (a downgrade may not be)."""
    return inspect(store.engine).has_table(SearchIndexState.__tablename__)


def require_current(store) -> None:
    """Refuse to serve names the keys do not describe (made by other rules, or never made)."""
    if not is_current(store):
        raise Unavailable(
            "搜索索引不是当前规则生成的，请先运行 diming search reindex（diming db upgrade 会自动运行）",
            "The search keys were not made by the current rules; run 'diming search reindex' first "
            "('diming db upgrade' runs it when needed)",
        )


def _records(session: Session, source: str, ids: list[int] | None) -> list:
    """The columns the keys of ``source`` records are made from (all records when ``ids`` is None)."""
    from placenames.models import PlaceName
    from placenames.numbering.models import Compound
    from placenames.registry_models import NameAlias

    columns = {
        ROAD: (Road.id, Road.name),
        COMPOUND: (Compound.id, Compound.name),
        PLACE: (PlaceName.id, PlaceName.name, PlaceName.status, PlaceName.classification, PlaceName.retired_on),
        ALIAS: (NameAlias.id, NameAlias.place_name_id, NameAlias.alias, NameAlias.kind, NameAlias.valid_to),
    }[source]
    query = select(*columns).order_by(columns[0])
    if ids is not None:
        query = query.where(columns[0].in_(ids))
    return list(session.execute(query))


def _rows_of(source: str, records: Iterable) -> Iterator[dict]:
    for record in records:
        if source in (ROAD, COMPOUND):
            yield from _keyed(
                keys.of_name(record.name),
                via=BY_NAME,
                target=source,
                target_id=record.id,
                source=source,
                source_id=record.id,
                state=CURRENT,
            )
        elif source == PLACE:
            yield from _place_rows(record)
        else:
            yield from _alias_rows(record)


def _place_rows(place) -> Iterator[dict]:
    if place.classification != "public" or place.status not in (CURRENT, RETIRED):
        return
    until = place.retired_on if place.status == RETIRED else None
    made = keys.of_name(place.name)
    if place.status == CURRENT and made:  # a kind of place alone (机场) is answered by current places
        made.append((keys.ending(place.name), keys.REVERSED))
    yield from _keyed(
        made, via=BY_NAME, target=PLACE, target_id=place.id, source=PLACE, source_id=place.id, state=place.status, until=until
    )


def _alias_rows(alias) -> Iterator[dict]:
    to_place = {"target": PLACE, "target_id": alias.place_name_id, "source": ALIAS, "source_id": alias.id}
    if alias.kind == BY_FORMER:
        yield from _keyed(keys.of_name(alias.alias, typos=False, initials=False), via=BY_FORMER, until=alias.valid_to, **to_place)
    elif alias.valid_to is None:  # an alias or short name still in use
        yield from _keyed(keys.of_name(alias.alias), via=BY_ALIAS, **to_place)


def _keyed(made: list[tuple[str, str]], **fields) -> list[dict]:
    """The rows of one name's keys (``made``: its (key, kind) pairs, the normalized name first)."""
    fields = {"state": None, "until": None, **fields}
    return [{"key": key, "kind": kind, "name_key": made[0][0], **fields} for key, kind in made]


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


changes.register(FOLLOWED, keep)
