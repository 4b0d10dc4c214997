"""Schema operations that differ between the backends, for migrations to call.

A spatial table needs, on PostgreSQL, the PostGIS extension and a GiST index; on
SQLite, the GeoPackage metadata rows, an R*Tree index and the triggers that keep it
in sync. The audit log needs a trigger that refuses UPDATE and DELETE. Migrations
call these functions with their connection and stay backend-neutral.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import text
from sqlalchemy.engine import Connection

from . import gpkg
from .coltypes import UTCDateTime
from .geometry import STORAGE_SRID
from .spatial import rtree_name


def registered_columns(*columns, constraints=()) -> list:
    """A migration's column list for a ``Registered`` table: id, the table's own
    columns, then version/source/created/updated. Keep it stable: old migrations use it."""
    return [
        sa.Column("id", sa.Integer, primary_key=True),
        *columns,
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("source", sa.String(64)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        *constraints,
    ]


def init_database(conn: Connection) -> None:
    """Backend set-up that precedes any table: PostGIS, or the GeoPackage core."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
        return
    conn.exec_driver_sql(f"PRAGMA application_id = {gpkg.APPLICATION_ID}")
    conn.exec_driver_sql(f"PRAGMA user_version = {gpkg.USER_VERSION}")
    conn.exec_driver_sql(
        """CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (
            srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
            organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)"""
    )
    conn.exec_driver_sql(
        """CREATE TABLE IF NOT EXISTS gpkg_contents (
            table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
            description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
            min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
            CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))"""
    )
    conn.exec_driver_sql(
        """CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (
            table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
            srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
            CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
            CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
            CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))"""
    )
    conn.exec_driver_sql(
        """CREATE TABLE IF NOT EXISTS gpkg_extensions (
            table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL,
            definition TEXT NOT NULL, scope TEXT NOT NULL,
            CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))"""
    )
    for row in gpkg.SPATIAL_REF_SYS:
        conn.exec_driver_sql("INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)", row)


def drop_database_extras(conn: Connection) -> None:
    """Undo ``init_database`` on SQLite (PostGIS stays: other schemas may use it)."""
    if conn.dialect.name == "postgresql":
        return
    for table in ("gpkg_extensions", "gpkg_geometry_columns", "gpkg_contents", "gpkg_spatial_ref_sys"):
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")


def register_spatial_table(conn: Connection, table: str, column: str, geometry_type: str, title: str = "") -> None:
    """Index a geometry column; on SQLite also publish the table in the GeoPackage."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f'CREATE INDEX IF NOT EXISTS "ix_{table}_{column}_gist" ON "{table}" USING GIST ("{column}")')
        return
    conn.exec_driver_sql(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES (?, 'features', ?, ?, ?)",
        (table, table, title, STORAGE_SRID),
    )
    conn.exec_driver_sql(
        "INSERT INTO gpkg_geometry_columns VALUES (?, ?, ?, ?, 0, 0)", (table, column, geometry_type.upper(), STORAGE_SRID)
    )
    conn.exec_driver_sql(
        "INSERT INTO gpkg_extensions VALUES (?, ?, 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
        (table, column),
    )
    rtree = rtree_name(table, column)
    conn.exec_driver_sql(f'CREATE VIRTUAL TABLE "{rtree}" USING rtree(id, minx, maxx, miny, maxy)')
    for statement in _rtree_triggers(table, column, rtree):
        conn.exec_driver_sql(statement)


def unregister_spatial_table(conn: Connection, table: str, column: str) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f'DROP INDEX IF EXISTS "ix_{table}_{column}_gist"')
        return
    rtree = rtree_name(table, column)
    for suffix in ("insert", "update", "update_empty", "delete"):
        conn.exec_driver_sql(f'DROP TRIGGER IF EXISTS "{rtree}_{suffix}"')
    conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{rtree}"')
    conn.exec_driver_sql("DELETE FROM gpkg_extensions WHERE table_name = ?", (table,))
    conn.exec_driver_sql("DELETE FROM gpkg_geometry_columns WHERE table_name = ?", (table,))
    conn.exec_driver_sql("DELETE FROM gpkg_contents WHERE table_name = ?", (table,))


def refresh_extents(conn: Connection) -> None:
    """Record each GeoPackage layer's extent (read from its R*Tree) in gpkg_contents,
    so desktop GIS zooms to the data."""
    if conn.dialect.name != "sqlite":
        return
    rows = conn.exec_driver_sql("SELECT table_name, column_name FROM gpkg_geometry_columns").all()
    for table, column in rows:
        rtree = rtree_name(table, column)
        conn.exec_driver_sql(
            f'UPDATE gpkg_contents SET min_x = (SELECT min(minx) FROM "{rtree}"), '
            f'min_y = (SELECT min(miny) FROM "{rtree}"), max_x = (SELECT max(maxx) FROM "{rtree}"), '
            f'max_y = (SELECT max(maxy) FROM "{rtree}"), '
            "last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = ?",
            (table,),
        )


def _rtree_triggers(table: str, column: str, rtree: str) -> list[str]:
    """Triggers keeping the R*Tree equal to the envelopes of the non-empty geometries."""
    envelope = f'ST_MinX(NEW."{column}"), ST_MaxX(NEW."{column}"), ST_MinY(NEW."{column}"), ST_MaxY(NEW."{column}")'
    non_empty = f'NEW."{column}" IS NOT NULL AND NOT ST_IsEmpty(NEW."{column}")'
    return [
        f'CREATE TRIGGER "{rtree}_insert" AFTER INSERT ON "{table}" WHEN ({non_empty}) '
        f'BEGIN INSERT OR REPLACE INTO "{rtree}" VALUES (NEW.id, {envelope}); END',
        f'CREATE TRIGGER "{rtree}_update" AFTER UPDATE OF "{column}", id ON "{table}" WHEN ({non_empty}) '
        f'BEGIN DELETE FROM "{rtree}" WHERE id = OLD.id; INSERT OR REPLACE INTO "{rtree}" VALUES (NEW.id, {envelope}); END',
        f'CREATE TRIGGER "{rtree}_update_empty" AFTER UPDATE OF "{column}", id ON "{table}" WHEN NOT ({non_empty}) '
        f'BEGIN DELETE FROM "{rtree}" WHERE id = OLD.id; END',
        f'CREATE TRIGGER "{rtree}_delete" AFTER DELETE ON "{table}" WHEN OLD."{column}" IS NOT NULL '
        f'BEGIN DELETE FROM "{rtree}" WHERE id = OLD.id; END',
    ]


def make_append_only(conn: Connection, table: str) -> None:
    """Refuse UPDATE and DELETE on a table, in the database itself."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            f"""CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{table} is append-only'; END; $$ LANGUAGE plpgsql"""
        )
        conn.exec_driver_sql(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
        )
        conn.exec_driver_sql(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()"
        )
        return
    for action in ("UPDATE", "DELETE"):
        conn.exec_driver_sql(
            f'CREATE TRIGGER "{table}_no_{action.lower()}" BEFORE {action} ON "{table}" '
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        )


def drop_append_only(conn: Connection, table: str) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {table}_append_only()")
        return
    for action in ("update", "delete"):
        conn.exec_driver_sql(f'DROP TRIGGER IF EXISTS "{table}_no_{action}"')
