"""Printable 公示 and 公告 on both backends: document numbers (文号) given when a notice
starts and a name is announced, the .docx opened with python-docx, the A4 print page,
who may see which document, the announcements list and ``diming names print``."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import sqlalchemy as sa
from apitools import bearer, make_client
from click.testing import CliRunner
from docx import Document
from guandu_units import add_units

from gis.profile import current_profile
from gis.storage import utcnow
from placenames import applications, documents, procedure, register, transitions
from placenames.models import PlaceName
from placenames.registry_models import NamingApplication

ROAD_LINE = {"type": "LineString", "coordinates": [[102.75, 25.01], [102.76, 25.012]]}
MARKUP = '<img src=x onerror="window.__xss=1">新路'


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


def step(store, app_id, action, **data):
    transitions.apply_action(store, app_id, action, {"reason": f"{action} step", **data}, actor="chen" if action == "approve" else "wang")


def new_road(store, name="子君东路"):
    data = {
        "kind": "name",
        "proposed_name": name,
        "category_code": "23510",
        "admin_code": "530111008000",
        "geometry": ROAD_LINE,
        "location_description": "东起宝象河，西至子君路",
        "reasons": "新建道路需要命名",
        "applicant_name": "申请人张三",
        "applicant_contact": "13800000000",
    }
    return applications.create_application(store, data, actor="wang")


def start_notice(store, app_id):
    step(store, app_id, "accept")
    step(store, app_id, "review", officer_opinion="名称符合规定")
    step(store, app_id, "start_notice")


def announce(store, clock, app_id):
    clock.advance(days=7, minutes=1)
    step(store, app_id, "approve", approving_body="市人民政府", approval_document="市政复〔2026〕8号")
    step(store, app_id, "file", filed_with="省民政厅")
    step(store, app_id, "announce")


def current_road(store, name):
    with store.transaction(actor="import") as session:
        entry = PlaceName(**register.spelling(name, "23510"), status="current", admin_code="530111008000", approved_on=dt.date(2010, 5, 1))
        session.add(entry)
        session.flush()
        return entry.id


def rename(store, old, new):
    name_id = current_road(store, old)
    data = {"kind": "rename", "place_name_id": name_id, "proposed_name": new, "reasons": "道路延伸", "applicant_name": "住建局"}
    return applications.create_application(store, data, actor="wang")


def docx_text(content: bytes) -> tuple[list[str], dict[str, str]]:
    """(paragraphs, table as label -> value) of a Word file."""
    word = Document(io.BytesIO(content))
    rows = {row.cells[0].text: row.cells[1].text for table in word.tables for row in table.rows}
    return [p.text for p in word.paragraphs], rows


def test_numbers_follow_the_profile_prefix_year_and_serial(store, clock):
    notice_prefix, announcement_prefix = current_profile().document_prefixes
    first, second = new_road(store, "子君东路"), new_road(store, "子泰东路")
    start_notice(store, first)
    start_notice(store, second)
    year = procedure.today().year
    views = [applications.officer_view(store, i) for i in (first, second)]
    assert [v["notice_number"] for v in views] == [f"{notice_prefix}〔{year}〕1号", f"{notice_prefix}〔{year}〕2号"]
    assert all(v["announcement_number"] is None for v in views)
    announce(store, clock, second)
    view = applications.officer_view(store, second)
    assert view["announcement_number"] == f"{announcement_prefix}〔{procedure.today().year}〕1号"
    assert view["notice_number"] == f"{notice_prefix}〔{year}〕2号"  # kept, never renumbered
    with store.read() as session:
        numbers = [n for n in session.scalars(sa.select(NamingApplication.notice_number)) if n]
    assert len(numbers) == len(set(numbers)) == 2


def test_the_notice_docx_carries_every_field(store, clock):
    app_id = new_road(store)
    start_notice(store, app_id)
    doc = documents.build(store, app_id, "notice", comment_url="https://names.example.cn/notices/1")
    paragraphs, table = docx_text(documents_docx(doc))
    profile = current_profile()
    assert paragraphs[0] == f"{profile.document_prefixes[0]}〔{procedure.today().year}〕1号"
    assert paragraphs[1] == "关于“子君东路”命名的公示"
    assert profile.authority.zh in paragraphs[2] and "北京时间" in paragraphs[2]
    assert table["事项"] == "命名" and table["拟用名称"] == "子君东路" and table["罗马字母拼写"] == "Zijun Donglu"
    assert table["地名类别"].startswith("23510 ") and table["所在行政区"] == "六甲街道（530111008000）"
    assert table["位置描述"] == "东起宝象河，西至子君路" and table["理由"] == "新建道路需要命名"
    starts = procedure.now().astimezone(profile.zone)
    assert table["公示期"].startswith(f"{starts:%Y-%m-%d %H:%M}（北京时间）")  # Beijing time, not UTC
    assert any("https://names.example.cn/notices/1" in p for p in paragraphs)
    assert paragraphs[-2:] == [profile.authority.zh, f"{starts.year}年{starts.month}月{starts.day}日"]
    assert not any("申请人张三" in p or "13800000000" in p for p in paragraphs + list(table.values()))


def documents_docx(doc) -> bytes:
    from gis.documents import to_docx

    return to_docx(doc)


def test_the_announcement_of_a_rename_names_the_old_name(store, clock):
    app_id = rename(store, "官城路", "官城南路")
    start_notice(store, app_id)
    notice = documents.build(store, app_id, "notice")
    assert ("原名称", "官城路") in notice.fields and ("拟用名称", "官城南路") in notice.fields
    assert ("罗马字母拼写", "Guancheng Nanlu") in notice.fields  # the new name's spelling, before the register changes
    announce(store, clock, app_id)
    paragraphs, table = docx_text(documents_docx(documents.build(store, app_id, "announcement")))
    assert paragraphs[1] == "关于“官城路”更名为“官城南路”的公告"
    assert table["标准名称"] == "官城南路" and table["原名称"] == "官城路" and table["事项"] == "更名"
    assert table["批准机关"] == "市人民政府" and table["批准文号"] == "市政复〔2026〕8号"
    today = procedure.today()
    assert table["公告日期"] == f"{today.year}年{today.month}月{today.day}日"
    english = documents.build(store, app_id, "announcement", lang="en")
    assert english.title == "Announcement on renaming '官城路' to '官城南路'"
    assert ("Former name", "官城路") in english.fields


def test_a_cancellation_notice_names_the_area_even_without_one_on_the_application(store, clock):
    name_id = current_road(store, "安和路")
    app_id = applications.create_application(
        store, {"kind": "cancel", "place_name_id": name_id, "reasons": "道路已拆除", "applicant_name": "住建局"}, actor="wang"
    )
    with store.transaction(actor="test") as session:  # an application recorded without its area
        session.execute(sa.update(NamingApplication).where(NamingApplication.id == app_id).values(admin_code=None))
    start_notice(store, app_id)
    doc = documents.build(store, app_id, "notice")
    assert doc.title == "关于“安和路”销名的公示"
    assert ("注销名称", "安和路") in doc.fields and ("所在行政区", "六甲街道（530111008000）") in doc.fields


def test_who_may_see_which_document_over_http(store, clock, tmp_path):
    client = make_client(store, tmp_path)
    officer = bearer(store, "li", "placename_officer")
    app_id = new_road(store)
    url = f"/api/v1/notices/{app_id}/documents"
    assert client.get(f"{url}/notice").status_code == 409  # not in notice yet
    start_notice(store, app_id)
    body = client.get(f"{url}/notice").get_json()
    assert body["title"] == "关于“子君东路”命名的公示" and f"/notices/{app_id}" in " ".join(body["notes"])
    word = client.get(f"{url}/notice?format=docx")
    assert word.status_code == 200 and word.mimetype.endswith("wordprocessingml.document")
    assert docx_text(word.data)[1]["拟用名称"] == "子君东路"
    assert client.get(f"{url}/announcement").status_code == 409
    assert client.get(f"{url}/minutes").status_code == 400
    assert client.get(f"{url}/notice?format=pdf").status_code == 400
    clock.advance(days=7, minutes=1)
    assert client.get(f"{url}/notice").status_code == 409  # the notice is over: no longer public
    assert client.get(f"{url}/notice", headers=officer).status_code == 200  # officers keep it for the file
    assert client.get("/api/v1/announcements").get_json()["announcements"] == []
    announce(store, clock, app_id)
    listed = client.get("/api/v1/announcements").get_json()["announcements"]
    assert [(a["name"], a["area"]["name"], a["kind_label"]["zh"]) for a in listed] == [("子君东路", "六甲街道", "命名")]
    assert listed[0]["announcement_number"].endswith(f"〔{procedure.today().year}〕1号")
    assert client.get(f"/api/v1/announcements/{app_id}").get_json()["romanization"] == "Zijun Donglu"
    assert "申请人张三" not in client.get(f"{url}/announcement?lang=en").get_data(as_text=True)


def test_the_print_page_is_a4_with_a_stylesheet_and_markup_as_text(store, clock, tmp_path):
    client = make_client(store, tmp_path)
    app_id = new_road(store)
    with store.transaction(actor="test") as session:  # a name with markup, as if it slipped into the data
        session.execute(sa.update(NamingApplication).where(NamingApplication.id == app_id).values(proposed_name=MARKUP))
    start_notice_unchecked(store, app_id)
    page = client.get(f"/notices/{app_id}/notice/print")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "/static/pages/print.css" in html and "<style" not in html and "<script" not in html
    assert "&lt;img src=x onerror=" in html and "<img" not in html
    assert f"/api/v1/notices/{app_id}/documents/notice?format=docx" in html
    css = client.get("/static/pages/print.css").get_data(as_text=True)
    assert "size: A4" in css and "@media print" in css
    english = client.get(f"/notices/{app_id}/notice/print?lang=en").get_data(as_text=True)
    assert "Public notice on naming" in english and "Beijing time" in english
    assert client.get(f"/notices/{app_id}/announcement/print").status_code == 409


def start_notice_unchecked(store, app_id):
    """Move an application into notice directly (a markup name would not pass review)."""
    start, end = procedure.notice_period(7)
    with store.transaction(actor="test") as session:
        application = session.get(NamingApplication, app_id)
        application.state, application.notice_starts_at, application.notice_ends_at = "in_notice", start, end


def test_cli_writes_html_and_docx_and_refuses_bad_input(store, clock, tmp_path):
    from cli.main import main

    app_id = new_road(store)
    start_notice(store, app_id)
    runner = CliRunner()
    html_out, docx_out = tmp_path / "gs.html", tmp_path / "gs.docx"
    base = ["--db", store.url, "names", "print", str(app_id), "--kind", "notice"]
    result = runner.invoke(main, [*base, "--format", "html", "--out", str(html_out), "--base-url", "https://names.example.cn/"])
    assert result.exit_code == 0, result.output
    html = html_out.read_text(encoding="utf-8")
    assert "<style>" in html and "size: A4" in html and "子君东路" in html and "https://names.example.cn/notices/" in html
    result = runner.invoke(main, [*base, "--format", "docx", "--out", str(docx_out)])
    assert result.exit_code == 0, result.output
    assert docx_text(docx_out.read_bytes())[1]["拟用名称"] == "子君东路"
    missing = tmp_path / "none.docx"
    result = runner.invoke(main, ["--db", store.url, "names", "print", str(app_id), "--kind", "announcement", "--out", str(missing)])
    assert result.exit_code == 2 and "尚未公告" in result.output and "Traceback" not in result.output
    assert not missing.exists()
    result = runner.invoke(main, ["--db", store.url, "names", "print", "999", "--kind", "notice", "--out", str(missing)])
    assert result.exit_code == 2 and "999" in result.output and not missing.exists()


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_notices_started_at_the_same_moment_get_consecutive_numbers(store):
    import threading

    ids = [new_road(store, name) for name in ("子君东路", "子泰东路", "子安东路", "子华东路", "子和东路", "子兴东路")]
    for app_id in ids:
        step(store, app_id, "accept")
        step(store, app_id, "review", officer_opinion="名称符合规定")
    barrier = threading.Barrier(len(ids))
    errors = []

    def start(app_id):
        barrier.wait()
        try:
            step(store, app_id, "start_notice")
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    prefix, year = current_profile().document_prefixes[0], procedure.today().year
    numbers = sorted(applications.officer_view(store, i)["notice_number"] for i in ids)
    assert numbers == sorted(f"{prefix}〔{year}〕{serial}号" for serial in range(1, len(ids) + 1))
