"""The naming procedure on both backends: a new road name, a rename and a cancellation
from application to announcement; illegal steps refused with 409; every step audited."""

from __future__ import annotations

import datetime as dt

import pytest
from guandu_units import add_units
from sqlalchemy import select

from gis.errors import Conflict, InvalidInput
from gis.storage import utcnow
from placenames import applications, notices, procedure, register, transitions
from placenames.models import PlaceName
from placenames.registry_models import NameAlias, NamingTransition

ROAD_LINE = {"type": "LineString", "coordinates": [[102.75, 25.01], [102.76, 25.012]]}


class Clock:
    """Moves the procedure's clock without sleeping."""

    def __init__(self, monkeypatch):
        self.moment = utcnow()
        monkeypatch.setattr(procedure, "now", lambda: self.moment)

    def advance(self, **delta):
        self.moment += dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture(autouse=True)
def units(request):
    """The real subdistricts in force, for the applications' admin_code."""
    if "store" in request.fixturenames:
        add_units(request.getfixturevalue("store"))


def new_road(store, name="子君东路", **extra):
    data = {
        "kind": "name",
        "proposed_name": name,
        "category_code": "23510",
        "admin_code": "530111008000",
        "geometry": ROAD_LINE,
        "location_description": "东起宝象河，西至子君路",
        "reasons": "新建道路需要命名",
        "applicant_name": "张三",
        "applicant_contact": "13800000000",
        "assessment_report": "综合评估报告",
        "expert_report": "专家论证报告",
        "consultation_report": "征求意见报告",
        **extra,
    }
    return applications.create_application(store, data, actor="wang")


APPROVER = "chen"  # four-eyes rule: not "wang", who files the applications


def step(store, app_id, action, **data):
    actor = APPROVER if action == "approve" else "wang"
    transitions.apply_action(store, app_id, action, {"reason": f"{action} step", **data}, actor=actor)


def through_notice(store, clock, app_id, **review):
    step(store, app_id, "accept")
    step(store, app_id, "review", officer_opinion="名称符合规定", **review)
    step(store, app_id, "start_notice")
    clock.advance(days=7, minutes=1)


def approve_file_announce(store, app_id):
    step(store, app_id, "approve", approving_body="昆明市人民政府", approval_document="昆政复〔2026〕1号")
    step(store, app_id, "file", filed_with="云南省民政厅")
    step(store, app_id, "announce")


def current_road(store, name):
    with store.transaction(actor="import") as session:
        entry = PlaceName(**register.spelling(name, "23510"), status="current", admin_code="530111008000", approved_on=dt.date(2010, 5, 1))
        session.add(entry)
        session.flush()
        return entry.id


def entry(store, name_id):
    with store.read() as session:
        return session.get(PlaceName, name_id)


def test_new_road_name_full_procedure(store, clock):
    app_id = new_road(store)
    name_id = applications.officer_view(store, app_id)["place_name_id"]
    assert entry(store, name_id).status == "proposed"
    step(store, app_id, "accept")
    assert entry(store, name_id).status == "in_procedure"
    step(store, app_id, "review", officer_opinion="名称符合规定")
    step(store, app_id, "start_notice")
    notices.add_comment(store, app_id, "同意命名", author_name="李四", author_contact="li@example.cn")
    with pytest.raises(Conflict) as early:
        step(store, app_id, "approve", approving_body="昆明市人民政府", approval_document="昆政复〔2026〕1号")
    assert "公示" in early.value.zh and early.value.http_status == 409
    clock.advance(days=7, minutes=1)
    with pytest.raises(Conflict):
        notices.add_comment(store, app_id, "too late")
    approve_file_announce(store, app_id)
    view = applications.officer_view(store, app_id)
    assert view["state"] == "announced"
    assert [t["action"] for t in view["transitions"]] == ["apply", "accept", "review", "start_notice", "approve", "file", "announce"]
    assert all(t["actor"] == (APPROVER if t["action"] == "approve" else "wang") and t["reason"] for t in view["transitions"])
    assert [c["body"] for c in view["comments"]] == ["同意命名"]
    named = entry(store, name_id)
    assert (named.status, named.romanization, named.approving_body) == ("current", "Zijun Donglu", "昆明市人民政府")
    assert named.name_code == "53011100823510000001"  # 地名代码 by the census rule, given at the announcement
    assert view["announcement"]["standard_name"] == "子君东路" and view["announcement"]["romanization"] == "Zijun Donglu"
    assert view["announcement"]["approval_date"] == procedure.today().isoformat()
    assert {"insert", "update"} <= {h.action for h in store.history("place_names", name_id)}


def test_rename_keeps_the_old_name_as_former_name(store, clock):
    name_id = current_road(store, "官城路")
    app_id = applications.create_application(
        store,
        {"kind": "rename", "place_name_id": name_id, "proposed_name": "官城南路", "reasons": "道路延伸", "applicant_name": "官渡区住建局"},
        actor="wang",
    )
    through_notice(store, clock, app_id)
    approve_file_announce(store, app_id)
    renamed = entry(store, name_id)
    assert (renamed.name, renamed.romanization, renamed.status) == ("官城南路", "Guancheng Nanlu", "current")
    with store.read() as session:
        former = session.scalars(select(NameAlias).where(NameAlias.place_name_id == name_id)).one()
        hits = register.search(session, "官城路")
    assert (former.alias, former.kind, former.valid_from, former.valid_to) == ("官城路", "former", dt.date(2010, 5, 1), procedure.today())
    assert hits[0]["match"] == "former" and hits[0]["former_name_of"]["name"] == "官城南路"


def test_cancellation_retires_the_name_but_search_finds_it(store, clock):
    name_id = current_road(store, "安和路")
    app_id = applications.create_application(
        store, {"kind": "cancel", "place_name_id": name_id, "reasons": "道路已拆除", "applicant_name": "六甲街道"}, actor="wang"
    )
    through_notice(store, clock, app_id)
    approve_file_announce(store, app_id)
    retired = entry(store, name_id)
    assert (retired.status, retired.retired_on) == ("retired", procedure.today())
    with store.read() as session:
        hits = register.search(session, "安和")
    assert [(h["name"], h["match"], h["retired_on"]) for h in hits] == [("安和路", "retired", procedure.today().isoformat())]
    assert [h.action for h in store.history("place_names", name_id)][-1] == "update"


@pytest.mark.parametrize(
    "steps,action",
    [
        ([], "approve"),
        ([], "announce"),
        (["accept"], "start_notice"),
        (["accept"], "file"),
    ],
)
def test_illegal_transitions_are_409_and_change_nothing(store, clock, steps, action):
    app_id = new_road(store)
    for name in steps:
        step(store, app_id, name)
    before = applications.officer_view(store, app_id)
    with pytest.raises(Conflict) as refused:
        step(store, app_id, action, approving_body="x", approval_document="y", filed_with="z")
    assert refused.value.http_status == 409 and refused.value.details["action"] == action
    after = applications.officer_view(store, app_id)
    assert (after["state"], after["version"], len(after["transitions"])) == (before["state"], before["version"], len(before["transitions"]))


def test_announce_before_filing_and_twice_is_refused(store, clock):
    app_id = new_road(store)
    through_notice(store, clock, app_id)
    step(store, app_id, "approve", approving_body="昆明市人民政府", approval_document="文号1")
    with pytest.raises(Conflict):
        step(store, app_id, "announce")
    step(store, app_id, "file", filed_with="云南省民政厅")
    step(store, app_id, "announce")
    with pytest.raises(Conflict):
        step(store, app_id, "announce")


def test_review_refuses_a_duplicate_and_a_homophone_needs_justification(store, clock):
    current_road(store, "福居路")
    duplicate = new_road(store, name="福居路")
    step(store, duplicate, "accept")
    with pytest.raises(Conflict) as refused:
        step(store, duplicate, "review", officer_opinion="ok")
    assert [f["rule"] for f in refused.value.details["findings"]] == ["duplicate-name"]
    homophone = new_road(store, name="富居路")
    step(store, homophone, "accept")
    with pytest.raises(Conflict):
        step(store, homophone, "review", officer_opinion="ok")
    step(store, homophone, "review", officer_opinion="ok", justification="历史上即称富居，当地群众认可")
    assert applications.officer_view(store, homophone)["findings"][0]["rule"] == "homophone"


def test_rejection_needs_a_reason_and_closes_the_application(store, clock):
    app_id = new_road(store)
    with pytest.raises(InvalidInput):
        transitions.apply_action(store, app_id, "reject", {}, actor="wang")
    step(store, app_id, "reject")
    view = applications.officer_view(store, app_id)
    assert view["state"] == "rejected" and view["decision_reason"] == "reject step"
    assert entry(store, view["place_name_id"]).status == "rejected"
    with pytest.raises(Conflict):
        step(store, app_id, "accept")


def test_deadlines_show_due_and_overdue_filings_and_announcements(store, clock):
    app_id = new_road(store)
    through_notice(store, clock, app_id)
    step(store, app_id, "approve", approving_body="昆明市人民政府", approval_document="文号2")
    assert notices.deadlines(store, within_days=3) == []
    soon = notices.deadlines(store, within_days=15)
    assert [(d["duty"], d["days_left"], d["overdue"]) for d in soon] == [("filing", 15, False), ("announcement", 15, False)]
    clock.advance(days=16)
    late = notices.deadlines(store, within_days=0)
    assert [(d["duty"], d["overdue"]) for d in late] == [("filing", True), ("announcement", True)]
    step(store, app_id, "file", filed_with="云南省民政厅", filed_on=(procedure.today() - dt.timedelta(days=2)).isoformat())
    assert [d["duty"] for d in notices.deadlines(store, within_days=0)] == ["announcement"]


def test_a_name_has_one_open_application_and_bad_input_writes_nothing(store):
    name_id = current_road(store, "锦西路")
    first = {"kind": "cancel", "place_name_id": name_id, "reasons": "r", "applicant_name": "a"}
    applications.create_application(store, first, actor="wang")
    with pytest.raises(Conflict):
        applications.create_application(store, first, actor="wang")
    with pytest.raises(InvalidInput):
        new_road(store, geometry={"type": "Nonsense"})
    with pytest.raises(InvalidInput):
        applications.create_application(
            store, {"kind": "name", "proposed_name": "甲路", "category_code": "23510", "reasons": "r"}, actor="wang"
        )
    with store.read() as session:
        assert session.scalar(select(NamingTransition.id).where(NamingTransition.application_id > 1)) is None
        assert len(session.scalars(select(PlaceName)).all()) == 1


def test_announce_rechecks_that_the_name_is_still_free(store, clock):
    first, second = new_road(store, name="广居东路"), new_road(store, name="广居东路")
    for app_id in (first, second):
        through_notice(store, clock, app_id)
        step(store, app_id, "approve", approving_body="昆明市人民政府", approval_document=f"文号{app_id}")
        step(store, app_id, "file", filed_with="云南省民政厅")
    step(store, first, "announce")
    with pytest.raises(Conflict) as refused:
        step(store, second, "announce")
    assert refused.value.details["rule"] == "duplicate-name"
    assert applications.officer_view(store, second)["state"] == "filed"


def test_announced_road_rename_renames_the_road_and_its_addresses(store, clock):
    import shapely

    from gis.basemap import Road
    from placenames.models import DoorPlate

    name_id = current_road(store, "锦西路")
    with store.transaction(actor="import") as session:
        road = Road(name="锦西路", road_class="local", geom=shapely.LineString([(102.75, 25.01), (102.76, 25.012)]))
        session.add(road)
        session.flush()
        for number in (1, 3):
            session.add(
                DoorPlate(
                    road_id=road.id,
                    number=number,
                    suffix="",
                    number_text=str(number),
                    side="L",
                    address=f"官渡区关上街道锦西路{number}号",
                    geom=shapely.Point(102.751 + number * 1e-4, 25.0105),
                )
            )
    app_id = applications.create_application(
        store,
        {"kind": "rename", "place_name_id": name_id, "proposed_name": "锦西南路", "reasons": "道路改造", "applicant_name": "关上街道"},
        actor="wang",
    )
    through_notice(store, clock, app_id)
    with store.read() as session:
        assert session.scalar(select(Road.name).where(Road.id == road.id)) == "锦西路"  # nothing changes before the announcement
    approve_file_announce(store, app_id)
    with store.read() as session:
        assert session.scalar(select(Road.name).where(Road.id == road.id)) == "锦西南路"
        addresses = sorted(session.scalars(select(DoorPlate.address).where(DoorPlate.road_id == road.id)))
    assert addresses == ["官渡区关上街道锦西南路1号", "官渡区关上街道锦西南路3号"]
    road_history = store.history("roads", road.id)
    assert road_history[-1].before["name"] == "锦西路" and road_history[-1].after["name"] == "锦西南路"


@pytest.mark.parametrize("steps", [[], ["accept"], ["accept", "review"], ["accept", "review", "start_notice"]])
def test_the_applicant_may_withdraw_before_the_decision(store, clock, steps):
    app_id = new_road(store)
    for name in steps:
        step(store, app_id, name, officer_opinion="名称符合规定")
    with pytest.raises(InvalidInput):
        transitions.apply_action(store, app_id, "withdraw", {"reason": "  "}, actor="wang")
    transitions.apply_action(store, app_id, "withdraw", {"reason": "申请人来函撤回：道路规划调整"}, actor="wang")
    view = applications.officer_view(store, app_id)
    assert (view["state"], view["decision_reason"], view["next_actions"]) == ("withdrawn", "申请人来函撤回：道路规划调整", [])
    last = view["transitions"][-1]
    assert (last["action"], last["to"], last["actor"], last["reason"]) == ("withdraw", "withdrawn", "wang", "申请人来函撤回：道路规划调整")
    assert entry(store, view["place_name_id"]).status == "withdrawn"
    audit = store.history("naming_applications", app_id)[-1]
    assert (audit.actor, audit.after["state"], audit.reason) == ("wang", "withdrawn", "withdraw: 申请人来函撤回：道路规划调整")
    with pytest.raises(Conflict):
        step(store, app_id, "accept")
    # a withdrawn application no longer blocks a new one for the same feature
    assert new_road(store) > app_id


def test_withdrawal_after_the_decision_is_409(store, clock):
    app_id = new_road(store)
    through_notice(store, clock, app_id)
    step(store, app_id, "approve", approving_body="昆明市人民政府", approval_document="文号3")
    with pytest.raises(Conflict) as refused:
        step(store, app_id, "withdraw")
    assert refused.value.http_status == 409 and refused.value.details["allowed_from"] == list(procedure.OPEN_BEFORE_DECISION)
    assert "已批准" in refused.value.zh and "approved" in refused.value.en
    rejected = new_road(store, name="子泰南路")
    step(store, rejected, "reject")
    with pytest.raises(Conflict):
        step(store, rejected, "withdraw")


def test_withdrawing_a_rename_leaves_the_current_name_alone(store, clock):
    name_id = current_road(store, "福居路")
    app_id = applications.create_application(
        store,
        {"kind": "rename", "place_name_id": name_id, "proposed_name": "福居南路", "reasons": "r", "applicant_name": "a"},
        actor="wang",
    )
    step(store, app_id, "accept")
    step(store, app_id, "withdraw")
    assert (entry(store, name_id).name, entry(store, name_id).status) == ("福居路", "current")
