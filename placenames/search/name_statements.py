"""The statements a query's reading of names runs (``names``), and the columns they read.

Built once at import: a lookup runs dozens of them, and building and compiling a statement
each time cost more than the database's answer.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select, text

from gis.basemap import Building, Road
from placenames import categories
from placenames.models import DoorPlate, PlaceName
from placenames.numbering.models import Compound, CompoundBuilding
from placenames.registry_models import NameAlias

from . import keys, spellings
from .key_table import BY_NAME, CURRENT, HISTORIC, ROAD, SearchKey

KEY_COLUMNS = (
    SearchKey.key,
    SearchKey.kind,
    SearchKey.name_key,
    SearchKey.via,
    SearchKey.target,
    SearchKey.target_id,
    SearchKey.source_id,
    SearchKey.state,
    SearchKey.until,
)
PLACE_COLUMNS = (
    PlaceName.id,
    PlaceName.name,
    PlaceName.romanization,
    PlaceName.category_label,
    PlaceName.admin_code,
    PlaceName.geom,
    PlaceName.status,
    PlaceName.classification,
    PlaceName.retired_on,
)


def _registered_spelling(name, district, category: str):
    """The spelling the register holds for a current name of ``category`` in ``district``
    (one at most: a district has one current 街路巷 name of each name), as a column."""
    return (
        select(PlaceName.romanization)
        .where(
            PlaceName.name == name, PlaceName.district_code == district, PlaceName.category_code == category, PlaceName.status == CURRENT
        )
        .limit(1)
        .scalar_subquery()
    )


ROAD_SPELLING = _registered_spelling(Road.name, Road.district_code, categories.ROAD).label("registered_spelling")
ROAD_COLUMNS = (Road.id, Road.name, Road.road_class, Road.admin_code, Road.geom, ROAD_SPELLING)
LATIN_KINDS = (keys.PINYIN, keys.INITIALS)
IN_CHUNK = 900  # keys in one IN list (SQLite allows many more; a bound keeps plans simple)
PREFETCH_ROWS = 500  # a range read ahead is kept when it holds no more than about twice this many rows

_KINDS = SearchKey.kind.in_(bindparam("kinds", expanding=True))
BY_KEYS = select(*KEY_COLUMNS).where(_KINDS, SearchKey.key.in_(bindparam("keys", expanding=True)))


BEGINNING_WITH = (
    select(*KEY_COLUMNS)
    .where(_KINDS, SearchKey.key >= bindparam("low"), SearchKey.key < bindparam("high"))
    .order_by(SearchKey.key, SearchKey.target.desc(), SearchKey.target_id, SearchKey.source_id)  # roads ('road' > 'place') first
    .limit(bindparam("size"))
    .offset(bindparam("skip"))
)
ROAD_KEYS_BEGINNING = (
    select(SearchKey.key)
    .where(
        SearchKey.kind == keys.NAME,
        SearchKey.via == BY_NAME,
        SearchKey.target == ROAD,
        SearchKey.key >= bindparam("low"),
        SearchKey.key < bindparam("high"),
    )
    .distinct()
    .order_by(SearchKey.key)
    .limit(bindparam("size"))
)
BY_IDS = {
    columns[0]: select(*columns).where(columns[0].in_(bindparam("ids", expanding=True)))
    for columns in (PLACE_COLUMNS, ROAD_COLUMNS, (NameAlias.id, NameAlias.alias, NameAlias.valid_to))
}
# A compound with the door plate that gives its address (none before it is numbered).
COMPOUNDS_BY_IDS = (
    select(
        Compound.id,
        Compound.name,
        Compound.geom,
        Road.name.label("road_name"),
        DoorPlate.number,
        DoorPlate.number_text,
        DoorPlate.address,
        DoorPlate.geom.label("plate_geom"),
        _registered_spelling(Compound.name, Road.district_code, spellings.COMPOUND).label("registered_spelling"),
    )
    .join(Road, Road.id == Compound.road_id)
    .outerjoin(DoorPlate, (DoorPlate.id == Compound.door_plate_id) & (DoorPlate.status == CURRENT))
    .where(Compound.id.in_(bindparam("ids", expanding=True)))
)
PLACE_GEOMS = select(PlaceName.id, PlaceName.geom).where(PlaceName.id.in_(bindparam("ids", expanding=True)))
ROAD_NAMES = select(Road.id, Road.name, Road.district_code, ROAD_SPELLING).where(Road.id.in_(bindparam("ids", expanding=True)))
COMPOUND_BUILDINGS = (
    select(Compound.name, CompoundBuilding.label, Building.id, Building.geom)
    .join(CompoundBuilding, CompoundBuilding.compound_id == Compound.id)
    .join(Building, Building.id == CompoundBuilding.building_id)
    .where(Compound.door_plate_id == bindparam("plate_id"), CompoundBuilding.label.is_not(None))
    .order_by(CompoundBuilding.id)
)

HISTORIC_BEGINNING_WITH = (
    select(*KEY_COLUMNS)
    .where(_KINDS, SearchKey.key >= bindparam("low"), SearchKey.key < bindparam("high"))
    .where(text(HISTORIC))
    .order_by(SearchKey.key, SearchKey.source_id)
    .limit(bindparam("size"))
)
