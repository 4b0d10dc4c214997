"""Generate the whole demo in the metric frame, stage by stage.

Order mirrors how a district is drawn: units first (subdistricts, then
communities), then the streets that fill them and the rivers, then the blocks those
lines cut (which fixes the final unit shapes), then the named road layer with its
lanes, then buildings and households, and last the door plates. Every stage draws
from its own named random stream, so one seed fixes everything.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from data.demo.blocks import BlockCut, cut_blocks
from data.demo.boundary_roads import shared_boundaries
from data.demo.density import Density, scatter_villages
from data.demo.doorplates import Plates, door_plates
from data.demo.housing import Housing, house
from data.demo.lanes import add_lanes
from data.demo.layout import CITY_CENTRE_LONLAT, DENSE, PLANS
from data.demo.metric import snap, to_metric
from data.demo.names import ARTERIAL, LANE, SECONDARY
from data.demo.randomness import stream
from data.demo.rivers import RIVERS, river_lines
from data.demo.roads import RoadSet, road_set, street_class
from data.demo.streets import STYLES, community_streets, spacing_factor
from data.demo.units import Territories, anchor_sites, subdistrict_territories, territories

TOTAL_HOUSEHOLDS = 900_000


@dataclass(frozen=True)
class World:
    """Everything the layers are made of, in EPSG:4543 metres."""

    outline: object
    subdistrict_codes: list[str]
    community_codes: list[str | None]  # None for the territory of a unit without communities
    community_parent: np.ndarray  # subdistrict index per community
    cut: BlockCut  # final subdistricts, communities and blocks
    block_dense: np.ndarray
    roads: RoadSet
    rivers: list[tuple[str, object]]
    housing: Housing
    plates: Plates


def metric_outline(outline_geo):
    """The district outline in metres on the precision grid, as one Polygon."""
    parts = shapely.get_parts(snap(to_metric(outline_geo)))
    if len(parts) != 1:
        raise ValueError(f"expected a one-part district outline, got {len(parts)} parts")
    return parts[0]


def lay_out_units(seed: int, outline, community_counts: list[int]) -> tuple[Territories, Density]:
    """Subdistrict and community territories, and the density surface they were sized by."""
    anchors = shapely.get_coordinates(to_metric(shapely.points([(p.lon, p.lat) for p in PLANS])))
    subdistricts = subdistrict_territories(outline, anchor_sites(outline, anchors), PLANS)
    core = shapely.get_coordinates(to_metric(shapely.Point(*CITY_CENTRE_LONLAT)))[0]
    villages = scatter_villages(subdistricts, [p.density != DENSE for p in PLANS], stream(seed, "villages"))
    density = Density(core, villages)
    return territories(outline, subdistricts, community_counts, density, stream(seed, "communities")), density


def draw_streets(seed: int, scale: float, land: Territories) -> tuple[list, list[str]]:
    """Every community's street grid, with a road class per street."""
    rng = stream(seed, "streets")
    factor = spacing_factor(scale)
    streets: list = []
    classes: list[str] = []
    for polygon, parent in zip(land.communities, land.community_parent, strict=True):
        style = STYLES[PLANS[parent].density]
        mine = community_streets(polygon, style, factor, rng)
        streets.extend(mine)
        classes.extend(street_class(s, style.spacing_m * factor) for s in mine)
    return streets, classes


def draw_rivers(seed: int, land: Territories) -> list[tuple[str, object]]:
    """(name, LineString) pieces of the rivers, clipped to the land as the communities cut it,
    so that river mouths end exactly on block edges."""
    control = [shapely.get_coordinates(to_metric(shapely.LineString(points))) for _, points in RIVERS]
    courses = river_lines(shapely.coverage_union_all(land.subdistricts), control, stream(seed, "rivers"))
    return [(name, part) for (name, _), parts in zip(RIVERS, courses, strict=True) for part in parts]


def name_the_roads(seed: int, cut: BlockCut, land: Territories, streets, street_classes, block_class) -> tuple[RoadSet, dict]:
    """Boundary roads + streets + lanes, oriented and named; also the lanes by block."""
    lines = shared_boundaries(cut.subdistricts)
    classes = [ARTERIAL] * len(lines)
    inner = shared_boundaries(cut.communities, land.community_parent)
    lines += inner + streets
    classes += [SECONDARY] * len(inner) + street_classes
    lanes = add_lanes(cut.blocks, block_class, np.array(lines, dtype=object), stream(seed, "lanes"))
    lines += list(lanes.values())
    classes += [LANE] * len(lanes)
    codes = [plan.code for plan in PLANS]
    roads = road_set(lines, classes, cut.subdistricts, codes, {name for name, _ in RIVERS}, stream(seed, "names"))
    return roads, lanes


def generate(seed: int, scale: float, divisions: pd.DataFrame, outline_geo) -> World:
    """Run every stage; ``divisions`` gives the real community codes per subdistrict."""
    outline = metric_outline(outline_geo)
    communities = divisions[divisions["level"] == "community"]
    members = [sorted(communities.loc[communities["parent_code"] == plan.code, "code"]) for plan in PLANS]
    # A unit without communities is laid out as one unnamed territory (code None), which
    # the layers leave out of the community layer: its blocks then have no community.
    members = [group or [None] for group in members]
    land, density = lay_out_units(seed, outline, [len(m) for m in members])

    streets, street_classes = draw_streets(seed, scale, land)
    rivers = draw_rivers(seed, land)
    cut = cut_blocks(outline, land.communities, land.community_parent, len(PLANS), streets + [part for _, part in rivers])
    block_parent = land.community_parent[cut.community]
    block_class = [PLANS[p].density for p in block_parent]

    roads, lanes = name_the_roads(seed, cut, land, streets, street_classes, block_class)
    total = round(TOTAL_HOUSEHOLDS * scale)
    housing = house(total, cut.blocks, block_parent, block_class, lanes, density, stream(seed, "slots"), stream(seed, "buildings"))
    return World(
        outline=outline,
        subdistrict_codes=[plan.code for plan in PLANS],
        community_codes=[code for group in members for code in group],
        community_parent=land.community_parent,
        cut=cut,
        block_dense=np.array([cls == DENSE for cls in block_class]),
        roads=roads,
        rivers=rivers,
        housing=housing,
        plates=door_plates(housing.footprints, roads.lines),
    )
