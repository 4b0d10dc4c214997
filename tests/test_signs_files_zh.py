"""Inventory files for field teams: Chinese headers and status labels by default, either
language read back; spreadsheet formulas in sign text are made inert and round-trip."""

from __future__ import annotations

import csv
import io
import json

import numbering_world as world
import pytest
from apitools import bearer, make_client
from click.testing import CliRunner
from sqlalchemy import select
from test_signs_exchange import read_csv, stocked

from cli import main
from gis.errors import InvalidInput
from gis.io.csvfile import escape_formula, unescape_formula
from placenames.signs import exchange
from placenames.signs.models import PlateItem, RoadSign

SIGN_ZH = ["路牌编号", "所属道路", "中文牌面", "罗马字母拼写", "类型", "规格", "安装日期", "状态"]


def header(path) -> list[str]:
    return next(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


def test_export_writes_chinese_headers_and_labels_and_reads_back_unchanged(store, tmp_path):
    stocked(store)
    path = tmp_path / "signs.csv"
    exchange.export_signs(store, path)
    assert header(path)[:2] == ["lon", "lat"] and header(path)[2 : 2 + len(SIGN_ZH)] == SIGN_ZH
    rows = read_csv(path)
    assert {r["状态"] for r in rows} == {"在用"} and {r["最近检查结果"] for r in rows} == {"", "不合格"}
    again = exchange.import_signs(store, path, actor="wang", crs="EPSG:4490")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    plates = tmp_path / "plates.gpkg"
    exchange.export_plates(store, plates)
    assert exchange.import_plates(store, plates, actor="wang").unchanged == 7
    english = tmp_path / "signs-en.csv"
    exchange.export_signs(store, english, headers="en")
    assert header(english)[2:5] == ["id", "road_name", "text_zh"] and read_csv(english)[0]["status"] == "in_service"
    with pytest.raises(InvalidInput):
        exchange.export_signs(store, english, headers="fr")


def test_a_field_teams_chinese_file_with_damaged_and_faded_signs_imports(store, tmp_path):
    stocked(store)
    with store.read() as session:
        signs = {s.text_zh: s.id for s in session.scalars(select(RoadSign))}
    new = world.line((100, 3), (101, 3)).geoms[0].coords[0]
    text = (
        "路牌编号,所属道路,类型,状态,安装日期,经度,纬度\n"
        f"{signs['春城路']},春城路,街牌,损坏,2020-01-01,,\n"
        f",春城路,巷牌,褪色,2021-05-01,{new[0]!r},{new[1]!r}\n"
    )
    path = tmp_path / "外业.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput):  # the first row has no position
        exchange.import_signs(store, path, actor="wang", crs="EPSG:4490")
    with store.read() as session:
        sign = session.get(RoadSign, signs["春城路"])
    lon, lat = sign.geom.x, sign.geom.y
    path.write_text(text.replace(",,\n", f",{lon!r},{lat!r}\n", 1), encoding="utf-8")
    summary = exchange.import_signs(store, path, actor="wang", crs="EPSG:4490")
    assert (summary.inserted, summary.updated) == (1, 1)
    with store.read() as session:
        statuses = {(s.sign_type, s.status) for s in session.scalars(select(RoadSign).where(RoadSign.text_zh == "春城路"))}
    assert statuses == {("街牌", "damaged"), ("巷牌", "faded")}

    bad = tmp_path / "bad.csv"
    bad.write_text(f"路牌编号,所属道路,类型,状态,经度,纬度\n,春城路,巷牌,丢了,{new[0]!r},{new[1]!r}\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as refused:
        exchange.import_signs(store, bad, actor="wang", crs="EPSG:4490")
    [error] = refused.value.details["errors"]
    assert error["field"] == "状态" and "损坏" in error["zh"] and "第 2 行 状态" in refused.value.zh


@pytest.mark.parametrize("text", ["'already quoted", "x=1"])
def test_cells_that_are_not_formulas_round_trip_too(text):
    assert unescape_formula(escape_formula(text)) == text


@pytest.mark.parametrize("text", ["=1+2", "+1000", "-5", "@SUM(A1)", "\t=1", "\r=1", "'=1", "''x"])
def test_formula_starts_are_escaped_and_unescaped(text):
    escaped = escape_formula(text)
    assert escaped == "'" + text
    assert unescape_formula(escaped) == text


def test_formula_cells_are_inert_in_the_csv_and_an_export_reimports_unchanged(store, tmp_path):
    stocked(store)
    formulas = {"text_zh": '=HYPERLINK("http://evil.example","春城路")', "text_roman": "+1000", "size": "-5x@", "sign_type": "@SUM(A1)"}
    with store.transaction(actor="wang") as session:
        sign = session.scalars(select(RoadSign).order_by(RoadSign.id)).first()
        for key, value in formulas.items():
            setattr(sign, key, value)
        sign_id = sign.id
        plate = session.scalars(select(PlateItem).order_by(PlateItem.id)).first()
        plate.plate_type = "=cmd|' /C calc'!A0"
    for headers in ("zh", "en"):
        path = tmp_path / f"signs-{headers}.csv"
        exchange.export_signs(store, path, headers=headers)
        raw = path.read_bytes().decode("utf-8-sig")
        for value in formulas.values():
            assert f",{value}," not in raw and ("'" + value.replace('"', '""')) in raw
        assert not any(cell.startswith(("=", "+", "-", "@")) for row in csv.reader(io.StringIO(raw)) for cell in row[2:])
        again = exchange.import_signs(store, path, actor="wang", crs="EPSG:4490")
        assert (again.updated, again.unchanged) == (0, 2)
        plates = tmp_path / f"plates-{headers}.csv"
        exchange.export_plates(store, plates, headers=headers)
        assert "'=cmd" in plates.read_bytes().decode("utf-8-sig")
        assert exchange.import_plates(store, plates, actor="wang", crs="EPSG:4490").unchanged == 7
    with store.read() as session:
        stored = session.get(RoadSign, sign_id)
        assert {k: getattr(stored, k) for k in formulas} == formulas


def test_cli_and_api_choose_the_header_language(store, tmp_path):
    stocked(store)
    out = tmp_path / "signs.csv"
    done = CliRunner().invoke(main, ["--db", store.url, "signs", "export", "--out", str(out), "--headers", "en"])
    assert done.exit_code == 0, done.output
    assert "road_name" in header(out)
    done = CliRunner().invoke(main, ["--db", store.url, "signs", "export", "--out", str(out)])
    assert "所属道路" in header(out)
    client = make_client(store, tmp_path)
    officer = bearer(store, "wang", "placename_officer")
    zh = client.get("/api/v1/signs/export?format=csv", headers=officer).data.decode("utf-8-sig")
    assert zh.splitlines()[0].startswith("lon,lat,路牌编号,所属道路")
    en = client.get("/api/v1/signs/export?format=csv&headers=en", headers=officer).data.decode("utf-8-sig")
    assert en.splitlines()[0].startswith("lon,lat,id,road_name")
    bad = client.get("/api/v1/signs/export?format=csv&headers=fr", headers=officer)
    assert bad.status_code == 400 and json.loads(bad.data)["details"]["field"] == "headers"


def test_a_zipped_shapefile_export_reimports_unchanged(store, tmp_path):
    """Shapefile field names hold 10 bytes: English names (cut, e.g. installed_) with Chinese values."""
    stocked(store)
    path = tmp_path / "signs.zip"
    with pytest.warns(UserWarning, match="installed_"):
        exchange.export_signs(store, path)
    again = exchange.import_signs(store, path, actor="wang")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
