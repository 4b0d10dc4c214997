"""Which way a boundary line runs and which unit lies on its left.

Markers are numbered west→east or north→south (GB/T 17796 practice), so the line is
drawn the same way: west→east when it is wider than tall, else north→south. Left and
right are then read from the side each unit lies on, walking from start to end.
"""

from __future__ import annotations

import numpy as np
import shapely


def runs_west_east(line) -> bool:
    minx, miny, maxx, maxy = line.bounds
    return (maxx - minx) >= (maxy - miny)


def orient_parts(line) -> list:
    """The parts of ``line`` each drawn in the line's direction, ordered along it."""
    west_east = runs_west_east(line)
    parts = []
    for part in shapely.get_parts(line):
        (x0, y0), (x1, y1) = part.coords[0][:2], part.coords[-1][:2]
        backwards = x0 > x1 if west_east else y0 < y1
        parts.append(part.reverse() if backwards else part)
    key = (lambda p: p.coords[0][0]) if west_east else (lambda p: -p.coords[0][1])
    return sorted(parts, key=key)


def left_votes(parts, unit_a, unit_b, probe_m: float) -> tuple[float, float]:
    """Length of line (metres) with unit a, and with unit b, on its left."""
    votes_a = votes_b = 0.0
    for part in parts:
        xy = np.asarray(part.coords)[:, :2]
        delta = xy[1:] - xy[:-1]
        lengths = np.hypot(delta[:, 0], delta[:, 1])
        keep = lengths > 0
        if not keep.any():
            continue
        delta, lengths, middle = delta[keep], lengths[keep], ((xy[1:] + xy[:-1]) / 2)[keep]
        left = np.column_stack([-delta[:, 1], delta[:, 0]]) / lengths[:, None]
        probes = shapely.points(middle + left * probe_m)
        votes_a += float(lengths[shapely.contains_xy(unit_a, *shapely.get_coordinates(probes).T)].sum())
        votes_b += float(lengths[shapely.contains_xy(unit_b, *shapely.get_coordinates(probes).T)].sum())
    return votes_a, votes_b
