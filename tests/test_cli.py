"""The ``diming`` command end to end on both backends (Click's runner, real database)."""

from __future__ import annotations

import sqlalchemy as sa
from click.testing import CliRunner

from cli import main
from gis.storage import migrate


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_db_upgrade_downgrade_current(empty_store):
    url = empty_store.url
    assert run("--db", url, "db", "current").output.strip() == "base"
    result = run("--db", url, "db", "upgrade")
    expected = ",".join(migrate.heads())
    assert result.exit_code == 0 and f"revision {expected}" in result.output
    assert run("--db", url, "db", "current").output.strip() == migrate.current(empty_store) == expected
    result = run("--db", url, "db", "downgrade", "base")
    assert result.exit_code == 0
    assert "roads" not in sa.inspect(empty_store.engine).get_table_names()


def test_database_from_environment(empty_store, monkeypatch):
    monkeypatch.setenv("DIMING_DATABASE_URL", empty_store.url)
    assert run("db", "upgrade").exit_code == 0
    assert migrate.current(empty_store) == ",".join(migrate.heads())


def test_unknown_layer_is_a_clear_error(store, tmp_path):
    path = tmp_path / "x.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    result = CliRunner().invoke(main, ["--db", store.url, "import", "rivers_and_lakes", str(path)])
    assert result.exit_code == 2
    assert "Unknown layer 'rivers_and_lakes'" in result.output and "未知图层" in result.output


def test_layers_lists_every_importable_layer():
    output = run("layers").output
    for name in ("subdistricts", "communities", "blocks", "roads", "buildings", "door_plates", "place_names"):
        assert name in output


def test_serve_refuses_an_outdated_schema_and_health_says_why(empty_store, tmp_path):
    from gis.settings import Settings
    from server import create_app

    migrate.upgrade(empty_store, "0001")
    result = CliRunner().invoke(main, ["--db", empty_store.url, "serve", "--port", "1"])
    assert result.exit_code == 1 and "db upgrade" in result.output and "数据库结构" in result.output
    health = create_app(Settings(database_url=empty_store.url, work_dir=str(tmp_path / "run"))).test_client().get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["status"] == "schema-outdated" and health.get_json()["database"]["schema_current"] is False
