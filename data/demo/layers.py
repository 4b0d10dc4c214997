"""Turn the metric world into the demo's GeoDataFrames, in CGCS2000 (EPSG:4490).

Why here: column names, codes, ordering and provenance labels are the contract with
the rest of the project; the generators know nothing about them. Block and building
codes follow the grid-numbering habit of the field: grouped by parent, then north to
south, then west to east.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from data.demo.metric import to_storage
from data.demo.world import World
from gis.crs import STORAGE_CRS

DISTRICT_CODE = "530111000000"
DISTRICT_NAME = "官渡区"
SYNTHETIC = "synthetic-demo"
OUTLINE_SOURCE = "amap-gcj02-converted"
NAME_SOURCE = "nbs-2023"

UNIT_COLUMNS = ["code", "name", "parent_code", "geometry", "source", "name_source"]
BLOCK_COLUMNS = ["code", "subdistrict_code", "community_code", "households", "dense", "area_m2", "geometry", "source"]
BUILDING_COLUMNS = ["code", "block_code", "community_code", "households", "floors", "geometry", "source"]
PLATE_COLUMNS = ["road_name", "number", "suffix", "number_text", "building_code", "side", "address", "geometry", "source"]


def frame(columns: dict, metric_geoms, order: list[str]) -> gpd.GeoDataFrame:
    """A GeoDataFrame in STORAGE_CRS from metric geometries, with columns in ``order``."""
    geometry = gpd.GeoSeries(to_storage(np.asarray(metric_geoms, dtype=object)), crs=STORAGE_CRS)
    return gpd.GeoDataFrame(columns, geometry=geometry, crs=STORAGE_CRS)[order]


def as_multi(geoms) -> np.ndarray:
    return np.array([g if g.geom_type == "MultiPolygon" else shapely.MultiPolygon([g]) for g in geoms], dtype=object)


def north_west_order(geoms, group) -> np.ndarray:
    """Order by ``group``, then north to south, then west to east."""
    xy = shapely.get_coordinates(shapely.point_on_surface(geoms))
    return np.lexsort((xy[:, 0], -xy[:, 1], group))


def serial_codes(order: np.ndarray, prefix: str, digits: int) -> np.ndarray:
    """Codes prefix + 1, 2, … given to items in ``order``; returned per item."""
    codes = np.empty(len(order), dtype=object)
    codes[order] = [f"{prefix}{k:0{digits}d}" for k in range(1, len(order) + 1)]
    return codes


def district_outline(subdistricts):
    """The district outline as the union of its subdistricts (metres).

    Why not the outline the units were cut from: that one lacks the vertices where
    subdistrict lines meet it, and a straight metric edge is no longer straight once
    its ends alone are converted to lon/lat — the stored outline and its children would
    then differ by slivers of up to ~150 m² (``diming boundaries check`` errors). The
    union carries every shared vertex, so parent and children match vertex for vertex.
    In metres it differs from the cut outline only by the snap grid; stored in lon/lat,
    its extra vertices move it by about a centimetre at most from the converted outline.
    """
    return shapely.coverage_union_all(subdistricts)


def build_layers(world: World, divisions: pd.DataFrame) -> dict[str, gpd.GeoDataFrame]:
    names = dict(zip(divisions["code"], divisions["name"], strict=True))
    sub_codes = np.array(world.subdistrict_codes, dtype=object)
    comm_codes = np.array(world.community_codes, dtype=object)
    comm_parent = sub_codes[world.community_parent]
    cut, housing, plates = world.cut, world.housing, world.plates
    named = np.array([code is not None for code in comm_codes], dtype=bool)

    def units(codes, parents, geoms) -> gpd.GeoDataFrame:
        columns = {"code": codes, "name": [names[c] for c in codes], "parent_code": parents}
        columns |= {"source": SYNTHETIC, "name_source": NAME_SOURCE}
        return frame(columns, as_multi(geoms), UNIT_COLUMNS).sort_values("code").reset_index(drop=True)

    block_comm = comm_codes[cut.community]
    # Group by community; blocks of a unit without communities group under the unit's code.
    block_group = np.where(named[cut.community], block_comm, comm_parent[cut.community]).astype(str)
    block_order = north_west_order(cut.blocks, block_group)
    block_codes = serial_codes(block_order, "B", 6)
    building_comm = block_comm[housing.block]
    building_order = north_west_order(housing.footprints, block_codes[housing.block])
    building_codes = serial_codes(building_order, "J", 7)
    block_households = np.bincount(housing.block, weights=housing.households, minlength=len(cut.blocks)).astype(np.int64)

    road_order = np.argsort(world.roads.names.astype(str), kind="stable")
    plate_roads = world.roads.names[plates.road]
    number_text = np.array([f"{n}{s}" for n, s in zip(plates.number, plates.suffix, strict=True)], dtype=object)
    plate_unit = comm_parent[cut.community[housing.block[plates.building]]]
    address = np.array(
        [f"{DISTRICT_NAME}{names[u]}{r}{t}号" for u, r, t in zip(plate_unit, plate_roads, number_text, strict=True)], dtype=object
    )
    plate_order = np.lexsort((plates.suffix.astype(str), plates.number, plate_roads.astype(str)))

    return {
        "district": frame(
            {"code": [DISTRICT_CODE], "name": [DISTRICT_NAME], "source": [OUTLINE_SOURCE]},
            as_multi([district_outline(cut.subdistricts)]),
            ["code", "name", "geometry", "source"],
        ),
        "subdistricts": units(sub_codes, [DISTRICT_CODE] * len(sub_codes), cut.subdistricts),
        "communities": units(comm_codes[named], comm_parent[named], cut.communities[named]),
        "roads": frame(
            {"name": world.roads.names[road_order], "road_class": world.roads.classes[road_order], "source": SYNTHETIC},
            world.roads.lines[road_order],
            ["name", "road_class", "geometry", "source"],
        ),
        "waterways": frame(
            {"name": [name for name, _ in world.rivers], "waterway_class": "river", "source": SYNTHETIC},
            [line for _, line in world.rivers],
            ["name", "waterway_class", "geometry", "source"],
        ),
        "blocks": frame(
            {
                "code": block_codes[block_order],
                "subdistrict_code": comm_parent[cut.community][block_order],
                "community_code": block_comm[block_order],
                "households": block_households[block_order],
                "dense": world.block_dense[block_order].astype(bool),
                "area_m2": np.round(shapely.area(cut.blocks), 2)[block_order],
                "source": SYNTHETIC,
            },
            cut.blocks[block_order],
            BLOCK_COLUMNS,
        ),
        "buildings": frame(
            {
                "code": building_codes[building_order],
                "block_code": block_codes[housing.block][building_order],
                "community_code": building_comm[building_order],
                "households": housing.households[building_order].astype(np.int64),
                "floors": housing.floors[building_order].astype(np.int64),
                "source": SYNTHETIC,
            },
            housing.footprints[building_order],
            BUILDING_COLUMNS,
        ),
        "door_plates": frame(
            {
                "road_name": plate_roads[plate_order],
                "number": plates.number[plate_order].astype(np.int64),
                "suffix": plates.suffix[plate_order],
                "number_text": number_text[plate_order],
                "building_code": building_codes[plates.building][plate_order],
                "side": plates.side[plate_order].astype(object),
                "address": address[plate_order],
                "source": SYNTHETIC,
            },
            plates.entrance[plate_order],
            PLATE_COLUMNS,
        ),
    }
