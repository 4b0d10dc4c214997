"""Demo step: about a dozen residential compounds (小区) made from the demo's own buildings.

Why: in the district most people live in compounds, whose buildings take the compound's
number and a 楼栋号 (子君路88号3幢) instead of street numbers; the demo shows that.
Each compound is one block's buildings that stand behind the street front (some more than
``DEEP_M`` from every road), outlined by their hull a few metres wide, clipped to the
block. It is registered through ``placenames.numbering.compounds.register`` as an officer
would: its gate is the outline's point nearest its road, it takes one number there by
the road's rules, the street numbers its buildings had are retired (a notice's work) and
its buildings are numbered from the gate (every other one in S order). One audited
transaction per compound, and only the chosen blocks' buildings are read, so the step
takes a second or two at full scale.
"""

from __future__ import annotations

import numpy as np
import shapely
from sqlalchemy import func, select

from gis.basemap import Block, Building, Road
from gis.errors import DimingError
from gis.storage import Store
from placenames.models import PlaceName
from placenames.numbering import compounds, geometry

ACTOR = "demo-builder"
COUNT = 12
MIN_BUILDINGS, MAX_BUILDINGS = 5, 40
DEEP_M = 35.0  # a compound has buildings this far behind every road (they had no frontage of their own)
MARGIN_M = 6.0
GATE_REACH_M = 50.0
ENDINGS = ("花园", "小区", "家园", "新村", "雅苑", "佳园", "景苑", "名城", "大院", "公寓", "新城", "嘉园", "丽苑", "华府")


def add_compounds(store: Store, *, seed: int) -> dict[str, int]:
    """Register up to ``COUNT`` compounds on distinct roads; counts for the demo's summary."""
    rng = np.random.default_rng([seed, 17])
    chosen = _candidates(store, rng)
    made = buildings = retired = 0
    used_roads: set[str] = set()
    for block_code, outline in chosen:
        if made >= COUNT:
            break
        road, gate = _road_and_gate(store, outline, used_roads)
        if road is None:
            continue
        used_roads.add(road)
        name = f"{_stem(road)}{ENDINGS[made % len(ENDINGS)]}"
        try:
            view = compounds.register(
                store,
                name=name,
                polygon=geometry.to_storage(outline),
                road=road,
                entrance=geometry.to_storage(gate),
                entrance_description="正门",
                order="entrance" if made % 2 == 0 else "s_order",
                retire_street_numbers=True,
                actor=ACTOR,
                reason=f"演示数据：小区门牌与楼栋号（街区 {block_code}） demo compound",
            )
        except DimingError:  # e.g. a sliver of a block too small for a compound: take the next block
            continue
        made += 1
        buildings += len(view["buildings"])
        retired += len(view["retired_street_numbers"])
    return {"compounds": made, "compound_buildings": buildings, "compound_retired_numbers": retired}


def _stem(road: str) -> str:
    for ending in ("大道", "路", "街", "巷", "道"):
        if road.endswith(ending) and len(road) > len(ending) + 1:
            return road[: -len(ending)]
    return road


def _candidates(store: Store, rng) -> list[tuple[str, shapely.Polygon]]:
    """Blocks with a compound's worth of buildings, some of them deep inside: (block, metric outline)."""
    with store.read() as session:
        sizes = session.execute(
            select(Building.block_code, func.count())
            .where(Building.block_code.is_not(None))
            .group_by(Building.block_code)
            .having(func.count().between(MIN_BUILDINGS, MAX_BUILDINGS))
            .order_by(Building.block_code)
        ).all()
        if not sizes:
            return []
        codes = [code for code, _ in sizes]
        picked = rng.choice(codes, size=min(len(codes), COUNT * 6), replace=False).tolist()  # in random order: spread over the district
        blocks: dict[str, shapely.Polygon] = dict(session.execute(select(Block.code, Block.geom).where(Block.code.in_(picked))).all())
        rows = session.execute(select(Building.id, Building.block_code, Building.geom).where(Building.block_code.in_(picked))).all()
        road_rows = session.execute(
            select(Road.geom).where(Road.name.in_(select(PlaceName.name).where(PlaceName.status == "current")))
        ).all()
    roads = shapely.STRtree(geometry.to_metric(np.array([g for (g,) in road_rows], dtype=object)))
    by_block: dict[str, list] = {}
    for building_id, block, outline in rows:
        by_block.setdefault(block, []).append((building_id, outline))
    out = []
    for code in picked:
        members = by_block.get(code, [])
        if code not in blocks or len(members) < MIN_BUILDINGS:
            continue
        outlines = geometry.to_metric(np.array([g for _, g in members], dtype=object))
        _, far = roads.query_nearest(outlines, return_distance=True, all_matches=False)
        if far.max() < DEEP_M:
            continue
        hull = shapely.convex_hull(shapely.union_all(outlines)).buffer(MARGIN_M, join_style="mitre")
        outline = _largest(shapely.intersection(hull, geometry.to_metric(blocks[code]).buffer(0)))
        if outline is None or not outline.is_valid:
            continue
        out.append((code, outline))
    return out


def _largest(geom) -> shapely.Polygon | None:
    parts = [g for g in getattr(geom, "geoms", [geom]) if isinstance(g, shapely.Polygon) and not g.is_empty]
    return max(parts, key=lambda g: g.area) if parts else None


def _road_and_gate(store: Store, outline: shapely.Polygon, used: set[str]) -> tuple[str | None, shapely.Point | None]:
    """The nearest registered road not yet used by another compound, and the outline's point nearest it."""
    box = geometry.to_storage(outline.buffer(GATE_REACH_M)).bounds
    with store.read() as session:
        from gis.storage import bbox_match

        rows = session.execute(
            select(Road.name, Road.geom)
            .where(bbox_match(Road.geom, *box), Road.name.in_(select(PlaceName.name).where(PlaceName.status == "current")))
            .order_by(Road.id)
        ).all()
    best: tuple[float, str, shapely.Point] | None = None
    for name, geom in rows:
        if name in used:
            continue
        line = geometry.to_metric(geom)
        distance = float(shapely.distance(outline, line))
        if distance <= GATE_REACH_M and (best is None or distance < best[0]):
            gate = shapely.get_point(shapely.shortest_line(outline.exterior, line), 0)
            best = (distance, name, gate)
    return (best[1], best[2]) if best else (None, None)
