"""The naming procedure from the command line, on both backends: ``diming names apply``,
``step``, ``show`` and ``list`` go through the same services as the API (name rules
on filing, state machine, four-eyes rule), print Chinese labels and Beijing time,
and refuse bad input with a bilingual message, a non-zero exit and nothing stored."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from guandu_units import add_units
from sqlalchemy import func, select

from cli import main
from gis.storage import utcnow
from placenames import procedure
from placenames.models import PlaceName
from placenames.registry_models import NamingApplication, NamingAttachment, NamingTransition

ROAD = {"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[102.75, 25.01], [102.76, 25.012]]}}


class Clock:
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
    if "store" in request.fixturenames:
        add_units(request.getfixturevalue("store"))


def run(store, *args):
    result = CliRunner().invoke(main, ["--db", store.url, "names", *args])
    assert "Traceback" not in result.output
    return result


def ok(store, *args):
    result = run(store, *args)
    assert result.exit_code == 0, result.output
    return result


def counts(store):
    with store.read() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model))
            for model in (NamingApplication, NamingTransition, PlaceName, NamingAttachment)
        )


def file_road(store, tmp_path, name="子君东路", *extra):
    geometry = tmp_path / "road.geojson"
    geometry.write_text(json.dumps({"type": "FeatureCollection", "features": [ROAD]}), encoding="utf-8")
    report = tmp_path / "评估报告.txt"
    report.write_text("综合评估：可行", encoding="utf-8")
    result = ok(
        store,
        "apply",
        "--kind",
        "naming",
        "--name",
        name,
        "--category",
        "23510",
        "--admin-code",
        "530111008000",
        "--geometry",
        str(geometry),
        "--location",
        "东起宝象河，西至子君路",
        "--applicant",
        "张三",
        "--attachment",
        f"assessment={report}",
        "--actor",
        "wang",
        "--reason",
        "新建道路需要命名",
        "--json",
        *extra,
    )
    return json.loads(result.output)


def through_notice(store, clock, app_id):
    ok(store, "step", str(app_id), "accept", "--reason", "材料齐全", "--actor", "wang")
    ok(store, "step", str(app_id), "review", "--reason", "审核", "--opinion", "名称符合规定", "--actor", "wang")
    ok(store, "step", str(app_id), "start-notice", "--reason", "公示", "--actor", "wang")
    clock.advance(days=7, minutes=1)


def approve_file_announce(store, app_id):
    approve = ["--approving-body", "昆明市人民政府", "--approval-document", "昆政复〔2026〕1号"]
    ok(store, "step", str(app_id), "approve", "--reason", "同意", *approve, "--actor", "chen")
    ok(store, "step", str(app_id), "file", "--reason", "备案", "--filed-with", "云南省民政厅", "--actor", "wang")
    ok(store, "step", str(app_id), "announce", "--reason", "公告", "--actor", "wang")


def test_a_new_road_name_from_application_to_announcement(store, clock, tmp_path):
    filed = file_road(store, tmp_path)
    app_id = filed["id"]
    assert (filed["state"], filed["kind"], filed["romanization"], filed["geometry"]["type"]) == (
        "applied",
        "name",
        "Zijun Donglu",
        "LineString",
    )
    assert filed["administrative_area"] == {"code": "530111008000", "name": "六甲街道", "full_name": "官渡区六甲街道"}
    assert [(a["kind"], a["filename"]) for a in filed["attachments"]] == [("assessment", "评估报告.txt")]
    through_notice(store, clock, app_id)
    # Four-eyes: the officer who filed it may not approve it; nothing changes.
    before = counts(store)
    refused = run(
        store, "step", str(app_id), "approve", "--reason", "同意", "--approving-body", "x", "--approval-document", "y", "--actor", "wang"
    )
    assert refused.exit_code == 2 and "四眼原则" in refused.output and "Four-eyes" in refused.output
    assert counts(store) == before
    approve_file_announce(store, app_id)
    shown = run(store, "show", str(app_id))
    assert shown.exit_code == 0
    for text in ("子君东路", "Zijun Donglu", "命名 / naming", "已公告 / announced", "23510 街、路、巷", "官渡区六甲街道（530111008000）"):
        assert text in shown.output
    assert "LineString，2 个点" in shown.output and "长约 length ≈ 1,0" in shown.output
    steps = [line for line in shown.output.splitlines() if line.startswith("  ") and "（北京时间）" in line]
    assert [s.split("  ")[2] for s in steps] == [
        "申报 / Apply",
        "受理 / Accept",
        "审核通过 / Pass review",
        "开始公示 / Start public notice",
        "批准 / Approve",
        "备案 / File",
        "公告 / Announce",
    ]
    local = procedure.now().astimezone(procedure.local_time())
    assert f"{local:%Y-%m-%d %H:%M}（北京时间）" in shown.output  # the last step, in Beijing time
    view = json.loads(ok(store, "show", str(app_id), "--json").output)
    assert view["announcement"]["administrative_area"]["name"] == "六甲街道"
    with store.read() as session:
        entry = session.get(PlaceName, view["place_name_id"])
        assert (entry.status, entry.name) == ("current", "子君东路")


def test_rename_and_cancellation_and_the_list(store, clock, tmp_path):
    first = file_road(store, tmp_path)
    through_notice(store, clock, first["id"])
    approve_file_announce(store, first["id"])
    road_id = str(first["place_name_id"])
    renamed = json.loads(
        ok(
            store,
            "apply",
            "--kind",
            "renaming",
            "--target-id",
            road_id,
            "--name",
            "子君南路",
            "--applicant",
            "住建局",
            "--reason",
            "道路延伸",
            "--actor",
            "wang",
            "--json",
        ).output
    )
    assert (renamed["kind"], renamed["proposed_name"], renamed["romanization"], renamed["register_entry"]["name"]) == (
        "rename",
        "子君南路",
        "Zijun Nanlu",
        "子君东路",
    )
    through_notice(store, clock, renamed["id"])
    approve_file_announce(store, renamed["id"])
    cancelled = json.loads(
        ok(
            store,
            "apply",
            "--kind",
            "cancellation",
            "--target-id",
            road_id,
            "--applicant",
            "六甲街道",
            "--reason",
            "道路已拆除",
            "--actor",
            "wang",
            "--json",
        ).output
    )
    assert (cancelled["kind"], cancelled["proposed_name"]) == ("cancel", "子君南路")
    listed = ok(store, "list").output.splitlines()
    assert len(listed) == 4 and listed[-1] == "共 3 件 / 3 applications"
    assert "命名  已公告" in listed[0] and "更名  已公告" in listed[1] and "销名  申报" in listed[2] and "（北京时间）" in listed[2]
    only = json.loads(ok(store, "list", "--kind", "renaming", "--json").output)
    assert [(a["id"], a["kind_label"]["zh"], a["state_label"]["zh"]) for a in only] == [(renamed["id"], "更名", "已公告")]
    assert [a["id"] for a in json.loads(ok(store, "list", "--state", "applied", "--json").output)] == [cancelled["id"]]
    assert run(store, "list", "--kind", "nonsense").exit_code == 2


@pytest.mark.parametrize(
    "args,message",
    [
        (["--name", "某路", "--category", "99999"], "未知的地名类别代码"),
        (["--name", "Main路", "--category", "23510"], "拉丁字母"),
        (["--name", "某路", "--category", "23510", "--admin-code", "530102001000"], "不是本区"),
        (["--name", "某路", "--category", "23510", "--wkt", "LINESTRING(0 0, 1 1)"], "超出本区范围"),
        (["--name", "某路", "--category", "23510", "--wkt", "LINESTRING(102.75"], "WKT"),
        (["--name", "某路", "--category", "23510", "--geometry", "{missing}"], "GeoJSON"),
        (["--name", "某路", "--category", "23510", "--geometry", "{bad}"], "GeoJSON"),
        (["--name", "某路", "--category", "23510", "--attachment", "assessment={missing}"], "附件文件不存在"),
        (["--name", "某路", "--category", "23510", "--attachment", "assessment={empty}"], "是空的"),
        (["--name", "某路"], "类别代码"),
        (["--kind", "renaming", "--target-id", "999", "--name", "某路"], "地名 999 不存在"),
        (["--kind", "retiring", "--name", "某路", "--category", "23510"], "申报类型"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_stored(store, tmp_path, args, message):
    bad = tmp_path / "bad.geojson"
    bad.write_text("{not json", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    args = [a.format(missing=tmp_path / "missing.geojson", bad=bad, empty=empty) for a in args]
    kind = [] if "--kind" in args else ["--kind", "naming"]
    before = counts(store)
    result = run(store, "apply", *kind, *args, "--applicant", "张三", "--reason", "理由", "--actor", "wang")
    assert result.exit_code == 2 and message in result.output and "Error" in result.output, result.output
    assert counts(store) == before


def test_a_refused_step_lists_the_steps_allowed_now(store, tmp_path):
    app_id = str(file_road(store, tmp_path)["id"])
    before = counts(store)
    early = run(store, "step", app_id, "announce", "--reason", "公告", "--actor", "wang")
    assert early.exit_code == 2
    assert "当前环节 state: 申报 / applied" in early.output and "accept（受理）、reject（不予批准）、withdraw（撤回申报）" in early.output
    assert "不能办理“公告”" in early.output and "'Announce' is only allowed" in early.output
    unknown = run(store, "step", app_id, "bless", "--reason", "x", "--actor", "wang")
    assert unknown.exit_code == 2 and "未知的办理环节" in unknown.output and "accept（受理）" in unknown.output
    no_reason = run(store, "step", app_id, "accept", "--actor", "wang")
    assert no_reason.exit_code == 2 and "办理理由" in no_reason.output
    missing = run(store, "step", "999", "accept", "--reason", "x")
    assert missing.exit_code == 2 and "申报 999 不存在" in missing.output
    assert run(store, "show", "999").exit_code == 2
    assert counts(store) == before


def test_a_blocked_name_is_filed_and_refused_at_review(store, tmp_path):
    """Filing checks the form of the text (as on the API); the naming rules decide at
    review. The CLI says at filing what review will find."""
    filed = run(
        store,
        "apply",
        "--kind",
        "naming",
        "--name",
        "威尼斯路",
        "--category",
        "23510",
        "--applicant",
        "a",
        "--reason",
        "b",
        "--actor",
        "wang",
    )
    assert filed.exit_code == 0 and "审核预检 pre-check: error blocked-word" in filed.output
    app_id = filed.output.split("application ")[1].split()[0]
    ok(store, "step", app_id, "accept", "--reason", "受理", "--actor", "wang")
    review = run(store, "step", app_id, "review", "--reason", "审核", "--opinion", "不同意", "--actor", "wang")
    assert review.exit_code == 2 and "名称审核未通过" in review.output and "review（审核通过）" in review.output
    ok(store, "step", app_id, "reject", "--reason", "含禁用词", "--actor", "wang")
    assert "不予批准 / rejected" in ok(store, "show", app_id).output
