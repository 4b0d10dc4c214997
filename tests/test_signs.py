"""Road-sign and plate inventory, inspection rounds, re-inspection and the report figures."""

from __future__ import annotations

import datetime as dt
import json

import numbering_world as world
import pytest
import shapely
from click.testing import CliRunner
from sqlalchemy import select

from cli import main
from gis.basemap import Road
from gis.errors import Conflict, InvalidInput
from placenames.numbering import service
from placenames.signs import inspections, reports
from placenames.signs.models import PlateItem, RoadSign

DAY = dt.date(2026, 5, 1)


def stocked(store):
    signs, plates = world.seed_inventory(store)
    with store.read() as session:
        sign_ids = {session.get(Road, s.road_id).name: s.id for s in session.scalars(select(RoadSign))}
        plate_ids = list(session.scalars(select(PlateItem.id).order_by(PlateItem.id)))
    return signs, plates, sign_ids, plate_ids


def test_inventory_inspection_reinspection_and_report_figures(store):
    signs, plates, sign_ids, plate_ids = stocked(store)
    assert (signs, plates) == (2, 7)  # one sign per road at the junction; 6 plates on 春城路 + 1 secondary on 关上路
    with store.read() as session:
        sign = session.get(RoadSign, sign_ids["春城路"])
    assert (sign.text_zh, sign.text_roman) == ("春城路", "CHUNCHENG LU")

    round_id = inspections.open_round(store, "2026 spring", inspector="李", held_on=DAY, actor="wang")
    results = [
        {"kind": "road_sign", "item": sign_ids["春城路"], "result": "pass"},
        {"kind": "road_sign", "item": sign_ids["关上路"], "result": "fail", "defects": ["faded"], "photos": "IMG_0042.jpg"},
    ]
    results += [{"kind": "plate", "item": p, "result": "pass"} for p in plate_ids[:5]]
    results += [{"kind": "plate", "item": plate_ids[5], "result": "fail", "defects": ["damaged", "wrong_position"]}]
    with pytest.raises(InvalidInput):  # a failure without a defect code refuses the whole batch
        inspections.record(store, round_id, results + [{"kind": "plate", "item": plate_ids[6], "result": "fail"}], actor="wang")
    assert inspections.record(store, round_id, results, actor="wang") == 8
    assert inspections.close_round(store, round_id, actor="wang") == {"round": round_id, "items": 8, "passed": 6, "failed": 2}
    with pytest.raises(Conflict):
        inspections.record(store, round_id, results[:1], actor="wang")

    figures = reports.report(store, today=DAY)
    assert figures["totals"] == {"items": 9, "inspected": 8, "passed": 6, "failed": 2, "pass_rate": 0.75}
    assert figures["by_road"]["关上路"] == {"items": 2, "inspected": 1, "passed": 0, "failed": 1, "pass_rate": 0.0}
    assert figures["by_subdistrict"]["关上街道"]["items"] == 9
    assert [d["id"] for d in figures["due"]] == [plate_ids[6]]  # never inspected
    assert figures["text_mismatch"] == []

    again, due = inspections.reinspect(store, round_id, inspector="李", held_on=DAY + dt.timedelta(days=30), actor="wang")
    assert sorted(due) == sorted([("road_sign", sign_ids["关上路"]), ("plate", plate_ids[5])])
    with pytest.raises(InvalidInput):  # only the failures of the earlier round
        inspections.record(store, again, [{"kind": "plate", "item": plate_ids[0], "result": "pass"}], actor="wang")
    inspections.record(store, again, [{"kind": kind, "item": item, "result": "pass"} for kind, item in due], actor="wang")
    assert reports.report(store, today=DAY)["totals"]["pass_rate"] == 1.0

    with store.transaction(actor="wang", reason="renamed") as session:
        session.scalars(select(Road).where(Road.name == "关上路")).one().name = "关上新路"
    stale = reports.report(store, today=DAY)["text_mismatch"]
    assert {(s["kind"], s["road"]) for s in stale} == {("road_sign", "关上新路"), ("plate", "关上新路")}
    assert any(s["expected"].startswith("关上新路") for s in stale)


def test_items_not_inspected_within_the_period_are_due(store):
    _, _, sign_ids, plate_ids = stocked(store)
    round_id = inspections.open_round(store, "2024", inspector="李", held_on=dt.date(2024, 1, 10), actor="wang")
    inspections.record(store, round_id, [{"kind": "plate", "item": p, "result": "pass"} for p in plate_ids], actor="wang")
    assert len(reports.report(store, today=DAY, due_after_days=365)["due"]) == 9  # plates inspected over a year ago
    soon = reports.report(store, today=dt.date(2024, 6, 1), due_after_days=365)["due"]
    assert sorted((d["kind"], d["id"], d["last_inspected"]) for d in soon) == sorted(("road_sign", i, None) for i in sign_ids.values())


def test_signs_report_cli(store):
    stocked(store)
    result = CliRunner().invoke(main, ["--db", store.url, "signs", "report", "--json", "--today", "2026-05-01"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["totals"]["items"] == 9 and body["totals"]["pass_rate"] is None
    text = CliRunner().invoke(main, ["--db", store.url, "signs", "report"])
    assert text.exit_code == 0 and "关上街道" in text.output


def test_road_signs_import_from_csv_and_export(store, tmp_path):
    from cli.data_commands import registry
    from gis.transfer import export_file, import_file

    world.seed(store)
    header = "road_name,text_zh,text_roman,sign_type,installed_on,x,y\n"
    layer = registry().get("road_signs")
    far = tmp_path / "far.csv"  # 800 m from 春城路: the generic layer runs the inventory's row checks
    far.write_text(header + "春城路,春城路,CHUNCHENG LU,街牌,2021-04-02,102.70,25.0\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="60 m"):
        import_file(store, layer, far, actor="wang", crs="EPSG:4490")
    lon, lat = world.to_storage(shapely.Point(world.X0 + 100, world.Y0 + 5)).coords[0]  # beside 春城路
    path = tmp_path / "signs.csv"
    path.write_text(header + f"春城路,春城路,CHUNCHENG LU,街牌,2021-04-02,{lon},{lat}\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="row by row"):
        import_file(store, layer, path, actor="wang", crs="EPSG:4490", skip_invalid=True)
    result = import_file(store, layer, path, actor="wang", crs="EPSG:4490")
    assert result.inserted == 1
    with store.read() as session:
        sign = session.scalars(select(RoadSign)).one()
    assert sign.installed_on == dt.date(2021, 4, 2) and sign.status == "in_service"
    bad = tmp_path / "bad.csv"
    bad.write_text("road_name,text_zh,text_roman,sign_type,x,y\n无名路,无名路,WUMING LU,街牌,102.70,25.0\n", encoding="utf-8")
    with pytest.raises(InvalidInput):
        import_file(store, layer, bad, actor="wang", crs="EPSG:4490")
    assert export_file(store, layer, tmp_path / "out.gpkg") == 1


def test_demo_stock_inspects_the_plan_roads_in_one_closed_round(store):
    from placenames.signs.demo import stock_demo

    world.seed(store)
    with store.transaction(actor="demo") as session:
        service.assign_all(store, session)
        summary = stock_demo(store, session, seed=1)
    assert summary["plan_roads"] == ["春城路", "关上路"] and summary["inspected"] == 2 + 7
    assert reports.report(store, today=dt.date(2026, 5, 1))["totals"]["inspected"] == 9
