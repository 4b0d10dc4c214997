"""Boundaries through the JSON API and the CLI: roles, time travel, lines, markers, inspections."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from apitools import bearer, make_client
from click.testing import CliRunner
from shapely.geometry import MultiPolygon, box, mapping

from accounts.service import set_unit
from gis.basemap import AdminUnit

DISTRICT = "530111000000"
WEST, MIDDLE, EAST = box(102.70, 25.00, 102.74, 25.05), box(102.74, 25.00, 102.78, 25.05), box(102.78, 25.00, 102.82, 25.05)


@pytest.fixture
def client(store, tmp_path):
    return make_client(store, tmp_path)


def seed(store):
    with store.transaction(actor="t", reason="seed") as session:
        session.add(
            AdminUnit(
                code=DISTRICT,
                name="官渡区",
                level="district",
                valid_from=dt.date(2000, 1, 1),
                geom=MultiPolygon([box(102.70, 25.00, 102.82, 25.05)]),
            ),
        )
        for code, name, geom in (("530111001000", "甲街道", WEST), ("530111002000", "乙街道", MIDDLE), ("530111003000", "丙街道", EAST)):
            session.add(
                AdminUnit(
                    code=code,
                    name=name,
                    level="subdistrict",
                    parent_code=DISTRICT,
                    valid_from=dt.date(2000, 1, 1),
                    geom=MultiPolygon([geom]),
                ),
            )


def test_units_time_travel_and_reorganisation_roles(store, client):
    seed(store)
    officer, planner = bearer(store, "zhang", "boundary_officer"), bearer(store, "li", "planner")
    body = {
        "kind": "merge",
        "effective": "2020-01-01",
        "close": ["530111002000", "530111003000"],
        "reason": "批复",
        "add": [
            {
                "code": "530111004000",
                "name": "丁街道",
                "level": "subdistrict",
                "parent_code": DISTRICT,
                "geometry": mapping(MIDDLE.union(EAST)),
            }
        ],
    }
    assert client.post("/api/v1/units/reorganisations", json=body).status_code == 401
    assert client.post("/api/v1/units/reorganisations", json=body, headers=planner).status_code == 403
    created = client.post("/api/v1/units/reorganisations", json=body, headers=officer)
    assert created.status_code == 201, created.json
    before = client.get("/api/v1/units?date=2019-12-31&level=subdistrict").json
    after = client.get("/api/v1/units?date=2020-01-01&level=subdistrict").json
    assert sorted(f["properties"]["code"] for f in before["features"]) == ["530111001000", "530111002000", "530111003000"]
    assert sorted(f["properties"]["code"] for f in after["features"]) == ["530111001000", "530111004000"]
    history = client.get("/api/v1/units/530111002000/history").json
    assert history["versions"][0]["valid_to"] == "2020-01-01" and history["changes"][0]["kind"] == "merge"
    again = client.post("/api/v1/units/reorganisations", json=body, headers=officer)
    assert again.status_code == 409 and again.json["message"]["zh"] and again.json["message"]["en"]
    assert client.get("/api/v1/units?date=yesterday").status_code == 400
    assert client.get("/api/v1/units/999/history").status_code == 404


def test_lines_markers_and_a_signed_campaign(store, client):
    seed(store)
    officer, other = bearer(store, "zhang", "boundary_officer"), bearer(store, "wu", "boundary_officer")
    assert client.post("/api/v1/boundary-lines/build", json={"level": "subdistrict"}).status_code == 401
    built = client.post("/api/v1/boundary-lines/build", json={"level": "subdistrict"}, headers=officer)
    assert built.status_code == 201 and built.json == {"added": 2, "updated": 0, "retired": 0}
    lines = client.get("/api/v1/boundary-lines").json["lines"]  # public summary
    assert {(line["left_name"], line["right_name"]) for line in lines} == {("乙街道", "甲街道"), ("丙街道", "乙街道")}
    line = lines[0]
    assert line["length_m"] == pytest.approx(5540, rel=0.01)  # 0.05° of latitude
    assert line["description"].startswith(f"{line['left_name']}与{line['right_name']}界线起于") and "向南延伸" in line["description"]
    detail = client.get(f"/api/v1/boundary-lines/{line['id']}", headers=officer).json
    assert detail["course"][0]["direction_zh"] == "南" and "disagreement" in detail

    edited = client.put(
        f"/api/v1/boundary-lines/{line['id']}/description",
        json={"text": "界线沿东经102.74°自北向南。", "version": detail["version"]},
        headers=officer,
    )
    assert edited.status_code == 200 and edited.json["description_edited"] is True
    stale = client.put(
        f"/api/v1/boundary-lines/{line['id']}/description", json={"text": "x", "version": detail["version"]}, headers=officer
    )
    assert stale.status_code == 409
    rebuilt = client.post("/api/v1/boundary-lines/build", json={"level": "subdistrict"}, headers=officer).json
    assert rebuilt == {"added": 0, "updated": 2, "retired": 0}
    kept = client.get(f"/api/v1/boundary-lines/{line['id']}", headers=officer).json
    assert kept["description"] == "界线沿东经102.74°自北向南。"  # a rebuild keeps an officer's text

    placed = client.post(f"/api/v1/boundary-lines/{line['id']}/markers/synthetic", json={"spacing_km": 1}, headers=officer)
    assert placed.status_code == 201
    markers = placed.json["markers"]
    assert len(markers) == 7 and all(m["source"] == "synthetic-demo" for m in markers)
    manual = client.post(
        f"/api/v1/boundary-lines/{line['id']}/markers",
        headers=officer,
        json={
            "serial": 20,
            "marker_type": "paired",
            "letter": "A",
            "lon": 102.74,
            "lat": 25.01,
            "reference_objects": [{"name": "电杆", "bearing_deg": 45, "distance_m": 12.5}],
        },
    )
    assert manual.status_code == 201 and manual.json["code"].endswith("020A")

    campaign = client.post(
        "/api/v1/boundary-inspections",
        headers=officer,
        json={"line_id": line["id"], "code": "JX-2021-01", "party_a": "甲街道", "party_b": "乙街道", "started_on": "2021-04-01"},
    )
    assert campaign.status_code == 201 and campaign.json["tolerance_m"] == 1.0
    cid = campaign.json["id"]
    first = markers[0]
    moved = client.post(
        f"/api/v1/boundary-inspections/{cid}/markers",
        headers=officer,
        json={"marker_id": first["id"], "status": "displaced", "lon": first["lon"] + 0.00003, "lat": first["lat"]},
    )
    assert moved.status_code == 201 and moved.json["flagged"] is True and moved.json["displacement_m"] == pytest.approx(3.03, abs=0.05)
    assert (
        client.post(
            f"/api/v1/boundary-inspections/{cid}/findings",
            headers=officer,
            json={"kind": "construction", "from_m": 100, "to_m": 300, "description": "新建厂房跨界"},
        ).status_code
        == 201
    )
    sign_url = f"/api/v1/boundary-inspections/{cid}/sign"
    set_unit(store, "zhang", line["left_code"], actor="admin")
    set_unit(store, "wu", line["right_code"], actor="admin")
    wrong_side = client.post(sign_url, headers=other, json={"party": "a", "ended_on": "2021-04-20"})
    assert wrong_side.status_code == 403 and line["left_code"] in wrong_side.json["message"]["zh"]
    incomplete = client.post(sign_url, headers=officer, json={"party": "a", "ended_on": "2021-04-20"})
    assert incomplete.status_code == 409 and markers[1]["code"] in incomplete.json["message"]["en"]
    assert len(incomplete.json["details"]["missing_markers"]) == len(markers)  # 6 synthetic + the manual one
    for marker in [*markers[1:], manual.json]:
        body = {"marker_id": marker["id"], "status": "not-inspected", "remarks": "施工围挡，无法到达"}
        assert client.post(f"/api/v1/boundary-inspections/{cid}/markers", headers=officer, json=body).status_code == 201
    for when in ("2021-03-31", "2999-01-01"):
        assert client.post(sign_url, headers=officer, json={"party": "a", "ended_on": when}).status_code == 400
    assert client.post(sign_url, headers=officer, json={"party": "a", "ended_on": "2021-04-20"}).status_code == 200
    signed = client.post(sign_url, headers=other, json={"party": "b", "ended_on": "2021-04-20"})
    assert signed.json["status"] == "signed"
    late = client.post(
        f"/api/v1/boundary-inspections/{cid}/markers",
        headers=officer,
        json={"marker_id": first["id"], "status": "intact", "lon": first["lon"], "lat": first["lat"], "corrects_id": moved.json["id"]},
    )
    assert late.status_code == 409 and "JX-2021-01" in late.json["message"]["zh"] and "addendum" in late.json["message"]["en"]
    bad = {"kind": "other", "from_m": 0, "to_m": 10, "description": "x", "corrects_id": "1"}
    assert client.post(f"/api/v1/boundary-inspections/{cid}/findings", headers=officer, json=bad).status_code == 400
    finding = {"kind": "other", "from_m": 0, "to_m": 10, "description": "x"}
    assert client.post(f"/api/v1/boundary-inspections/{cid}/findings", headers=officer, json=finding).status_code == 409
    addendum = client.post(f"/api/v1/boundary-inspections/{cid}/addenda", headers=officer)
    assert addendum.status_code == 201 and addendum.json["code"] == "JX-2021-01-补1"
    fix = {"marker_id": first["id"], "status": "intact", "lon": first["lon"], "lat": first["lat"], "corrects_id": moved.json["id"]}
    assert client.post(f"/api/v1/boundary-inspections/{addendum.json['id']}/markers", headers=officer, json=fix).status_code == 201
    report = client.get(f"/api/v1/boundary-inspections/{cid}", headers=officer).json
    assert report["summary"]["flagged"] == 1 and report["summary"]["next_inspection_due"] == "2026-04-20"  # the signed records stand
    assert [section["code"] for section in report["addenda"]] == ["JX-2021-01-补1"] and report["addenda"][0]["status"] == "open"
    assert client.get("/api/v1/boundary-lines").json["lines"][0]["last_inspected"] == "2021-04-20"


def test_cli_build_check_and_report(store, tmp_path):
    from cli import main

    seed(store)
    runner = CliRunner()
    out = tmp_path / "lines.geojson"
    built = runner.invoke(main, ["--db", store.url, "boundaries", "build", "--out", str(out), "--actor", "test"], catch_exceptions=False)
    assert built.exit_code == 0, built.output
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    pairs = {tuple(sorted((f["properties"]["left_code"], f["properties"]["right_code"]))) for f in features}
    assert pairs == {("530111001000", "530111002000"), ("530111002000", "530111003000")}
    assert all(f["properties"]["length_m"] > 5000 for f in features)
    marked = runner.invoke(
        main, ["--db", store.url, "boundaries", "markers", "--level", "subdistrict", "--synthetic"], catch_exceptions=False
    )
    assert marked.exit_code == 0 and marked.output.count("synthetic markers") == 2
    again = runner.invoke(
        main, ["--db", store.url, "boundaries", "markers", "--level", "subdistrict", "--synthetic"], catch_exceptions=False
    )
    assert again.exit_code == 0 and again.output == ""  # lines that have markers are left alone
    clean = runner.invoke(main, ["--db", store.url, "boundaries", "check"], catch_exceptions=False)
    assert clean.exit_code == 0, clean.output
    with store.transaction(actor="t", reason="break") as session:  # a subdistrict leaves a hole in the district
        unit = session.query(AdminUnit).filter_by(code="530111003000").one()
        unit.geom = MultiPolygon([box(102.7801, 25.00, 102.82, 25.05)])  # a 10 m strip
    broken = runner.invoke(main, ["--db", store.url, "boundaries", "check", "--json"])
    assert broken.exit_code == 1
    assert {"children-not-covering-parent", "gap"} <= {f["properties"]["rule"] for f in json.loads(broken.output)["findings"]["features"]}
    missing = runner.invoke(main, ["--db", store.url, "inspections", "report", "NOPE"])
    assert missing.exit_code == 2
    bad = runner.invoke(main, ["--db", store.url, "boundaries", "build", "--from", str(out)])
    assert bad.exit_code == 2  # --from needs --out, and the file needs adcode/name


def test_cli_inspection_report_writes_the_archive(store, tmp_path):
    from boundaries import inspections, markers
    from boundaries.line_models import BoundaryLine
    from boundaries.lines.service import build_and_save
    from cli import main

    seed(store)
    build_and_save(store, "subdistrict", actor="t", reason="t")
    with store.read() as session:
        line_id = session.query(BoundaryLine).order_by(BoundaryLine.id).first().id
    placed = markers.add_synthetic_markers(store, line_id, actor="t")
    campaign = inspections.open_campaign(store, line_id, code="JX-1", party_a="甲", party_b="乙", started_on=dt.date(2021, 1, 1), actor="t")
    inspections.record_marker(store, campaign.id, placed[0].id, status="damaged", measured=placed[0].geom, actor="t")
    result = CliRunner().invoke(
        main, ["--db", store.url, "inspections", "report", "JX-1", "--out", str(tmp_path / "r")], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert {p.name for p in (tmp_path / "r").iterdir()} == {"report.json", "markers.csv", "findings.csv", "map.png", "JX-1.gpkg"}
    report = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["by_status"]["damaged"] == 1 and report["summary"]["by_status"]["not-inspected"] == len(placed) - 1


def test_the_neighbours_signed_paper_through_the_api_and_user_units_through_the_cli(store, client):
    import io

    from boundaries import inspections, markers
    from boundaries.line_models import BoundaryLine
    from boundaries.lines.service import build_and_save
    from cli import main

    seed(store)
    build_and_save(store, "subdistrict", actor="t", reason="t")
    with store.read() as session:
        line = session.query(BoundaryLine).order_by(BoundaryLine.id).first()
    placed = markers.add_synthetic_markers(store, line.id, actor="t")
    campaign = inspections.open_campaign(store, line.id, code="JX-2", party_a="甲", party_b="乙", started_on=dt.date(2021, 1, 1), actor="t")
    for marker in placed:
        inspections.record_marker(store, campaign.id, marker.id, status="intact", measured=marker.geom, actor="t")
    ours, theirs = bearer(store, "zhang", "boundary_officer"), bearer(store, "wu", "boundary_officer")
    runner = CliRunner()
    assert runner.invoke(main, ["--db", store.url, "users", "set-unit", "zhang", line.left_code]).exit_code == 0
    assert runner.invoke(main, ["--db", store.url, "users", "set-unit", "wu", "乙街道"]).exit_code != 0  # not a unit code
    added = runner.invoke(main, ["--db", store.url, "users", "add", "li", "--role", "boundary_officer", "--unit", line.right_code])
    assert added.exit_code == 0, added.output
    url = f"/api/v1/boundary-inspections/{campaign.id}/signature-documents"

    def paper():
        return {"party": "b", "signatory": "赵主任", "document_no": "乙〔2021〕3号", "file": (io.BytesIO(b"%PDF-1.4 signed"), "签认书.pdf")}

    refused = client.post(url, headers=theirs, data=paper(), content_type="multipart/form-data")  # wu has no unit
    assert refused.status_code == 403 and refused.json["message"]["zh"] and refused.json["message"]["en"]
    filed = client.post(url, headers=ours, data=paper(), content_type="multipart/form-data")
    assert filed.status_code == 201 and filed.json["signed_b_by"] == "赵主任" and filed.json["status"] == "open"
    again = client.post(url, headers=ours, data=paper(), content_type="multipart/form-data")
    assert again.status_code == 409
    signed = client.post(f"/api/v1/boundary-inspections/{campaign.id}/sign", headers=ours, json={"party": "a", "ended_on": "2021-02-01"})
    assert signed.status_code == 200 and signed.json["status"] == "signed"
    report = client.get(f"/api/v1/boundary-inspections/{campaign.id}", headers=ours).json
    assert [(d["party"], d["document_no"]) for d in report["signature_documents"]] == [("b", "乙〔2021〕3号")]


def test_cli_builds_from_a_gcj02_file_after_converting_it(tmp_path):
    import numpy as np
    import shapely

    from cli import main
    from gis.chinacoords import wgs84_to_gcj02

    def to_gcj(geom):
        return shapely.transform(geom, lambda xy: np.column_stack(wgs84_to_gcj02(xy[:, 0], xy[:, 1])))

    features = [
        {"type": "Feature", "properties": {"adcode": code, "name": name}, "geometry": mapping(to_gcj(geom))}
        for code, name, geom in (("530102", "甲区", WEST), ("530103", "乙区", MIDDLE))
    ]
    source = tmp_path / "gcj.geojson"
    source.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    out = tmp_path / "lines.geojson"
    result = CliRunner().invoke(
        main, ["--db", str(tmp_path / "x.gpkg"), "boundaries", "build", "--from", str(source), "--crs", "GCJ-02", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    [line] = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert line["properties"]["length_m"] == pytest.approx(5540, rel=0.01)
    lon = line["geometry"]["coordinates"][0][0][0]
    assert lon == pytest.approx(102.74, abs=1e-6)  # back on the CGCS2000 edge, not ~500 m off


def test_public_collections_show_lines_and_markers_without_internal_fields(store, client):
    from boundaries.line_models import BoundaryLine
    from boundaries.lines.service import build_and_save
    from boundaries.markers import add_synthetic_markers

    seed(store)
    build_and_save(store, "subdistrict", actor="t", reason="t")
    with store.read() as session:
        line_id = session.query(BoundaryLine).order_by(BoundaryLine.id).first().id
    add_synthetic_markers(store, line_id, actor="t")
    lines = client.get("/ogc/collections/boundary-lines/items?f=json").get_json()["features"]
    assert len(lines) == 2
    assert set(lines[0]["properties"]) <= {
        "code",
        "number",
        "level",
        "left_code",
        "left_name",
        "right_code",
        "right_name",
        "length_m",
        "last_inspected",
    }
    markers = client.get("/ogc/collections/boundary-markers/items?f=json").get_json()["features"]
    assert len(markers) == 7
    assert set(markers[0]["properties"]) <= {"code", "line_code", "serial", "marker_type", "letter", "status"}
    assert markers[0]["properties"]["line_code"] in {line["properties"]["code"] for line in lines}
    versions = client.get("/ogc/collections/admin-unit-versions/items?f=json").get_json()["features"]
    assert len(versions) == 4 and "valid_to" in versions[0]["properties"]
