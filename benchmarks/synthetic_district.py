"""Synthetic districts for the redistricting benchmark: an irregular road grid, a river, heavy-tailed households.

Why: the demo district has one size and few arterials along block edges, so it cannot
show how the generators scale or whether boundaries follow roads. These districts
come in any size (about 300, 2,000 or 20,000 blocks), are reproducible from a seed,
and are built the way real blocks are: the faces of a road network.

* Roads: a jittered, smoothly warped grid; about every sixth line is an arterial, the
  line halfway between two arterials is secondary, the rest are local, and some local
  segments are left out (larger, irregular blocks and dead ends).
* River: one grid line becomes a meandering river (bridges where roads cross it).
* Households: most blocks 50-800 (log-normal, larger blocks hold more); inside a few
  dense areas most blocks are high-rise estates of 1,500-4,000 households, all flagged
  ``dense``; a few high-rise blocks stand elsewhere too (not dense).
* Subdistricts: unions of the faces between arterials and the river (so subdistrict
  boundaries run on arterials or the river), each with at least 20,000 households and a
  planner's target count that the household bounds allow.

Run:  .venv/bin/python benchmarks/synthetic_district.py 2000 --seed 1 --out district.gpkg
(then ``diming redistrict --blocks district.gpkg --out plan.gpkg``).
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from boundaries.redistricting import RedistrictingInput, Rules, from_frames
from gis.crs import STORAGE_CRS, measure_crs, reproject

#: South-west corner of the district in EPSG:4543 metres (east of 官渡区, so nothing real is implied).
ORIGIN_M = (575_000.0, 2_760_000.0)
#: Mean distance between neighbouring grid lines (metres).
SPACING_M = 170.0
#: Share of local road segments left out, and the face count that leaves per grid cell.
DROP_LOCAL = 0.15
FACES_PER_CELL = 0.82
#: Arterials come every ARTERIAL_GAP lines (one of these gaps, at random).
ARTERIAL_GAP = (5, 6, 7)
#: Blocks per subdistrict, roughly; a subdistrict needs at least this many households.
BLOCKS_PER_SUBDISTRICT = 150
MIN_SUBDISTRICT_HOUSEHOLDS = 20_000
#: The rules the benchmark uses (docs/redistricting.md defaults).
RULES = (5_000, 10_000, 20_000)


@dataclass
class SyntheticDistrict:
    """Blocks (EPSG:4490: code, subdistrict, households, dense) and lines (class), with the targets."""

    blocks: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame  # class: arterial / secondary / local
    river: gpd.GeoDataFrame
    targets: dict[str, tuple[int, int]]
    seed: int

    def input(self) -> RedistrictingInput:
        return from_frames(self.blocks, self.roads, self.river)

    def rules(self) -> Rules:
        low, high, dense = RULES
        return Rules(low, high, dense, targets=dict(self.targets))

    def write_gpkg(self, path: str | Path) -> Path:
        """Layers ``blocks`` and ``roads`` (the river as class ``river``), as ``diming redistrict --blocks`` reads them."""
        path = Path(path)
        path.unlink(missing_ok=True)
        self.blocks.to_file(path, layer="blocks", driver="GPKG")
        river = self.river.assign(**{"class": "river"})
        lines = gpd.GeoDataFrame(
            {"class": list(self.roads["class"]) + list(river["class"])},
            geometry=list(self.roads.geometry) + list(river.geometry),
            crs=self.roads.crs,
        )
        lines.to_file(path, layer="roads", driver="GPKG")
        return path


def synthetic_district(blocks: int = 2000, seed: int = 0) -> SyntheticDistrict:
    """A district of about ``blocks`` blocks; the same size and seed give the same district."""
    rng = np.random.default_rng([seed, blocks])
    side = max(6, round(math.sqrt(blocks / FACES_PER_CELL)))
    nodes = _nodes(side, rng)
    river_row = int(rng.integers(side // 3, 2 * side // 3 + 1))
    nodes = _meander(nodes, river_row, rng)
    arterial_cols, arterial_rows = _arterials(side, rng), _arterials(side, rng)
    segments, classes = _segments(nodes, arterial_cols, arterial_rows, river_row, rng)
    is_river = classes == "river"
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(shapely.union_all(segments))))
    faces = faces[shapely.area(faces) > 1.0]
    majors = segments[np.isin(classes, ("arterial", "river"))]
    river = shapely.line_merge(shapely.union_all(segments[is_river]))
    subdistricts = _subdistricts(faces, majors, river)
    households, dense = _households(faces, rng)
    subdistricts = _merge_small(faces, subdistricts, households)
    centres = shapely.get_coordinates(shapely.centroid(faces))
    order = np.lexsort((centres[:, 0], -np.round(centres[:, 1], -2)))  # codes north to south, west to east
    faces, subdistricts, households, dense = faces[order], subdistricts[order], households[order], dense[order]
    codes = np.unique(subdistricts)
    names = {old: f"S{i + 1:02d}" for i, old in enumerate(sorted(codes, key=lambda c: np.flatnonzero(subdistricts == c)[0]))}
    sub_codes = np.array([names[s] for s in subdistricts])
    frame = gpd.GeoDataFrame(
        {"code": [f"B{i + 1:05d}" for i in range(len(faces))], "subdistrict": sub_codes, "households": households, "dense": dense},
        geometry=_to_storage(faces),
        crs=STORAGE_CRS,
    )
    roads = gpd.GeoDataFrame({"class": classes[~is_river]}, geometry=_to_storage(segments[~is_river]), crs=STORAGE_CRS)
    river = gpd.GeoDataFrame({"name": ["river"]}, geometry=_to_storage([river]), crs=STORAGE_CRS)
    return SyntheticDistrict(frame, roads, river, _targets(frame), seed)


def _to_storage(geoms) -> np.ndarray:
    return reproject(np.asarray(geoms, dtype=object), measure_crs(), STORAGE_CRS)


def _nodes(side: int, rng: np.random.Generator) -> np.ndarray:
    """(side+1, side+1, 2) crossing points: irregular gaps, jitter, and a smooth warp (curving roads)."""
    gaps = lambda: np.concatenate([[0.0], np.cumsum(rng.uniform(0.65, 1.35, side) * SPACING_M)])  # noqa: E731
    xs, ys = gaps(), gaps()
    x, y = np.meshgrid(xs, ys, indexing="ij")
    jitter = rng.uniform(-0.15, 0.15, (2, side + 1, side + 1)) * SPACING_M
    x, y = x + jitter[0], y + jitter[1]
    wave = 25 * SPACING_M
    phase = rng.uniform(0, 2 * math.pi, 2)
    warped_x = x + 1.5 * SPACING_M * np.sin(2 * math.pi * y / wave + phase[0])
    warped_y = y + 1.5 * SPACING_M * np.sin(2 * math.pi * x / wave + phase[1])
    return np.stack([warped_x + ORIGIN_M[0], warped_y + ORIGIN_M[1]], axis=-1)


def _meander(nodes: np.ndarray, row: int, rng: np.random.Generator) -> np.ndarray:
    """Bend the river row (and, fading out, its neighbours) into meanders; rows never cross."""
    out = nodes.copy()
    columns = np.arange(nodes.shape[0])
    bend = SPACING_M * np.sin(2 * math.pi * columns / rng.uniform(7, 11) + rng.uniform(0, 2 * math.pi))
    for j in range(nodes.shape[1]):
        weight = math.exp(-(((j - row) / 4.0) ** 2))
        if 0 < j < nodes.shape[1] - 1:
            out[:, j, 1] += weight * bend
    return out


def _arterials(side: int, rng: np.random.Generator) -> set[int]:
    lines, at = {0, side}, 0
    while True:
        at += int(rng.choice(ARTERIAL_GAP))
        if at >= side - 2:
            return lines
        lines.add(at)


def _segments(nodes, arterial_cols, arterial_rows, river_row, rng):
    """Grid segments with their class; local segments dropped at random; the river row gets extra bends."""
    side = nodes.shape[0] - 1
    geoms, classes = [], []

    def line_class(index: int, arterials: set[int], outer: bool) -> str:
        if outer or index in arterials:
            return "arterial"
        below = max(a for a in arterials if a <= index)
        above = min(a for a in arterials if a > index)
        return "secondary" if index == (below + above) // 2 else "local"

    for i in range(side + 1):  # lines of constant i run south-north
        kind = line_class(i, arterial_cols, i in (0, side))
        for j in range(side):
            if kind == "local" and rng.random() < DROP_LOCAL:
                continue
            geoms.append(shapely.LineString([nodes[i, j], nodes[i, j + 1]]))
            classes.append(kind)
    for j in range(side + 1):  # lines of constant j run west-east
        kind = "river" if j == river_row else line_class(j, arterial_rows, j in (0, side))
        for i in range(side):
            if kind == "local" and rng.random() < DROP_LOCAL:
                continue
            a, b = nodes[i, j], nodes[i + 1, j]
            if kind == "river":  # a few bends between bridges
                t = np.linspace(0, 1, 5)[1:-1]
                normal = np.array([-(b - a)[1], (b - a)[0]]) / max(np.hypot(*(b - a)), 1e-9)
                inner = a + t[:, None] * (b - a) + rng.uniform(-0.08, 0.08, (3, 1)) * SPACING_M * normal
                geoms.append(shapely.LineString(np.vstack([a, inner, b])))
            else:
                geoms.append(shapely.LineString([a, b]))
            classes.append(kind)
    return np.array(geoms, dtype=object), np.array(classes)


def _subdistricts(faces, majors, river) -> np.ndarray:
    """Group label per face: the areas between arterials and the river, gathered into rectangles."""
    areas = shapely.get_parts(shapely.polygonize(shapely.get_parts(shapely.union_all(majors))))
    areas = areas[shapely.area(areas) > 1.0]
    xy = shapely.get_coordinates(shapely.point_on_surface(faces))
    owner = np.full(len(faces), -1)
    tree = shapely.STRtree(areas)
    point, area = tree.query(shapely.points(xy), predicate="within")
    owner[point] = area
    centres = shapely.get_coordinates(shapely.point_on_surface(areas))
    wanted = max(2, round(len(faces) / BLOCKS_PER_SUBDISTRICT))
    across = max(1, round(math.sqrt(wanted / 1.5)))
    x0, y0 = centres.min(axis=0)
    x1, y1 = centres.max(axis=0) + 1.0
    col = np.floor((centres[:, 0] - x0) / (x1 - x0) * across).astype(int)
    row = np.floor((centres[:, 1] - y0) / (y1 - y0) * across).astype(int)
    river_side = _north_of_river(centres, river)
    label = (col * across + row) * 2 + river_side
    return label[owner]


def _north_of_river(points: np.ndarray, river) -> np.ndarray:
    """1 for points north of the (west-east) river: a ray due south crosses it an odd number of times."""
    south = min(shapely.bounds(river)[1], points[:, 1].min()) - 1.0
    rays = shapely.linestrings([[(x, y), (x, south)] for x, y in points])
    hits = shapely.intersection(rays, river)
    crossings = np.where(shapely.is_empty(hits), 0, shapely.get_num_geometries(hits))
    return (crossings % 2).astype(int)


def _households(faces, rng) -> tuple[np.ndarray, np.ndarray]:
    """Heavy-tailed households per block: log-normal 50-800, high-rise 1,500-4,000 in dense areas."""
    n = len(faces)
    area = shapely.area(faces)
    xy = shapely.get_coordinates(shapely.point_on_surface(faces))
    base = rng.lognormal(math.log(260), 0.6, n) * np.sqrt(area / np.median(area))
    households = np.clip(base, 50, 800)
    x0, y0 = xy.min(axis=0)
    x1, y1 = xy.max(axis=0)
    dense = np.zeros(n, dtype=bool)
    for _ in range(max(1, n // 1500)):
        centre = rng.uniform([x0 + 0.2 * (x1 - x0), y0 + 0.2 * (y1 - y0)], [x1 - 0.2 * (x1 - x0), y1 - 0.2 * (y1 - y0)])
        radius = SPACING_M * rng.uniform(4.0, 6.0)
        dense |= np.hypot(*(xy - centre).T) < radius
    high_rise = (dense & (rng.random(n) < 0.6)) | (~dense & (rng.random(n) < 0.02))
    households[high_rise] = rng.uniform(1500, 4000, int(high_rise.sum()))
    return np.round(households).astype(int), dense


def _merge_small(faces, labels, households) -> np.ndarray:
    """Join every group of faces with too few households (or in separate pieces) to the neighbour it shares most with."""
    labels = labels.copy()
    tree = shapely.STRtree(faces)
    left, right = tree.query(faces, predicate="touches")
    keep = left < right
    left, right = left[keep], right[keep]
    shared = shapely.length(shapely.intersection(shapely.boundary(faces[left]), shapely.boundary(faces[right])))
    left, right, shared = left[shared > 1.0], right[shared > 1.0], shared[shared > 1.0]
    while True:
        pieces = _pieces(labels, left, right)
        totals = np.bincount(pieces, weights=households)
        sizes = np.bincount(pieces)
        # the biggest piece of each label keeps it; smaller pieces and small labels merge
        piece_label = np.zeros(len(totals), dtype=labels.dtype)
        piece_label[pieces] = labels
        biggest = {}
        for piece in np.argsort(-totals):
            biggest.setdefault(piece_label[piece], piece)
        small = [p for p in range(len(totals)) if sizes[p] and (totals[p] < MIN_SUBDISTRICT_HOUSEHOLDS or biggest[piece_label[p]] != p)]
        if not small:
            return labels
        piece = min(small, key=lambda p: (totals[p], p))
        inside = pieces == piece
        border = inside[left] != inside[right]
        weights: dict[int, float] = {}
        for a, b, length in zip(left[border], right[border], shared[border], strict=False):
            other = b if inside[a] else a
            weights[int(labels[other])] = weights.get(int(labels[other]), 0.0) + float(length)
        if not weights:
            return labels
        labels[inside] = max(weights, key=lambda k: (weights[k], -k))


def _pieces(labels, left, right) -> np.ndarray:
    """Connected piece id per face, faces joined when they share an edge and a label."""
    parent = np.arange(len(labels))

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a, b in zip(left.tolist(), right.tolist(), strict=False):
        if labels[a] == labels[b]:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    roots = np.array([find(a) for a in range(len(labels))])
    return np.unique(roots, return_inverse=True)[1]


def _targets(blocks: gpd.GeoDataFrame) -> dict[str, tuple[int, int]]:
    """A planner's count per subdistrict: about 6,000-9,000 households each, within what the bounds allow."""
    low_h, high_h, dense_h = RULES
    out = {}
    for code, group in blocks.groupby("subdistrict"):
        total = int(group["households"].sum())
        ceiling = dense_h if group["dense"].all() else high_h
        fewest, most = math.ceil(total / ceiling), total // low_h
        low = min(max(fewest, math.ceil(total / 9000)), most)
        high = max(min(most, total // 6000), low)
        out[code] = (low, high)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("blocks", type=int, nargs="?", default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="write a GeoPackage (layers blocks, roads)")
    args = parser.parse_args()
    district = synthetic_district(args.blocks, args.seed)
    b = district.blocks
    print(
        f"{len(b)} blocks, {b['subdistrict'].nunique()} subdistricts, {int(b['households'].sum())} households, "
        f"{int(b['dense'].sum())} dense blocks; targets {district.targets}"
    )
    if args.out:
        print(f"written {district.write_gpkg(args.out)}")


if __name__ == "__main__":
    main()
