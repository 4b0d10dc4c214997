"""Where the two outlines of one shared edge disagree, and by how much.

Each neighbour drew the edge its own way; the report says how far apart the two
drawings are (largest, mean, and the stretches beyond a threshold, with chainage
along the clean line) and how much area falls between them: overlap (claimed by
both) and gap (claimed by neither), in m². Metres throughout (EPSG:4543).
"""

from __future__ import annotations

import numpy as np
import shapely


def sample_distances(line, other, step_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Points every ``step_m`` along ``line`` and each one's distance to ``other``."""
    points = []
    for part in shapely.get_parts(line):
        dense = shapely.segmentize(part, step_m)
        points.append(np.asarray(dense.coords)[:, :2])
    xy = np.vstack(points) if points else np.empty((0, 2))
    distances = shapely.distance(shapely.points(xy), other) if len(xy) else np.empty(0)
    return xy, np.asarray(distances, dtype=float)


def between_areas(side_a, side_b, unit_a, unit_b) -> dict:
    """Areas enclosed between the two drawings: overlap (in both units) and gap (in neither)."""
    noded = shapely.union_all([side_a, side_b, *_end_links(side_a, side_b), *_end_links(side_b, side_a)])
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    overlap = gap = largest = 0.0
    for face in faces:
        inside = face.representative_point()
        area = face.area
        in_a, in_b = unit_a.contains(inside), unit_b.contains(inside)
        if in_a and in_b:
            overlap += area
        elif not in_a and not in_b:
            gap += area
        else:
            continue
        largest = max(largest, area)
    return {"overlap_m2": round(overlap, 1), "gap_m2": round(gap, 1), "largest_sliver_m2": round(largest, 1)}


def _end_links(line, other) -> list:
    """Short segments from each end of ``line`` to ``other``, closing the faces between them."""
    ends = [shapely.Point(c) for part in shapely.get_parts(line) for c in (part.coords[0], part.coords[-1])]
    return [shapely.shortest_line(end, other) for end in ends if shapely.distance(end, other) > 0]


def stretches(clean, xy: np.ndarray, distances: np.ndarray, threshold_m: float) -> list[dict]:
    """Runs of samples farther apart than ``threshold_m``, by chainage along ``clean``."""
    if len(xy) == 0:
        return []
    chainage = np.asarray(shapely.line_locate_point(clean, shapely.points(xy)), dtype=float)
    order = np.argsort(chainage)
    chainage, distances, xy = chainage[order], distances[order], xy[order]
    out: list[dict] = []
    run: list[int] = []
    for k, far in enumerate(distances > threshold_m):
        if far:
            run.append(k)
        elif run:
            out.append(_stretch(run, chainage, distances, xy))
            run = []
    if run:
        out.append(_stretch(run, chainage, distances, xy))
    return out


def _stretch(run: list[int], chainage, distances, xy) -> dict:
    worst = run[int(np.argmax(distances[run]))]
    return {
        "from_m": round(float(chainage[run[0]]), 1),
        "to_m": round(float(chainage[run[-1]]), 1),
        "max_m": round(float(distances[worst]), 2),
        "mean_m": round(float(np.mean(distances[run])), 2),
        "worst_at": (float(xy[worst][0]), float(xy[worst][1])),
    }
