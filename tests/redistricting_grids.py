"""Hand-made block grids for the redistricting tests: squares of about 100 m near 官渡区."""

from __future__ import annotations

import geopandas as gpd
import shapely

from boundaries.redistricting import Rules, build_graph, from_frames

STEP = 0.001  # degrees, about 100 m
ORIGIN = (102.75, 25.0)


def cell(row: int, col: int):
    x0, x1 = round(ORIGIN[0] + col * STEP, 6), round(ORIGIN[0] + (col + 1) * STEP, 6)
    y0, y1 = round(ORIGIN[1] - (row + 1) * STEP, 6), round(ORIGIN[1] - row * STEP, 6)
    return shapely.box(x0, y0, x1, y1)


def grid_blocks(households, *, subdistricts=None, dense=None, communities=None) -> gpd.GeoDataFrame:
    """One block per cell of ``households`` (rows of numbers); code ``r{row}c{col}``."""
    rows = []
    for r, line in enumerate(households):
        for c, value in enumerate(line):
            rows.append(
                {
                    "code": f"r{r}c{c}",
                    "subdistrict": subdistricts[r][c] if subdistricts else "S1",
                    "households": value,
                    "dense": bool(dense[r][c]) if dense else False,
                    "community": communities[r][c] if communities else None,
                    "geometry": cell(r, c),
                }
            )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4490")


def store_grid_blocks(store, households, *, subdistricts=None, communities=None) -> None:
    """Write ``grid_blocks(...)`` into the store's ``blocks`` table (one transaction)."""
    from gis.basemap import Block

    frame = grid_blocks(households, subdistricts=subdistricts, communities=communities)
    rows = [
        {
            "code": r.code,
            "subdistrict_code": r.subdistrict,
            "community_code": r.community,
            "households": r.households,
            "dense": False,
            "area_m2": 1.0,
            "geom": r.geometry,
        }
        for r in frame.itertuples()
    ]
    with store.transaction(actor="test") as session:
        store.bulk_insert(session, Block, rows)


def vertical_road(col: int, rows: int, road_class: str = "arterial") -> gpd.GeoDataFrame:
    """A road along the west edge of column ``col``."""
    x = ORIGIN[0] + col * STEP
    line = shapely.LineString([(x, ORIGIN[1]), (x, ORIGIN[1] - rows * STEP)])
    return gpd.GeoDataFrame({"road_class": [road_class]}, geometry=[line], crs="EPSG:4490")


def grid_graph(households, roads=None, **kwargs):
    return build_graph(from_frames(grid_blocks(households, **kwargs), roads))


def rules(low, high, dense_high=None, **kwargs) -> Rules:
    return Rules(low, high, dense_high if dense_high is not None else high, **kwargs)
