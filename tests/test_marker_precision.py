"""Boundary markers (界桩) reach the public on the profile's grid, never at survey precision;
boundary officers, signed in, read the surveyed positions (domain.md §8)."""

from __future__ import annotations

import re

import pytest
from apitools import bearer
from test_boundaries_api import seed

from boundaries.line_models import BoundaryLine, BoundaryMarker
from gis.settings import PROJECT_ROOT, Settings
from server import create_app

GRID = 0.001  # the default profile's public_marker_precision_deg
# lon/lat written out in a page or a file: 102.7xxx, 25.0xxx (district of the seed)
DECIMALS = re.compile(r"(?<![\d.])(?:102|25)\.\d+")


def on_grid(value: float, grid: float) -> bool:
    return abs(value / grid - round(value / grid)) < 1e-6


def markers(store):
    from boundaries.lines.service import build_and_save
    from boundaries.markers import add_synthetic_markers

    seed(store)
    build_and_save(store, "subdistrict", actor="t", reason="t")
    with store.read() as session:
        line_id = session.query(BoundaryLine).order_by(BoundaryLine.id).first().id
    add_synthetic_markers(store, line_id, actor="t")
    with store.read() as session:
        surveyed = {m.id: (m.geom.x, m.geom.y) for m in session.query(BoundaryMarker)}
    # the seed's markers are not on the grid already, or the test would prove nothing
    assert any(not on_grid(c, GRID) for xy in surveyed.values() for c in xy)
    return line_id, surveyed


def client_for(store, tmp_path, profile_path=None):
    settings = Settings(database_url=store.url, work_dir=str(tmp_path / "run"), profile=str(profile_path) if profile_path else "")
    return create_app(settings).test_client()


def test_anonymous_outputs_are_on_the_grid_and_officers_get_the_survey(store, tmp_path):
    line_id, surveyed = markers(store)
    client = client_for(store, tmp_path)
    page = client.get("/ogc/collections/boundary-markers/items", query_string={"f": "json", "limit": 100}).get_json()
    assert len(page["features"]) == len(surveyed) == 7
    moved = 0
    for feature in page["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        exact = surveyed[feature["id"]]
        assert on_grid(lon, GRID) and on_grid(lat, GRID), (lon, lat)
        assert abs(lon - exact[0]) <= GRID / 2 + 1e-9 and abs(lat - exact[1]) <= GRID / 2 + 1e-9
        moved += (lon, lat) != exact
    assert moved > 0
    one = next(iter(surveyed))
    item = client.get(f"/ogc/collections/boundary-markers/items/{one}", query_string={"f": "json"}).get_json()
    assert all(on_grid(c, GRID) for c in item["geometry"]["coordinates"])
    # in another CRS too: the snapped point, projected (never the surveyed one)
    gk = client.get(
        f"/ogc/collections/boundary-markers/items/{one}", query_string={"f": "json", "crs": "http://www.opengis.net/def/crs/EPSG/0/4490"}
    )
    lat, lon = gk.get_json()["geometry"]["coordinates"]
    assert on_grid(lon, GRID) and on_grid(lat, GRID)

    # every other format the public may ask for: no coordinate off the grid (cells' edges are half-grid)
    for path, query in (
        ("/ogc/collections/boundary-markers/items", {"f": "csv", "limit": 100}),
        ("/ogc/collections/boundary-markers/items", {"f": "jsonld", "limit": 100}),
        ("/ogc/collections/boundary-markers/items", {"f": "html", "limit": 100}),
        (f"/ogc/collections/boundary-markers/items/{one}", {"f": "html"}),
        (f"/ogc/collections/boundary-markers/items/{one}", {"f": "jsonld"}),
        ("/ogc/collections/boundary-markers", {"f": "json"}),
    ):
        response = client.get(path, query_string=query)
        assert response.status_code == 200, (path, query)
        numbers = [float(n) for n in DECIMALS.findall(response.get_data(as_text=True))]
        assert numbers or query["f"] == "json", (path, query)
        off = [n for n in numbers if not on_grid(n, GRID / 2)]
        assert not off, (path, query, off)

    # the signed-in boundary officer reads the surveyed positions
    officer = bearer(store, "zhang", "boundary_officer")
    rows = client.get(f"/api/v1/boundary-lines/{line_id}/markers", headers=officer).get_json()["markers"]
    assert {r["id"]: (r["lon"], r["lat"]) for r in rows} == {k: (round(x, 7), round(y, 7)) for k, (x, y) in surveyed.items()}
    assert client.get(f"/api/v1/boundary-lines/{line_id}/markers").status_code in (401, 403)


def test_box_queries_answer_by_cell_and_spatial_filters_are_refused(store, tmp_path):
    _, surveyed = markers(store)
    client = client_for(store, tmp_path)
    key, (x, y) = next((k, xy) for k, xy in surveyed.items() if not on_grid(xy[0], GRID))
    # a tiny box in the marker's cell but away from it still finds it: a box cannot locate it within the cell
    cx, cy = round(x / GRID) * GRID, round(y / GRID) * GRID
    away = (cx - 0.4 * GRID if x > cx else cx + 0.3 * GRID, cy)
    box = f"{away[0]:.7f},{away[1]:.7f},{away[0] + 1e-6:.7f},{away[1] + 1e-6:.7f}"
    found = client.get("/ogc/collections/boundary-markers/items", query_string={"f": "json", "bbox": box}).get_json()["features"]
    assert key in {f["id"] for f in found}
    refused = client.get(
        "/ogc/collections/boundary-markers/items",
        query_string={"f": "json", "filter": f"S_INTERSECTS(geom, POINT({x} {y}))", "filter-lang": "cql2-text"},
    )
    assert refused.status_code == 400 and "降低的精度" in refused.get_json()["description"]
    # other collections keep their spatial filters
    lines = client.get(
        "/ogc/collections/boundary-lines/items",
        query_string={"f": "json", "filter": "S_INTERSECTS(geom, BBOX(102.7, 25.0, 102.8, 25.05))", "filter-lang": "cql2-text"},
    )
    assert lines.status_code == 200


def test_the_grid_is_the_profiles(store, tmp_path):
    _, surveyed = markers(store)
    text = (PROJECT_ROOT / "data" / "profiles" / "default.yaml").read_text(encoding="utf-8")
    profile = tmp_path / "coarser.yaml"
    profile.write_text(text + "\npublic_marker_precision_deg: 0.01\n", encoding="utf-8")
    client = client_for(store, tmp_path, profile)
    page = client.get("/ogc/collections/boundary-markers/items", query_string={"f": "json", "limit": 100}).get_json()
    for feature in page["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        exact = surveyed[feature["id"]]
        assert on_grid(lon, 0.01) and on_grid(lat, 0.01)
        assert abs(lon - exact[0]) <= 0.005 + 1e-9 and abs(lat - exact[1]) <= 0.005 + 1e-9


@pytest.mark.parametrize("value", [0, -0.001, 1, "0.001", True])
def test_a_bad_grid_is_refused(tmp_path, value):
    from gis import profile as district_profile
    from gis.errors import ConfigError

    text = (PROJECT_ROOT / "data" / "profiles" / "default.yaml").read_text(encoding="utf-8")
    path = tmp_path / "bad.yaml"
    path.write_text(text + f"\npublic_marker_precision_deg: {value!r}\n".replace("'", '"'), encoding="utf-8")
    with pytest.raises(ConfigError, match="public_marker_precision_deg"):
        district_profile.from_file(path)
