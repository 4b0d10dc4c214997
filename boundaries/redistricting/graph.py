"""The block adjacency graph: which blocks share an edge, how long, and what runs along it.

Blocks touching only at a point are not neighbours (a community must be one
territory, not two joined at a corner). Lengths are metres in EPSG:4543.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from boundaries.redistricting.inputs import LINE_CLASSES, RedistrictingInput
from gis import graphs
from gis.crs import STORAGE_CRS, measure_crs, reproject

#: Blocks closer than this (metres) touch: files from other tools are rarely noded exactly.
TOUCH_M = 0.2
#: A shared boundary shorter than this (metres) is a touch at a point, not an edge.
MIN_EDGE_M = 2.0
#: A block smaller than this (m²) is a sliver of the road network, not a place of its own.
SLIVER_M2 = 100.0
#: A line within this distance (metres) of a block edge runs along it.
LINE_SNAP_M = 3.0
#: Pieces of an edge near a line no longer than this are where the edge meets or crosses it, not runs along it.
STUB_M = 3 * LINE_SNAP_M


@dataclass
class BlockGraph:
    """Blocks as nodes ``0..n-1`` and shared edges as ``0..m-1``; arrays, not objects, for speed."""

    codes: list[str]
    subdistricts: np.ndarray  # str per block
    communities: list[str | None]  # current community per block
    households: np.ndarray
    dense: np.ndarray
    area: np.ndarray  # m²
    perimeter: np.ndarray  # m
    centroids: np.ndarray  # (n, 2) metres
    edge_u: np.ndarray
    edge_v: np.ndarray
    edge_length: np.ndarray  # m
    edge_class_length: np.ndarray  # (m, len(LINE_CLASSES)) metres of each line class along the edge
    edge_geoms: np.ndarray  # shapely lines in EPSG:4543
    geoms: np.ndarray  # block polygons in EPSG:4490 (for export)
    neighbours: list[list[tuple[int, int]]]  # per block: (other block, edge index)

    @property
    def size(self) -> int:
        return len(self.codes)

    def index_of(self) -> dict[str, int]:
        return {code: i for i, code in enumerate(self.codes)}

    def blocks_of(self, subdistrict: str) -> np.ndarray:
        return np.flatnonzero(self.subdistricts == subdistrict)

    def components(self, members) -> list[list[int]]:
        """Connected parts of the subgraph induced by ``members``, each sorted, largest first."""
        return graphs.components(self.size, self.edge_u, self.edge_v, members)

    def major_share(self, edges) -> np.ndarray:
        """Per edge, the share of its length along a river or arterial."""
        edges = np.asarray(edges, dtype=int)
        major = self.edge_class_length[edges, : LINE_CLASSES.index("arterial") + 1].sum(axis=1)
        return np.minimum(major / np.maximum(self.edge_length[edges], 1e-9), 1.0)


def build_graph(data: RedistrictingInput) -> BlockGraph:
    """Neighbours from exact shared boundaries (the blocks of a network polygonisation share edges)."""
    blocks = data.blocks
    polygons = reproject(np.asarray(blocks.geometry.array), STORAGE_CRS, measure_crs())
    polygons = shapely.make_valid(polygons)
    u, v, lengths, geoms = _shared_edges(polygons, blocks["subdistrict"].to_numpy(dtype=object))
    n = len(blocks)
    neighbours: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for e, (a, b) in enumerate(zip(u.tolist(), v.tolist(), strict=False)):
        neighbours[a].append((b, e))
        neighbours[b].append((a, e))
    centroids = shapely.get_coordinates(shapely.point_on_surface(polygons))
    return BlockGraph(
        codes=blocks["code"].tolist(),
        subdistricts=blocks["subdistrict"].to_numpy(dtype=object),
        communities=[c if isinstance(c, str) and c else None for c in blocks["community"]],  # pandas gives NaN for none
        households=blocks["households"].to_numpy(dtype=np.int64),
        dense=blocks["dense"].to_numpy(dtype=bool),
        area=shapely.area(polygons),
        perimeter=shapely.length(polygons),
        centroids=centroids,
        edge_u=u,
        edge_v=v,
        edge_length=lengths,
        edge_class_length=_class_lengths(geoms, data.lines),
        edge_geoms=geoms,
        geoms=np.asarray(blocks.geometry.array),
        neighbours=neighbours,
    )


def _shared_edges(polygons: np.ndarray, subdistricts: np.ndarray):
    """Shared sides: exact where the blocks are noded, else within ``TOUCH_M`` (sloppy files)."""
    tree = shapely.STRtree(polygons)
    left, right = tree.query(polygons, predicate="dwithin", distance=TOUCH_M)
    keep = left < right
    order = np.lexsort((right[keep], left[keep]))  # by block order, not the tree's: a subset keeps its edges' order
    left, right = left[keep][order], right[keep][order]
    rings = shapely.boundary(polygons)
    shared = shapely.line_merge(_lines_only(shapely.intersection(rings[left], rings[right])))
    lengths = shapely.length(shared)
    loose = lengths < MIN_EDGE_M
    if loose.any():
        near = shapely.buffer(polygons[right[loose]], TOUCH_M)
        approximate = shapely.line_merge(_lines_only(shapely.intersection(rings[left[loose]], near)))
        shared[loose] = approximate
        lengths[loose] = shapely.length(approximate)
    edge = lengths >= MIN_EDGE_M
    edge |= _touches_of_islands(left, right, lengths, edge, subdistricts, shapely.area(polygons))
    return left[edge].astype(np.int64), right[edge].astype(np.int64), lengths[edge], shared[edge]


def _touches_of_islands(left, right, lengths, edge, subdistricts: np.ndarray, area: np.ndarray) -> np.ndarray:
    """For a sliver (below ``SLIVER_M2``, e.g. a fraction of a square metre left by the road
    network) that touches no block of its own subdistrict by a side of ``MIN_EDGE_M`` or
    more, all its shorter touches inside the subdistrict, so that it is no island there: an
    island became a community of its own, of no households. Real blocks meeting at a
    corner stay apart."""
    same = subdistricts[left] == subdistricts[right]
    has_edge = np.zeros(len(subdistricts), dtype=bool)
    has_edge[left[edge & same]] = has_edge[right[edge & same]] = True
    island = ~has_edge & (area < SLIVER_M2)
    return same & (lengths > 0) & ~edge & (island[left] | island[right])


def _lines_only(geoms: np.ndarray) -> np.ndarray:
    """Drop the points of a mixed intersection (a corner touch next to a shared edge)."""
    out = geoms.copy()
    mixed = shapely.get_type_id(geoms) == 7
    for i in np.flatnonzero(mixed):
        parts = [g for g in shapely.get_parts(geoms[i]) if shapely.get_type_id(g) in (1, 5)]
        out[i] = shapely.multilinestrings(parts) if parts else shapely.from_wkt("LINESTRING EMPTY")
    return out


def _class_lengths(edges: np.ndarray, lines) -> np.ndarray:
    """Metres of each line class within ``LINE_SNAP_M`` of each edge; without lines, all zero (minor)."""
    table = np.zeros((len(edges), len(LINE_CLASSES)))
    if lines is None or not len(lines) or not len(edges):
        return table
    geoms = reproject(np.asarray(lines.geometry.array), STORAGE_CRS, measure_crs())
    classes = lines["line_class"].to_numpy()
    tree = shapely.STRtree(edges)
    line_index, edge_index = tree.query(geoms, predicate="dwithin", distance=LINE_SNAP_M)
    if not len(line_index):
        return table
    buffers = shapely.buffer(geoms, LINE_SNAP_M, cap_style="flat")
    covered = _along(shapely.intersection(edges[edge_index], buffers[line_index]))
    for k, name in enumerate(LINE_CLASSES):
        rows = classes[line_index] == name
        np.add.at(table[:, k], edge_index[rows], covered[rows])
    lengths = shapely.length(edges)
    return np.minimum(table, lengths[:, None])


def _along(pieces: np.ndarray) -> np.ndarray:
    """Length of each edge-within-buffer intersection, without the short stubs of edges that only meet the line.

    An edge ending at a road, or crossing it, lies within the snap distance for a few
    metres only; it does not run along the road and gets no credit for it.
    """
    parts, owner = shapely.get_parts(pieces, return_index=True)
    lengths = shapely.length(parts)
    keep = lengths > STUB_M
    return np.bincount(owner[keep], weights=lengths[keep], minlength=len(pieces))
