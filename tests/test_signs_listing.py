"""The sign and plate inventory page by page (issue 17): GET /api/v1/signs and /signs/summary
with filters, totals and bilingual refusals, and ``diming signs report`` that lists what is
out of date up to --limit and says how many more there are."""

from __future__ import annotations

import datetime as dt
import json

import numbering_world as world
import pytest
import shapely
from apitools import bearer, make_client
from click.testing import CliRunner
from sqlalchemy import select

from cli import main
from gis.basemap import AdminUnit, Road
from placenames.numbering.geometry import to_storage
from placenames.signs import inspections, listing
from placenames.signs.models import PlateItem, RoadSign

DAY = dt.date(2026, 5, 1)


def stocked(store) -> dict:
    """The street world's 2 signs and 7 plates; 关上街道 ends at x = 390 m and 太和街道 begins
    there, so the two signs at the junction (x = 400) stand in 太和 while every plate's
    address stays in 关上社区 of 关上街道."""
    world.seed_inventory(store)
    with store.transaction(actor="test", reason="two subdistricts") as session:
        guanshang = session.scalars(select(AdminUnit).where(AdminUnit.name == "关上街道")).one()
        guanshang.geom = to_storage(shapely.MultiPolygon([shapely.box(world.X0 - 1000, world.Y0 - 1000, world.X0 + 390, world.Y0 + 1000)]))
        east = to_storage(shapely.MultiPolygon([shapely.box(world.X0 + 390, world.Y0 - 1000, world.X0 + 1000, world.Y0 + 1000)]))
        session.add(
            AdminUnit(code="530111002000", name="太和街道", level="subdistrict", parent_code="530111000000", valid_from=DAY, geom=east)
        )
    with store.read() as session:
        signs = {session.get(Road, s.road_id).name: s.id for s in session.scalars(select(RoadSign))}
        plates = list(session.scalars(select(PlateItem.id).order_by(PlateItem.id)))
    return {"signs": signs, "plates": plates}


@pytest.fixture
def client(store, tmp_path):
    return make_client(store, tmp_path)


def test_pages_cover_every_item_once_in_road_order(store):
    ids = stocked(store)
    seen, offset, totals = [], 0, set()
    while offset is not None:
        page = listing.item_page(store, limit=4, offset=offset, today=DAY)
        totals.add(page["total"])
        seen += [(item["kind"], item["id"], item["road"]) for item in page["items"]]
        assert len(page["items"]) <= 4
        offset = page["next_offset"]
    assert totals == {9} and len(seen) == len(set(seen)) == 9
    assert [road for *_, road in seen] == ["春城路"] * 7 + ["关上路"] * 2  # by road (stored first, first), signs first
    assert seen[0] == ("road_sign", ids["signs"]["春城路"], "春城路") and seen[7] == ("road_sign", ids["signs"]["关上路"], "关上路")
    # Paged in SQL (no filter) and in Python (a filter every item passes): the same order.
    scanned = listing.item_page(store, listing.Filters(due=True), limit=20, today=DAY)["items"]
    assert [(i["kind"], i["id"], i["road"]) for i in scanned] == seen
    assert listing.item_page(store, limit=4, offset=40)["items"] == []  # beyond the end: empty, total still told
    assert listing.item_page(store, limit=4, offset=40)["total"] == 9


def test_filters_by_subdistrict_road_status_mismatch_and_due(store):
    ids = stocked(store)
    taihe = listing.item_page(store, listing.Filters(subdistrict="太和街道"))
    assert [(i["kind"], i["id"]) for i in taihe["items"]] == [("road_sign", ids["signs"][r]) for r in ("春城路", "关上路")]
    assert {i["subdistrict"] for i in taihe["items"]} == {"太和街道"}
    by_code = listing.item_page(store, listing.Filters(subdistrict="530111001000"))
    assert by_code["total"] == 7 and {i["subdistrict"] for i in by_code["items"]} == {"关上街道"}
    assert listing.item_page(store, listing.Filters(road="关上路"))["total"] == 2
    assert listing.item_page(store, listing.Filters(kind="plate", road="春城路"))["total"] == 6

    with store.transaction(actor="wang", reason="one plate came down") as session:
        session.get(PlateItem, ids["plates"][0]).status = "damaged"
    damaged = listing.item_page(store, listing.Filters(status="damaged"))
    assert [i["id"] for i in damaged["items"]] == [ids["plates"][0]] and damaged["items"][0]["due"] is False

    round_id = inspections.open_round(store, "2026", inspector="李", held_on=DAY, actor="wang")
    inspections.record(store, round_id, [{"kind": "road_sign", "item": ids["signs"]["春城路"], "result": "pass", "on": DAY}], actor="wang")
    due = listing.item_page(store, listing.Filters(due=True), today=DAY)
    assert due["total"] == 7 and ids["signs"]["春城路"] not in {i["id"] for i in due["items"] if i["kind"] == "road_sign"}
    assert listing.item_page(store, listing.Filters(due=True), today=DAY + dt.timedelta(days=400))["total"] == 8

    assert listing.item_page(store, listing.Filters(mismatch=True))["total"] == 0
    with store.transaction(actor="wang", reason="renamed") as session:
        session.scalars(select(Road).where(Road.name == "关上路")).one().name = "关上新路"
    stale = listing.item_page(store, listing.Filters(mismatch=True))
    assert stale["total"] == 2 and {i["road"] for i in stale["items"]} == {"关上新路"}
    sign = next(i for i in stale["items"] if i["kind"] == "road_sign")
    assert sign["text"] == "关上路 / GUANSHANG LU" and sign["expected"].startswith("关上新路 / ") and sign["mismatch"] is True

    counts = listing.summary(store, today=DAY)
    assert counts["totals"]["items"] == 9 and counts["totals"]["inspected"] == 1 and counts["totals"]["pass_rate"] == 1.0
    assert counts["mismatch"] == 2 and counts["due"] == 7
    assert {name: t["items"] for name, t in counts["by_subdistrict"].items()} == {"关上街道": 7, "太和街道": 2}


def test_signs_api_pages_filters_and_bilingual_refusals(store, client):
    ids = stocked(store)
    officer = bearer(store, "wang", "placename_officer")
    assert client.get("/api/v1/signs").status_code == 401
    first = client.get("/api/v1/signs?limit=5", headers=officer)
    assert first.status_code == 200 and first.json["total"] == 9 and first.json["next_offset"] == 5 and len(first.json["items"]) == 5
    last = client.get("/api/v1/signs?limit=5&offset=5", headers=officer).json
    assert len(last["items"]) == 4 and last["next_offset"] is None
    assert {(i["kind"], i["id"]) for i in first.json["items"] + last["items"]} == {("road_sign", i) for i in ids["signs"].values()} | {
        ("plate", i) for i in ids["plates"]
    }
    taihe = client.get("/api/v1/signs", query_string={"subdistrict": "太和街道"}, headers=officer).json
    assert taihe["total"] == 2 and {i["kind"] for i in taihe["items"]} == {"road_sign"}
    road = client.get("/api/v1/signs", query_string={"road": "春城路", "kind": "road_sign"}, headers=officer).json
    assert [i["id"] for i in road["items"]] == [ids["signs"]["春城路"]]
    assert client.get("/api/v1/signs?status=in_service&mismatch=false&due=true", headers=officer).json["total"] == 9
    summary = client.get("/api/v1/signs/summary", query_string={"road": "关上路"}, headers=officer).json
    assert summary["totals"]["items"] == 2 and summary["by_subdistrict"].keys() == {"关上街道", "太和街道"}
    for query, field in (
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("limit=ten", "limit"),
        ("offset=-1", "offset"),
        ("status=broken", "status"),
        ("kind=bench", "kind"),
        ("mismatch=perhaps", "布尔"),
        ("road=无此路", "无此路"),
        ("subdistrict=无此街道", "无此街道"),
        ("due_days=0", "due_days"),
        ("today=yesterday", "today"),
    ):
        bad = client.get(f"/api/v1/signs?{query}", headers=officer)
        assert bad.status_code == 400, query
        assert field in bad.json["message"]["zh"] + bad.json["message"]["en"], query
        assert bad.json["message"]["zh"] != bad.json["message"]["en"]
        assert client.get(f"/api/v1/signs/summary?{query}", headers=officer).status_code == (
            200 if "limit" in query or "offset" in query else 400
        )


def test_report_cli_lists_up_to_the_limit_and_says_how_many_more(store):
    stocked(store)
    with store.transaction(actor="wang", reason="renamed") as session:
        for old, new in (("关上路", "关上新路"), ("春城路", "春城新路")):
            session.scalars(select(Road).where(Road.name == old)).one().name = new
    runner = CliRunner()
    text = runner.invoke(main, ["--db", store.url, "signs", "report", "--limit", "3"], catch_exceptions=False)
    assert text.exit_code == 0, text.output
    assert "文字与登记不符 9 件" in text.output and "还有 6 条" in text.output
    assert text.output.count("应为") == 3 and "合格率" in text.output and "关上街道" in text.output
    whole = runner.invoke(main, ["--db", store.url, "signs", "report", "--limit", "9"])
    assert whole.output.count("应为") == 9 and "还有" not in whole.output
    english = runner.invoke(main, ["--db", store.url, "signs", "report", "--limit", "3", "--lang", "en"])
    assert "and 6 more" in english.output and "should read" in english.output
    road = runner.invoke(main, ["--db", store.url, "signs", "report", "--road", "关上新路"])
    assert "文字与登记不符 2 件" in road.output and road.output.count("应为") == 2 and "还有" not in road.output
    taihe = runner.invoke(main, ["--db", store.url, "signs", "report", "--subdistrict", "太和街道", "--status", "in_service", "--json"])
    body = json.loads(taihe.stdout)
    assert body["totals"]["items"] == 2 and body["text_mismatch"]["total"] == 2 and body["mismatch"] == 2
    refused = runner.invoke(main, ["--db", store.url, "signs", "report", "--road", "无此路"])
    assert refused.exit_code != 0 and "无此路" in refused.output and "Traceback" not in refused.output
