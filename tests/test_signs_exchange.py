"""The sign and plate inventory as files: export with inspection state, idempotent all-or-nothing
import with a reason per bad row, GBK CSV and CRS checks, CLI and officers' API."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import numbering_world as world
import pytest
import shapely
from apitools import bearer, make_client
from click.testing import CliRunner
from sqlalchemy import func, select

from cli import main
from gis.errors import CRSError, EncodingError, InvalidInput
from gis.storage.audit import AuditEntry
from placenames.numbering.geometry import to_storage
from placenames.signs import exchange, inspections, inventory
from placenames.signs.models import PlateItem, RoadSign

DAY = dt.date(2026, 4, 15)


def stocked(store) -> None:
    """The small street world numbered, with its 2 signs and 7 门牌, one sign failed on inspection."""
    world.seed_inventory(store)
    with store.read() as session:
        sign = session.scalars(select(RoadSign).order_by(RoadSign.id)).first()
    round_id = inspections.open_round(store, "2026 spring", inspector="李", held_on=DAY, actor="wang")
    inspections.record(store, round_id, [{"kind": "road_sign", "item": sign.id, "result": "fail", "defects": ["faded"]}], actor="wang")


def counts(store) -> tuple[int, int, int]:
    with store.read() as session:
        return tuple(session.scalar(select(func.count()).select_from(t)) for t in (RoadSign, PlateItem, AuditEntry))


def read_csv(path, encoding="utf-8-sig") -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode(encoding))))


def write_csv(path, rows: list[dict], encoding="utf-8") -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


@pytest.mark.parametrize("suffix", [".csv", ".gpkg"])
def test_export_carries_inspection_state_and_reimport_is_idempotent(store, tmp_path, suffix):
    stocked(store)
    signs_file, plates_file = tmp_path / f"signs{suffix}", tmp_path / f"plates{suffix}"
    assert exchange.export_signs(store, signs_file, headers="en") == 2
    assert exchange.export_plates(store, plates_file, headers="en") == 7
    crs = "EPSG:4490" if suffix == ".csv" else None
    before = counts(store)
    again = exchange.import_signs(store, signs_file, actor="wang", crs=crs)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    plates = exchange.import_plates(store, plates_file, actor="wang", crs=crs)
    assert (plates.inserted, plates.updated, plates.unchanged) == (0, 0, 7)
    assert counts(store) == before  # nothing added, nothing audited
    if suffix == ".csv":
        rows = read_csv(signs_file)
        failed = [r for r in rows if r["last_result"]]
        assert [(r["last_inspected"], r["last_result"], r["last_defects"]) for r in failed] == [("2026-04-15", "fail", "faded")]
        assert {r["text_roman"] for r in rows} == {"CHUNCHENG LU", "GUANSHANG LU"}
        plates_rows = read_csv(plates_file)
        assert all(r["address"] == f"官渡区关上街道{r['road_name']}{r['number']}号" and r["level"] == "门牌" for r in plates_rows)


def test_an_edited_export_updates_its_items_and_new_rows_are_added_once(store, tmp_path):
    stocked(store)
    path = tmp_path / "plates.csv"
    exchange.export_plates(store, path, headers="en")
    rows = read_csv(path)
    rows[0]["status"] = "damaged"
    unit = dict(rows[1], id="", level="单元牌", text="", label="2", plate_type="单元牌", installed_on="2026-03-01")
    write_csv(path, [{**r, "label": ""} for r in rows] + [unit])
    summary = exchange.import_plates(store, path, actor="wang", crs="EPSG:4490", reason="2026 survey")
    assert (summary.inserted, summary.updated, summary.unchanged) == (1, 1, 6)
    with store.read() as session:
        changed = session.get(PlateItem, int(rows[0]["id"]))
        added = session.scalars(select(PlateItem).where(PlateItem.level == "单元牌")).one()
        audit = session.scalars(select(AuditEntry).where(AuditEntry.table_name == "plate_items", AuditEntry.action == "update")).all()
    assert changed.status == "damaged" and [a.record_id for a in audit] == [changed.id] and audit[0].reason == "2026 survey"
    assert added.text == f"{rows[1]['road_name']}{rows[1]['number']}号2单元" and added.geom is not None
    # The same file again: the new row (no id) is recognised by its address, level and text.
    assert exchange.import_plates(store, path, actor="wang", crs="EPSG:4490").to_dict()["inserted"] == 0
    assert counts(store)[1] == 8


def test_bad_rows_are_all_reported_by_row_field_and_reason_and_nothing_is_written(store, tmp_path):
    stocked(store)
    path = tmp_path / "signs.csv"
    exchange.export_signs(store, path, headers="en")
    rows = read_csv(path)
    good = rows[0]
    shifted = shapely.Point(float(good["lon"]) + 0.005, float(good["lat"]))  # ~500 m off: a GCJ-02 slip
    bad = [
        dict(good, id="", road_name="无名路"),  # line 3
        dict(good, id="", installed_on="2021-13-01", status="lost"),  # line 4
        dict(good, id="99999"),  # line 5
        dict(good, id="", lon="abc"),  # line 6
        dict(good, id="", lon=repr(shifted.x)),  # line 7
        dict(good, size="800x200"),  # line 8: the same item as line 2
    ]
    write_csv(path, [dict(good, status="damaged")] + bad)
    before = counts(store)
    with pytest.raises(InvalidInput) as refused:
        exchange.import_signs(store, path, actor="wang", crs="EPSG:4490")
    errors = {(e["row"], e["field"]) for e in refused.value.details["errors"]}
    assert errors == {(3, "road_name"), (4, "installed_on"), (4, "status"), (5, "id"), (6, "geometry"), (7, "geometry"), (8, "id")}
    assert all(e["zh"] and e["en"] for e in refused.value.details["errors"])
    assert refused.value.details["bad_rows"] == [3, 4, 5, 6, 7, 8]
    assert "第 3 行 road_name" in refused.value.zh and "row 3 road_name: unknown road" in refused.value.en
    assert counts(store) == before  # the good first row was not written either
    with store.read() as session:
        assert session.get(RoadSign, int(good["id"])).status == "in_service"


def test_gbk_csv_is_read_and_written_and_file_level_problems_are_refused(store, tmp_path):
    stocked(store)
    gbk = tmp_path / "signs-gbk.csv"
    exchange.export_signs(store, gbk, encoding="GBK", headers="en")
    assert "春城路" in gbk.read_bytes().decode("gbk")
    rows = read_csv(gbk, "gbk")
    corner = to_storage(shapely.Point(world.X0 + 200, world.Y0 + 3))
    new = dict(rows[0], id="", text_zh="", text_roman="", sign_type="巷牌", lon=repr(corner.x), lat=repr(corner.y))
    write_csv(gbk, rows + [new], encoding="gbk")
    summary = exchange.import_signs(store, gbk, actor="wang", crs="EPSG:4490")  # GBK found without being told
    assert (summary.inserted, summary.unchanged) == (1, 2)
    with store.read() as session:
        added = session.scalars(select(RoadSign).where(RoadSign.sign_type == "巷牌")).one()
    assert (added.text_zh, added.text_roman) == inventory.sign_text(rows[0]["road_name"])  # blank text: the register's

    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(b"road_name,lon,lat\n\xff\xfe\xfa\xfb,102.7,25.0\n")
    with pytest.raises(EncodingError):
        exchange.import_signs(store, garbage, actor="wang", crs="EPSG:4490")
    with pytest.raises(CRSError):  # a CSV says nothing of its CRS: never guessed
        exchange.import_signs(store, gbk, actor="wang")
    gpkg = tmp_path / "signs.gpkg"
    exchange.export_signs(store, gpkg)
    with pytest.raises(CRSError):  # the file declares CGCS2000; the officer claimed metres
        exchange.import_signs(store, gpkg, actor="wang", crs="EPSG:4543")


def test_cli_exports_and_imports_signs_and_plates(store, tmp_path):
    stocked(store)
    runner = CliRunner()
    for extra, name in (([], "signs.gpkg"), (["--plates"], "plates.gpkg")):
        out = tmp_path / name
        done = runner.invoke(main, ["--db", store.url, "signs", "export", "--out", str(out), *extra])
        assert done.exit_code == 0, done.output
        back = runner.invoke(main, ["--db", store.url, "signs", "import", str(out), "--json", *extra])
        assert back.exit_code == 0, back.output
        assert json.loads(back.stdout)["inserted"] == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("road_name,sign_type,lon,lat\n无名路,街牌,102.7,25.0\n", encoding="utf-8")
    refused = runner.invoke(main, ["--db", store.url, "signs", "import", str(bad), "--crs", "EPSG:4490"])
    assert refused.exit_code == 2 and "row 2 road_name" in refused.output and '"field": "road_name"' in refused.output


def test_officers_export_and_import_through_the_api(store, tmp_path):
    stocked(store)
    client = make_client(store, tmp_path)
    officer = bearer(store, "wang", "placename_officer")
    assert client.get("/api/v1/signs/export").status_code == 401
    exported = client.get("/api/v1/plates/export?format=csv&headers=en", headers=officer)
    assert exported.status_code == 200 and exported.headers["Content-Disposition"].endswith('plates.csv"')
    rows = list(csv.DictReader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert len(rows) == 7
    rows[0]["status"] = "removed"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    form = {"file": (io.BytesIO(buffer.getvalue().encode("utf-8")), "plates.csv"), "crs": "EPSG:4490"}
    done = client.post("/api/v1/plates/import", data=form, headers=officer, content_type="multipart/form-data")
    assert done.status_code == 200 and (done.json["updated"], done.json["unchanged"]) == (1, 6)
    gpkg = client.get("/api/v1/signs/export?format=gpkg", headers=officer)
    assert gpkg.status_code == 200 and gpkg.data[:15] == b"SQLite format 3"
    again = client.post(
        "/api/v1/signs/import", data={"file": (io.BytesIO(gpkg.data), "signs.gpkg")}, headers=officer, content_type="multipart/form-data"
    )
    assert again.status_code == 200 and again.json["unchanged"] == 2
    bad = {"file": (io.BytesIO("road_name,sign_type,lon,lat\n无名路,街牌,102.7,25.0\n".encode()), "s.csv"), "crs": "EPSG:4490"}
    refused = client.post("/api/v1/signs/import", data=bad, headers=officer, content_type="multipart/form-data")
    assert refused.status_code == 400 and refused.json["details"]["errors"][0]["field"] == "road_name"
    assert client.get("/api/v1/signs/export?format=doc", headers=officer).status_code == 400
