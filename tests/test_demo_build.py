"""The synthetic demo: real units and codes, exact tiling, consistent counts, lawful numbering.

Most tests share one small build (scale 0.02); measurements are made in EPSG:4543
metres. The full-size build is marked slow.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from data.demo import build_demo
from data.demo.build import MAX_SCALE
from data.demo.dense import OFFSET_M, allocate, dense_plates
from data.demo.layers import build_layers
from data.demo.reference import REFERENCE_DIR, load_divisions, load_outline
from data.demo.world import TOTAL_HOUSEHOLDS, generate
from data.refresh_reference import refresh
from gis.chinacoords import wgs84_to_gcj02
from placenames.numbering import geometry as numbering_geometry

SMALL = 0.02
SEED = 530111
METRIC = "EPSG:4543"
LAYERS = ("district", "subdistricts", "communities", "roads", "waterways", "blocks", "buildings", "door_plates")
PLATED_ROADS = ("环城东路", "子君路", "子泰路", "君安路", "广居路", "锦西路", "官城路", "福居路", "安和路", "昌宏西路")
URBAN_WEST = ("关上街道", "太和街道", "吴井街道", "金马街道")
RURAL_EAST = ("大板桥街道", "阿拉街道", "小哨街道")
AREA_TOLERANCE_M2 = 1.0


@pytest.fixture(scope="module")
def demo():
    return build_demo(seed=SEED, scale=SMALL)


@pytest.fixture(scope="module")
def metric(demo):
    return {name: layer.to_crs(METRIC) for name, layer in demo.items()}


@pytest.fixture(scope="module")
def divisions():
    return load_divisions()


def _pairs_overlapping(geoms) -> list[tuple[int, int]]:
    """Index pairs of polygons whose intersection has positive area (> 1e-6 m²)."""
    geoms = np.asarray(geoms, dtype=object)
    i, j = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    keep = i < j
    i, j = i[keep], j[keep]
    area = shapely.area(shapely.intersection(geoms[i], geoms[j]))
    return [(a, b) for a, b, s in zip(i, j, area, strict=True) if s > 1e-6]


def _tiling_errors(parts, whole) -> tuple[float, float, float]:
    """(gap, spill, overlap) areas of ``parts`` against ``whole``, in the geometry's units²."""
    union = shapely.union_all(np.asarray(parts, dtype=object))
    gap = whole.difference(union).area
    spill = union.difference(whole).area
    overlap = float(np.sum(shapely.area(parts))) - union.area
    return gap, spill, overlap


# --- reference data ------------------------------------------------------------------------

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
needs_shared = pytest.mark.skipif(not (SHARED / "data" / "admin").is_dir(), reason="shared/ is not beside the repository")


@needs_shared
def test_reference_files_are_up_to_date(tmp_path):
    written = refresh(SHARED, tmp_path)
    assert {p.name for p in written} == {"guandu_divisions_2023.csv", "kunming_districts_cgcs2000.geojson"}
    for path in written:
        assert path.read_bytes() == (REFERENCE_DIR / path.name).read_bytes(), path.name


@needs_shared
def test_reference_outline_is_the_gcj02_outline_moved_back():
    ours = gpd.read_file(REFERENCE_DIR / "kunming_districts_cgcs2000.geojson")
    web = gpd.read_file(SHARED / "data" / "admin" / "kunming_districts_gcj02.geojson")
    assert ours.crs.to_epsg() == 4490
    assert list(ours["adcode"]) == list(web["adcode"]) and list(ours["name"]) == list(web["name"])
    ours_xy = shapely.get_coordinates(ours.geometry.values)
    web_xy = shapely.get_coordinates(web.geometry.values)
    assert ours_xy.shape == web_xy.shape
    # Displaced by the GCJ-02 offset (hundreds of metres) ...
    shift_m = np.hypot((web_xy[:, 0] - ours_xy[:, 0]) * 101_000, (web_xy[:, 1] - ours_xy[:, 1]) * 111_000)
    assert 200 < shift_m.min() and shift_m.max() < 800
    # ... and exactly that offset: converting ours forward gives the web-map outline back.
    fx, fy = wgs84_to_gcj02(ours_xy[:, 0], ours_xy[:, 1])
    assert np.abs(np.column_stack([fx, fy]) - web_xy).max() < 2e-7


# --- determinism -----------------------------------------------------------------------


def test_same_seed_gives_identical_layers(demo):
    again = build_demo(seed=SEED, scale=SMALL)
    assert set(again) == set(LAYERS)
    for name in LAYERS:
        assert_geodataframe_equal(demo[name], again[name], check_less_precise=False)


def test_other_seed_gives_other_data(demo):
    other = build_demo(seed=SEED + 1, scale=SMALL)
    assert not demo["buildings"].geometry.geom_equals(other["buildings"].geometry.reindex(demo["buildings"].index)).all()
    assert not shapely.equals(demo["communities"].geometry.values, other["communities"].geometry.values).all()
    # The real frame does not depend on the seed, up to the snap grid (the outline is the union of
    # the subdistricts, so it has a vertex wherever this seed's subdistrict lines meet it).
    ours, theirs = demo["district"].geometry.iloc[0], other["district"].geometry.iloc[0]
    assert ours.symmetric_difference(theirs).area / ours.area < 1e-6 and ours.hausdorff_distance(theirs) < 1e-6  # ~0.1 m
    assert list(demo["communities"]["code"]) == list(other["communities"]["code"])


def test_arguments_are_checked():
    with pytest.raises(ValueError):
        build_demo(scale=0)
    with pytest.raises(ValueError):
        build_demo(scale=MAX_SCALE + 1)
    with pytest.raises(ValueError):
        build_demo(seed=-1)


def test_scale_above_one_keeps_the_full_district(monkeypatch):
    """Above 1 the layers are those of scale 1 (the address stock grows when stored: data.demo_dense)."""
    import data.demo.build as build

    seen = []
    monkeypatch.setattr(build, "generate", lambda seed, scale, divisions, outline: seen.append(scale) or None)
    monkeypatch.setattr(build, "build_layers", lambda world, divisions: {})
    build_demo(seed=SEED, scale=1.02)
    build_demo(seed=SEED, scale=MAX_SCALE)
    build_demo(seed=SEED, scale=0.5)
    assert seen == [1.0, 1.0, 0.5]


def _dense_on_a_few_roads(seed: int, taken: dict, count: int = 3000):
    lines = np.array(
        [
            shapely.LineString([(0, 0), (400, 0)]),  # west to east
            shapely.LineString([(1000, 0), (1000, 250), (1200, 400)]),  # bends
            shapely.LineString([(0, 500), (0, 500.5)]),  # too short to take any
        ],
        dtype=object,
    )
    per_road = allocate(shapely.length(lines), np.array([40, 0, 0]), count, seed)
    rng = np.random.default_rng(seed)
    return lines, per_road, dense_plates(lines, np.array([True, False, True]), np.array([10.0, 4.0, 4.0]), per_road, taken, rng)


def test_dense_plates_follow_the_numbering_rule_on_a_few_roads():
    taken = {(0, 1): 0, (0, 3): 2, (1, 2): 5}  # plain 1, 3 up to 3-2 and 2 up to 2-5 are held
    lines, per_road, plates = _dense_on_a_few_roads(SEED, taken)
    assert per_road.sum() == 3000 and per_road[2] == 0 and per_road[0] > per_road[1] > 0  # busy roads get more
    assert len(plates.road) == 3000 and np.bincount(plates.road, minlength=3).tolist() == per_road.tolist()
    # (road, number, ordinal) is unique and never one already held
    keys = set(zip(plates.road.tolist(), plates.number.tolist(), plates.ordinal.tolist(), strict=True))
    assert len(keys) == 3000
    assert not keys & {(0, 1, 0), (0, 3, 0), (0, 3, 1), (0, 3, 2), (1, 2, 0), *((1, 2, k) for k in range(1, 6))}
    # a number held takes ordinals after the highest one; a free number starts plain
    assert min(o for r, n, o in keys if (r, n) == (0, 3)) == 3 and min(o for r, n, o in keys if (r, n) == (1, 2)) == 6
    assert {o for r, n, o in keys if (r, n) == (0, 5)} == set(range(len([1 for r, n, _ in keys if (r, n) == (0, 5)])))
    # the number is the slot of the chainage, odd on the road's odd side (left on road 0, right on road 1)
    spacing = np.where(plates.road == 0, 10.0, 4.0)
    slot = np.floor(plates.chainage / spacing)
    odd = (plates.side == "L") == (plates.road == 0)
    assert (plates.number == 2 * slot + np.where(odd, 1, 2)).all()
    # infill ordinals grow with chainage within a number
    frame = pd.DataFrame({"r": plates.road, "n": plates.number, "o": plates.ordinal, "c": plates.chainage})
    for (r, n), group in frame.groupby(["r", "n"]):
        assert group.sort_values("c")["o"].is_monotonic_increasing, (r, n)
    # each point stands beside its road, on the side it is numbered for
    distance = shapely.distance(plates.point, lines[plates.road])
    assert (distance >= OFFSET_M[0] - 1.0).all() and (distance <= OFFSET_M[1] + 0.01).all()
    for k in (0, 1):
        mine = plates.road == k
        assert (numbering_geometry.sides(lines[k], plates.chainage[mine], plates.point[mine]) == plates.side[mine]).all()


def test_dense_plates_are_the_same_for_the_same_seed():
    _, _, one = _dense_on_a_few_roads(7, {})
    _, _, two = _dense_on_a_few_roads(7, {})
    _, _, other = _dense_on_a_few_roads(8, {})
    assert (one.number == two.number).all() and (one.ordinal == two.ordinal).all() and shapely.equals(one.point, two.point).all()
    assert len(one.number) != len(other.number) or not (one.number == other.number).all()


# --- frame, columns, validity -----------------------------------------------------------


def test_every_layer_is_cgcs2000_lon_lat_inside_the_district(demo):
    x0, y0, x1, y1 = demo["district"].total_bounds
    assert 102.5 < x0 < x1 < 103.2 and 24.8 < y0 < y1 < 25.3  # x is longitude, y latitude
    eps = 1e-9
    for name in LAYERS:
        layer = demo[name]
        assert layer.crs is not None and layer.crs.to_epsg() == 4490, name
        bx0, by0, bx1, by1 = layer.total_bounds
        assert bx0 >= x0 - eps and by0 >= y0 - eps and bx1 <= x1 + eps and by1 <= y1 + eps, name


def test_columns_and_geometry_types(demo):
    expected = {
        "district": (["code", "name", "geometry", "source"], {"MultiPolygon"}),
        "subdistricts": (["code", "name", "parent_code", "geometry", "source", "name_source"], {"MultiPolygon"}),
        "communities": (["code", "name", "parent_code", "geometry", "source", "name_source"], {"MultiPolygon"}),
        "roads": (["name", "road_class", "geometry", "source"], {"LineString"}),
        "waterways": (["name", "waterway_class", "geometry", "source"], {"LineString"}),
        "blocks": (["code", "subdistrict_code", "community_code", "households", "dense", "area_m2", "geometry", "source"], {"Polygon"}),
        "buildings": (["code", "block_code", "community_code", "households", "floors", "geometry", "source"], {"Polygon"}),
        "door_plates": (
            ["road_name", "number", "suffix", "number_text", "building_code", "side", "address", "geometry", "source"],
            {"Point"},
        ),
    }
    for name, (columns, types) in expected.items():
        layer = demo[name]
        assert list(layer.columns) == columns, name
        assert set(layer.geom_type) == types, name
        assert layer.geometry.notna().all() and not layer.geometry.is_empty.any(), name


def test_all_geometries_are_valid(demo, metric):
    for name in LAYERS:
        assert demo[name].geometry.is_valid.all(), name
        assert metric[name].geometry.is_valid.all(), name


def test_provenance_labels(demo):
    assert demo["district"]["source"].tolist() == ["amap-gcj02-converted"]
    for name in ("subdistricts", "communities"):
        assert (demo[name]["source"] == "synthetic-demo").all()
        assert (demo[name]["name_source"] == "nbs-2023").all()
    for name in ("roads", "waterways", "blocks", "buildings", "door_plates"):
        assert (demo[name]["source"] == "synthetic-demo").all(), name


# --- real units and exact tiling ------------------------------------------------------------


def test_units_carry_the_official_codes_and_names(demo, divisions):
    district = demo["district"].iloc[0]
    assert (district["code"], district["name"]) == ("530111000000", "官渡区")
    official_subs = divisions[divisions["level"] == "subdistrict"]
    official_comms = divisions[divisions["level"] == "community"]
    assert len(official_subs) == 13 and len(official_comms) == 133
    subs = demo["subdistricts"]
    comms = demo["communities"]
    assert len(subs) == 13 and subs["code"].is_unique
    assert len(comms) == 133 and comms["code"].is_unique
    expect_subs = official_subs.set_index("code")[["name", "parent_code"]].sort_index()
    expect_comms = official_comms.set_index("code")[["name", "parent_code"]].sort_index()
    pd.testing.assert_frame_equal(subs.set_index("code")[["name", "parent_code"]].sort_index(), expect_subs)
    pd.testing.assert_frame_equal(comms.set_index("code")[["name", "parent_code"]].sort_index(), expect_comms)


def test_subdistricts_tile_the_outline_exactly(metric):
    outline = metric["district"].geometry.iloc[0]
    subs = metric["subdistricts"].geometry.values
    gap, spill, overlap = _tiling_errors(subs, outline)
    assert gap < AREA_TOLERANCE_M2 and spill < AREA_TOLERANCE_M2 and overlap < AREA_TOLERANCE_M2
    assert _pairs_overlapping(subs) == []
    assert abs(shapely.union_all(subs).area - outline.area) / outline.area < 1e-6
    # Each one contiguous.
    assert all(len(g.geoms) == 1 for g in subs)


def test_the_outline_is_the_real_converted_outline(demo):
    real = load_outline()
    ours = demo["district"].geometry.iloc[0]
    # Same shape up to the 0.01 mm working grid: symmetric difference is tiny.
    assert ours.symmetric_difference(real).area / real.area < 1e-6
    assert ours.hausdorff_distance(real) < 1e-6  # degrees, about 0.1 m


def test_communities_tile_their_subdistrict(metric):
    comms = metric["communities"]
    for sub in metric["subdistricts"].itertuples():
        mine = comms[comms["parent_code"] == sub.code].geometry.values
        assert len(mine) > 0, sub.name
        gap, spill, overlap = _tiling_errors(mine, sub.geometry)
        assert gap < AREA_TOLERANCE_M2 and spill < AREA_TOLERANCE_M2 and overlap < AREA_TOLERANCE_M2, sub.name
    assert _pairs_overlapping(comms.geometry.values) == []
    assert all(len(g.geoms) == 1 for g in comms.geometry)


def test_a_unit_without_communities_simply_has_none(divisions):
    zone = "530111402000"  # 昆明经济技术开发区, given no communities here
    trimmed = divisions[divisions["parent_code"] != zone]
    layers = build_layers(generate(SEED, SMALL, trimmed, load_outline()), trimmed)
    assert len(layers["subdistricts"]) == 13 and zone in set(layers["subdistricts"]["code"])
    assert len(layers["communities"]) == 133 - (divisions["parent_code"] == zone).sum()
    assert zone not in set(layers["communities"]["parent_code"])
    blocks = layers["blocks"]
    in_zone = blocks["subdistrict_code"] == zone
    assert in_zone.any() and blocks.loc[in_zone, "community_code"].isna().all()
    assert blocks.loc[~in_zone, "community_code"].notna().all()
    assert layers["buildings"]["households"].sum() == round(TOTAL_HOUSEHOLDS * SMALL)


def test_unit_sizes_are_plausible(metric):
    area_km2 = metric["subdistricts"].set_index("name").geometry.area / 1e6
    assert area_km2[list(URBAN_WEST)].max() < area_km2[["大板桥街道", "小哨街道"]].min()
    assert area_km2["大板桥街道"] == area_km2.max()
    # West-to-east order of the planned placement holds for the unit centroids.
    centroid_x = metric["subdistricts"].set_index("name").geometry.centroid.x
    assert centroid_x[list(URBAN_WEST)].max() < centroid_x[list(RURAL_EAST)].min()


# --- roads and rivers ---------------------------------------------------------------------------


def test_roads_are_named_uniquely_and_include_the_real_ones(demo):
    roads = demo["roads"]
    assert len(roads) >= 30
    assert roads["name"].is_unique
    assert set(PLATED_ROADS) <= set(roads["name"])
    assert set(roads["road_class"]) <= {"arterial", "secondary", "local", "lane"}
    assert {"arterial", "secondary", "local"} <= set(roads["road_class"])
    assert roads["name"].str.match(r"^\w+(路|街|巷|大道)$").all()
    assert not set(roads["name"]) & set(demo["waterways"]["name"])


def test_roads_and_rivers_lie_within_the_district(metric):
    outline = metric["district"].geometry.iloc[0]
    for name in ("roads", "waterways"):
        outside = shapely.length(shapely.difference(metric[name].geometry.values, outline))
        assert outside.max() < 1e-3, name


def test_some_roads_bend(metric):
    lines = metric["roads"].geometry.values
    straight = shapely.distance(shapely.get_point(lines, 0), shapely.get_point(lines, -1))
    assert (shapely.length(lines) > straight * 1.01).sum() >= 5


def test_real_rivers_present(demo):
    waterways = demo["waterways"]
    assert {"宝象河", "海河"} <= set(waterways["name"])
    assert (waterways["waterway_class"] == "river").all()


# --- blocks -------------------------------------------------------------------------------------------


def test_each_block_lies_in_its_one_community(metric):
    blocks = metric["blocks"]
    comms = metric["communities"].set_index("code")
    assert blocks["code"].is_unique
    parent = comms.loc[blocks["community_code"], "parent_code"].to_numpy()
    assert (blocks["subdistrict_code"].to_numpy() == parent).all()
    own = comms.loc[blocks["community_code"]].geometry.values
    outside = shapely.area(shapely.difference(blocks.geometry.values, own))
    assert outside.max() < 0.01
    # The community a block claims is the only one it overlaps.
    hits = shapely.STRtree(comms.geometry.values).query(shapely.buffer(blocks.geometry.values, -0.01), predicate="intersects")
    assert len(hits[0]) == len(blocks)


def test_blocks_tile_their_communities(metric):
    blocks = metric["blocks"]
    for code, community in metric["communities"].set_index("code").geometry.items():
        mine = blocks[blocks["community_code"] == code].geometry.values
        gap, spill, overlap = _tiling_errors(mine, community)
        assert gap < AREA_TOLERANCE_M2 and spill < AREA_TOLERANCE_M2 and overlap < AREA_TOLERANCE_M2, code
    assert np.allclose(blocks["area_m2"], blocks.geometry.area, atol=0.05)


def test_no_road_or_river_crosses_a_block(metric):
    blocks = shapely.buffer(metric["blocks"].geometry.values, -0.05)
    roads = metric["roads"]
    through = np.concatenate([roads[roads["road_class"] != "lane"].geometry.values, metric["waterways"].geometry.values])
    line, block = shapely.STRtree(blocks).query(through, predicate="intersects")
    # A line may enter a block's interior only where it ends there (a river's source);
    # it never passes through one.
    ends_inside = shapely.contains(blocks[block], shapely.get_point(through[line], 0)) | shapely.contains(
        blocks[block], shapely.get_point(through[line], -1)
    )
    assert ends_inside.all()
    assert len(line) <= len(metric["waterways"])
    # Lanes are dead ends that stay inside one block.
    lanes = roads[roads["road_class"] == "lane"].geometry.values
    inside = shapely.STRtree(blocks).query(shapely.line_interpolate_point(lanes, 0.5, normalized=True), predicate="within")
    assert len(np.unique(inside[0])) == len(lanes)


# --- buildings and households ------------------------------------------------------------------------


def test_buildings_sit_inside_their_block_without_overlap(metric):
    buildings = metric["buildings"]
    blocks = metric["blocks"].set_index("code")
    assert buildings["code"].is_unique
    own = blocks.loc[buildings["block_code"]].geometry.values
    assert shapely.within(buildings.geometry.values, own).all()
    assert (buildings["community_code"].to_numpy() == blocks.loc[buildings["block_code"], "community_code"].to_numpy()).all()
    assert _pairs_overlapping(buildings.geometry.values) == []
    area = buildings.geometry.area
    assert area.min() > 30 and area.max() < 1000  # small rectangles, in m²


def test_households_add_up(demo):
    buildings, blocks = demo["buildings"], demo["blocks"]
    assert (buildings["households"] >= 0).all() and (buildings["floors"] >= 1).all()
    per_block = buildings.groupby("block_code")["households"].sum()
    block_households = blocks.set_index("code")["households"]
    assert (per_block.reindex(block_households.index, fill_value=0) == block_households).all()
    assert buildings["households"].sum() == blocks["households"].sum() == round(TOTAL_HOUSEHOLDS * SMALL)
    assert (buildings["households"] == 0).any()  # some non-residential buildings
    assert buildings["households"].dtype.kind == "i" and buildings["floors"].dtype.kind == "i"


def test_households_scale_with_the_scale_argument(demo):
    half = build_demo(seed=SEED, scale=SMALL / 2)
    assert half["buildings"]["households"].sum() == round(TOTAL_HOUSEHOLDS * SMALL / 2)
    ratio = half["buildings"]["households"].sum() / demo["buildings"]["households"].sum()
    assert ratio == pytest.approx(0.5, rel=0.01)
    assert len(half["buildings"]) < len(demo["buildings"])


def test_west_is_denser_than_east(metric):
    subs = metric["subdistricts"].set_index("code")
    households = metric["blocks"].groupby("subdistrict_code")["households"].sum()
    names = subs["name"]

    def per_km2(unit_names):
        codes = names[names.isin(unit_names)].index
        return households.reindex(codes).sum() / (subs.loc[codes].geometry.area.sum() / 1e6)

    assert per_km2(URBAN_WEST) > 5 * per_km2(RURAL_EAST)
    dense_units = set(metric["blocks"].loc[metric["blocks"]["dense"], "subdistrict_code"])
    assert dense_units == set(names[names.isin(URBAN_WEST)].index)


# --- door plates ---------------------------------------------------------------------------------------


def test_door_plates_are_unique_and_odd_left_even_right(demo):
    plates = demo["door_plates"]
    assert len(plates) > 0
    assert not plates.duplicated(["road_name", "number", "suffix"]).any()
    assert plates["building_code"].is_unique
    assert set(plates["side"]) == {"L", "R"}  # placenames.sides codes
    odd = plates["number"] % 2 == 1
    assert (odd == (plates["side"] == "L")).all()
    assert (plates["number"] >= 1).all()
    assert (plates["number_text"] == plates["number"].astype(str) + plates["suffix"]).all()
    assert set(plates["road_name"]) <= set(demo["roads"]["name"])


def test_door_plate_addresses(demo):
    plates = demo["door_plates"]
    community = demo["buildings"].set_index("code").loc[plates["building_code"], "community_code"]
    parent = demo["communities"].set_index("code").loc[community, "parent_code"]
    unit_name = demo["subdistricts"].set_index("code").loc[parent, "name"].to_numpy()
    expected = "官渡区" + unit_name + plates["road_name"].to_numpy() + plates["number_text"].to_numpy() + "号"
    assert (plates["address"].to_numpy() == expected).all()


def test_door_plates_sit_on_their_building_facing_the_nearest_road(metric):
    plates = metric["door_plates"]
    buildings = metric["buildings"].set_index("code").loc[plates["building_code"]].geometry.values
    roads = metric["roads"].set_index("name").loc[plates["road_name"]].geometry.values
    assert shapely.distance(plates.geometry.values, shapely.boundary(buildings)).max() < 1e-3
    distance = shapely.distance(buildings, roads)
    assert distance.max() <= 60.0 + 1e-6
    # No other road is nearer to the building than the one on its plate.
    nearest = shapely.STRtree(metric["roads"].geometry.values).query_nearest(buildings, return_distance=True, all_matches=False)[1]
    assert np.allclose(nearest, distance, atol=1e-6)
    # The entrance is the building's nearest point to that road.
    assert np.allclose(shapely.distance(plates.geometry.values, roads), distance, atol=1e-6)


def test_door_numbers_grow_along_the_road_on_the_recorded_side(metric):
    plates = metric["door_plates"].copy()
    centres = metric["buildings"].set_index("code").loc[plates["building_code"]].geometry.centroid.values
    roads = metric["roads"].set_index("name").loc[plates["road_name"]].geometry.values
    chainage = shapely.line_locate_point(roads, centres)
    length = shapely.length(roads)
    a = shapely.get_coordinates(shapely.line_interpolate_point(roads, np.clip(chainage - 1, 0, length)))
    b = shapely.get_coordinates(shapely.line_interpolate_point(roads, np.clip(chainage + 1, 0, length)))
    p = shapely.get_coordinates(centres)
    cross = (b[:, 0] - a[:, 0]) * (p[:, 1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (p[:, 0] - a[:, 0])
    assert ((cross > 0) == (plates["side"] == "L").to_numpy()).all()
    plates["chainage"] = np.round(chainage, 3)  # buildings one behind another share a chainage
    plates["suffix_no"] = plates["suffix"].str.lstrip("-").replace("", "0").astype(int)
    checked = 0
    for _, group in plates.groupby(["road_name", "side"]):
        group = group.sort_values(["chainage", "suffix_no"])
        assert group["number"].is_monotonic_increasing
        keys = list(zip(group["number"], group["suffix_no"], strict=True))
        assert keys == sorted(set(keys))
        checked += len(group) > 1
    assert checked > 10


# --- full size ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_full_scale_volumes():
    full = build_demo(seed=SEED, scale=1.0)
    assert len(full["blocks"]) >= 2000
    assert len(full["buildings"]) >= 40_000
    assert len(full["roads"]) >= 300 and full["roads"]["name"].is_unique
    households = full["buildings"]["households"].sum()
    assert abs(households - TOTAL_HOUSEHOLDS) <= 0.03 * TOTAL_HOUSEHOLDS
    assert full["blocks"]["households"].sum() == households
    assert not full["door_plates"].duplicated(["road_name", "number", "suffix"]).any()
    assert full["buildings"].geometry.is_valid.all() and full["blocks"].geometry.is_valid.all()
