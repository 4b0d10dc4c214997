"""Alembic migrations from empty, up and down, on both backends; the schema matches the models."""

from __future__ import annotations

import sqlite3
import warnings

import pyogrio
import pytest
import shapely
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import accounts.models  # noqa: F401  (registers the tables on the metadata)
import boundaries.line_models  # noqa: F401
import boundaries.redistricting.models  # noqa: F401
import gis.basemap  # noqa: F401
import placenames.models  # noqa: F401
import placenames.numbering.models  # noqa: F401
import placenames.registry_models  # noqa: F401
import placenames.search.key_table  # noqa: F401
import placenames.signs.models  # noqa: F401
from gis.basemap import Road
from gis.storage import Base, migrate, native_points, partitions
from gis.storage.district_key import KEY

DOMAIN_TABLES = {
    "users",
    "api_tokens",
    "web_sessions",
    "audit_log",
    "admin_units",
    "blocks",
    "place_names",
    "roads",
    "waterways",
    "buildings",
    "door_plates",
}


def tables(store) -> set[str]:
    return set(sa.inspect(store.engine).get_table_names())


def test_upgrade_from_empty_then_down_to_base_and_up_again(empty_store):
    assert migrate.current(empty_store) is None
    migrate.upgrade(empty_store)
    assert migrate.current(empty_store) == ",".join(migrate.heads())
    assert DOMAIN_TABLES <= tables(empty_store)
    migrate.downgrade(empty_store, "base")
    assert migrate.current(empty_store) is None
    assert not (DOMAIN_TABLES & tables(empty_store))
    if empty_store.dialect == "sqlite":
        assert not any(name.startswith(("gpkg_", "rtree_")) for name in tables(empty_store))
    migrate.upgrade(empty_store)
    assert DOMAIN_TABLES <= tables(empty_store)


def test_models_match_the_migrated_schema(store):
    with store.engine.connect() as connection:
        partitions_of = _partitions(connection)

        def not_a_partition(obj, name, type_, reflected, _compare_to) -> bool:
            """A partition, its indexes and the foreign keys PostgreSQL keeps per partition are the table's own."""
            if type_ == "table":
                return name not in partitions_of
            if type_ == "foreign_key_constraint" and reflected:
                return obj.referred_table.name not in partitions_of
            if type_ == "column" and reflected and name == native_points.COLUMN:
                return False  # PostgreSQL's own copy of a point for its index (0020), which no model reads or writes
            return True

        context = MigrationContext.configure(connection, opts={"compare_type": False, "include_object": not_a_partition})
        differences = compare_metadata(context, Base.metadata)
    ignorable = {"spatial_ref_sys", "alembic_version"}
    real = [
        d for d in differences if not (d[0] == "remove_table" and (d[1].name in ignorable or d[1].name.startswith(("gpkg_", "rtree_"))))
    ]
    real = [d for d in real if not (d[0] == "remove_index" and d[1].name.endswith("_gist"))]
    if store.dialect == "sqlite":
        real = _beyond_the_partition_key(real)
    assert real == []


def _partitions(connection) -> set[str]:
    if connection.dialect.name != "postgresql":
        return set()
    return {name for table in partitions.partitioned_tables(connection) for name in partitions.partitions(connection, table).values()}


def _beyond_the_partition_key(differences: list) -> list:
    """The differences that remain when the partition key is left out of every rule.

    SQLite has no partitions: migration 0017 gives it the column only, and its rules stay
    without the key, as strict as the models' (a foreign key on the id alone, (road,
    number, suffix) alone). What the models add for PostgreSQL — the key at the end of a
    unique rule or foreign key, and (id, key) as a second key beside the id — is not a
    difference there."""

    def rule(difference):
        kind, item = difference[0], difference[1]
        if kind in ("add_fk", "remove_fk"):
            referred = tuple(e.target_fullname.rsplit(".", 1)[1] for e in item.elements)
            return ("fk", item.parent.name, _keyless(item.column_keys), item.referred_table.name, _keyless(referred))
        if kind in ("add_index", "remove_index", "add_constraint", "remove_constraint") and getattr(item, "unique", True):
            return ("unique", item.table.name, _keyless(c.name for c in item.columns))
        return None

    added = {rule(d) for d in differences if d[0].startswith("add_")}
    removed = {rule(d) for d in differences if d[0].startswith("remove_")}
    restated = added & removed

    def explained(difference) -> bool:
        found = rule(difference)
        return found is not None and (
            found in restated or (difference[0].startswith("add_") and found[0] == "unique" and found[2] == ("id",))
        )

    return [d for d in differences if not explained(d)]


def _keyless(columns) -> tuple[str, ...]:
    return tuple(c for c in columns if c != KEY)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_sqlite_store_is_a_geopackage_gdal_reads_without_complaint(store):
    with store.transaction(actor="t") as session:
        session.add(Road(name="春城路", road_class="arterial", geom=shapely.LineString([(102.70, 25.0), (102.72, 25.01)])))
    store.checkpoint()
    path = store.engine.url.database
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47
        assert raw.execute("SELECT count(*) FROM rtree_roads_geom").fetchone()[0] == 1
        extent = raw.execute("SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = 'roads'").fetchone()
    assert extent == pytest.approx((102.70, 25.0, 102.72, 25.01), abs=1e-5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        layers = dict(pyogrio.list_layers(path))
        frame = pyogrio.read_dataframe(path, layer="roads")
    assert layers["roads"] == "MultiLineString" and layers["door_plates"] == "Point"
    assert frame.crs.to_epsg() == 4490
    assert frame.iloc[0]["name"] == "春城路"
    assert frame.geometry.iloc[0].geoms[0].coords[0] == (102.70, 25.0)
