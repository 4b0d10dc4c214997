"""The names the law allows (条例 Art.9), on both backends, through every way in: the
``diming names check`` CLI, the API (application, then the review step), census and
division files. Real names of 官渡区 keep passing."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from apitools import bearer, make_client
from click.testing import CliRunner
from guandu_units import add_units, divisions
from sqlalchemy import func, select

from cli import main
from gis.errors import Forbidden, InvalidInput
from gis.settings import Settings
from gis.storage import utcnow
from placenames import applications, categories, census, procedure, register, transitions
from placenames import divisions as division_import
from placenames.checks import Candidate, name_lists, run_checks
from placenames.models import PlaceName
from placenames.registry_models import NamingApplication, NamingTransition

LONG = "长" * 60 + "路"  # 61 characters
# (name, rule) that must be errors
REFUSED = [
    ("ABC路", "latin-letters"),
    ("子君ｒｏａｄ路", "latin-letters"),
    ("毛泽东路", "leader-name"),
    ("毛泽东东路", "leader-name"),
    ("<img src=x>路", "markup-character"),
    ("子君&路", "markup-character"),
    ("子君\n路", "control-character"),
    ("子君\t路", "control-character"),
    ("子君\x00路", "control-character"),
    ("子君\u200b路", "control-character"),
    (LONG, "name-length"),
    ("   ", "empty-name"),
]
# (name, rule) that must be warnings needing a justification
WARNED = [("华为路", "person-or-enterprise-name"), ("聂耳路", "person-or-enterprise-name"), ("子君街", "same-specific-part")]


def add_name(store, name, category="23510", status="current"):
    with store.transaction(actor="t") as session:
        entry = PlaceName(**register.spelling(name, category), status=status)
        session.add(entry)
        session.flush()
        return entry.id


def report(store, name, category="23510", **kw):
    with store.read() as session:
        return run_checks(session, Candidate(name, category, **kw))


def rules(found, severity):
    return [f.rule for f in found.findings if f.severity == severity]


@pytest.fixture
def roads(store):
    add_units(store)
    add_name(store, "子君路")
    return store


# --- the CLI -------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "rule"), REFUSED)
def test_cli_check_refuses(roads, name, rule):
    result = CliRunner().invoke(main, ["--db", roads.url, "names", "check", name, "--category", "23510", "--json"])
    assert result.exit_code == 1, result.output
    assert rule in result.output


@pytest.mark.parametrize(("name", "rule"), WARNED)
def test_cli_check_warns_and_asks_for_a_justification(roads, name, rule):
    result = CliRunner().invoke(main, ["--db", roads.url, "names", "check", name, "--category", "23510", "--json"])
    assert result.exit_code == 0 and rule in result.output and '"needs_justification": true' in result.output


def test_cli_check_admin_code(roads):
    def run(code):
        return CliRunner().invoke(main, ["--db", roads.url, "names", "check", "福源路", "--category", "23510", "--admin-code", code])

    assert run("530111008000").exit_code == 0
    for code in ("123", "530102001000", "530111099000"):
        result = run(code)
        assert result.exit_code == 1 and "admin-area" in result.output


def test_the_empty_name_message(roads):
    found = report(roads, " \u3000 ")
    assert [(f.zh, f.en) for f in found.findings] == [("名称不能为空", "the name must not be empty")]


# --- each rule on its own ---------------------------------------------------------------------


def test_whole_specific_part_only_and_exceptions(roads, tmp_path, monkeypatch):
    assert rules(report(roads, "泽东路"), "error") == []  # a substring of a leader's name is not the name
    assert rules(report(roads, "新毛泽东花园", "22100"), "error") == []
    assert rules(report(roads, "万达广场", "25900"), "warning") == ["person-or-enterprise-name"]
    assert rules(report(roads, "中山路"), "warning") == []  # 孙中山 is listed, 中山 is a traditional 专名
    # a current name of the register is never flagged by the lists
    add_name(roads, "雷锋路")
    assert "person-or-enterprise-name" not in rules(report(roads, "雷锋路"), "warning")
    # a deployment extends the lists with its own directory
    extra = tmp_path / "lists"
    extra.mkdir()
    (extra / "enterprises.txt").write_text("# local firm\n螺蛳湾\n", encoding="utf-8")
    (extra / "traditional.txt").write_text("华为\n", encoding="utf-8")
    assert rules(report(roads, "螺蛳湾路"), "warning") == []
    monkeypatch.setenv("DIMING_NAME_LISTS_DIR", str(extra))
    assert rules(report(roads, "螺蛳湾路"), "warning") == ["person-or-enterprise-name"]
    assert rules(report(roads, "华为路"), "warning") == []  # allowed by the deployment's traditional.txt


def test_same_specific_part_only_within_the_class_and_not_for_sections(roads):
    assert rules(report(roads, "子君东路"), "warning") == []  # a section of 子君路, 专名 子君东
    assert rules(report(roads, "子君小区", "22100"), "warning") == []  # estates may take a road's name
    add_name(roads, "子君苑", "22100")
    found = report(roads, "子君花园", "22100")
    assert rules(found, "warning") == ["same-specific-part"] and found.findings[0].details["names"] == ["子君苑"]


def test_length_limit_is_a_setting(roads, monkeypatch):
    name = "螺蛳湾国际商贸城社区居民委员会"  # the longest real name, 15 characters
    assert rules(report(roads, name, "21620"), "error") == []
    monkeypatch.setenv("DIMING_MAX_NAME_CHARS", "12")
    assert rules(report(roads, name, "21620"), "error") == ["name-length"]
    assert Settings.from_env({}).max_name_chars == 20


def test_admin_area_must_be_a_unit_in_force_inside_the_district(store):
    add_units(store, valid_to={"530111007000": dt.date(2024, 1, 1)})
    for code, ok in (("530111008000", True), ("530111000000", True), ("530111007000", False), ("123", False), ("530102001000", False)):
        assert (rules(report(store, "福源路", admin_code=code), "error") == []) is ok, code


def test_real_names_of_the_district_pass(roads):
    """Every unit name of 官渡区 (NBS 2023) and real village and road names: no error, and no
    person/enterprise/leader warning."""
    names = [(row["name"], division_import.category_for(row)) for row in divisions("subdistrict", "community")]
    names += [("巫家坝", "22200"), ("金马路", "23510"), ("关上中路", "23510"), ("巫家坝路", "23510"), ("官渡区", "21400")]
    for name, code in names:
        found = report(roads, name, code)
        assert rules(found, "error") == [], (name, found.to_dict())
        assert not [f for f in found.findings if f.rule in ("person-or-enterprise-name", "leader-name")], name


def test_lists_are_loaded_once():
    name_lists._load.cache_clear()
    name_lists.entries("leaders")
    name_lists.entries("leaders")
    assert name_lists._load.cache_info().hits >= 1 and "毛泽东" in name_lists.entries("leaders")
    assert "巫家坝" in name_lists.entries("traditional") and categories.get("22200")


# --- the API: application, then the check (review) step ---------------------------------------

APPLICATION = {
    "kind": "name",
    "category_code": "23510",
    "admin_code": "530111008000",
    "reasons": "新建道路需要命名",
    "applicant_name": "张三",
}


@pytest.fixture
def api(roads, tmp_path):
    client = make_client(roads, tmp_path)
    return client, bearer(roads, "wang", "placename_officer"), bearer(roads, "chen", "placename_officer")


def move(client, headers, app_id, action, **data):
    return client.post(f"/api/v1/applications/{app_id}/transitions", json={"action": action, "reason": "依法办理", **data}, headers=headers)


@pytest.mark.parametrize("name", ["ABC路", "<img src=x>路", "子君\n路", LONG, "子君\u200b路"])
def test_api_refuses_the_form_of_a_name_at_the_application(api, roads, name):
    client, officer, _ = api
    refused = client.post("/api/v1/applications", json={**APPLICATION, "proposed_name": name}, headers=officer)
    body = refused.get_json()
    assert refused.status_code == 400 and body["message"]["zh"] and body["message"]["en"]
    with roads.read() as session:
        assert session.scalar(select(func.count()).select_from(NamingApplication)) == 0
        assert session.scalar(select(func.count()).select_from(PlaceName)) == 1  # only 子君路


@pytest.mark.parametrize("code", ["123", "530102001000", "530111099000"])
def test_api_refuses_an_admin_code_outside_the_district_or_not_in_force(api, code):
    client, officer, _ = api
    refused = client.post("/api/v1/applications", json={**APPLICATION, "proposed_name": "福源路", "admin_code": code}, headers=officer)
    assert refused.status_code == 400 and "admin_code" in refused.get_json()["message"]["en"]


def test_api_review_refuses_a_leader_and_asks_a_justification_for_a_firm(api):
    client, officer, chief = api
    leader = client.post("/api/v1/applications", json={**APPLICATION, "proposed_name": "毛泽东路"}, headers=officer).get_json()["id"]
    assert move(client, officer, leader, "accept").status_code == 200
    refused = move(client, officer, leader, "review", officer_opinion="审核")
    assert refused.status_code == 409 and "leader-name" in str(refused.get_json())
    for name in ("华为路", "子君街"):
        app_id = client.post("/api/v1/applications", json={**APPLICATION, "proposed_name": name}, headers=officer).get_json()["id"]
        assert move(client, officer, app_id, "accept").status_code == 200
        asked = move(client, officer, app_id, "review", officer_opinion="审核")
        assert asked.status_code == 409 and "justification" in asked.get_json()["message"]["en"]
        reviewed = move(client, officer, app_id, "review", officer_opinion="审核", justification="经专家论证，确有必要")
        assert reviewed.status_code == 200 and reviewed.get_json()["justification"] == "经专家论证，确有必要"


def test_api_four_eyes(api, roads, monkeypatch):
    client, officer, chief = api
    app_id = client.post("/api/v1/applications", json={**APPLICATION, "proposed_name": "福源路"}, headers=officer).get_json()["id"]
    for action, extra in (("accept", {}), ("review", {"officer_opinion": "符合"}), ("start_notice", {})):
        assert move(client, officer, app_id, action, **extra).status_code == 200
    later = utcnow() + dt.timedelta(days=8)
    monkeypatch.setattr(procedure, "now", lambda: later)
    decision = {"approving_body": "昆明市人民政府", "approval_document": "昆政复〔2026〕3号"}
    own = move(client, officer, app_id, "approve", **decision)
    assert own.status_code == 403 and own.get_json()["message"]["zh"].startswith("四眼原则")
    assert move(client, chief, app_id, "approve", **decision).status_code == 200


# --- the domain: approval re-checks, four-eyes off is recorded ---------------------------------


def through_notice(store, monkeypatch, name, *, actor="wang", **review):
    app_id = applications.create_application(store, {**APPLICATION, "proposed_name": name}, actor=actor)
    for action, extra in (("accept", {}), ("review", {"officer_opinion": "符合", **review}), ("start_notice", {})):
        transitions.apply_action(store, app_id, action, {"reason": action, **extra}, actor=actor)
    later = utcnow() + dt.timedelta(days=8)
    monkeypatch.setattr(procedure, "now", lambda: later)
    return app_id


DECISION = {"reason": "批准", "approving_body": "昆明市人民政府", "approval_document": "昆政复〔2026〕5号"}


def test_four_eyes_off_lets_the_filer_approve_and_says_so(roads, monkeypatch):
    app_id = through_notice(roads, monkeypatch, "福源路")
    with pytest.raises(Forbidden):
        transitions.apply_action(roads, app_id, "approve", DECISION, actor="wang")
    monkeypatch.setenv("DIMING_FOUR_EYES", "off")
    transitions.apply_action(roads, app_id, "approve", DECISION, actor="wang")
    with roads.read() as session:
        step = session.scalars(select(NamingTransition).where(NamingTransition.action == "approve")).one()
    assert step.actor == "wang" and "four-eyes off" in step.reason
    assert applications.officer_view(roads, app_id)["state"] == "approved"


def test_approval_rechecks_the_name(roads, monkeypatch, tmp_path):
    """A list extended while the notice ran: the approval sees the new finding."""
    app_id = through_notice(roads, monkeypatch, "福源路")
    extra = tmp_path / "lists"
    extra.mkdir()
    (extra / "persons.txt").write_text("福源\n", encoding="utf-8")
    monkeypatch.setenv("DIMING_NAME_LISTS_DIR", str(extra))
    with pytest.raises(Exception) as asked:
        transitions.apply_action(roads, app_id, "approve", DECISION, actor="chen")
    assert getattr(asked.value, "http_status", None) == 409 and "justification" in asked.value.en
    transitions.apply_action(roads, app_id, "approve", {**DECISION, "justification": "纪念当地乡贤，经专家论证"}, actor="chen")
    assert applications.officer_view(roads, app_id)["justification"] == "纪念当地乡贤，经专家论证"


# --- imports -------------------------------------------------------------------------------


def write_csv(path, rows):
    headers = sorted({k for row in rows for k in row})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=headers)
        writer.writeheader()
        writer.writerows(rows)


def test_census_import_refuses_rows_that_break_the_rules_by_row(roads, tmp_path):
    source = tmp_path / "census.csv"
    write_csv(
        source,
        [
            {"标准名称": "巫家坝", "类别代码": "22200", "所在(跨)行政区": "530111001000"},  # fine
            {"标准名称": "ABC路", "类别代码": "23510"},
            {"标准名称": "毛泽东路", "类别代码": "23510"},
            {"标准名称": "<b>路</b>", "类别代码": "23510", "使用时间": "历史"},  # historical, but markup all the same
            {"标准名称": "福源路", "类别代码": "23510", "所在(跨)行政区": "530102001000"},
            {"标准名称": LONG, "类别代码": "23510"},
            {"标准名称": "华为路", "类别代码": "23510"},  # a warning does not refuse a register of past decisions
        ],
    )
    with pytest.raises(InvalidInput) as refused:
        census.import_census(roads, source, actor="wang")
    problems = refused.value.details
    assert [p["row"] for p in problems] == [3, 4, 5, 6, 7]
    assert "Latin" in problems[0]["problem"] and "leader" in problems[1]["problem"] and "markup" in problems[2]["problem"]
    assert "admin_code" in problems[3]["problem"] and "too long" in problems[4]["problem"]
    with roads.read() as session:
        assert session.scalar(select(func.count()).select_from(PlaceName)) == 1  # only 子君路: all or nothing
    result = CliRunner().invoke(main, ["--db", roads.url, "names", "import", str(source)])
    assert result.exit_code != 0 and "nothing was imported" in result.output


def test_division_import_refuses_a_bad_row_and_imports_the_real_file(store, tmp_path):
    rows = divisions()
    bad = tmp_path / "divisions.csv"
    with bad.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(
            [*rows[:3], {"code": "530111001099", "name": "A社区居民委员会", "level": "community", "parent_code": "530111001000"}]
        )
        writer.writerow({"code": "530102001001", "name": "某社区居民委员会", "level": "community", "parent_code": "530102001000"})
    with pytest.raises(InvalidInput) as refused:
        division_import.import_divisions(store, bad, actor="wang")
    assert [p["row"] for p in refused.value.details] == [5, 6]
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(PlaceName)) == 0
    assert division_import.import_divisions(store, actor="wang")["added"] == 146


def test_api_check_reports_the_rules(api):
    client, officer, _ = api

    def check(**body):
        return client.post("/api/v1/names/check", json={"category": "23510", **body}, headers=officer).get_json()

    empty = check(name="  ")
    assert empty["has_errors"] and empty["findings"][0]["message"] == {"zh": "名称不能为空", "en": "the name must not be empty"}
    assert [f["rule"] for f in check(name="福源路", admin_code="530102001000")["findings"]] == ["admin-area"]
    warned = check(name="子君街")
    assert not warned["has_errors"] and warned["needs_justification"]


def test_place_name_layer_import_refuses_rows_by_row(roads, tmp_path):
    """``diming import place_names`` (the path the demo loads through) applies the rules too."""

    def feature(name, admin_code=None):
        properties = {"name": name, "category_code": "23510", "category_label": "街、路、巷", "admin_code": admin_code}
        return {"type": "Feature", "properties": properties, "geometry": {"type": "Point", "coordinates": [102.75, 25.01]}}

    path = tmp_path / "names.geojson"
    features = [feature("福源路", "530111008000"), feature("毛泽东路"), feature("ABC路"), feature("宝象路", "530102001000")]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(main, ["--db", roads.url, "import", "place_names", str(path)])
    assert result.exit_code != 0 and "3 rows" in result.output and "nothing was imported" in result.output
    with roads.read() as session:
        assert session.scalar(select(func.count()).select_from(PlaceName)) == 1  # only 子君路
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features[:1]}, ensure_ascii=False), encoding="utf-8")
    assert CliRunner().invoke(main, ["--db", roads.url, "import", "place_names", str(path)]).exit_code == 0
