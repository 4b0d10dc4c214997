"""Importing files into the store and exporting layers, on both backends, all or nothing."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
import sqlalchemy as sa
from click.testing import CliRunner

from cli import main
from cli.data_commands import registry
from gis import transfer
from gis.basemap import Road
from gis.errors import InvalidInput
from gis.storage.audit import AuditEntry

ROADS = [("春城路", "arterial"), ("关上中路", "secondary"), ("子君路", "local")]


def roads_frame(crs="EPSG:4490") -> gpd.GeoDataFrame:
    lines = [shapely.LineString([(102.70 + i / 100, 25.0), (102.71 + i / 100, 25.01)]) for i in range(len(ROADS))]
    frame = gpd.GeoDataFrame({"name": [n for n, _ in ROADS], "road_class": [c for _, c in ROADS]}, geometry=lines, crs="EPSG:4490")
    return frame.to_crs(crs)


def count(store, model=Road) -> int:
    with store.read() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(model))


def audit_count(store) -> int:
    with store.read() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".shp"])
def test_import_each_format_reprojects_to_storage_and_audits(store, tmp_path, suffix):
    path = tmp_path / f"roads{suffix}"
    roads_frame("EPSG:4543").to_file(path)
    result = transfer.import_file(store, registry().get("roads"), path, actor="officer", reason="survey 2026")
    assert result.inserted == 3
    with store.read() as session:
        stored = {r.name: r for r in session.scalars(sa.select(Road))}
    assert set(stored) == {"春城路", "关上中路", "子君路"}
    start = stored["春城路"].geom.geoms[0].coords[0]
    assert start == pytest.approx((102.70, 25.0), abs=1e-8)
    assert stored["春城路"].source == f"import:roads{suffix}"
    assert audit_count(store) == 3


def test_import_gbk_shapefile_without_cpg(store, tmp_path):
    path = tmp_path / "roads_gbk.shp"
    roads_frame().to_file(path, encoding="GBK")
    path.with_suffix(".cpg").unlink(missing_ok=True)
    transfer.import_file(store, registry().get("roads"), path, actor="officer")
    with store.read() as session:
        assert set(session.scalars(sa.select(Road.name))) == {"春城路", "关上中路", "子君路"}


def test_invalid_file_is_rejected_with_row_numbers_and_nothing_written(store, tmp_path):
    frame = roads_frame()
    frame.loc[1, "road_class"] = None
    path = tmp_path / "bad.geojson"
    frame.to_file(path)
    with pytest.raises(InvalidInput) as caught:
        transfer.import_file(store, registry().get("roads"), path, actor="officer")
    assert caught.value.http_status == 400
    assert [p["row"] for p in caught.value.details["problems"]] == [2]
    assert count(store) == 0 and audit_count(store) == 0


def test_skip_invalid_imports_the_rest_and_reports_the_skipped(store, tmp_path):
    frame = roads_frame()
    frame.loc[1, "road_class"] = None
    path = tmp_path / "bad.geojson"
    frame.to_file(path)
    result = transfer.import_file(store, registry().get("roads"), path, actor="officer", skip_invalid=True)
    assert result.inserted == 2
    assert [(p.row, p.action) for p in result.report.problems] == [(2, "skipped")]


def test_interrupted_import_leaves_nothing(store, tmp_path, monkeypatch):
    path = tmp_path / "roads.geojson"
    roads_frame().to_file(path)
    monkeypatch.setattr(transfer, "BATCH", 1)
    real_insert = store.bulk_insert
    calls = []

    def crash_on_second_batch(session, model, rows, **kw):
        calls.append(len(rows))
        if len(calls) == 2:
            raise KeyboardInterrupt("operator pressed Ctrl-C")
        return real_insert(session, model, rows, **kw)

    monkeypatch.setattr(store, "bulk_insert", crash_on_second_batch)
    with pytest.raises(KeyboardInterrupt):
        transfer.import_file(store, registry().get("roads"), path, actor="officer")
    assert calls == [1, 1]
    assert count(store) == 0 and audit_count(store) == 0


@pytest.mark.parametrize(("suffix", "crs"), [(".gpkg", "EPSG:4490"), (".geojson", "CRS84"), (".shp", "EPSG:4543"), (".csv", "EPSG:4490")])
def test_export_round_trip(store, tmp_path, suffix, crs):
    source = tmp_path / "in.geojson"
    roads_frame().to_file(source)
    layer = registry().get("roads")
    transfer.import_file(store, layer, source, actor="officer")
    target = tmp_path / f"out{suffix}"
    assert transfer.export_file(store, layer, target, crs=crs) == 3
    if suffix == ".csv":
        text = target.read_text(encoding="utf-8")
        assert "春城路" in text and "LINESTRING" in text.upper()
        return
    back = gpd.read_file(target)
    assert sorted(back["name"]) == sorted(n for n, _ in ROADS)
    if crs == "EPSG:4543":
        assert 500_000 < back.geometry.iloc[0].bounds[0] < 600_000
    else:
        assert back.to_crs("EPSG:4490").geometry.iloc[0].bounds[0] == pytest.approx(102.70, abs=1e-7)


def test_cli_import_reports_problems_and_exits_non_zero(store, tmp_path):
    frame = roads_frame()
    frame.loc[0, "geometry"] = shapely.Polygon([(102.7, 25), (102.71, 25.01), (102.71, 25), (102.7, 25.01)])
    path = tmp_path / "bad.geojson"
    frame.to_file(path)
    result = CliRunner().invoke(main, ["--db", store.url, "import", "roads", str(path)])
    assert result.exit_code == 2
    assert "nothing was imported" in result.output and "未导入任何数据" in result.output
    assert count(store) == 0
    good = tmp_path / "good.geojson"
    roads_frame().to_file(good)
    result = CliRunner().invoke(main, ["--db", store.url, "import", "roads", str(good), "--reason", "survey"])
    assert result.exit_code == 0, result.output
    assert "imported 3 features" in result.output
    assert count(store) == 3
