"""The demo's boundary step on both backends: lines from the outlines, markers, one
signed joint inspection, a clean topology check, the public OGC collections, the
联检协议书 (HTML and Word) and Chinese statuses in the 界桩成果表."""

from __future__ import annotations

import io

import pytest
from apitools import bearer, make_client
from click.testing import CliRunner
from conftest import BACKENDS, make_store

from accounts.models import User
from boundaries import agreement as agreement_doc
from boundaries.inspections import campaign_id_of, list_campaigns, open_campaign
from boundaries.lines.service import line_id_of, list_lines
from boundaries.marker_table import marker_table, to_csv, to_html
from boundaries.markers import markers_of
from boundaries.topology.stored import check_stored
from cli import main
from cli.data_commands import registry
from data.demo_boundaries import NEIGHBOURS_FILE
from data.loader import load_demo
from gis.errors import Conflict

SEED, SCALE = 530111, 0.02
PANLONG_LINE = "530103000000-530111000000"
DISTRICT_LINES = {
    PANLONG_LINE,
    "530111000000-530112000000",
    "530111000000-530114000000",
    "530111000000-530125000000",
    "530111000000-530127000000",
}


@pytest.fixture(scope="module")
def frames():
    from data.demo import build_demo

    return build_demo(seed=SEED, scale=SCALE)


@pytest.fixture(scope="module", params=BACKENDS)
def demo(request, frames, tmp_path_factory):
    """The demo at a small scale with every step, once per backend."""
    store = make_store(request, request.param, tmp_path_factory.mktemp("demo"))
    counts = load_demo(store, registry(), seed=SEED, scale=SCALE, frames=frames)
    return store, counts


def campaign_code(store) -> str:
    return next(c["code"] for c in list_campaigns(store) if c["status"] == "signed")


def test_lines_of_the_district_and_its_subdistricts_with_markers(demo):
    store, counts = demo
    assert counts["district_lines"] == 5 and counts["subdistrict_lines"] == 23
    district = {line.code: line for line in list_lines(store, "district")}
    assert set(district) == DISTRICT_LINES
    assert district[PANLONG_LINE].number == "0311" and 44_000 < district[PANLONG_LINE].length_m < 47_000
    assert len(list_lines(store, "subdistrict")) == 23
    placed = 0
    for line in list_lines(store):
        markers = markers_of(store, line.id)
        assert markers, line.code
        assert {m.source for m in markers} == {"synthetic-demo"}
        assert all(m.code.startswith(line.number) for m in markers)
        placed += len(markers)
    assert placed == counts["boundary_markers"]


def test_demo_units_pass_the_topology_check(demo):
    store, _ = demo
    report = check_stored(store)
    assert report.errors == 0 and report.ok, [f.message_en for f in report.findings[:5]]
    assert report.findings == []  # no warnings either: no minimum sliver area is needed
    result = CliRunner().invoke(main, ["--db", store.url, "boundaries", "check"])
    assert result.exit_code == 0, result.output


def test_one_campaign_completed_and_signed_by_both_sides(demo):
    store, counts = demo
    assert counts["signed_campaigns"] == 1
    (campaign,) = list_campaigns(store)
    assert campaign["status"] == "signed" and campaign["line_id"] == line_id_of(store, PANLONG_LINE)
    assert (campaign["party_a_code"], campaign["party_b_code"]) == ("530111000000", "530103000000")
    from boundaries.inspection_report import campaign_report

    summary = campaign_report(store, campaign["id"])["summary"]
    assert summary["signed_a_by"] == "demo-officer-530111" and summary["signed_b_by"] == "demo-officer-530103"
    assert summary["by_status"]["displaced"] == 1 and summary["flagged"] == 1 and summary["findings"] == 1
    assert summary["by_status"]["not-inspected"] == 1 and summary["by_status"]["intact"] == summary["markers"] - 3
    line = next(line for line in list_lines(store, "district") if line.code == PANLONG_LINE)
    assert line.last_inspected.isoformat() == campaign["ended_on"]
    with store.read() as session:
        officers = session.query(User).filter(User.username.like("demo-officer-%")).all()
    assert {u.unit_code for u in officers} == {"530111000000", "530103000000"}
    assert all(u.password_hash is None for u in officers)  # nobody can sign in as a demo officer


def test_public_ogc_collections_have_the_lines_and_markers(demo, tmp_path):
    store, _ = demo
    client = make_client(store, tmp_path)
    lines = client.get("/ogc/collections/boundary-lines/items?f=json&limit=100").get_json()["features"]
    assert {f["properties"]["code"] for f in lines} >= DISTRICT_LINES
    assert len(lines) == 28
    markers = client.get("/ogc/collections/boundary-markers/items?f=json&limit=10").get_json()
    assert markers["numberMatched"] > 100 and len(markers["features"]) == 10
    assert {"code", "status"} <= set(markers["features"][0]["properties"])


def test_marker_register_shows_chinese_statuses(demo):
    store, _ = demo
    table = marker_table(store, line_id_of(store, PANLONG_LINE))
    names = {row["status"]: row["status_name"] for row in table["rows"]}
    assert names["intact"] == "完好" and names["displaced"] == "移位" and names["damaged"] == "损坏"
    page = to_html(table)
    assert "<td>移位</td>" in page and "<td>displaced</td>" not in page
    header = to_csv(table).decode("utf-8-sig").splitlines()[0].split(",")
    assert header[header.index("status") + 1] == "status_name"


def test_agreement_html_and_word_carry_the_signed_campaign(demo, tmp_path):
    import docx

    store, _ = demo
    code = campaign_code(store)
    doc = agreement_doc.agreement(store, campaign_id_of(store, code))
    page = agreement_doc.to_html(doc)
    for text in (
        "官渡区与盘龙区行政区域界线联合检查协议书",
        "甲方：官渡区民政局",
        "乙方：盘龙区民政局",
        "官渡区界线工作人员（演示）",
        "盘龙区界线工作人员（演示）",
        "（北京时间）",
        doc["started_on"],
        doc["ended_on"],
        "界线附近新建道路施工",
        "移位",
        "由管护方会同对方恢复至登记位置",
        "施工围挡，无法到达",
    ):
        assert text in page, text
    assert all(m["code"] in page for m in doc["markers"]) and len(doc["markers"]) > 20
    assert "<script" not in page and f"<style>{agreement_doc.AGREEMENT_CSS}</style>" in page

    out = tmp_path / "agreement.docx"
    result = CliRunner().invoke(main, ["--db", store.url, "inspections", "agreement", code, "--format", "docx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    word = docx.Document(io.BytesIO(out.read_bytes()))
    text = "\n".join(p.text for p in word.paragraphs)
    cells = "\n".join(cell.text for table in word.tables for row in table.rows for cell in row.cells)
    assert "官渡区与盘龙区行政区域界线联合检查协议书" in text and "五、双方商定" in text
    assert "代表签字：官渡区界线工作人员（演示）" in cells and "（北京时间）" in cells
    assert all(m["code"] in cells for m in doc["markers"]) and "移位" in cells and "界线附近新建道路施工" in cells

    html_out = tmp_path / "agreement.html"
    result = CliRunner().invoke(main, ["--db", store.url, "inspections", "agreement", code, "--out", str(html_out)])
    assert result.exit_code == 0 and html_out.read_text(encoding="utf-8") == page


def test_agreement_through_the_api_and_refusals(demo, tmp_path):
    store, _ = demo
    client = make_client(store, tmp_path)
    campaign_id = campaign_id_of(store, campaign_code(store))
    url = f"/api/v1/boundary-inspections/{campaign_id}/agreement"
    assert client.get(url).status_code == 401
    officer = bearer(store, f"li-{tmp_path.name[-8:]}", "boundary_officer")
    page = client.get(url, headers=officer)
    assert page.status_code == 200 and page.mimetype == "text/html" and "联合检查协议书" in page.get_data(as_text=True)
    from api.security_headers import csp_hash

    assert csp_hash(agreement_doc.AGREEMENT_CSS) in page.headers["Content-Security-Policy"]
    word = client.get(url + "?format=docx", headers=officer)
    assert word.status_code == 200 and word.data[:2] == b"PK" and "attachment" in word.headers["Content-Disposition"]
    bad = client.get(url + "?format=pdf", headers=officer)
    assert bad.status_code == 400 and "docx" in bad.get_data(as_text=True)

    other = next(line for line in list_lines(store, "subdistrict"))
    opened = open_campaign(
        store, other.id, code=f"OPEN-{tmp_path.name[-6:]}", party_a="甲", party_b="乙", started_on=other_day(), actor="t"
    )
    refused = client.get(f"/api/v1/boundary-inspections/{opened.id}/agreement", headers=officer)
    assert refused.status_code == 409
    with pytest.raises(Conflict):
        agreement_doc.agreement(store, opened.id)
    result = CliRunner().invoke(main, ["--db", store.url, "inspections", "agreement", opened.code, "--out", str(tmp_path / "x.html")])
    assert result.exit_code != 0 and "尚未由双方签认" in result.output and not (tmp_path / "x.html").exists()


def other_day():
    import datetime as dt

    return dt.date(2026, 1, 5)


def test_district_lines_command(demo, tmp_path):
    store, _ = demo
    if store.dialect != "sqlite":
        pytest.skip("the service is the same on both backends; the demo built the lines on each")
    result = CliRunner().invoke(main, ["--db", store.url, "boundaries", "district-lines", "--neighbours", str(NEIGHBOURS_FILE)])
    assert result.exit_code == 0, result.output
    assert "530111000000 官渡区 | 530103000000 盘龙区" in result.output and "0 added, 5 updated, 0 retired" in result.output


def test_district_lines_need_a_stored_district(store):
    result = CliRunner().invoke(main, ["--db", store.url, "boundaries", "district-lines", "--neighbours", str(NEIGHBOURS_FILE)])
    assert result.exit_code == 2 and "没有现行的区县单元" in result.output and "Traceback" not in result.output
    assert list_lines(store) == []


def test_gdal_and_owslib_read_the_demo_lines_and_markers(demo, tmp_path):
    """What the finding was about: GDAL's OAPIF driver and OWSLib read features there after the demo."""
    import sys

    import pyogrio
    from live_server import free_port, serving
    from owslib.ogcapi.features import Features
    from test_ogc_clients import SERVER

    store, counts = demo
    port = free_port()
    with serving([sys.executable, "-c", SERVER, store.url, str(port), str(tmp_path / "run")], port, tmp_path / "server.log") as base:
        lines = pyogrio.read_dataframe(f"OAPIF:{base}/ogc", layer="boundary-lines")
        assert len(lines) == 28 and DISTRICT_LINES <= set(lines["code"]) and lines.geometry.notna().all()
        assert (
            Features(f"{base}/ogc").collection_items("boundary-markers", resulttype="hits")["numberMatched"] == counts["boundary_markers"]
        )
