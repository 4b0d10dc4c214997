"""Which stretch of each unit's outline faces which neighbour.

Why probes and not a plain buffer intersection: real outlines of neighbours do not
match vertex for vertex, and a buffer test also catches the first metres of the
outline past a triple junction or along the outside edge of the map. Here each
short piece of a unit's outline is tested by a probe point set ``tolerance``
metres outward (to the right of a counter-clockwise exterior ring): the piece faces
the neighbour the probe falls in, provided that neighbour's outline is within the
tolerance. All geometry is in metres (EPSG:4543).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.polygon import orient


@dataclass(frozen=True)
class Unit:
    """A unit taking part in line building: code, name, polygon in metres."""

    code: str
    name: str
    geom: shapely.Geometry


def _rings(polygonal) -> list[np.ndarray]:
    """Coordinates of every ring, exteriors counter-clockwise, holes clockwise."""
    rings = []
    for polygon in shapely.get_parts(polygonal):
        polygon = orient(polygon, 1.0)
        rings.append(np.asarray(polygon.exterior.coords)[:, :2])
        rings.extend(np.asarray(hole.coords)[:, :2] for hole in polygon.interiors)
    return rings


def facing_pieces(units: list[Unit], tolerance_m: float, step_m: float) -> dict[tuple[int, int], object]:
    """For each ordered pair (i, j), the part of unit i's outline that faces unit j.

    Returns a MultiLineString/LineString per pair (metres), merged into as few
    parts as the outline allows.
    """
    geoms = [u.geom for u in units]
    tree = shapely.STRtree(geoms)
    outlines = [shapely.boundary(g) for g in geoms]
    found: dict[tuple[int, int], list] = {}
    for i, unit in enumerate(units):
        for ring in _rings(unit.geom):
            line = shapely.segmentize(shapely.LineString(ring), step_m)
            xy = np.asarray(line.coords)[:, :2]
            start, end = xy[:-1], xy[1:]
            delta = end - start
            lengths = np.hypot(delta[:, 0], delta[:, 1])
            keep = lengths > 0
            start, end, delta, lengths = start[keep], end[keep], delta[keep], lengths[keep]
            if len(start) == 0:
                continue
            normal = np.column_stack([delta[:, 1], -delta[:, 0]]) / lengths[:, None]
            middle = (start + end) / 2
            probes = shapely.points(middle + normal * tolerance_m)
            mids = shapely.points(middle)
            labels = np.full(len(start), -1)
            probe_idx, unit_idx = tree.query(probes, predicate="intersects")
            for j in np.unique(unit_idx):
                if j == i:
                    continue
                candidates = probe_idx[(unit_idx == j)]
                candidates = candidates[labels[candidates] == -1]
                close = shapely.dwithin(mids[candidates], outlines[j], tolerance_m)
                labels[candidates[close]] = j
            _collect_runs(i, labels, start, end, found)
    return {pair: shapely.line_merge(shapely.multilinestrings(parts)) for pair, parts in found.items()}


def _collect_runs(i: int, labels: np.ndarray, start: np.ndarray, end: np.ndarray, found: dict) -> None:
    """Group consecutive pieces with the same neighbour into linestrings."""
    n = len(labels)
    k = 0
    while k < n:
        j = labels[k]
        m = k
        while m + 1 < n and labels[m + 1] == j:
            m += 1
        if j >= 0:
            coords = np.vstack([start[k : m + 1], end[m : m + 1]])
            found.setdefault((i, int(j)), []).append(shapely.LineString(coords))
        k = m + 1
