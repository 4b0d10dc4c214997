"""The OGC feature provider on both backends, without HTTP: what each query returns."""

from __future__ import annotations

import copy

import pyproj
import pytest
from ogc_seed import BEIJING, CHUNCHENG, GUANSHANG_POINT, seed
from pygeoapi.crs import create_crs_transform_spec
from pygeoapi.provider.base import ProviderInvalidQueryError, ProviderItemNotFoundError
from pygeofilter import ast as fast
from pygeofilter import values as fvalues
from pygeofilter.parsers.cql2_text import parse
from shapely import MultiLineString
from shapely.geometry import shape

from api.web.assets import TEMPLATES_DIR
from boundaries import publish as boundaries_publish
from gis.ogc import stores
from gis.ogc.config import build_config
from gis.ogc.provider import StoreProvider
from gis.settings import Settings
from placenames import publish as placenames_publish

EPSG_4490 = "http://www.opengis.net/def/crs/EPSG/0/4490"
EPSG_4543 = "http://www.opengis.net/def/crs/EPSG/0/4543"


def provider_def(store, collection_id: str, **overrides) -> dict:
    """The provider definition the generated config holds for a collection."""
    collections = placenames_publish.collections() + boundaries_publish.collections()
    config = build_config(collections, Settings(database_url=store.url, work_dir="unused"))
    definition = copy.deepcopy(config["resources"][collection_id]["providers"][0])
    if collection_id == "placenames":  # run on every seeded name, retired ones too; the public filter is tested in test_names_api.py
        definition["options"]["where"] = {}
    definition.update(overrides)
    return definition


@pytest.fixture
def data(store):
    stores.adopt(store)
    return seed(store)


@pytest.fixture
def make(store, data):
    return lambda collection_id, **overrides: StoreProvider(provider_def(store, collection_id, **overrides))


def names(result) -> list[str]:
    return [f["properties"]["name"] for f in result["features"]]


def query(p, cql: str | None = None, **kwargs):
    return p.query(filterq=parse(cql) if cql else None, **kwargs)


# --- fields and plain queries ---------------------------------------------------------


def test_fields_are_the_public_properties_with_json_types(make):
    p = make("buildings")
    assert p.fields == {
        "code": {"type": "string"},
        "households": {"type": "integer"},
        "floors": {"type": "integer"},
        "community_code": {"type": "string"},
    }
    units = make("communities").fields
    assert units["valid_from"] == {"type": "string", "format": "date"}
    assert "created_by" not in units and "level" not in units and "valid_to" not in units


def test_query_returns_geojson_in_lon_lat(make):
    result = make("roads").query(sortby=[{"property": "name", "order": "+"}])
    assert result["numberReturned"] == 2 and result["numberMatched"] == 2
    by_name = {f["properties"]["name"]: f for f in result["features"]}
    assert shape(by_name["春城路"]["geometry"]).equals_exact(MultiLineString([CHUNCHENG]), 1e-12)
    assert shape(by_name["北京路"]["geometry"]).equals_exact(MultiLineString([BEIJING]), 1e-12)
    assert by_name["春城路"]["properties"] == {"name": "春城路", "road_class": "main", "admin_code": "530111001"}
    assert isinstance(by_name["春城路"]["id"], int)


def test_addresses_show_the_road_name_through_the_join(make):
    result = make("addresses").query(sortby=[{"property": "address", "order": "+"}])
    codes = {"community_code": None, "subdistrict_code": None}  # ogc_seed sets no community on its plates
    assert [f["properties"] for f in result["features"]] == [
        {"road": "北京路", "number": 2, "number_text": "2号", "address": "官渡区北京路2号", **codes},
        {"road": "春城路", "number": 1, "number_text": "1号", "address": "官渡区春城路1号", **codes},
        {"road": "春城路", "number": 3, "number_text": "3号", "address": "官渡区春城路3号", **codes},
    ]
    assert [f["properties"]["number_text"] for f in query(make("addresses"), "road = '春城路'")["features"]] == ["1号", "3号"]


def test_fixed_filter_keeps_one_level_in_force(make, data):
    communities = make("communities").query()
    assert sorted(names(communities)) == ["关上社区", "太和社区"]
    assert names(make("subdistricts").query()) == ["关上街道"]
    with pytest.raises(ProviderItemNotFoundError):
        make("communities").get(str(data["old_community"]))
    with pytest.raises(ProviderItemNotFoundError):
        make("communities").get(str(data["subdistrict"]))
    assert make("communities").get(str(data["community"]))["properties"]["valid_from"] == "2021-01-01"


def test_get_one_feature_and_missing_ones(make, data):
    feature = make("roads").get(str(data["road_beijing"]))
    assert feature["id"] == data["road_beijing"]
    assert feature["properties"]["name"] == "北京路"
    for missing in ("999999", "abc", ""):
        with pytest.raises(ProviderItemNotFoundError):
            make("roads").get(missing)


# --- paging and numberMatched -----------------------------------------------------------


def test_paging_is_stable_and_counts_are_exact(make):
    p = make("placenames")
    pages = [p.query(offset=offset, limit=2) for offset in (0, 2, 4)]
    assert [len(page["features"]) for page in pages] == [2, 2, 0]
    assert [page["numberMatched"] for page in pages] == [4, 4, 4]
    ids = [f["id"] for page in pages for f in page["features"]]
    assert ids == sorted(ids) and len(set(ids)) == 4


def test_number_matched_is_omitted_rather_than_guessed(make):
    uncounted = make("placenames", count=False)
    assert "numberMatched" not in uncounted.query(limit=2)
    assert uncounted.query(offset=2, limit=2)["numberMatched"] == 4  # the last page tells exactly
    capped = make("placenames", count_cap=3)
    assert "numberMatched" not in capped.query(limit=1)
    assert make("placenames", count_cap=4).query(limit=1)["numberMatched"] == 4


def test_hits_counts_without_features(make):
    result = make("placenames").query(resulttype="hits", properties=[("category_code", "221")])
    assert result["features"] == [] and result["numberMatched"] == 2


# --- property filters, q, sortby, selection ----------------------------------------------


def test_property_equality_filters_are_typed(make):
    assert [f["properties"]["code"] for f in make("buildings").query(properties=[("households", "12")])["features"]] == ["BLD-1"]
    with pytest.raises(ProviderInvalidQueryError):
        make("buildings").query(properties=[("households", "twelve")])
    assert names(make("placenames").query(properties=[("category_code", "221"), ("admin_code", "530111002")])) == ["太和"]


def test_q_matches_substrings_of_the_title_field(make):
    p = make("placenames")
    assert names(p.query(q="关")) == ["关上"]
    assert sorted(names(p.query(q="公园,太"))) == ["太和", "宝海公园"]
    assert names(p.query(q="nothing like it")) == []
    assert [f["properties"]["address"] for f in make("addresses").query(q="北京路")["features"]] == ["官渡区北京路2号"]
    assert len(p.query(q="%")["features"]) == 0  # wildcards are literal


def test_sortby_orders_and_select_properties_and_skip_geometry(make):
    p = make("buildings")
    result = p.query(sortby=[{"property": "households", "order": "-"}], select_properties=["code"], skip_geometry=True)
    assert [f["properties"] for f in result["features"]] == [{"code": "BLD-2"}, {"code": "BLD-1"}]
    assert all(f["geometry"] is None for f in result["features"])


# --- bbox and CQL2 ----------------------------------------------------------------------------


def test_bbox_selects_by_geometry(make):
    assert names(make("roads").query(bbox=[102.715, 25.01, 102.75, 25.03])) == ["春城路"]
    assert names(make("roads").query(bbox=[103.0, 25.5, 103.1, 25.6])) == []


@pytest.mark.parametrize(
    "cql,expected",
    [
        ("name = '关上'", ["关上"]),
        ("name <> '关上' AND category_code = '221'", ["太和"]),
        ("romanization LIKE 'G%'", ["关上"]),
        ("romanization NOT LIKE '%a%'", ["旧村"]),
        ("CASEI(romanization) = casei('TAIHE')", ["太和"]),
        ("category_code IN ('252', '222')", ["宝海公园", "旧村"]),
        ("name NOT IN ('关上', '太和', '旧村')", ["宝海公园"]),
        ("admin_code IS NULL", ["宝海公园"]),
        ("admin_code IS NOT NULL AND status = 'retired'", ["旧村"]),
        ("NOT (category_code = '221') AND (status = 'current' OR status = 'retired')", ["宝海公园", "旧村"]),
        ("S_INTERSECTS(geometry, POLYGON((102.74 25.0, 102.75 25.0, 102.75 25.02, 102.74 25.02, 102.74 25.0)))", ["关上", "宝海公园"]),
        ("S_WITHIN(geom, POLYGON((102.72 24.99, 102.75 24.99, 102.75 25.02, 102.72 25.02, 102.72 24.99)))", ["关上", "宝海公园"]),
        ("S_CONTAINS(geometry, POINT(102.735 25.005))", ["宝海公园"]),
        ("S_DISJOINT(geometry, POLYGON((102.69 24.99, 102.75 24.99, 102.75 25.05, 102.69 25.05, 102.69 24.99)))", ["旧村"]),
    ],
)
def test_cql2_filters(make, cql, expected):
    assert sorted(names(query(make("placenames"), cql))) == sorted(expected)


def test_an_empty_filter_geometry_relates_to_nothing(make):
    # Only CQL2 JSON can spell an empty geometry; build its tree directly.
    empty = fvalues.Geometry({"type": "Polygon", "coordinates": []})
    p = make("placenames")
    assert names(p.query(filterq=fast.GeometryIntersects(fast.Attribute("geometry"), empty))) == []
    assert len(p.query(filterq=fast.GeometryDisjoint(fast.Attribute("geometry"), empty))["features"]) == 4


@pytest.mark.parametrize(
    "cql",
    [
        "households BETWEEN 10 AND 20",
        "households >= 10 AND households < 13",
        "floors IS NOT NULL AND households < 30",
    ],
)
def test_cql2_numeric_comparisons(make, cql):
    assert [f["properties"]["code"] for f in query(make("buildings"), cql)["features"]] == ["BLD-1"]


def test_cql2_literals_are_converted_to_the_column_type(make):
    assert [f["properties"]["code"] for f in query(make("buildings"), "households = '30'")["features"]] == ["BLD-2"]
    assert names(query(make("communities"), "valid_from > DATE('2020-06-01')")) != []


@pytest.mark.parametrize(
    "cql",
    [
        "nosuch = 1",
        "created_by = 'test'",  # audit columns are not public
        "households = 'many'",
        "households LIKE '1%'",
        "S_INTERSECTS(households, POINT(1 2))",
        "households + 1 > 3",  # arithmetic is not supported
    ],
)
def test_bad_filters_are_the_clients_error(make, cql):
    with pytest.raises(ProviderInvalidQueryError):
        query(make("buildings"), cql)


# --- output CRS ------------------------------------------------------------------------------


def test_output_in_epsg_4490_is_lat_lon(make, store):
    definition = provider_def(store, "placenames")
    spec = create_crs_transform_spec(definition, EPSG_4490)
    result = query(StoreProvider(definition), "name = '关上'", crs_transform_spec=spec)
    lat, lon = result["features"][0]["geometry"]["coordinates"]
    assert (lon, lat) == pytest.approx(GUANSHANG_POINT, abs=1e-9)


def test_output_in_epsg_4543_is_northing_easting_metres(make, store):
    definition = provider_def(store, "placenames")
    spec = create_crs_transform_spec(definition, EPSG_4543)
    feature = query(StoreProvider(definition), "name = '关上'", crs_transform_spec=spec)["features"][0]
    northing, easting = feature["geometry"]["coordinates"]
    expected_e, expected_n = pyproj.Transformer.from_crs(4490, 4543, always_xy=True).transform(*GUANSHANG_POINT)
    assert (easting, northing) == pytest.approx((expected_e, expected_n), abs=0.01)
    assert 500_000 < easting < 600_000 and 2_700_000 < northing < 2_800_000
    got = StoreProvider(definition).get(str(feature["id"]), crs_transform_spec=spec)
    assert got["geometry"]["coordinates"] == pytest.approx((northing, easting))


def test_storage_crs_is_declared_crs84_and_needs_no_transform(store, data):
    definition = provider_def(store, "roads")
    assert definition["storage_crs"].endswith("/OGC/1.3/CRS84")
    assert create_crs_transform_spec(definition, None) is None


# --- generated configuration --------------------------------------------------------------


def test_generated_config_is_valid_for_pygeoapi(store):
    from pygeoapi.config import validate_config

    collections = placenames_publish.collections() + boundaries_publish.collections()
    settings = Settings(database_url=store.url, public_url="http://x.test/", max_items=500, work_dir="unused")
    config = build_config(collections, settings, templates_dir=TEMPLATES_DIR)
    assert validate_config(config)
    assert config["server"]["url"] == "http://x.test/ogc"
    assert config["server"]["languages"] == ["zh-CN", "en-US"]
    assert config["server"]["limits"] == {"default_items": 10, "max_items": 500, "on_exceed": "throttle"}
    assert config["server"]["map"]["url"] == ""
    assert config["server"]["templates"] == {"path": str(TEMPLATES_DIR)}


def test_write_files_produces_config_and_openapi(store, tmp_path):
    import yaml

    from gis.ogc.config import write_files

    stores.adopt(store)
    collections = placenames_publish.collections() + boundaries_publish.collections()
    config = build_config(collections, Settings(database_url=store.url, work_dir=str(tmp_path)))
    config_path, openapi_path, openapi = write_files(config, tmp_path / "run")
    assert yaml.safe_load(config_path.read_text(encoding="utf-8"))["resources"].keys() == config["resources"].keys()
    assert "/collections/communities/items" in yaml.safe_load(openapi_path.read_text(encoding="utf-8"))["paths"]
    assert (config_path.stat().st_mode & 0o077) == 0  # holds the database URL
