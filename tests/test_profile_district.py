"""diming serving another district end to end, with no code changed: 盘龙区 530103.

The service is started with the example profile ``data/profiles/530103.yaml`` (named in
DIMING_PROFILE, as an operator would) on a small register inside 盘龙区's real outline
(``data/reference``): units, two roads, buildings numbered by the numbering engine, a
place name. Everything the public sees must name 盘龙区, never the default district.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import geopandas as gpd
import pytest
import shapely
from conftest import BACKENDS, make_store
from sqlalchemy import select

from gis import profile as district_profile
from gis.basemap import AdminUnit, Building, Road
from gis.crs import STORAGE_CRS, measure_crs, transform_coords
from gis.settings import PROJECT_ROOT, Settings
from placenames.models import DoorPlate, PlaceName
from placenames.numbering import service
from placenames.numbering.address import AdminNames
from placenames.numbering.geometry import to_storage
from server import create_app

PROFILE = district_profile.PROFILES_DIR / "530103.yaml"
SUBDISTRICT, COMMUNITY = "530103001000", "530103001001"
DEFAULT_DISTRICT = district_profile.load()  # the shipped default, which must not show through


def outline():
    frame = gpd.read_file(PROJECT_ROOT / "data" / "reference" / "kunming_districts_cgcs2000.geojson")
    return frame[frame["adcode"] == "530103"].geometry.iloc[0]


def seed(store, origin: tuple[float, float]) -> None:
    """A 2 km square of 盘龙区 around ``origin`` (metres): 青年路 west-east, 拓东路 south-north
    across its east end, three buildings on 青年路, and a registered place name."""
    x0, y0 = origin

    def area(half):
        return to_storage(shapely.MultiPolygon([shapely.box(x0 - half, y0 - half, x0 + half, y0 + half)]))

    def line(*points):
        return to_storage(shapely.MultiLineString([[(x0 + x, y0 + y) for x, y in points]]))

    with store.transaction(actor="seed", reason="盘龙区 fixture") as session:
        for code, name, level, parent, half in (
            ("530103000000", "盘龙区", "district", None, 1000),
            (SUBDISTRICT, "拓东街道", "subdistrict", "530103000000", 1000),
            (COMMUNITY, "青年社区", "community", SUBDISTRICT, 1000),
        ):
            session.add(AdminUnit(code=code, name=name, level=level, parent_code=parent, valid_from=dt.date(2023, 6, 30), geom=area(half)))
        session.add(Road(name="青年路", road_class="secondary", admin_code=SUBDISTRICT, geom=line((0, 0), (400, 0))))
        session.add(Road(name="拓东路", road_class="secondary", admin_code=SUBDISTRICT, geom=line((400, -200), (400, 200))))
        for name in ("青年路", "拓东路"):
            session.add(PlaceName(name=name, category_code="road", category_label="道路", status="current"))
        for code, cx, cy in (("N1", 40, 18), ("N2", 120, 18), ("S1", 60, -18)):
            outline_m = shapely.box(x0 + cx - 4, y0 + cy - 6, x0 + cx + 4, y0 + cy + 6)
            session.add(Building(code=code, households=4, community_code=COMMUNITY, geom=to_storage(outline_m)))
        session.add(
            PlaceName(
                name="青年广场",
                category_code="250",
                category_label="广场",
                status="current",
                admin_code=SUBDISTRICT,
                geom=to_storage(shapely.Point(x0 + 200, y0 + 100)),
            )
        )
    service.commit(store, ["青年路"], actor="wang")


@pytest.fixture(scope="module", params=BACKENDS)
def district(request, tmp_path_factory):
    """One 盘龙区 service per backend, configured only through DIMING_PROFILE."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DIMING_PROFILE", str(PROFILE))
        profile = district_profile.current_profile()
        tmp_path = tmp_path_factory.mktemp("panlong")
        store = make_store(request, request.param, tmp_path)
        lon, lat = profile.start_view.center
        x0, y0 = transform_coords(lon, lat, STORAGE_CRS, measure_crs())
        seed(store, (x0, y0))
        app = create_app(Settings.from_env(database_url=store.url, work_dir=str(tmp_path / "run")))
        with store.read() as session:
            plate = session.scalars(select(DoorPlate).order_by(DoorPlate.number)).first()
            parts = AdminNames(session).parts(COMMUNITY, "青年路", plate.number_text)
        yield {"client": app.test_client(), "store": store, "profile": profile, "plate": plate, "parts": parts}


def test_the_fixture_lies_inside_the_district_and_the_profile_is_its_own(district):
    profile, plate = district["profile"], district["plate"]
    assert (profile.code, profile.name.zh, profile.measure_crs) == ("530103", "盘龙区", "EPSG:4543")
    assert outline().contains(plate.geom)
    with district["store"].read() as session:
        units = session.scalars(select(AdminUnit.geom)).all()
    assert all(outline().contains(geom) for geom in units)


def test_ogc_landing_page_and_collection_extent_are_the_districts(district):
    client = district["client"]
    landing = client.get("/ogc/", query_string={"f": "json"}).get_json()
    assert landing["title"] == "盘龙区地名与社区界线服务"
    english = client.get("/ogc/", query_string={"f": "json", "lang": "en"}).get_json()
    assert english["title"] == "Panlong District place names and community boundaries"
    roads = client.get("/ogc/collections/roads", query_string={"f": "json"}).get_json()
    bbox = roads["extent"]["spatial"]["bbox"][0]  # the roads' own extent, inside the district's
    west, south, east, north = (102.67, 25.01, 103.06, 25.49)
    assert west <= bbox[0] < bbox[2] <= east and south <= bbox[1] < bbox[3] <= north
    lines = client.get("/ogc/collections/boundary-lines", query_string={"f": "json"}).get_json()
    assert lines["extent"]["spatial"]["bbox"][0] == [west, south, east, north]  # no rows: the district's extent
    assert "http://www.opengis.net/def/crs/EPSG/0/4543" in roads["crs"]
    html = client.get("/ogc/", query_string={"f": "html"}).get_data(as_text=True)
    assert "盘龙区民政局" in html and DEFAULT_DISTRICT.name.zh not in html


def test_an_address_written_with_the_districts_prefix_is_found(district):
    client, plate = district["client"], district["plate"]
    for prefix in ("云南省昆明市盘龙区拓东街道", "昆明盘龙区", "盘龙区"):
        response = client.get("/api/v1/search", query_string={"q": f"{prefix}青年路{plate.number_text}号"})
        assert response.status_code == 200
        body = response.get_json()
        g = body["features"][0]["properties"]["geocoding"]
        assert (g["type"], g["street"], g["housenumber"], g["match_type"]) == ("house", "青年路", plate.number_text, "exact"), prefix
        assert g["state"] + g["city"] + g["district"] == "云南省昆明市盘龙区"
        assert g["label"] == plate.address and g["label"].startswith("盘龙区拓东街道青年路")
        assert body["geocoding"]["attribution"] == "盘龙区民政局 / Panlong District Civil Affairs Bureau"


@pytest.mark.parametrize("q", ["盘龙区青年广场", "云南省昆明市盘龙区青年广场", "昆明盘龙区青年广场"])
def test_the_districts_prefix_is_stripped_before_a_name_is_looked_up(district, q):
    """Only this district's name is an administrative prefix: the name after it is found exactly."""
    client = district["client"]
    g = client.get("/api/v1/search", query_string={"q": q}).get_json()["features"][0]["properties"]["geocoding"]
    assert (g["name"], g["match_type"], g["confidence"]) == ("青年广场", "exact", 1.0)
    typed = client.get("/api/v1/autocomplete", query_string={"q": q[:-1]}).get_json()["features"]
    assert [f["properties"]["geocoding"]["name"] for f in typed] == ["青年广场"]


def test_road_and_place_labels_and_reverse_name_the_district(district):
    client, plate = district["client"], district["plate"]
    road = client.get("/api/v1/search", query_string={"q": "盘龙区青年路"}).get_json()["features"][0]["properties"]["geocoding"]
    assert (road["type"], road["label"]) == ("street", "盘龙区青年路")
    place = client.get("/api/v1/autocomplete", query_string={"q": "青年广"}).get_json()["features"][0]["properties"]["geocoding"]
    assert place["name"] == "青年广场" and place["district"] == "盘龙区"
    found = client.get("/api/v1/reverse", query_string={"lon": plate.geom.x, "lat": plate.geom.y}).get_json()
    g = found["features"][0]["properties"]["geocoding"]
    assert g["district"] == "盘龙区" and g["community"]["code"] == COMMUNITY and g["standard_address"] == plate.address


def test_the_full_standard_address_has_the_profiles_province_and_city(district):
    parts, plate = district["parts"], district["plate"]
    assert parts.text(full=True) == f"云南省昆明市盘龙区拓东街道青年社区青年路{plate.number_text}号"
    assert plate.address == f"盘龙区拓东街道青年路{plate.number_text}号"


def test_the_public_page_shows_the_district_and_gives_its_view_to_the_scripts(district):
    for lang, title in (("zh", "盘龙区标准地名地址查询"), ("en", "Panlong District standard names and addresses")):
        html = district["client"].get("/", query_string={"lang": lang}).get_data(as_text=True)
        assert f"<title>{title}</title>" in html and DEFAULT_DISTRICT.name.zh not in html
    given = json.loads(re.search(r'<script type="application/json" id="diming-data">(.*?)</script>', html).group(1))["profile"]
    assert given["code"] == "530103" and given["name"]["zh"] == "盘龙区"
    assert given["center"] == [102.831, 25.248] and given["zoom"] == 11 and given["extent"] == [102.67, 25.01, 103.06, 25.49]


def test_openapi_describes_the_district(district):
    info = district["client"].get("/api/v1/openapi.json").get_json()["info"]
    assert "盘龙区" in info["description"] and "Panlong" in info["description"]
