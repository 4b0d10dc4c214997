"""The 公告 of each kind carries what 地名备案公告管理办法 asks, on both backends: the area's
name (from the units table, not only its code), a rename's old name, a cancelled
name's area; and every field earlier announcements had, so readers of old ones still work."""

from __future__ import annotations

import datetime as dt

import pytest
from guandu_units import add_units
from sqlalchemy import select

from gis.basemap import AdminUnit
from gis.storage import utcnow
from placenames import applications, areas, divisions, procedure, register, transitions
from placenames.models import PlaceName

EARLIER_FIELDS = {
    "kind",
    "standard_name",
    "romanization",
    "administrative_area",
    "location_description",
    "approving_body",
    "approval_date",
    "approval_document",
    "announced_on",
}
ROAD_LINE = {"type": "LineString", "coordinates": [[102.75, 25.01], [102.76, 25.012]]}


@pytest.fixture
def clock(monkeypatch):
    moments = [utcnow()]
    monkeypatch.setattr(procedure, "now", lambda: moments[-1])
    return moments


@pytest.fixture(autouse=True)
def units(request):
    if "store" in request.fixturenames:
        add_units(request.getfixturevalue("store"))


def announce(store, clock, app_id):
    def step(action, actor="wang", **data):
        transitions.apply_action(store, app_id, action, {"reason": action, **data}, actor=actor)

    step("accept")
    step("review", officer_opinion="符合规定")
    step("start_notice")
    clock.append(clock[-1] + dt.timedelta(days=7, minutes=1))
    step("approve", actor="chen", approving_body="昆明市人民政府", approval_document="昆政复〔2026〕7号")
    step("file", filed_with="云南省民政厅")
    step("announce")
    return applications.officer_view(store, app_id)["announcement"]


def current_road(store, name, admin_code="530111001000"):
    with store.transaction(actor="import") as session:
        entry = PlaceName(**register.spelling(name, "23510"), status="current", admin_code=admin_code, approved_on=dt.date(2010, 5, 1))
        session.add(entry)
        session.flush()
        return entry.id


def test_a_new_road_names_its_area_from_the_units_table(store, clock):
    """No unit is in the register of names (no import-divisions): the units table names it."""
    app_id = applications.create_application(
        store,
        {
            "kind": "name",
            "proposed_name": "子君东路",
            "category_code": "23510",
            "admin_code": "530111008000",
            "geometry": ROAD_LINE,
            "location_description": "东起宝象河，西至子君路",
            "reasons": "新建道路",
            "applicant_name": "张三",
        },
        actor="wang",
    )
    notice = announce(store, clock, app_id)
    assert EARLIER_FIELDS <= set(notice)
    assert notice["administrative_area"] == {"code": "530111008000", "name": "六甲街道", "full_name": "官渡区六甲街道"}
    assert (notice["kind"], notice["kind_label"], notice["standard_name"], notice["romanization"]) == (
        "name",
        {"zh": "命名", "en": "naming"},
        "子君东路",
        "Zijun Donglu",
    )
    assert (notice["category_code"], notice["category_label"]["zh"], notice["former_name"]) == ("23510", "街、路、巷", None)
    assert (notice["approving_body"], notice["approval_document"], notice["filed_with"]) == (
        "昆明市人民政府",
        "昆政复〔2026〕7号",
        "云南省民政厅",
    )
    assert notice["approval_date"] == notice["filed_on"] == notice["announced_on"] == procedure.today().isoformat()
    assert notice["location_description"] == "东起宝象河，西至子君路" and notice["application_id"] == app_id


def test_a_rename_announcement_carries_the_old_name(store, clock):
    road = current_road(store, "官城路")
    app_id = applications.create_application(
        store,
        {"kind": "rename", "place_name_id": road, "proposed_name": "官城南路", "reasons": "道路延伸", "applicant_name": "住建局"},
        actor="wang",
    )
    notice = announce(store, clock, app_id)
    assert (notice["standard_name"], notice["romanization"]) == ("官城南路", "Guancheng Nanlu")
    assert (notice["former_name"], notice["former_romanization"]) == ("官城路", "Guancheng Lu")
    assert notice["kind_label"]["zh"] == "更名" and notice["place_name_id"] == road
    assert notice["administrative_area"] == {"code": "530111001000", "name": "关上街道", "full_name": "官渡区关上街道"}


def test_a_cancellation_carries_the_area_code_and_name(store, clock):
    road = current_road(store, "安和路", admin_code="530111002000")
    app_id = applications.create_application(
        store, {"kind": "cancel", "place_name_id": road, "reasons": "道路已拆除", "applicant_name": "太和街道"}, actor="wang"
    )
    notice = announce(store, clock, app_id)
    assert (notice["kind"], notice["kind_label"]["zh"], notice["standard_name"], notice["former_name"]) == (
        "cancel",
        "销名",
        "安和路",
        None,
    )
    assert notice["administrative_area"] == {"code": "530111002000", "name": "太和街道", "full_name": "官渡区太和街道"}


def test_the_area_of_a_closed_unit_and_of_a_unit_only_in_the_register(store):
    """A unit closed by a reorganisation still has its name; a community known only from
    the division codes in the register is named from there, under its subdistrict; the
    district, not in the units table here, by the deployment profile."""
    with store.transaction(actor="test") as session:
        unit = session.scalars(select(AdminUnit).where(AdminUnit.code == "530111003000")).one()
        unit.valid_to = dt.date(2024, 1, 1)
        session.delete(session.scalars(select(AdminUnit).where(AdminUnit.code == "530111000000")).one())
    divisions.import_divisions(store, actor="wang")
    with store.read() as session:
        assert areas.area(session, "530111003000", dt.date(2025, 1, 1))["name"] == "吴井街道"
        assert areas.area(session, "530111001001") == {
            "code": "530111001001",
            "name": "关上社区居民委员会",
            "full_name": "官渡区关上街道关上社区居民委员会",
        }
        assert areas.area(session, "530111000000")["name"] == "官渡区"
        assert areas.area(session, "530111999999") == {"code": "530111999999", "name": None, "full_name": None}
        assert areas.area(session, None)["name"] is None
