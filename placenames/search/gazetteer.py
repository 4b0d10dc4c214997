"""The names of the register in memory, with the keys every kind of query is looked up by.

Search must answer in milliseconds, so the names of the public register (current roads,
public place names, communities, subdistricts, their aliases, former and cancelled names) are
read into plain objects with lookup tables: exact names, one-edit variants (typos), pinyin
and initials, sorted keys for prefixes, and spatial trees of units and roads (in the
measuring zone's metres). Names that are no longer current stay findable, apart: a former
name (曾用名, kept by a rename) leads to the road or place that now bears the current name, a
cancelled (retired, 已撤销) name to the retired record itself; the engine ranks both below
current names and labels them.

Door plates are not copied: ``plates.PlateIndex`` reads them from the database at each
query, so the part of the register that grows with a city costs no worker memory and a plate
is found as soon as it is committed. The names are versioned by the audit log
(``NAME_TABLES``): ``GazetteerCache`` compares the newest change of those tables on every
query and rereads the names when they changed, so a rename is found at once too.
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import shapely
from sqlalchemy import select

from gis.basemap import AdminUnit, Building, Road
from gis.crs import STORAGE_CRS, measure_crs, transform_coords
from gis.profile import DistrictProfile, current_profile
from gis.storage.audit import newest_change
from placenames.models import PlaceName
from placenames.numbering.models import Compound, CompoundBuilding
from placenames.registry_models import NameAlias

from . import pinyin
from .normalize import normalize
from .plates import PlateIndex, RoadPlatesByName

LOGGER = logging.getLogger(__name__)
COMMUNITY_FORMAL_ENDINGS = ("居民委员会", "居委会", "村民委员会", "村委会")
# The tables whose changes the names in memory follow (door plates are read at each query).
NAME_TABLES = ("roads", "place_names", "place_name_aliases", "admin_units", "compounds", "compound_buildings", "buildings")


@dataclass(eq=False)
class Entry:
    """One thing a query can find."""

    kind: str  # address | road | place | community | subdistrict
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


@dataclass(frozen=True)
class CompoundBuildings:
    """A compound (小区/大院) behind a door plate: its name and where each 楼栋号 stands."""

    name: str
    buildings: dict[str, tuple[int, shapely.Point]]


@dataclass
class Gazetteer:
    entries: list[Entry] = field(default_factory=list)
    names: dict[str, list[Entry]] = field(default_factory=lambda: defaultdict(list))
    roads: dict[str, Entry] = field(default_factory=dict)
    road_ids: dict[str, tuple[int, ...]] = field(default_factory=dict)  # normalized road name -> the ids of its roads
    road_by_id: dict[int, Entry] = field(default_factory=dict)
    road_keys: list[str] = field(default_factory=list)  # sorted, for roads by the beginning of their names
    one_edit: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    pinyin_full: dict[str, list[Entry]] = field(default_factory=lambda: defaultdict(list))
    pinyin_initials: dict[str, list[Entry]] = field(default_factory=lambda: defaultdict(list))
    prefix_keys: list[tuple[str, int]] = field(default_factory=list)
    latin_keys: list[tuple[str, int]] = field(default_factory=list)
    units: dict[str, AdminUnit] = field(default_factory=dict)
    community_tree: shapely.STRtree | None = None
    community_list: list[AdminUnit] = field(default_factory=list)
    road_list: list[Entry] = field(default_factory=list)
    road_tree: shapely.STRtree | None = None
    road_index: dict[str, int] = field(default_factory=dict)  # road name -> its position in road_list
    plate_index: PlateIndex | None = None  # the door plates, read from the database at each query
    # a compound's door plate id -> its name and its buildings by 楼栋号 (label -> building id, point)
    compounds: dict[int, CompoundBuildings] = field(default_factory=dict)
    # former and retired names, kept apart from current names so they never outrank them
    history: dict[str, list[HistoricName]] = field(default_factory=lambda: defaultdict(list))
    history_pinyin: dict[str, list[HistoricName]] = field(default_factory=lambda: defaultdict(list))
    history_roads: dict[str, HistoricName] = field(default_factory=dict)  # former road name -> current road
    history_list: list[HistoricName] = field(default_factory=list)
    history_prefix_keys: list[tuple[str, int]] = field(default_factory=list)
    history_latin_keys: list[tuple[str, int]] = field(default_factory=list)
    built_at: float = 0.0
    version: int = 0  # the newest change of NAME_TABLES this copy was read after
    _road_position_lookup: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int), repr=False)
    profile: DistrictProfile = field(default_factory=current_profile)  # the district: labels, the address prefix
    forms_lexicon: object = field(default=None, repr=False)  # query_forms.Lexicon, built on the first query

    # --- lookups ---------------------------------------------------------------------

    def similar_names(self, key: str) -> set[str]:
        """Registered names one edit (insert, delete, substitute) away from ``key``."""
        found = set(self.one_edit.get(key, ()))
        for variant in _deletions(key):
            found |= self.one_edit.get(variant, set())
            if variant in self.names:
                found.add(variant)
        found.discard(key)
        return {name for name in found if one_edit_apart(name, key)}

    @property
    def plates(self) -> RoadPlatesByName:
        """``normalized road name -> {number text: address entry}``, read from the database."""
        assert self.plate_index is not None  # a built gazetteer has its store
        return RoadPlatesByName(self.plate_index)

    def prefixed(self, prefix: str, latin: bool, cap: int, *, addresses: bool = True) -> list[tuple[str, Entry]]:
        """Up to ``cap`` (key, entry) pairs whose key starts with ``prefix``, in key order:
        names, and (for characters, unless ``addresses`` is false) addresses such as
        子君路12号 - at most a quarter of ``cap``, lowest numbers first: suggestions rank
        addresses after names, so more of them could not be shown."""
        names = _prefixed(self.latin_keys if latin else self.prefix_keys, self.entries, prefix, cap)
        if latin or not addresses or self.plate_index is None:
            return names
        return sorted(names + self.plate_index.prefixed(prefix, max(1, cap // 4)), key=lambda pair: pair[0])[:cap]

    def road_positions(self, road_ids: np.ndarray) -> np.ndarray:
        """For each road id, the position in ``road_list`` of the road bearing its name
        (reverse geocoding compares plates' roads by name), or -2 for a road not read."""
        lookup = self._road_position_lookup
        inside = (road_ids >= 0) & (road_ids < len(lookup))
        return np.where(inside, lookup[np.clip(road_ids, 0, max(0, len(lookup) - 1))] if len(lookup) else -2, -2)

    def road_keys_beginning(self, prefix: str, cap: int) -> list[str]:
        """Up to ``cap`` normalized road names that begin with ``prefix``, in order."""
        start = bisect.bisect_left(self.road_keys, prefix)
        out = []
        for key in self.road_keys[start : start + cap]:
            if not key.startswith(prefix):
                break
            out.append(key)
        return out

    def prefixed_history(self, prefix: str, latin: bool, cap: int) -> list[tuple[str, HistoricName]]:
        """Like ``prefixed``, over former and retired names."""
        return _prefixed(self.history_latin_keys if latin else self.history_prefix_keys, self.history_list, prefix, cap)

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


def _prefixed(keys: list[tuple[str, int]], items: list, prefix: str, cap: int) -> list:
    start = bisect.bisect_left(keys, (prefix, -1))
    out: list = []
    seen = set()
    for position in range(start, len(keys)):
        key, index = keys[position]
        if not key.startswith(prefix) or len(out) >= cap:
            break
        if index not in seen:
            seen.add(index)
            out.append((key, items[index]))
    return out


def _deletions(key: str) -> set[str]:
    return {key[:i] + key[i + 1 :] for i in range(len(key))} if len(key) > 1 else set()


def one_edit_apart(a: str, b: str) -> bool:
    """One insert, delete or substitution turns ``a`` into ``b``."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=False)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


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
    """Read the public register from ``store`` and index it, for the district of
    ``profile`` (the process's deployment profile when not given)."""
    g = Gazetteer(profile=profile or current_profile())
    g.plate_index = PlateIndex(store, g)
    district = g.profile.name.zh
    with store.read(public=True) as session:
        g.version = newest_change(session, NAME_TABLES)  # read first: a change made meanwhile is seen next time
        units = session.scalars(
            select(AdminUnit).where(AdminUnit.valid_to.is_(None), AdminUnit.level.in_(("subdistrict", "community")))
        ).all()
        roads = session.execute(select(Road.id, Road.name, Road.road_class, Road.admin_code, Road.geom)).all()
        places = session.execute(
            select(
                PlaceName.id, PlaceName.name, PlaceName.romanization, PlaceName.category_label, PlaceName.admin_code, PlaceName.geom
            ).where(PlaceName.status == "current", PlaceName.classification == "public")
        ).all()
        retired = session.execute(
            select(
                PlaceName.id,
                PlaceName.name,
                PlaceName.romanization,
                PlaceName.category_label,
                PlaceName.admin_code,
                PlaceName.geom,
                PlaceName.retired_on,
            ).where(PlaceName.status == "retired", PlaceName.classification == "public")
        ).all()
        former = session.execute(
            select(NameAlias.alias, NameAlias.valid_to, PlaceName.id, PlaceName.name, PlaceName.status)
            .join(PlaceName, PlaceName.id == NameAlias.place_name_id)
            .where(NameAlias.kind == "former", PlaceName.status.in_(("current", "retired")), PlaceName.classification == "public")
            .order_by(NameAlias.id)
        ).all()
        other_names = session.execute(
            select(NameAlias.alias, PlaceName.id)
            .join(PlaceName, PlaceName.id == NameAlias.place_name_id)
            .where(
                NameAlias.kind.in_(("alias", "short")),
                NameAlias.valid_to.is_(None),
                PlaceName.status == "current",
                PlaceName.classification == "public",
            )
            .order_by(NameAlias.id)
        ).all()
        for unit in units:
            session.expunge(unit)
        compound_rows = session.execute(
            select(Compound.door_plate_id, Compound.name, CompoundBuilding.label, Building.id, Building.geom)
            .join(CompoundBuilding, CompoundBuilding.compound_id == Compound.id)
            .join(Building, Building.id == CompoundBuilding.building_id)
            .where(Compound.door_plate_id.is_not(None), CompoundBuilding.label.is_not(None))
        ).all()
    for plate_id, compound_name, label, building_id, outline in compound_rows:
        known = g.compounds.setdefault(plate_id, CompoundBuildings(compound_name, {}))
        known.buildings[label] = (building_id, outline.representative_point())
    g.units = {u.code: u for u in units}
    g.community_list = [u for u in units if u.level == "community" and u.geom is not None]
    g.community_tree = shapely.STRtree([u.geom for u in g.community_list]) if g.community_list else None

    def admin_of(point: shapely.Point) -> tuple[AdminUnit | None, AdminUnit | None]:
        community = g.community_of(point.x, point.y)
        return community, g.units.get(community.parent_code) if community is not None and community.parent_code is not None else None

    for unit in units:
        if unit.geom is None:
            continue
        point = unit.geom.representative_point()
        community = unit if unit.level == "community" else None
        subdistrict = unit if unit.level == "subdistrict" else g.units.get(unit.parent_code)
        entry = Entry(
            unit.level,
            unit.id,
            unit.name,
            f"{district}{subdistrict.name if community and subdistrict else ''}{unit.name}",
            point,
            unit.geom,
            category={"community": "社区", "subdistrict": "街道"}[unit.level],
            community=community,
            subdistrict=subdistrict,
            admin_code=unit.code,
        )
        aliases = short_community_names(unit.name) if community else [unit.name, unit.name.removesuffix("办事处")]
        _add(g, entry, aliases)
    current_names = {normalize(row.name) for row in places}
    # a road whose name was cancelled (and is not current again) keeps its centreline but not a current name
    retired_roads = {normalize(row.name) for row in retired} - current_names
    retired_on = {normalize(row.name): row.retired_on for row in retired}
    for row in roads:
        point = shapely.line_interpolate_point(row.geom, 0.5, normalized=True)
        community, subdistrict = admin_of(point)
        key = normalize(row.name)
        entry = Entry(
            "road",
            row.id,
            row.name,
            f"{district}{row.name}",
            point,
            row.geom,
            category="道路",
            community=community,
            subdistrict=subdistrict,
            admin_code=row.admin_code,
        )
        g.roads[key] = entry
        g.road_ids[key] = (*g.road_ids.get(key, ()), row.id)
        g.road_by_id[row.id] = entry
        g.road_list.append(entry)
        if key in retired_roads:
            entry.status, entry.retired_on = "retired", retired_on[key]
        else:
            _add(g, entry, [row.name])
    place_by_id: dict[int, Entry] = {}
    place_index: dict[int, int] = {}
    for row in places:
        if row.geom is None or normalize(row.name) in g.roads:
            continue  # a road's register entry is found as the road
        point = row.geom if row.geom.geom_type == "Point" else row.geom.representative_point()
        community, subdistrict = admin_of(point)
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
        if any(e.kind in ("community", "subdistrict") for e in g.names.get(normalize(row.name), [])):
            continue  # the unit itself is already indexed with its polygon
        place_by_id[row.id] = entry
        place_index[row.id] = _add(g, entry, [row.name])
    for row in other_names:  # 别名 / 简称 (长水机场) find the place as its standard name does
        if row.id in place_index:
            _index_names(g, place_by_id[row.id], place_index[row.id], [row.alias])
    retired_by_id = _index_retired(g, retired, admin_of)
    for row in former:
        target = retired_by_id.get(row.id) if row.status == "retired" else _current_entry(g, place_by_id, row.id, row.name)
        if target is not None:
            historic = HistoricName(row.alias, "former", target, row.valid_to)
            _add_history(g, historic)
            if target.kind == "road":
                g.history_roads.setdefault(normalize(row.alias), historic)
    _spatial_indexes(g)
    g.prefix_keys.sort()
    g.latin_keys.sort()
    g.history_prefix_keys.sort()
    g.history_latin_keys.sort()
    g.road_keys = sorted(g.road_ids)
    g.built_at = time.monotonic()
    return g


def _add(g: Gazetteer, entry: Entry, names: list[str]) -> int:
    """Add ``entry`` found by ``names``; returns its position in ``g.entries``."""
    g.entries.append(entry)
    index = len(g.entries) - 1
    _index_names(g, entry, index, names)
    return index


def _index_names(g: Gazetteer, entry: Entry, index: int, names: list[str]) -> None:
    """Make the entry at ``index`` findable by each of ``names`` (exact, prefix, one typo, pinyin)."""
    for name in dict.fromkeys(names):
        key = normalize(name)
        g.names[key].append(entry)
        g.prefix_keys.append((key, index))
        for variant in _deletions(key):
            g.one_edit[variant].add(key)
        full, initials = pinyin.keys(key)
        for k in full:
            g.pinyin_full[k].append(entry)
            g.latin_keys.append((k, index))
        for k in initials:
            g.pinyin_initials[k].append(entry)
            g.latin_keys.append((k, index))


def _current_entry(g: Gazetteer, place_by_id: dict[int, Entry], name_id: int, name: str) -> Entry | None:
    """What a current register name is found as: its place, else the road or unit of that name."""
    key = normalize(name)
    if name_id in place_by_id:
        return place_by_id[name_id]
    if key in g.roads:
        return g.roads[key]
    units = [e for e in g.names.get(key, []) if e.kind in ("community", "subdistrict")]
    return units[0] if units else None


def _index_retired(g: Gazetteer, rows, admin_of) -> dict[int, Entry]:
    """Index cancelled names: a road keeps its centreline, anything else its registered
    location (or none). Returns the entry of each retired register id."""
    by_id = {}
    for row in rows:
        key = normalize(row.name)
        road = g.roads.get(key)
        if road is not None and road.status == "retired":
            entry = road
        else:
            point = None
            community = subdistrict = None
            if row.geom is not None:
                point = row.geom if row.geom.geom_type == "Point" else row.geom.representative_point()
                community, subdistrict = admin_of(point)
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
                status="retired",
                retired_on=row.retired_on,
            )
        by_id[row.id] = entry
        _add_history(g, HistoricName(row.name, "retired", entry, row.retired_on))
    return by_id


def _add_history(g: Gazetteer, historic: HistoricName) -> None:
    g.history_list.append(historic)
    index = len(g.history_list) - 1
    key = normalize(historic.name)
    g.history[key].append(historic)
    g.history_prefix_keys.append((key, index))
    for k in pinyin.keys(key)[0]:
        g.history_pinyin[k].append(historic)
        g.history_latin_keys.append((k, index))


def _spatial_indexes(g: Gazetteer) -> None:
    if g.road_list:
        g.road_tree = shapely.STRtree([_metric(e.geom) for e in g.road_list])
    g.road_index = {e.name: i for i, e in enumerate(g.road_list)}
    lookup = np.full(max(g.road_by_id, default=-1) + 1, -2, dtype=int)
    for road_id, entry in g.road_by_id.items():
        lookup[road_id] = g.road_index[entry.name]
    g._road_position_lookup = lookup


def _metric(geom):
    return shapely.transform(geom, lambda xy: np.column_stack(to_metres(xy[:, 0], xy[:, 1])))


def names_version(store) -> int:
    """The newest change of the tables the names in memory are read from."""
    with store.read(public=True) as session:
        return newest_change(session, NAME_TABLES)


class GazetteerCache:
    """One gazetteer per store, reread as soon as its names change.

    Every query compares the newest change of ``NAME_TABLES`` (one index probe per table)
    with the copy's; when a name, road, unit or compound changed, the first query after the
    commit rereads the names (door plates are not in the copy, so this is quick) while other
    threads go on with the previous copy. ``max_age`` is only a safety net: after that many
    seconds a copy is reread in the background even if no change was seen (on PostgreSQL two
    transactions can commit their audit ids out of order)."""

    def __init__(self, profile: DistrictProfile | None = None, max_age: float = 300.0):
        self.profile = profile
        self.max_age = max_age
        self._lock = threading.Lock()
        self._building = threading.Lock()
        self._by_url: dict[str, Gazetteer] = {}
        self._rebuilding: set[str] = set()

    def get(self, store) -> Gazetteer:
        current = self._by_url.get(store.url)
        if current is None or names_version(store) != current.version:
            return self._reread(store, current)
        if time.monotonic() - current.built_at >= self.max_age:
            with self._lock:
                start = store.url not in self._rebuilding
                self._rebuilding.add(store.url)
            if start:
                threading.Thread(target=self._rebuild, args=(store,), daemon=True).start()
        return current

    def _reread(self, store, current: Gazetteer | None) -> Gazetteer:
        """The names as committed now: one thread reads them; the others keep the previous copy
        meanwhile (or wait for the first one there is)."""
        if current is not None and not self._building.acquire(blocking=False):
            return current
        if current is None:
            self._building.acquire()
        try:
            latest = self._by_url.get(store.url)
            if latest is not None and latest is not current and names_version(store) == latest.version:
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
