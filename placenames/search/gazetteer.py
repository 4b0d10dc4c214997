"""What a worker holds for search: the district's units, and the way to the names in the database.

Search must answer in milliseconds. The part of the register that grows - roads, place names,
their aliases, former and cancelled names (``names``, through ``search_keys``) and door plates
(``plates``) - is read from the database at each query, by its indexes: a worker's memory does
not grow with it, and a write is found as soon as it is committed. What stays here is what
every answer needs and what grows only with the district's communities: the units in force
(subdistricts, communities) with their polygons (which community a point lies in, for labels and
reverse geocoding) and their names with the same keys the database holds for the other names
(exact, one-edit variants, pinyin and initials, sorted keys for prefixes).

The units are versioned by the audit log: ``GazetteerCache`` compares the newest change of
``UNIT_TABLES`` on every query and rereads the units (a few hundred polygons) when they changed.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np
import shapely
from sqlalchemy import select

from gis.basemap import AdminUnit
from gis.crs import STORAGE_CRS, measure_crs, transform_coords
from gis.profile import DistrictProfile, current_profile
from gis.storage.audit import newest_change

from . import keys, pinyin, spellings
from .names import NameIndex, NameReading, Street
from .normalize import normalize
from .plates import PlateIndex, RoadPlatesByName

LOGGER = logging.getLogger(__name__)
COMPOUND_CATEGORY = "小区、大院"
COMMUNITY_FORMAL_ENDINGS = ("居民委员会", "居委会", "村民委员会", "村委会")
# The tables the units in memory are read from (names and door plates are read at each query).
UNIT_TABLES = ("admin_units",)


@dataclass(eq=False, slots=True)
class Entry:
    """One thing a query can find."""

    kind: str  # address | road | place | compound | community | subdistrict
    id: int
    name: str
    label: str
    point: shapely.Point | None  # None only for a retired name registered without a location
    geom: object = None
    category: str | None = None
    romanization: str | None = None
    street: str | None = None
    number: int | None = None
    number_text: str | None = None
    side: str | None = None
    community: AdminUnit | None = None
    subdistrict: AdminUnit | None = None
    admin_code: str | None = None
    status: str = "current"  # current | retired (a cancelled name, or a plate on a road whose name was cancelled)
    retired_on: dt.date | None = None
    address_kind: str | None = None  # a plate's: main, or secondary (a corner building's address on its other road)
    main_label: str | None = None  # a secondary plate's: its building's main address


@dataclass(eq=False)
class HistoricName:
    """A name that is no longer current, and what a query for it is answered with.

    ``status`` former: ``entry`` is what bears the current name (the renamed road,
    place or unit); retired: ``entry`` is the retired record itself. ``until`` is the
    day the former name ended or the name was cancelled.
    """

    name: str
    status: str  # former | retired
    entry: Entry
    until: dt.date | None = None


# Where a named thing stands: its point, and the community and subdistrict around it.
type Where = tuple[shapely.Point | None, AdminUnit | None, AdminUnit | None]


@dataclass(frozen=True)
class CompoundBuildings:
    """A compound (小区/大院) behind a door plate: its name and where each 楼栋号 stands."""

    name: str
    buildings: dict[str, tuple[int, shapely.Point]]


class Lookup[T]:
    """``key in lookup``, ``lookup[key]`` and ``lookup.get(key)`` answered by ``find(key)`` (a
    falsy answer is "not there"). The names are in the database, so a lookup cannot be listed."""

    def __init__(self, find: Callable[[str], T | None]):
        self._find = find

    def get(self, key: str, default=None):
        found = self._find(key)
        return found if found else default

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and bool(self._find(key))

    def __getitem__(self, key: str) -> T:
        found = self._find(key)
        if not found:
            raise KeyError(key)
        return found


@dataclass
class UnitNames:
    """The units' names with their lookup keys, in memory: the keys ``search_keys`` holds for the
    other names (``keys``), here for the few hundred subdistricts and communities."""

    entries: list[Entry] = field(default_factory=list)
    names: dict[str, list[Entry]] = field(default_factory=lambda: defaultdict(list))
    one_edit: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    pinyin_full: dict[str, list[Entry]] = field(default_factory=lambda: defaultdict(list))
    pinyin_initials: dict[str, list[Entry]] = field(default_factory=lambda: defaultdict(list))
    prefix_keys: list[tuple[str, int]] = field(default_factory=list)
    latin_keys: list[tuple[str, int]] = field(default_factory=list)

    def add(self, entry: Entry, names: Iterable[str]) -> None:
        """Make ``entry`` findable by each of ``names`` (exact, prefix, one typo, pinyin)."""
        self.entries.append(entry)
        index = len(self.entries) - 1
        for name in dict.fromkeys(names):
            key = normalize(name)
            self.names[key].append(entry)
            self.prefix_keys.append((key, index))
            for variant in keys.deletions(key):
                self.one_edit[variant].add(key)
            full, initials = pinyin.keys(key)
            for k in full:
                self.pinyin_full[k].append(entry)
                self.latin_keys.append((k, index))
            for k in initials:
                self.pinyin_initials[k].append(entry)
                self.latin_keys.append((k, index))

    def sort(self) -> None:
        self.prefix_keys.sort()
        self.latin_keys.sort()

    def similar(self, key: str) -> set[str]:
        """Unit names that may be one edit from ``key`` (``NameReading.similar_names`` checks)."""
        found = set(self.one_edit.get(key, ()))
        for variant in keys.deletions(key):
            found |= self.one_edit.get(variant, set())
            if variant in self.names:
                found.add(variant)
        return found

    def prefixed(self, prefix: str, latin: bool, cap: int) -> list[tuple[str, Entry]]:
        """Up to ``cap`` (key, unit) pairs whose key begins with ``prefix``, in key order, each unit once."""
        listed = self.latin_keys if latin else self.prefix_keys
        out: list[tuple[str, Entry]] = []
        seen = set()
        for key, index in listed[bisect.bisect_left(listed, (prefix, -1)) :]:
            if not key.startswith(prefix) or len(out) >= cap:
                break
            if index not in seen:
                seen.add(index)
                out.append((key, self.entries[index]))
        return out


@dataclass
class Gazetteer:
    """Search's view of one store: the units in memory, every other name and plate in the database."""

    profile: DistrictProfile = field(default_factory=current_profile)  # the district: labels, the address prefix
    units: dict[str, AdminUnit] = field(default_factory=dict)
    unit_index: UnitNames = field(default_factory=UnitNames)
    community_tree: shapely.STRtree | None = None
    community_list: list[AdminUnit] = field(default_factory=list)
    index: NameIndex | None = None  # roads, places, aliases, former and cancelled names, read at each query
    plate_index: PlateIndex | None = None  # the door plates, read at each query
    built_at: float = 0.0
    version: int = 0  # the newest change of UNIT_TABLES this copy was read after
    forms_lexicon: object = field(default=None, repr=False)  # query_forms.Lexicon, built on the first query

    # --- one query, one reading ------------------------------------------------------------

    @contextlib.contextmanager
    def reading(self) -> Iterator[NameReading]:
        """The names as one query reads them: one session, each key asked once (``names``)."""
        assert self.index is not None  # a built gazetteer has its store
        with self.index.reading() as reading:
            yield reading

    def _ask[R](self, lookup: Callable[..., R], *args, **kwargs) -> R:
        with self.reading() as reading:
            return lookup(reading, *args, **kwargs)

    # --- lookups ---------------------------------------------------------------------------

    @property
    def unit_entries(self) -> list[Entry]:
        """The subdistricts and communities in force, as search entries."""
        return self.unit_index.entries

    @property
    def names(self) -> Lookup[list[Entry]]:
        """normalized name -> what bears it now (units, roads, places, places by an alias)."""
        return Lookup(lambda key: self._ask(NameReading.current, key))

    @property
    def history(self) -> Lookup[list[HistoricName]]:
        """normalized name -> the former and cancelled names written so."""
        return Lookup(lambda key: self._ask(NameReading.history, key))

    @property
    def roads(self) -> Lookup[Entry]:
        """normalized road name -> the road (current or cancelled)."""
        return Lookup(lambda key: self._ask(NameReading.road, key))

    @property
    def road_ids(self) -> Lookup[tuple[int, ...]]:
        """normalized road name -> the ids of the roads bearing it."""
        return Lookup(lambda key: self._ask(NameReading.road_ids, key))

    @property
    def history_roads(self) -> Lookup[HistoricName]:
        """former road name -> the road that bears the current name."""
        return Lookup(lambda key: self._ask(NameReading.former_road, key))

    @property
    def pinyin_full(self) -> Lookup[list[Entry]]:
        return Lookup(lambda key: self._ask(NameReading.by_sound, key, keys.PINYIN))

    @property
    def pinyin_initials(self) -> Lookup[list[Entry]]:
        return Lookup(lambda key: self._ask(NameReading.by_sound, key, keys.INITIALS))

    @property
    def history_pinyin(self) -> Lookup[list[HistoricName]]:
        return Lookup(lambda key: self._ask(NameReading.history_by_sound, key))

    @property
    def plates(self) -> RoadPlatesByName:
        """``normalized road name -> {number text: address entry}``, read from the database."""
        assert self.plate_index is not None  # a built gazetteer has its store
        return RoadPlatesByName(self.plate_index)

    def prime(self, names: Iterable[str]) -> None:
        """Read the keys of these names at once, before a query asks them one by one."""
        self._ask(NameReading.prime, names)

    def prefetch(self, prefixes: Iterable[str], latin: bool) -> None:
        """Read the names beginning with these prefixes at once, before a query asks them one by one."""
        self._ask(NameReading.prefetch, prefixes, latin)

    def similar_names(self, key: str) -> set[str]:
        """Registered names one edit (insert, delete, substitute) away from ``key``."""
        return self._ask(NameReading.similar_names, key)

    def prefixed(
        self, prefix: str, latin: bool, cap: int, *, addresses: bool = True, keep: Callable[[str], bool] | None = None
    ) -> list[tuple[str, Entry]]:
        """Up to ``cap`` (key, entry) pairs whose key starts with ``prefix``, in key order:
        names, and (for characters, unless ``addresses`` is false) addresses such as
        子君路12号 - at most a quarter of ``cap``, lowest numbers first: suggestions rank
        addresses after names, so more of them could not be shown. ``keep`` skips names
        whose key it refuses before they are read."""
        names = self._ask(NameReading.prefixed, prefix, latin, cap, keep)
        if latin or not addresses or self.plate_index is None:
            return names
        return sorted(names + self.plate_index.prefixed(prefix, max(1, cap // 4)), key=lambda pair: pair[0])[:cap]

    def slipped_beginnings(self, body: str, cap: int, keep: Callable[[str], bool]) -> list[tuple[str, Entry]]:
        """Current names whose beginning may be one typing slip from ``body`` (``keep`` decides), by index probes."""
        return self._ask(NameReading.slipped_beginnings, body, cap, keep)

    def prefixed_history(self, prefix: str, latin: bool, cap: int) -> list[tuple[str, HistoricName]]:
        """Like ``prefixed``, over former and retired names."""
        return self._ask(NameReading.prefixed_history, prefix, latin, cap)

    def road_keys_beginning(self, prefix: str, cap: int) -> list[str]:
        """Up to ``cap`` normalized road names that begin with ``prefix``, in order."""
        return self._ask(NameReading.road_keys_beginning, prefix, cap)

    def roads_by_id(self, ids: Iterable[int]) -> dict[int, Entry]:
        return self._ask(NameReading.roads_by_id, ids)

    def road_names(self, ids: Iterable[int]) -> dict[int, str]:
        """road id -> its name (current or cancelled)."""
        return self._ask(NameReading.road_names, ids)

    def road_districts(self, ids: Iterable[int]) -> dict[int, str]:
        """road id -> its district: where its door plates are (partitions on PostgreSQL)."""
        return self._ask(NameReading.road_districts, ids)

    def streets(self, ids: Iterable[int]) -> dict[int, Street]:
        """road id -> its name and whether (and when) that name was cancelled: what a plate shows of its road."""
        return self._ask(NameReading.streets, ids)

    def places_ending_with(
        self,
        word: str,
        *,
        wanted: int | None = None,
        focus: tuple[float, float] | shapely.Geometry | None = None,
        admits: Callable[[Entry], bool] | None = None,
    ) -> list[Entry]:
        """Current places whose names end with ``word`` (a generic word: 机场, 公园), by id or
        nearest ``focus`` (a point, or a line or outline) first; with ``wanted``, at least that many ``admits`` accepts, when there are."""
        return self._ask(NameReading.places_ending_with, word, wanted=wanted, focus=focus, admits=admits)

    def compound(self, plate_id: int) -> CompoundBuildings | None:
        """The compound behind a door plate and its buildings by 楼栋号, or None."""
        return self._ask(NameReading.compound, plate_id)

    def compound_holding(self, point: shapely.Point) -> Entry | None:
        """The numbered compound (小区/大院) whose outline holds ``point`` (storage CRS), or None."""
        from .inside_compounds import compounds_at

        assert self.plate_index is not None  # a built gazetteer has its store
        with self.plate_index.session() as session:
            found = compounds_at(session, np.array([point.x]), np.array([point.y])).get(0)
        if found is None:
            return None
        return next((e for e in self.names.get(normalize(found.name), []) if e.kind == "compound"), None)

    def every_road(self) -> list[Entry]:
        """Every road as an entry (evaluation scripts drawing queries from the register)."""
        return self._ask(NameReading.every_road)

    # --- units -----------------------------------------------------------------------------

    def communities_of(self, points) -> list[AdminUnit | None]:
        """The community each point (storage CRS) lies in, or None: one tree query for all."""
        found: list[AdminUnit | None] = [None] * len(points)
        if self.community_tree is not None and len(points):
            inputs, units = self.community_tree.query(points, predicate="within")
            for i, u in zip(inputs, units, strict=True):
                found[int(i)] = self.community_list[int(u)]
        return found

    def community_of(self, lon: float, lat: float) -> AdminUnit | None:
        if self.community_tree is None:
            return None
        hits = self.community_tree.query(shapely.Point(lon, lat), predicate="within")
        return self.community_list[int(hits[0])] if len(hits) else None

    # --- entries of database rows --------------------------------------------------------

    def located(self, kind: str, rows) -> dict[int, Where]:
        """Where each road or place row stands (a road at its middle, a place at its point or a
        point inside it) and the units around it: all rows at once, one query of the units' tree."""
        rows = [row for row in rows if row.geom is not None]
        if not rows:
            return {}
        geoms = np.array([row.geom for row in rows], dtype=object)
        if kind == "road":
            points = shapely.line_interpolate_point(geoms, 0.5, normalized=True)
        else:
            points = np.where(shapely.get_type_id(geoms) == 0, geoms, shapely.point_on_surface(geoms))
        communities: list[AdminUnit | None] = [None] * len(rows)
        if self.community_tree is not None:
            inputs, units = self.community_tree.query(points, predicate="within")
            for i, u in zip(inputs[::-1], units[::-1], strict=True):  # reversed: each point keeps its first unit
                communities[int(i)] = self.community_list[int(u)]
        return {
            row.id: (point, community, self.units.get(community.parent_code) if community is not None and community.parent_code else None)
            for row, point, community in zip(rows, points, communities, strict=True)
        }

    def road_entry(self, row, retired_on: dt.date | None, where: Where | None = None) -> Entry:
        """The entry of a road row (id, name, admin_code, geom); cancelled when ``retired_on`` is given."""
        point, community, subdistrict = where or self.located("road", [row])[row.id]
        entry = Entry(
            "road",
            row.id,
            row.name,
            f"{self.profile.name.zh}{row.name}",
            point,
            row.geom,
            category="道路",
            romanization=spellings.of_road(row.name, row.registered_spelling),
            community=community,
            subdistrict=subdistrict,
            admin_code=row.admin_code,
        )
        if retired_on is not None:
            entry.status, entry.retired_on = "retired", retired_on
        return entry

    def place_entry(self, row, where: Where | None = None) -> Entry:
        """The entry of a place-name row (current, or cancelled when its status says so)."""
        point, community, subdistrict = where or self.located("place", [row]).get(row.id, (None, None, None))
        entry = Entry(
            "place",
            row.id,
            row.name,
            row.name,
            point,
            row.geom,
            category=row.category_label,
            romanization=row.romanization,
            community=community,
            subdistrict=subdistrict,
            admin_code=row.admin_code,
        )
        if row.status == "retired":
            entry.status, entry.retired_on = "retired", row.retired_on
        return entry

    def compound_entry(self, row) -> Entry:
        """The entry of a compound (小区/大院): at its door plate, labelled with its address
        (…街218号（宏松花园）); inside its outline, labelled with its name, before it is numbered."""
        point = row.plate_geom if row.plate_geom is not None else row.geom.representative_point()
        (community,) = self.communities_of([point])
        return Entry(
            "compound",
            row.id,
            row.name,
            f"{row.address}（{row.name}）" if row.address else row.name,
            point,
            row.geom,
            category=COMPOUND_CATEGORY,
            romanization=spellings.of_compound(row.name, row.registered_spelling),
            street=row.road_name if row.address else None,
            number=row.number,
            number_text=row.number_text,
            community=community,
            subdistrict=self.units.get(community.parent_code) if community is not None and community.parent_code else None,
        )


def short_community_names(name: str) -> list[str]:
    """关上社区居民委员会 -> [关上社区居民委员会, 关上社区, 关上社区居委会]."""
    names = [name]
    for ending in COMMUNITY_FORMAL_ENDINGS:
        if name.endswith(ending) and len(name) > len(ending) + 1:
            base = name[: -len(ending)]
            names += [base, base + "居委会"] if ending.startswith("居") else [base]
    return names


def to_metres(lon, lat):
    return transform_coords(lon, lat, STORAGE_CRS, measure_crs())


def build(store, profile: DistrictProfile | None = None) -> Gazetteer:
    """Read the units in force of ``store`` and open its names and plates, for the district of
    ``profile`` (the process's deployment profile when not given)."""
    g = Gazetteer(profile=profile or current_profile())
    g.index = NameIndex(store, g)
    g.plate_index = PlateIndex(store, g)
    district = g.profile.name.zh
    with store.read(public=True) as session:
        g.version = newest_change(session, UNIT_TABLES)  # read first: a change made meanwhile is seen next time
        units = session.scalars(
            select(AdminUnit).where(AdminUnit.valid_to.is_(None), AdminUnit.level.in_(("subdistrict", "community"))).order_by(AdminUnit.id)
        ).all()
        for unit in units:
            session.expunge(unit)
    g.units = {u.code: u for u in units}
    g.community_list = [u for u in units if u.level == "community" and u.geom is not None]
    g.community_tree = shapely.STRtree([u.geom for u in g.community_list]) if g.community_list else None
    for unit in units:
        if unit.geom is None:
            continue
        community = unit if unit.level == "community" else None
        subdistrict = unit if unit.level == "subdistrict" else g.units.get(unit.parent_code)
        entry = Entry(
            unit.level,
            unit.id,
            unit.name,
            f"{district}{subdistrict.name if community and subdistrict else ''}{unit.name}",
            unit.geom.representative_point(),
            unit.geom,
            category={"community": "社区", "subdistrict": "街道"}[unit.level],
            romanization=spellings.of_unit(unit.name, unit.level),
            community=community,
            subdistrict=subdistrict,
            admin_code=unit.code,
        )
        g.unit_index.add(entry, short_community_names(unit.name) if community else [unit.name, unit.name.removesuffix("办事处")])
    g.unit_index.sort()
    g.built_at = time.monotonic()
    return g


def units_version(store) -> int:
    """The newest change of the tables the units in memory are read from."""
    with store.read(public=True) as session:
        return newest_change(session, UNIT_TABLES)


class GazetteerCache:
    """One gazetteer per store, its units reread as soon as they change.

    Every query compares the newest change of ``UNIT_TABLES`` (one index probe) with the copy's;
    when a unit changed, the first query after the commit rereads the units while other threads
    go on with the previous copy. Names and door plates are read from the database at each query,
    so their changes need nothing here. ``max_age`` is only a safety net: after that many seconds
    a copy is reread in the background even if no change was seen (on PostgreSQL two transactions
    can commit their audit ids out of order)."""

    def __init__(self, profile: DistrictProfile | None = None, max_age: float = 300.0):
        self.profile = profile
        self.max_age = max_age
        self._lock = threading.Lock()
        self._building = threading.Lock()
        self._by_url: dict[str, Gazetteer] = {}
        self._rebuilding: set[str] = set()

    def get(self, store) -> Gazetteer:
        current = self._by_url.get(store.url)
        if current is None or units_version(store) != current.version:
            return self._reread(store, current)
        if time.monotonic() - current.built_at >= self.max_age:
            with self._lock:
                start = store.url not in self._rebuilding
                self._rebuilding.add(store.url)
            if start:
                threading.Thread(target=self._rebuild, args=(store,), daemon=True).start()
        return current

    def _reread(self, store, current: Gazetteer | None) -> Gazetteer:
        """The units as committed now: one thread reads them; the others keep the previous copy
        meanwhile (or wait for the first one there is)."""
        if current is not None and not self._building.acquire(blocking=False):
            return current
        if current is None:
            self._building.acquire()
        try:
            latest = self._by_url.get(store.url)
            if latest is not None and latest is not current and units_version(store) == latest.version:
                return latest  # another thread read them meanwhile
            latest = self._by_url[store.url] = build(store, self.profile)
            return latest
        finally:
            self._building.release()

    def settle(self, timeout: float = 30.0) -> None:
        """Wait until no rebuild is running (for shutdown and tests)."""
        deadline = time.monotonic() + timeout
        while self._rebuilding and time.monotonic() < deadline:
            time.sleep(0.02)

    def _rebuild(self, store) -> None:
        try:
            self._by_url[store.url] = build(store, self.profile)
        except Exception:  # e.g. the database is away: keep answering from the previous copy
            LOGGER.warning("gazetteer rebuild failed; serving the previous copy", exc_info=True)
        finally:
            with self._lock:
                self._rebuilding.discard(store.url)
