"""Times people read are in the district's time zone (Beijing time), labelled; stored in UTC.
The Python helper for server-made messages, the profile's zone for the pages, the procedure's
refusal while a notice runs, and the words for codes in the officers' JSON."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from guandu_units import add_units

from gis.errors import Conflict
from gis.localtime import local_text, zone_label
from gis.profile import current_profile
from placenames import applications, procedure, transitions

BEIJING = ZoneInfo("Asia/Shanghai")
NINE_UTC = dt.datetime(2026, 12, 18, 9, 0, tzinfo=dt.UTC)


def test_a_utc_moment_is_written_in_beijing_time_with_its_label():
    assert local_text(NINE_UTC, BEIJING) == "2026-12-18 17:00（北京时间）"
    assert local_text(NINE_UTC, BEIJING, "en") == "2026-12-18 17:00 (Beijing time)"


def test_the_local_day_can_differ_from_the_utc_day():
    late = dt.datetime(2026, 12, 18, 20, 30, tzinfo=dt.UTC)
    assert local_text(late, BEIJING) == "2026-12-19 04:30（北京时间）"


def test_a_naive_moment_is_taken_as_utc_as_the_database_stores_it():
    assert local_text(NINE_UTC.replace(tzinfo=None), BEIJING) == "2026-12-18 17:00（北京时间）"


def test_another_zone_keeps_its_own_name():
    assert zone_label("Asia/Urumqi") == ("乌鲁木齐时间", "Urumqi time")
    assert local_text(NINE_UTC, ZoneInfo("Europe/Paris"), "en") == "2026-12-18 10:00 (Europe/Paris)"


def test_the_pages_are_given_the_profiles_time_zone():
    public = current_profile().public()
    assert public["time_zone"] == "Asia/Shanghai"
    assert public["time_zone_label"] == {"zh": "北京时间", "en": "Beijing time"}


def _in_notice(store) -> int:
    add_units(store)
    data = {
        "kind": "name",
        "proposed_name": "子君东路",
        "category_code": "23510",
        "admin_code": "530111008000",
        "location_description": "东起宝象河，西至子君路",
        "reasons": "新建道路需要命名",
        "applicant_name": "张三",
        "applicant_contact": "13800000000",
        "assessment_report": "综合评估报告",
        "expert_report": "专家论证报告",
        "consultation_report": "征求意见报告",
    }
    app_id = applications.create_application(store, data, actor="zhang")
    for action, extra in (("accept", {}), ("review", {"officer_opinion": "名称符合规定"}), ("start_notice", {})):
        transitions.apply_action(store, app_id, action, {"reason": action, **extra}, actor="wang")
    return app_id


def test_approval_before_the_notice_ends_names_the_end_in_beijing_time(store, monkeypatch):
    app_id = _in_notice(store)
    ends = applications.officer_view(store, app_id)["notice_ends_at"]
    local = dt.datetime.fromisoformat(ends).astimezone(BEIJING)
    with pytest.raises(Conflict) as early:
        transitions.apply_action(
            store, app_id, "approve", {"reason": "批准", "approving_body": "区政府", "approval_document": "1号"}, actor="wang"
        )
    assert f"公示期至 {local:%Y-%m-%d %H:%M}（北京时间）" in early.value.zh and "UTC" not in early.value.zh
    assert f"{local:%Y-%m-%d %H:%M} (Beijing time)" in early.value.en


def test_a_step_refused_in_the_wrong_state_names_it_in_words(store):
    app_id = _in_notice(store)
    with pytest.raises(Conflict) as wrong:
        transitions.apply_action(store, app_id, "accept", {"reason": "再受理"}, actor="wang")
    assert "不能办理“受理”" in wrong.value.zh and "公示中" in wrong.value.zh and "'Accept'" in wrong.value.en


def test_the_officers_json_carries_the_words_for_its_codes(store):
    app_id = _in_notice(store)
    view = applications.officer_view(store, app_id)
    assert view["state_label"] == {"zh": "公示中", "en": "in public notice"}
    assert view["kind_label"] == {"zh": "命名", "en": "naming"}
    assert view["category_label"]["zh"] == "23510 街、路、巷"
    assert [t["action_label"]["zh"] for t in view["transitions"]] == ["申报", "受理", "审核通过", "开始公示"]
    row = applications.list_applications(store)[0]
    assert row["state_label"]["zh"] == "公示中" and row["category_label"]["zh"] == "23510 街、路、巷"


def test_every_state_and_action_has_its_words():
    assert set(procedure.LABELS) == set(procedure.STATES)
    assert set(procedure.ACTIONS) | {"apply"} == set(procedure.ACTION_LABELS)
    assert set(procedure.KIND_LABELS) == set(procedure.KINDS)
