"""Boundary lines from adjacent unit polygons: one clean line per pair of neighbours.

The steps: find the stretch of each outline that faces each neighbour
(``matching``), draw the clean line half-way between the two drawings, drop
fragments shorter than ``min_part_m`` (corner noise at triple junctions), orient
the line (``orientation``) and report where the two drawings disagree
(``disagreement``). Input and output geometries are CGCS2000 lon/lat; all
measuring happens in EPSG:4543 metres.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely

from gis.crs import STORAGE_CRS, measure_crs, reproject
from gis.errors import InvalidInput

from ..metric import to_metric
from . import bridging, disagreement, orientation
from .matching import Unit, facing_pieces


@dataclass(frozen=True)
class BuildOptions:
    """How forgiving the matching is, in metres."""

    tolerance_m: float = 25.0
    step_m: float = 10.0
    min_part_m: float | None = None  # default: twice the tolerance
    report_threshold_m: float = 1.0

    def __post_init__(self):
        if not (self.tolerance_m > 0 and self.step_m > 0 and self.report_threshold_m >= 0):
            raise InvalidInput("容差、步长须为正数", "tolerance and step must be positive numbers")

    @property
    def shortest_part_m(self) -> float:
        return 2 * self.tolerance_m if self.min_part_m is None else self.min_part_m


@dataclass
class BuiltLine:
    left_code: str
    left_name: str
    right_code: str
    right_name: str
    geom: shapely.Geometry  # MultiLineString, lon/lat
    length_m: float
    parts: int
    disagreement: dict = field(default_factory=dict)


def build_lines(units: list[tuple[str, str, object]], options: BuildOptions | None = None) -> list[BuiltLine]:
    """Lines between every pair of neighbours among ``units`` = [(code, name, polygon lon/lat)]."""
    options = options or BuildOptions()
    prepared = _prepare(units)
    pieces = facing_pieces(prepared, options.tolerance_m, options.step_m)
    lines = []
    tree = shapely.STRtree([u.geom for u in prepared])
    for i, j in sorted({tuple(sorted(pair)) for pair in pieces}):
        sides = shapely.union_all([pieces.get((i, j)), pieces.get((j, i))])
        near = tree.query(sides, predicate="dwithin", distance=3 * options.tolerance_m)
        others = [prepared[k].geom for k in near if k not in (i, j)]
        line = _pair_line(prepared[i], prepared[j], pieces.get((i, j)), pieces.get((j, i)), options, others)
        if line is not None:
            lines.append(line)
    return sorted(lines, key=lambda line: (line.left_code, line.right_code))


def _prepare(units) -> list[Unit]:
    prepared, seen = [], set()
    for code, name, geom in units:
        if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
            raise InvalidInput(f"单元 {code} 没有面几何", f"Unit {code} has no polygon geometry")
        if code in seen:
            raise InvalidInput(f"单元代码 {code} 重复", f"Unit code {code} appears twice")
        seen.add(code)
        metric = shapely.make_valid(to_metric(geom))
        metric = shapely.union_all([p for p in shapely.get_parts(metric) if p.geom_type == "Polygon"])
        prepared.append(Unit(str(code), str(name), metric))
    return prepared


def _midline(side_a, side_b, step_m: float):
    """Half-way between the two drawings: each sample of a moved to the middle of its gap to b."""
    parts = []
    for part in shapely.get_parts(side_a):
        xy = np.asarray(shapely.segmentize(part, step_m).coords)[:, :2]
        nearest = shapely.get_coordinates(shapely.shortest_line(shapely.points(xy), side_b))[1::2]
        parts.append(shapely.LineString((xy + nearest) / 2))
    merged = shapely.line_merge(shapely.multilinestrings(parts))
    return shapely.simplify(merged, 0.05)


def _pair_line(a: Unit, b: Unit, side_a, side_b, options: BuildOptions, others: list) -> BuiltLine | None:
    side_a = side_a if side_a is not None else shapely.boundary(a.geom).intersection(b.geom.buffer(options.tolerance_m))
    side_b = side_b if side_b is not None else shapely.boundary(b.geom).intersection(a.geom.buffer(options.tolerance_m))
    if side_a.is_empty or side_b.is_empty:
        return None
    clean = _midline(side_a, side_b, options.step_m)
    joined, breaks = bridging.bridge(list(shapely.get_parts(clean)), 3 * options.tolerance_m, others, options.tolerance_m)
    kept = [p for p in joined if p.length >= options.shortest_part_m]
    if not kept:
        return None
    parts = orientation.orient_parts(shapely.multilinestrings(kept))
    votes_a, votes_b = orientation.left_votes(parts, a.geom, b.geom, max(options.tolerance_m, 1.0))
    left, right = (a, b) if votes_a >= votes_b else (b, a)
    metric = shapely.multilinestrings(parts)
    report = _report(metric, side_a, side_b, a, b, options)
    report["bridged_breaks"] = [{"gap_m": gap["gap_m"], "at": _lonlat(gap["from"])} for gap in breaks]
    return BuiltLine(
        left_code=left.code,
        left_name=left.name,
        right_code=right.code,
        right_name=right.name,
        geom=reproject(metric, measure_crs(), STORAGE_CRS),
        length_m=round(float(metric.length), 1),
        parts=len(parts),
        disagreement=report,
    )


def _report(clean, side_a, side_b, a: Unit, b: Unit, options: BuildOptions) -> dict:
    """Distances between the two drawings both ways, and the areas between them."""
    xy_a, d_a = disagreement.sample_distances(side_a, side_b, options.step_m)
    xy_b, d_b = disagreement.sample_distances(side_b, side_a, options.step_m)
    xy, distances = np.vstack([xy_a, xy_b]), np.concatenate([d_a, d_b])
    xy, distances = _without_overhang(clean, xy, distances)
    if len(distances) == 0:
        return {}
    worst = int(np.argmax(distances))
    stretches = disagreement.stretches(clean, xy, distances, options.report_threshold_m)
    for stretch in stretches:
        stretch["worst_at"] = _lonlat(stretch["worst_at"])
    return {
        "tolerance_m": options.tolerance_m,
        "threshold_m": options.report_threshold_m,
        "max_m": round(float(distances[worst]), 2),
        "mean_m": round(float(distances.mean()), 2),
        "p95_m": round(float(np.percentile(distances, 95)), 2),
        "worst_at": _lonlat(xy[worst]),
        "length_a_m": round(float(side_a.length), 1),
        "length_b_m": round(float(side_b.length), 1),
        **disagreement.between_areas(side_a, side_b, a.geom, b.geom),
        "stretches": stretches,
    }


def _without_overhang(clean, xy, distances):
    """Drop samples beyond the ends of the clean line: one drawing simply runs on
    a little further into the triple junction; that is not a disagreement."""
    if len(xy) == 0:
        return xy, distances
    points = shapely.points(xy)
    ends = shapely.multipoints([c for p in shapely.get_parts(clean) for c in (p.coords[0], p.coords[-1])])
    overhang = (shapely.distance(points, ends) <= shapely.distance(points, clean) + 1e-6) & (distances > 0)
    return xy[~overhang], distances[~overhang]


def _lonlat(xy) -> list[float]:
    point = reproject(shapely.Point(float(xy[0]), float(xy[1])), measure_crs(), STORAGE_CRS)
    return [round(point.x, 7), round(point.y, 7)]
