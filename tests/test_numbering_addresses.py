"""Full standard addresses down to 幢/单元/室 (API, CLI, search labels), secondary addresses
marked as such (search and reverse geocoding), and the address certificates (门牌证, 地址证明)
as page, .docx and CLI file — on both backends."""

from __future__ import annotations

import datetime as dt
import io
import json

import numbering_world as world
import pytest
from apitools import bearer, make_client
from click.testing import CliRunner
from docx import Document
from sqlalchemy import select

from cli import main
from gis.basemap import Road
from gis.errors import Conflict, InvalidInput
from gis.profile import current_profile
from placenames.models import DoorPlate
from placenames.numbering import certificates, lifecycle, lookup, service

PREFIX = "云南省昆明市官渡区关上街道关上社区"


@pytest.fixture
def numbered(store):
    ids = world.seed(store)
    service.commit(store, None, actor="wang")
    with store.read() as session:
        rows = session.execute(select(DoorPlate, Road.name).join(Road, Road.id == DoorPlate.road_id)).all()
        by = {(p.building_id, road): (p.id, p.number_text, p.kind, p.geom.x, p.geom.y) for p, road in rows}
    return ids, by


@pytest.fixture
def client(store, tmp_path):
    return make_client(store, tmp_path)


def test_full_address_down_to_room_in_the_api_and_the_cli(store, numbered, client):
    ids, by = numbered
    plate_id, number, *_ = by[(ids["N1"], "春城路")]
    officer = bearer(store, "wang", "placename_officer")
    assert client.get(f"/api/v1/addresses/{plate_id}").status_code == 401
    response = client.get(f"/api/v1/addresses/{plate_id}?building=3&unit=2&room=501", headers=officer)
    assert response.status_code == 200
    view = response.json
    assert view["full_text"] == f"{PREFIX}春城路{number}号3幢2单元501室"
    assert view["text"] == f"官渡区关上街道春城路{number}号3幢2单元501室"
    assert (view["parts"]["building"], view["parts"]["unit"], view["parts"]["room"]) == ("3", "2", "501")
    assert view["kind"] == "main" and view["secondary"] is False and view["main_address"] is None
    # Typed with their marks the labels read the same; nonsense is a bilingual 400.
    marked = client.get(f"/api/v1/addresses/{plate_id}?building=3幢&room=501室", headers=officer).json
    assert marked["full_text"] == f"{PREFIX}春城路{number}号3幢501室"
    bad = client.get(f"/api/v1/addresses/{plate_id}?room=5<b>", headers=officer)
    assert bad.status_code == 400 and bad.json["message"]["zh"] and bad.json["message"]["en"]
    assert client.get("/api/v1/addresses/999999", headers=officer).status_code == 404
    by_text = client.get("/api/v1/addresses", query_string={"text": f"春城路{number}号"}, headers=officer)
    assert by_text.status_code == 200 and by_text.json["id"] == plate_id

    runner = CliRunner()
    result = runner.invoke(
        main, ["--db", store.url, "numbers", "address", str(plate_id), "--building", "3", "--unit", "2", "--room", "501"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"{PREFIX}春城路{number}号3幢2单元501室"
    result = runner.invoke(main, ["--db", store.url, "numbers", "address", str(plate_id), "--json"])
    assert json.loads(result.stdout)["full_text"] == f"{PREFIX}春城路{number}号"
    result = runner.invoke(main, ["--db", store.url, "numbers", "address", "999999"])
    assert result.exit_code != 0 and "Traceback" not in result.output


def test_a_secondary_address_says_so_and_names_the_main_one(store, numbered):
    ids, by = numbered
    secondary_id, secondary_number, kind, *_ = by[(ids["C1"], "关上路")]
    _, main_number, *_ = by[(ids["C1"], "春城路")]
    assert kind == "secondary"
    view = lookup.describe(store, secondary_id)
    assert view["secondary"] and view["kind_label"] == {"zh": "次要地址", "en": "secondary address"}
    assert view["main_address"] == f"{PREFIX}春城路{main_number}号"
    result = CliRunner().invoke(main, ["--db", store.url, "numbers", "address", str(secondary_id)])
    assert "次要地址" in result.output and f"春城路{main_number}号" in result.output
    assert secondary_number


def test_search_label_keeps_building_unit_room_and_marks_secondary(store, numbered, client):
    ids, by = numbered
    _, number, *_ = by[(ids["N1"], "春城路")]
    response = client.get("/api/v1/search", query_string={"q": f"春城路{number}号3幢2单元501室"})
    g = response.json["features"][0]["properties"]["geocoding"]
    assert g["label"] == g["standard_address"] == f"官渡区关上街道春城路{number}号3幢2单元501室"
    assert g["address_kind"] == "main" and g["secondary"] is False
    _, secondary_number, *_ = by[(ids["C1"], "关上路")]
    _, main_number, *_ = by[(ids["C1"], "春城路")]
    g = client.get("/api/v1/search", query_string={"q": f"关上路{secondary_number}号"}).json["features"][0]["properties"]["geocoding"]
    assert g["address_kind"] == "secondary" and g["secondary"] is True and g["label"].endswith("（次要地址）")
    assert g["main_address"] == f"官渡区关上街道春城路{main_number}号"


def test_reverse_geocoding_marks_a_secondary_address(store, tmp_path):
    import shapely

    from placenames.numbering import entrances
    from placenames.numbering.geometry import to_storage

    ids = world.seed(store)
    # C1's door on 春城路 at x = 384: its main plate there, its secondary one on 关上路's side.
    entrances.set_entrance(store, "C1", to_storage(shapely.Point(world.X0 + 384, world.Y0 + 4)), actor="wang")
    service.commit(store, None, actor="wang")
    with store.read() as session:
        rows = session.execute(select(DoorPlate, Road.name).join(Road, Road.id == DoorPlate.road_id)).all()
        by = {(p.building_id, road): (p.number_text, p.geom.x, p.geom.y) for p, road in rows}
    client = make_client(store, tmp_path)
    secondary_number, lon, lat = by[(ids["C1"], "关上路")]
    main_number = by[(ids["C1"], "春城路")][0]
    g = client.get("/api/v1/reverse", query_string={"lon": lon, "lat": lat, "crs": "EPSG:4490"}).json["features"][0]
    g = g["properties"]["geocoding"]
    assert g["housenumber"] == secondary_number and g["street"] == "关上路"
    assert g["address_kind"] == "secondary" and g["secondary"] is True
    assert g["label"] == f"官渡区关上街道关上路{secondary_number}号（次要地址）"
    assert g["main_address"] == f"官渡区关上街道春城路{main_number}号"
    n1, lon, lat = by[(ids["N1"], "春城路")]
    g = client.get("/api/v1/reverse", query_string={"lon": lon, "lat": lat, "crs": "EPSG:4490"}).json["features"][0]
    g = g["properties"]["geocoding"]
    assert g["address_kind"] == "main" and g["housenumber"] == n1 and "次要" not in g["label"]


def test_reverse_prefers_the_main_address_of_plates_at_one_point(store, numbered, client):
    ids, by = numbered
    _, main_number, _, lon, lat = by[(ids["C1"], "春城路")]
    assert (lon, lat) == by[(ids["C1"], "关上路")][3:]  # no entrance recorded: both at the outline corner
    g = client.get("/api/v1/reverse", query_string={"lon": lon, "lat": lat, "crs": "EPSG:4490"}).json["features"][0]
    g = g["properties"]["geocoding"]
    assert (g["street"], g["housenumber"], g["address_kind"]) == ("春城路", main_number, "main")


# --- certificates -----------------------------------------------------------------------------


def test_certificate_page_is_officer_only_numbered_and_reprints_the_same_number(store, numbered, client):
    ids, by = numbered
    plate_id, number, *_ = by[(ids["N1"], "春城路")]
    url = f"/officer/addresses/{plate_id}/certificate"
    assert client.get(url, query_string={"kind": "plate"}).status_code == 401
    assert client.get(url, query_string={"kind": "plate"}, headers=bearer(store, "zhao", "planner")).status_code == 403
    officer = bearer(store, "wang", "placename_officer")
    page = client.get(url, query_string={"kind": "plate"}, headers=officer)
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    year = dt.datetime.now(dt.UTC).astimezone(current_profile().zone).year
    first = f"{current_profile().code}-MP-{year}-000001"
    assert first in html and "门牌证" in html and f"{PREFIX}春城路{number}号" in html
    assert current_profile().authority("zh") in html and "经度" in html and "<script" not in html
    assert "format=docx" in html
    again = client.get(url, query_string={"kind": "plate"}, headers=officer).get_data(as_text=True)
    assert first in again  # a reprint, not a second certificate
    finer = client.get(url, query_string={"kind": "plate", "building": "3", "unit": "2", "room": "501"}, headers=officer)
    text = finer.get_data(as_text=True)
    assert f"{current_profile().code}-MP-{year}-000002" in text and "3幢2单元501室" in text and '<th scope="row">室</th>' in text
    english = client.get(url, query_string={"kind": "plate", "lang": "en"}, headers=officer).get_data(as_text=True)
    assert "Door-plate certificate" in english and first in english
    assert client.get(url, query_string={"kind": "nonsense"}, headers=officer).status_code == 400


def test_certificate_docx_from_the_api_and_proof_lists_former_addresses(store, numbered, client):
    ids, by = numbered
    plate_id, old_number, *_ = by[(ids["N1"], "春城路")]
    lifecycle.set_road_settings(store, "春城路", actor="wang", spacing_m=10.0, direction="forward")
    lifecycle.renumber(store, "春城路", actor="wang", reason="notice 2026-7")
    new = lookup.describe(store, plate_id)
    assert new["number"] != old_number
    officer = bearer(store, "wang", "placename_officer")
    response = client.get(f"/api/v1/addresses/{plate_id}/certificate?kind=proof&format=docx", headers=officer)
    assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
    text = "\n".join(p.text for p in Document(io.BytesIO(response.data)).paragraphs)
    cells = [c.text for t in Document(io.BytesIO(response.data)).tables for row in t.rows for c in row.cells]
    assert "地址证明" in text and "-DZ-" in text
    assert new["full_text"] in cells and "曾用地址" in cells
    former = next(c for c in cells if c.startswith(f"官渡区关上街道春城路{old_number}号"))
    assert "至" in former and "年" in former
    as_json = client.get(f"/api/v1/addresses/{plate_id}/certificate?kind=proof", headers=officer).json
    assert as_json["number"].endswith("-000001") and as_json["title"] == "地址证明"
    assert client.get(f"/api/v1/addresses/{plate_id}/certificate?kind=proof&format=pdf", headers=officer).status_code == 400
    assert client.get(f"/api/v1/addresses/{plate_id}/certificate?kind=proof").status_code == 401


def test_certificate_cli_writes_html_and_docx_and_refuses_a_retired_address(store, numbered, tmp_path):
    ids, by = numbered
    plate_id, number, *_ = by[(ids["S1"], "春城路")]
    runner = CliRunner()
    out = tmp_path / "plate.html"
    args = ["--db", store.url, "numbers", "certificate", str(plate_id), "--kind", "plate", "--format", "html", "--out", str(out)]
    result = runner.invoke(main, [*args, "--room", "101"])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert f"春城路{number}号101室" in html and "<style>" in html  # standalone: the stylesheet embedded
    docx_out = tmp_path / "proof.docx"
    result = runner.invoke(main, ["--db", store.url, "numbers", "certificate", str(plate_id), "--kind", "proof", "--out", str(docx_out)])
    assert result.exit_code == 0 and "-DZ-" in result.output
    assert "地址证明" in "\n".join(p.text for p in Document(str(docx_out)).paragraphs)
    lifecycle.retire(store, plate_ids=[plate_id], actor="wang", reason="demolished")
    with pytest.raises(Conflict):
        certificates.issue(store, plate_id, "plate", actor="wang")
    result = runner.invoke(main, [*args[:-2], "--out", str(tmp_path / "retired.html")])
    assert result.exit_code != 0 and "Traceback" not in result.output and not (tmp_path / "retired.html").exists()
    with pytest.raises(InvalidInput):
        certificates.issue(store, plate_id, "deed", actor="wang")


def test_certificate_numbers_count_per_kind_and_year(store, numbered):
    ids, by = numbered
    first = certificates.issue(store, by[(ids["N1"], "春城路")][0], "plate", actor="wang", today=dt.date(2026, 5, 1))
    second = certificates.issue(store, by[(ids["N2"], "春城路")][0], "plate", actor="wang", today=dt.date(2026, 5, 2))
    proof = certificates.issue(store, by[(ids["N2"], "春城路")][0], "proof", actor="wang", today=dt.date(2026, 5, 2))
    next_year = certificates.issue(store, by[(ids["N3"], "春城路")][0], "plate", actor="wang", today=dt.date(2027, 1, 2))
    code = current_profile().code
    assert [first.number, second.number, proof.number, next_year.number] == [
        f"{code}-MP-2026-000001",
        f"{code}-MP-2026-000002",
        f"{code}-DZ-2026-000001",
        f"{code}-MP-2027-000001",
    ]
    assert first.date == "2026年5月1日"
