"""The names of the register as search finds them, read from ``search_keys`` at each query.

Roads, place names, their aliases, former and cancelled names are not copied into the
workers: a query looks its keys up in the database (``key_table``, kept in the transaction of
every write by ``index_upkeep``) and reads the few records they lead to. A name is found as
soon as it is committed, by every worker, and a worker's memory does not grow with the
register. Units (subdistricts, communities) stay in the worker (``gazetteer``): search needs
their polygons for every answer, and they grow with the communities, not with the names.

Each key row says only what its own record says; how records bear on each other is decided
here, when they are read, by the rules the in-memory index applied when it was built:

- a road is found by its name; when the register holds its name only as cancelled (a retired
  public place name of that name and no current one) the road is a cancelled name: found as
  such, not as a current name;
- a current public place name with a location is found by its name, its aliases and short
  names - unless a road or a unit bears that name, which is then what is found;
- a cancelled public name is found as cancelled: the road, if it is the road's name, else the
  cancelled record itself;
- a former name finds what bears the current name (the place, else the road or unit of that
  name), or the cancelled record when the name was cancelled since;
- a compound (小区/大院) is found by its name, at its door plate (its address), or inside its
  outline before it is numbered.

Which of several equal answers comes first follows the order the in-memory index listed them
in: units, then roads, then places, each by id, then aliases by id.

A query asks about the same names many times while it takes a query's wording apart, so a
``NameReading`` holds one session and everything read so far for one query (``NameIndex.reading``).
"""

from __future__ import annotations

import bisect
import contextlib
import contextvars
import datetime as dt
import functools
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from gis.basemap import Road
from placenames.models import PlaceName
from placenames.registry_models import NameAlias

from . import keys, spellings
from . import name_statements as sql
from .distances import planar_distance
from .key_table import BY_FORMER, BY_NAME, COMPOUND, CURRENT, PLACE, RETIRED, ROAD
from .name_statements import IN_CHUNK, LATIN_KINDS, PREFETCH_ROWS
from .normalize import normalize

if TYPE_CHECKING:
    from .gazetteer import CompoundBuildings, Entry, Gazetteer, HistoricName, Where


@functools.lru_cache(maxsize=8192)
def name_key(name: str) -> str:
    """A record's name normalized, as its keys were made (a few thousand kept: the same names
    are read query after query, and normalizing is most of the cost of reading one)."""
    return normalize(name)


_READING: contextvars.ContextVar[NameReading | None] = contextvars.ContextVar("search_name_reading", default=None)


@dataclass(frozen=True)
class Street:
    """A road as its door plates show it: its name, whether that name was cancelled, and when."""

    name: str
    retired: bool
    retired_on: dt.date | None
    spelling: str  # in Latin letters (``spellings.of_road``)


@dataclass(frozen=True)
class KeyRow:
    key: str
    kind: str
    name_key: str
    via: str
    target: str
    target_id: int
    source_id: int
    state: str | None
    until: dt.date | None

    @property
    def listed(self) -> tuple[int, int]:
        """Where the in-memory index listed what this row finds: roads, places, (compounds,) then aliases, by id."""
        if self.via == BY_NAME:
            return ({ROAD: 0, PLACE: 1}.get(self.target, 2), self.target_id)  # compounds after places
        return (3, self.source_id)


class NameIndex:
    """The names of ``gazetteer``'s store, looked up in the database (units from the gazetteer)."""

    def __init__(self, store, gazetteer: Gazetteer):
        self.store = store
        self.gazetteer = gazetteer

    @contextlib.contextmanager
    def reading(self) -> Iterator[NameReading]:
        """The reading of the query under way, or a new one for the length of the block."""
        current = _READING.get()
        if current is not None and current.index is self:
            yield current
            return
        with self.store.read(public=True) as session:
            reading = NameReading(self, session)
            token = _READING.set(reading)
            try:
                yield reading
            finally:
                _READING.reset(token)

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """The session of the query under way (one connection for all its reads), or a new one."""
        with self.reading() as reading:
            yield reading.session


class NameReading:
    """One query's reads of the names index: its session, and every key, record and entry it has
    read, so that each is asked of the database once."""

    def __init__(self, index: NameIndex, session: Session):
        self.index = index
        self.g = index.gazetteer
        self.session = session
        self._connection = session.connection()  # statements run on it directly: the ORM adds nothing to plain columns
        self._rows: dict[tuple[str, str], list[KeyRow]] = {}  # (kind group, key) -> rows
        self._ranges: dict[tuple[tuple[str, ...], str], list[KeyRow]] = {}  # (kinds, prefix) -> every row beginning so
        self._places: dict[int, Any] = {}  # id -> row of PLACE_COLUMNS, or None
        self._roads: dict[int, Any] = {}  # id -> row of ROAD_COLUMNS, or None
        self._aliases: dict[int, Any] = {}
        self._compounds: dict[int, Any] = {}  # id -> row of sql.COMPOUNDS_BY_IDS, or None
        self._road_names: dict[int, str] = {}
        self._road_district: dict[int, str] = {}
        self._road_spelling: dict[int, str] = {}
        self._entries: dict[tuple[str, int], Entry | None] = {}
        self._where: dict[tuple[str, int], Where] = {}  # where each road and place read stands
        self._historic: dict[tuple[str, int], HistoricName | None] = {}

    # --- what the engine asks ------------------------------------------------------------

    def prime(self, names: Iterable[str]) -> None:
        """Read the keys of all these names at once (a query's substrings, before they are asked one by one)."""
        self._prepare(row for rows in self._exact(keys.NAME, names).values() for row in rows)

    def current(self, key: str) -> list[Entry]:
        """What bears the current name ``key``: units, roads, places, places by an alias."""
        units = list(self.g.unit_index.names.get(key, ()))
        rows = self._exact(keys.NAME, [key])[key]
        self._prepare(rows)
        return units + [e for e in (self._current_of(r) for r in sorted(rows, key=lambda r: r.listed)) if e is not None]

    def history(self, key: str) -> list[HistoricName]:
        """Former and cancelled names ``key``: cancelled ones first, then former ones."""
        rows = self._exact(keys.NAME, [key])[key]
        self._prepare(rows)
        return self._historic_of_rows(rows)

    def road(self, key: str) -> Entry | None:
        """The road (of those) named ``key``, current or cancelled: the one listed last."""
        ids = self.road_ids(key)
        return self._road_entry(ids[-1]) if ids else None

    def road_ids(self, key: str) -> tuple[int, ...]:
        """The ids of the roads named ``key``."""
        return tuple(sorted({r.target_id for r in self._own_names(key) if r.target == ROAD}))

    def former_road(self, key: str) -> HistoricName | None:
        """The first former name ``key`` that leads to a road."""
        rows = [r for r in self._exact(keys.NAME, [key])[key] if r.via == BY_FORMER]
        self._prepare(rows)
        return next((h for h in self._historic_of_rows(rows) if h.entry.kind == "road"), None)

    def by_sound(self, key: str, kind: str) -> list[Entry]:
        """Current names whose pinyin (``keys.PINYIN``) or initials (``keys.INITIALS``) are ``key``."""
        units = list((self.g.unit_index.pinyin_full if kind == keys.PINYIN else self.g.unit_index.pinyin_initials).get(key, ()))
        rows = [r for r in self._exact(keys.PINYIN, [key])[key] if r.kind == kind]
        self._prepare(rows)
        return units + [e for e in (self._current_of(r) for r in sorted(rows, key=lambda r: r.listed)) if e is not None]

    def history_by_sound(self, key: str) -> list[HistoricName]:
        """Former and cancelled names whose pinyin is ``key``."""
        rows = [r for r in self._exact(keys.PINYIN, [key])[key] if r.kind == keys.PINYIN]
        self._prepare(rows)
        return self._historic_of_rows(rows)

    def similar_names(self, key: str) -> set[str]:
        """Current names one edit (insert, delete, substitute) away from ``key``."""
        variants = keys.deletions(key)
        found = self.g.unit_index.similar(key)
        by_deletion = self._exact(keys.DELETION, [key, *variants])
        found |= {r.name_key for rows in by_deletion.values() for r in rows}
        found |= {variant for variant, rows in self._exact(keys.NAME, variants).items() if rows}
        found = {name for name in found if name != key and keys.one_edit_apart(name, key)}
        self.prime(found)
        return {name for name in found if self.current(name)}

    def prefixed(self, prefix: str, latin: bool, cap: int, keep: Callable[[str], bool] | None = None) -> list[tuple[str, Entry]]:
        """Up to ``cap`` (key, entry) pairs of current names whose key (normalized name, or
        pinyin and initials when ``latin``) begins with ``prefix``, in key order, each entry
        once, at its first key. ``keep`` skips names whose first key it refuses before their
        entries are read (a filter the caller applies to the keys anyway)."""
        pairs = [(key, e, (-1, position)) for position, (key, e) in enumerate(self.g.unit_index.prefixed(prefix, latin, cap))]
        kinds = LATIN_KINDS if latin else (keys.NAME,)
        seen: set[tuple[str, int]] = set()
        for page in self._pages(kinds, prefix, cap):
            rows = []
            for r in page:  # a record's first key is the one it is listed under (all its keys find the same entry)
                if r.via == BY_FORMER or (r.via == BY_NAME and r.state != CURRENT):
                    continue
                if (r.target, r.target_id) not in seen:
                    seen.add((r.target, r.target_id))
                    if keep is None or keep(r.key):
                        rows.append(r)
            found = len({(e.kind, e.id) for _, e, _ in pairs})
            while rows and found < cap:  # in key order, no more entries made than the cap needs
                chunk, rows = rows[: cap - found + 8], rows[cap - found + 8 :]
                self._prepare(chunk)
                pairs += [(r.key, entry, r.listed) for r in chunk if (entry := self._current_of(r)) is not None]
                found = len({(e.kind, e.id) for _, e, _ in pairs})
            if found >= cap:
                break
        return _first_of_each(sorted(pairs, key=lambda p: (p[0], p[2])), cap)

    def slipped_beginnings(self, body: str, cap: int, keep: Callable[[str], bool]) -> list[tuple[str, Entry]]:
        """(key, entry) pairs of current names that begin with ``body``'s first character and
        whose beginning may be one typing slip from ``body`` (``keep`` decides), in key order,
        each entry once. Found by index probes of the stored deletion keys (``keys``), so the
        cost follows the query, not how many names share its first character:

        - one character of ``body`` changed: a name less that character begins with ``body``
          less it (a deletion key);
        - one character too many in ``body``: the name begins with ``body`` less it (a name key);
        - one character left out of ``body``: a deletion of the name begins with ``body``;
        - a road name one character changed before a number (子均路1): the name less that
          character is a prefix of ``body`` less it (deletion keys looked up exactly).

        Each range reads at most ``cap`` rows."""
        first = body[:1]
        units = [(k, e, (-1, i)) for i, (k, e) in enumerate(self.g.unit_index.prefixed(first, False, cap)) if keep(k)]
        less_one = sorted({body[:i] + body[i + 1 :] for i in range(1, len(body))})
        rows: list[KeyRow] = []
        for prefix in less_one:  # a single character: every name beginning with it is one slip away already
            rows += self._range((keys.NAME,) if len(prefix) == 1 else (keys.NAME, keys.DELETION), prefix, cap)
        rows += self._range((keys.DELETION,), body, cap)
        shorter = {part[:i] + part[i + 1 :] for length in range(2, len(body)) for part in (body[:length],) for i in range(1, length)}
        rows += [r for found in self._exact(keys.DELETION, shorter).values() for r in found]
        wanted: dict[tuple[str, int], KeyRow] = {}
        for r in sorted(rows, key=lambda r: (r.name_key, r.listed)):
            if r.via == BY_FORMER or (r.via == BY_NAME and r.state != CURRENT) or not r.name_key.startswith(first):
                continue
            if (r.target, r.target_id) not in wanted and keep(r.name_key):
                wanted[(r.target, r.target_id)] = r
        chosen = list(wanted.values())
        self._prepare(chosen)
        pairs = units + [(r.name_key, entry, r.listed) for r in chosen if (entry := self._current_of(r)) is not None]
        return _first_of_each(sorted(pairs, key=lambda p: (p[0], p[2])), len(pairs))

    def _range(self, kinds: tuple[str, ...], prefix: str, size: int) -> list[KeyRow]:
        """Up to ``size`` rows of ``kinds`` whose key begins with ``prefix``, in key order (one read, not kept)."""
        low, high = keys.beginning_bounds(prefix)
        params = {"kinds": list(kinds), "low": low, "high": high, "size": size, "skip": 0}
        return [KeyRow(*row) for row in self._connection.execute(sql.BEGINNING_WITH, params).all()]

    def prefetch(self, prefixes: Iterable[str], latin: bool) -> None:
        """Read at once the keys beginning with these prefixes (the sounds of one query, which
        differ only where a character has several readings): one range for each run of them
        that begins alike, so that the lookups of each prefix that follow are answered from it."""
        kinds = LATIN_KINDS if latin else (keys.NAME,)
        for start in _common_beginnings(sorted(set(prefixes))):
            next(self._pages(kinds, start, PREFETCH_ROWS), None)  # one page: kept only if the range ends in it

    def prefixed_history(self, prefix: str, latin: bool, cap: int) -> list[tuple[str, HistoricName]]:
        """Like ``prefixed``, over former and cancelled names (pinyin only, no initials, when ``latin``)."""
        found: list[tuple[str, HistoricName, tuple]] = []
        for page in self._historic_pages(LATIN_KINDS if latin else (keys.NAME,), prefix, cap):
            rows = [r for r in page if r.kind != keys.INITIALS and (r.via == BY_FORMER or (r.via == BY_NAME and r.state == RETIRED))]
            self._prepare(rows)
            for r in rows:
                historic = self._historic_of(r)
                if historic is not None:
                    found.append((r.key, historic, (0 if r.via == BY_NAME else 1, r.source_id)))
            if len(found) >= cap:
                break
        found.sort(key=lambda f: (f[0], f[2]))
        return [(key, historic) for key, historic, _ in found[:cap]]

    def road_keys_beginning(self, prefix: str, cap: int) -> list[str]:
        """Up to ``cap`` normalized road names that begin with ``prefix``, in order."""
        low, high = keys.beginning_bounds(prefix)
        return list(self._connection.execute(sql.ROAD_KEYS_BEGINNING, {"low": low, "high": high, "size": cap}).scalars())

    def roads_by_id(self, ids: Iterable[int]) -> dict[int, Entry]:
        """The road entries of these road ids (current or cancelled), those that exist."""
        wanted = set(ids)
        self._load_roads(wanted)
        self.prime({name_key(row.name) for i in wanted if (row := self._roads.get(i)) is not None})
        return {i: e for i in wanted if (e := self._road_entry(i)) is not None}

    def streets(self, ids: Iterable[int]) -> dict[int, Street]:
        """What a door plate's entry needs of its road, for these road ids: its name, and whether
        (and when) that name was cancelled. No road entry is made (no geometry read)."""
        wanted = self.road_names(ids)
        self._exact(keys.NAME, {name_key(name) for name in wanted.values()})  # the names' rows, all a road's state needs
        out = {}
        for i, name in wanted.items():
            retired, retired_on = self._road_retired(name_key(name))
            out[i] = Street(name, retired, retired_on if retired else None, self._road_spelling[i])
        return out

    def road_names(self, ids: Iterable[int]) -> dict[int, str]:
        """road id -> its name, for those that exist (read once per query, with the districts)."""
        ids = set(ids)
        self._load_road_names(ids)
        return {i: self._road_names[i] for i in ids if i in self._road_names}

    def road_districts(self, ids: Iterable[int]) -> dict[int, str]:
        """road id -> its district (its door plates' partition on PostgreSQL), for those that
        exist: plates read by their road name the district too, so that only its partition is searched."""
        ids = set(ids)
        self._load_road_names(ids)
        return {i: self._road_district[i] for i in ids if i in self._road_district}

    def _load_road_names(self, ids: set[int]) -> None:
        missing = sorted(i for i in ids if i not in self._road_names)
        for start in range(0, len(missing), IN_CHUNK):
            rows = self._connection.execute(sql.ROAD_NAMES, {"ids": missing[start : start + IN_CHUNK]}).all()
            self._road_names.update((row.id, row.name) for row in rows)
            self._road_district.update((row.id, row.district_code) for row in rows)
            self._road_spelling.update((row.id, spellings.of_road(row.name, row.registered_spelling)) for row in rows)

    def places_ending_with(
        self,
        word: str,
        *,
        wanted: int | None = None,
        focus: tuple[float, float] | shapely.Geometry | None = None,
        admits: Callable[[Entry], bool] | None = None,
    ) -> list[Entry]:
        """Current places whose names end with ``word`` (机场), by id, or nearest ``focus`` first
        (the distance search ranks by; from a line or an outline, its nearest point). With ``wanted``, entries are made only until that many
        are found that ``admits`` accepts: a kind of place may have thousands (公园), and the
        key rows and points that order them cost far less than their entries."""
        rows = [r for page in self._pages((keys.REVERSED,), keys.ending(word), 10_000) for r in page]
        by_place: dict[int, list[KeyRow]] = {}
        for r in rows:
            by_place.setdefault(r.target_id, []).append(r)
        ids = sorted(by_place) if focus is None else self._nearest_first(sorted(by_place), focus)
        found: list[Entry] = []
        step = len(ids) if wanted is None else max(4 * wanted, 40)
        for start in range(0, len(ids), step):
            chunk = ids[start : start + step]
            self._prepare(r for i in chunk for r in by_place[i])
            places = (self._place_entry(i) for i in chunk)
            found += [e for e in places if e is not None and e.name.endswith(word) and (admits is None or admits(e))]
            if wanted is not None and len(found) >= wanted:
                break
        return found

    def _nearest_first(self, ids: list[int], focus: tuple[float, float] | shapely.Geometry) -> list[int]:
        """These place ids, nearest ``focus`` first (those without a location last), measured from
        the point an entry stands at (``Gazetteer.located``) as search's ranking measures it."""
        rows = [
            row
            for start in range(0, len(ids), IN_CHUNK)
            for row in self._connection.execute(sql.PLACE_GEOMS, {"ids": ids[start : start + IN_CHUNK]})
        ]
        located = [row for row in rows if row.geom is not None]
        if not located:
            return ids
        geoms = np.array([row.geom for row in located], dtype=object)
        points = np.where(shapely.get_type_id(geoms) == 0, geoms, shapely.point_on_surface(geoms))
        distance = planar_distance(points, focus)
        nearest = [located[i].id for i in np.argsort(distance, kind="stable")]
        return nearest + sorted(set(ids) - set(nearest))

    def every_road(self) -> list[Entry]:
        """Every road, current or cancelled, by id (for evaluation scripts that draw queries from the register)."""
        ids = self.session.scalars(select(Road.id).order_by(Road.id)).all()
        found = self.roads_by_id(ids)
        return [found[i] for i in ids if i in found]

    def compound(self, plate_id: int) -> CompoundBuildings | None:
        """The compound (小区/大院) behind a door plate, with where each of its 楼栋号 stands."""
        from .gazetteer import CompoundBuildings

        rows = self._connection.execute(sql.COMPOUND_BUILDINGS, {"plate_id": plate_id}).all()
        if not rows:
            return None
        return CompoundBuildings(rows[0].name, {row.label: (row.id, row.geom.representative_point()) for row in rows})

    # --- reading keys and records --------------------------------------------------------

    def _exact(self, kind: str, wanted: Iterable[str]) -> dict[str, list[KeyRow]]:
        """Rows of these keys: of ``kind``, or both Latin kinds for ``keys.PINYIN``; read once each."""
        group = keys.PINYIN if kind in LATIN_KINDS else kind
        kinds = LATIN_KINDS if group == keys.PINYIN else (group,)
        wanted = list(dict.fromkeys(wanted))
        missing = [k for k in wanted if (group, k) not in self._rows]
        for k in missing:
            self._rows[(group, k)] = []
        for (known_kinds, known_prefix), rows in self._ranges.items():
            within = {k for k in missing if k.startswith(known_prefix)} if known_kinds == kinds else set()
            for k in within:
                self._rows[(group, k)] += [r for r in _beginning(rows, k) if r.key == k]
            missing = [k for k in missing if k not in within]
        for start in range(0, len(missing), IN_CHUNK):
            for row in self._connection.execute(sql.BY_KEYS, {"kinds": list(kinds), "keys": missing[start : start + IN_CHUNK]}).all():
                self._rows[(group, row.key)].append(KeyRow(*row))
        return {k: self._rows[(group, k)] for k in wanted}

    def _pages(self, kinds: tuple[str, ...], prefix: str, cap: int) -> Iterator[list[KeyRow]]:
        """Rows of ``kinds`` whose key begins with ``prefix``, in key order (roads before places),
        a page at a time. A range read to its end is kept: a longer prefix (the engine narrows
        one as it tries a query's variants) and an exact key within it are then answered from it."""
        for (known_kinds, known_prefix), rows in self._ranges.items():
            if known_kinds == kinds and prefix.startswith(known_prefix):
                yield _beginning(rows, prefix)
                return
        low, high = keys.beginning_bounds(prefix)
        size, read = 4 * cap + 20, list[KeyRow]()
        while True:
            params = {"kinds": list(kinds), "low": low, "high": high, "size": size, "skip": len(read)}
            page = [KeyRow(*row) for row in self._connection.execute(sql.BEGINNING_WITH, params).all()]
            read += page
            if len(page) < size:
                self._ranges[(kinds, prefix)] = read
            if page:
                yield page
            if len(page) < size:
                return

    def _historic_pages(self, kinds: tuple[str, ...], prefix: str, cap: int) -> Iterator[list[KeyRow]]:
        """Rows of former and cancelled names beginning with ``prefix``: from a range already
        read, else only those (a few among the current names)."""
        if any(known == kinds and prefix.startswith(start) for known, start in self._ranges):
            yield from self._pages(kinds, prefix, cap)
            return
        low, high = keys.beginning_bounds(prefix)
        params = {"kinds": list(kinds), "low": low, "high": high, "size": 2 * cap + 20}
        yield [KeyRow(*row) for row in self._connection.execute(sql.HISTORIC_BEGINNING_WITH, params).all()]

    def _own_names(self, name_key: str) -> list[KeyRow]:
        """The rows of the roads and places whose own name is ``name_key``."""
        return [r for r in self._exact(keys.NAME, [name_key])[name_key] if r.via == BY_NAME]

    def _prepare(self, rows: Iterable[KeyRow]) -> None:
        """Read, at once, what deciding what these rows find needs: their records, the rows of
        the roads and places bearing the same names, and the roads among those."""
        rows = list(rows)
        if not rows:
            return
        self._load_places({r.target_id for r in rows if r.target == PLACE})
        self._load_roads({r.target_id for r in rows if r.target == ROAD})
        self._load_aliases({r.source_id for r in rows if r.via == BY_FORMER})
        self._load(self._compounds, {r.target_id for r in rows if r.target == COMPOUND}, sql.COMPOUNDS_BY_IDS)
        names = {r.name_key for r in rows if r.via == BY_NAME}
        names |= {name_key(place.name) for r in rows if r.target == PLACE and (place := self._places.get(r.target_id)) is not None}
        same_names = self._exact(keys.NAME, names)
        self._load_roads({r.target_id for rows_ in same_names.values() for r in rows_ if r.via == BY_NAME and r.target == ROAD})

    def _load_places(self, ids: set[int]) -> None:
        new = self._load(self._places, ids, sql.BY_IDS[PlaceName.id])
        self._where.update(((PLACE, i), where) for i, where in self.g.located(PLACE, new).items())

    def _load_roads(self, ids: set[int]) -> None:
        new = self._load(self._roads, ids, sql.BY_IDS[Road.id])
        self._where.update(((ROAD, i), where) for i, where in self.g.located(ROAD, new).items())

    def _load_aliases(self, ids: set[int]) -> None:
        self._load(self._aliases, ids, sql.BY_IDS[NameAlias.id])

    def _load(self, known: dict, ids: set[int], query) -> list:
        """Read the rows of these ids not read yet into ``known`` (None for those that do not exist); the new rows."""
        missing = sorted(i for i in ids if i not in known)
        new: list = []
        for i in missing:
            known[i] = None
        for start in range(0, len(missing), IN_CHUNK):
            new += self._connection.execute(query, {"ids": missing[start : start + IN_CHUNK]}).all()
        for row in new:
            known[row.id] = row
        return new

    # --- what a row finds ----------------------------------------------------------------

    def _current_of(self, r: KeyRow) -> Entry | None:
        """The current entry a row finds, or None (a cancelled name, a name another record bears)."""
        if r.via == BY_FORMER:
            return None
        if r.target == COMPOUND:
            return self._compound_entry(r.target_id)
        if r.target == ROAD:
            entry = self._road_entry(r.target_id)
            return entry if entry is not None and entry.status == CURRENT else None
        if r.via == BY_NAME and r.state != CURRENT:
            return None
        return self._place_entry(r.target_id)

    def _historic_of_rows(self, rows: list[KeyRow]) -> list[HistoricName]:
        ordered = sorted(rows, key=lambda r: (0 if r.via == BY_NAME else 1, r.source_id))
        return [h for h in (self._historic_of(r) for r in ordered) if h is not None]

    def _historic_of(self, r: KeyRow) -> HistoricName | None:
        """The former or cancelled name a row is, with what it leads to; None for a current name."""
        from .gazetteer import HistoricName

        memo = (r.via, r.source_id)
        if memo in self._historic:
            return self._historic[memo]
        historic = None
        if r.via == BY_NAME and r.target == PLACE and r.state == RETIRED:
            place = self._places.get(r.target_id)
            entry = self._retired_entry(r.target_id)
            if place is not None and entry is not None:
                historic = HistoricName(place.name, RETIRED, entry, place.retired_on)
        elif r.via == BY_FORMER:
            alias = self._aliases.get(r.source_id)
            entry = self._former_target(r.target_id)
            if alias is not None and entry is not None:
                historic = HistoricName(alias.alias, "former", entry, alias.valid_to)
        self._historic[memo] = historic
        return historic

    def _road_retired(self, name_key: str) -> tuple[bool, dt.date | None]:
        """Whether the register holds a road's name only as cancelled, and since when."""
        places = sorted((r.target_id, r.state, r.until) for r in self._own_names(name_key) if r.target == PLACE)
        retired = [until for _, state, until in places if state == RETIRED]
        return bool(retired) and not any(state == CURRENT for _, state, _ in places), (retired[-1] if retired else None)

    def _unit_named(self, name_key: str) -> Entry | None:
        return next((e for e in self.g.unit_index.names.get(name_key, ()) if e.kind in ("community", "subdistrict")), None)

    def _place_entry(self, place_id: int) -> Entry | None:
        """The current entry of a place: current, public, located, its name borne by no road or unit."""
        memo = (PLACE, place_id)
        if memo not in self._entries:
            place = self._places.get(place_id)
            entry = None
            if place is not None and place.status == CURRENT and place.classification == "public" and place.geom is not None:
                own = name_key(place.name)
                if not self.road_ids(own) and self._unit_named(own) is None:
                    entry = self.g.place_entry(place, self._where.get((PLACE, place_id)))
            self._entries[memo] = entry
        return self._entries[memo]

    def _retired_entry(self, place_id: int) -> Entry | None:
        """What a cancelled name is found as: the road of that name if the road's name is the one
        cancelled, else the cancelled record itself."""
        place = self._places.get(place_id)
        if place is None or place.status != RETIRED or place.classification != "public":
            return None
        road = self.road(name_key(place.name))
        if road is not None and road.status == RETIRED:
            return road
        memo = (PLACE, place_id)
        if memo not in self._entries:
            self._entries[memo] = self.g.place_entry(place, self._where.get((PLACE, place_id)))
        return self._entries[memo]

    def _former_target(self, place_id: int) -> Entry | None:
        """What a former name of a place leads to: the cancelled record if it was cancelled since,
        else the place, or the road or unit that bears its current name."""
        place = self._places.get(place_id)
        if place is None or place.classification != "public":
            return None
        if place.status == RETIRED:
            return self._retired_entry(place_id)
        if place.status != CURRENT:
            return None
        own = name_key(place.name)
        return self._place_entry(place_id) or self.road(own) or self._unit_named(own)

    def _compound_entry(self, compound_id: int) -> Entry | None:
        memo = (COMPOUND, compound_id)
        if memo not in self._entries:
            self._load(self._compounds, {compound_id}, sql.COMPOUNDS_BY_IDS)
            row = self._compounds.get(compound_id)
            self._entries[memo] = None if row is None else self.g.compound_entry(row)
        return self._entries[memo]

    def _road_entry(self, road_id: int) -> Entry | None:
        memo = (ROAD, road_id)
        if memo not in self._entries:
            self._load_roads({road_id})
            road = self._roads.get(road_id)
            entry = None
            if road is not None:
                retired, retired_on = self._road_retired(name_key(road.name))
                entry = self.g.road_entry(road, retired_on if retired else None, self._where.get((ROAD, road_id)))
            self._entries[memo] = entry
        return self._entries[memo]


def _beginning(rows: list[KeyRow], prefix: str) -> list[KeyRow]:
    """The rows (in key order) whose key begins with ``prefix``, found by bisection."""
    low, high = keys.beginning_bounds(prefix)
    start = bisect.bisect_left(rows, low, key=lambda r: r.key)
    return rows[start : bisect.bisect_left(rows, high, lo=start, key=lambda r: r.key)]


def _common_beginnings(prefixes: list[str], shortest: int = 4) -> list[str]:
    """The sorted ``prefixes`` run together while they share their first ``shortest`` characters
    or more: the common beginning of each run."""
    runs: list[str] = []
    for prefix in prefixes:
        if runs:
            common = os.path.commonprefix([runs[-1], prefix])
            if len(common) >= shortest:
                runs[-1] = common
                continue
        runs.append(prefix)
    return runs


def _first_of_each(pairs: list, cap: int) -> list:
    """(key, entry) of sorted (key, entry, order) triples, each entry once (at its first key), up to ``cap``."""
    out: list[tuple[str, Entry]] = []
    seen = set()
    for key, entry, _ in pairs:
        if len(out) >= cap:
            break
        if (entry.kind, entry.id) not in seen:
            seen.add((entry.kind, entry.id))
            out.append((key, entry))
    return out
