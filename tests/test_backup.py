"""Backup and restore round trip on both backends: every table comes back identical."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from ogc_seed import seed

from cli import main
from gis.basemap import Road
from gis.errors import BadRequest
from gis.storage import backup


def snapshot(store) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    inspector = sa.inspect(store.engine)
    out = {}
    with store.engine.connect() as connection:
        for name in sorted(inspector.get_table_names()):
            if name == "spatial_ref_sys":
                continue
            key = inspector.get_pk_constraint(name)["constrained_columns"] or [c["name"] for c in inspector.get_columns(name)]
            order = ", ".join(f'"{c}"' for c in key)
            rows = connection.exec_driver_sql(f'SELECT * FROM "{name}" ORDER BY {order}').all()
            out[name] = [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in rows]
    return out


def test_round_trip_restores_every_table(store, tmp_path):
    seed(store)
    path = tmp_path / ("backup.dump" if store.dialect == "postgresql" else "backup.gpkg")
    result = CliRunner().invoke(main, ["--db", store.url, "backup", str(path)])
    assert result.exit_code == 0, result.output
    before = snapshot(store)  # after the backup: on SQLite it also records layer extents
    assert before["roads"] and before["audit_log"]
    with store.transaction(actor="mallory", reason="damage") as session:
        for road in session.scalars(sa.select(Road)):
            road.name = road.name + "（错）"
    assert snapshot(store) != before
    result = CliRunner().invoke(main, ["--db", store.url, "restore", str(path), "--yes"])
    assert result.exit_code == 0, result.output
    assert snapshot(store) == before


def test_restore_refuses_a_file_that_is_not_a_backup(store, tmp_path):
    seed(store)
    before = snapshot(store)
    bogus = tmp_path / "x.gpkg"
    sqlite3.connect(bogus).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(BadRequest):
        backup.restore(store, bogus)
    assert snapshot(store) == before


@pytest.mark.parametrize("content", [b"hello, not a database\n" * 100, b"PGDMP-looking? no: " + bytes(range(256)), b""])
def test_cli_restore_of_a_file_that_is_not_a_database_is_a_clear_error(store, tmp_path, content):
    seed(store)
    before = snapshot(store)
    bogus = tmp_path / "notes.txt"
    bogus.write_bytes(content)
    result = CliRunner().invoke(main, ["--db", store.url, "restore", str(bogus), "--yes"])
    assert result.exit_code == 2, result.output
    assert "not a" in result.output and "Traceback" not in result.output and result.exception.__class__ is SystemExit
    assert snapshot(store) == before
