"""Zip archives are opened with limits: a small zip that unpacks to gigabytes is refused
without being unpacked (memory stays low), from read_layer and from the CLI on both backends."""

from __future__ import annotations

import tracemalloc
import zipfile

import geopandas as gpd
import pyogrio
import pytest
from click.testing import CliRunner
from shapely.geometry import LineString

from cli import main
from gis.errors import PayloadTooLarge
from gis.io import read_layer
from gis.io.archive import SMALL_MEMBER_BYTES

MIB = 1024 * 1024


def shapefile_zip(tmp_path, *, cpg: bytes | int = b"UTF-8", extra: int = 0):
    """A zipped road shapefile; ``cpg`` as bytes, or as a number of zero bytes streamed in (never held)."""
    roads = gpd.GeoDataFrame(
        {"name": ["春城路"], "road_class": ["arterial"]}, geometry=[LineString([(102.70, 25.0), (102.72, 25.01)])], crs="EPSG:4490"
    )
    shp = tmp_path / "roads.shp"
    pyogrio.write_dataframe(roads, shp, encoding="UTF-8")
    path = tmp_path / "roads.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for suffix in (".shp", ".shx", ".dbf", ".prj"):
            archive.write(shp.with_suffix(suffix), "roads" + suffix)
        with archive.open("roads.cpg", "w", force_zip64=True) as member:
            if isinstance(cpg, bytes):
                member.write(cpg)
            else:
                for _ in range(cpg // MIB):
                    member.write(bytes(MIB))
        if extra:
            with archive.open("padding.bin", "w", force_zip64=True) as member:
                for _ in range(extra // MIB):
                    member.write(bytes(MIB))
    return path


def test_a_normal_zip_still_reads(tmp_path):
    assert list(read_layer(shapefile_zip(tmp_path))["name"]) == ["春城路"]


def test_a_cpg_bomb_is_refused_without_unpacking_it(tmp_path):
    path = shapefile_zip(tmp_path, cpg=100 * MIB)
    assert path.stat().st_size < 1 * MIB  # 100 MB of zeros compress to ~100 KB
    tracemalloc.start()
    try:
        with pytest.raises(PayloadTooLarge) as err:
            read_layer(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * MIB
    assert err.value.http_status == 413 and "roads.cpg" in err.value.en and err.value.zh
    assert err.value.details["limit_bytes"] == SMALL_MEMBER_BYTES


def test_total_uncompressed_size_is_limited_by_the_setting(tmp_path, monkeypatch):
    path = shapefile_zip(tmp_path, extra=3 * MIB)
    assert list(read_layer(path)["name"]) == ["春城路"]  # 3 MB is well under the default 2 GiB
    monkeypatch.setenv("DIMING_MAX_UNZIPPED_MB", "2")
    with pytest.raises(PayloadTooLarge) as err:
        read_layer(path)
    assert "total" in err.value.en


def test_cli_import_of_a_zip_bomb_is_exit_2_and_stores_nothing(store, tmp_path):
    path = shapefile_zip(tmp_path, cpg=20 * MIB)
    result = CliRunner().invoke(main, ["--db", store.url, "import", "roads", str(path)])
    assert result.exit_code == 2, result.output
    assert "payload-too-large" in result.output and "Traceback" not in result.output
    with store.read() as session:
        from sqlalchemy import func, select

        from gis.basemap import Road

        assert session.scalar(select(func.count()).select_from(Road)) == 0


def test_api_upload_of_a_zip_bomb_is_413_with_a_bilingual_message(store, tmp_path):
    from apitools import bearer, make_client

    client = make_client(store, tmp_path)
    officer = bearer(store, "wang", "placename_officer")
    path = shapefile_zip(tmp_path, cpg=20 * MIB)
    with path.open("rb") as upload:
        response = client.post(
            "/api/v1/signs/import", data={"file": (upload, "signs.zip")}, headers=officer, content_type="multipart/form-data"
        )
    assert response.status_code == 413
    message = response.get_json()["message"]
    assert "roads.cpg" in message["en"] and "解压后过大" in message["zh"]
