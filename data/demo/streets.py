"""Street grids inside each community.

Why per community: the community rules bound communities by streets, so a
community's own streets run from boundary to boundary and end at the boundary
roads in T-junctions. Each community gets a grid aligned with its own long axis
(fewer sliver blocks along its straight edges); rural grids are sparser, some of
their streets are dropped and many bend gently.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from data.demo.layout import DENSE, MEDIUM, SPARSE


@dataclass(frozen=True)
class StreetStyle:
    spacing_m: float
    curved_share: float  # share of streets that bend
    bend: float  # bend amplitude as a share of the spacing
    drop_share: float  # share of grid lines left out


STYLES = {
    DENSE: StreetStyle(spacing_m=230.0, curved_share=0.1, bend=0.06, drop_share=0.0),
    MEDIUM: StreetStyle(spacing_m=360.0, curved_share=0.3, bend=0.10, drop_share=0.05),
    SPARSE: StreetStyle(spacing_m=850.0, curved_share=0.7, bend=0.16, drop_share=0.25),
}
MIN_LENGTH_SHARE = 0.35  # street pieces shorter than this share of the spacing are dropped
BEND_POINTS = 48


def spacing_factor(scale: float) -> float:
    """How much wider the grids are at a reduced scale (fewer blocks, fewer roads)."""
    return float(min(scale, 1.0) ** -0.3)


def main_angle(polygon) -> float:
    """Direction (radians) of the longest side of the polygon's minimum rotated rectangle."""
    ring = np.asarray(shapely.oriented_envelope(polygon).exterior.coords)
    sides = np.diff(ring, axis=0)
    dx, dy = sides[np.argmax(np.hypot(sides[:, 0], sides[:, 1]))]
    return float(np.arctan2(dy, dx))


def community_streets(polygon, style: StreetStyle, factor: float, rng: np.random.Generator) -> list:
    """Street centre lines of one community, clipped to it, as LineStrings."""
    spacing = style.spacing_m * factor
    angle = main_angle(polygon)
    coords = shapely.get_coordinates(polygon)
    streets = []
    for theta in (angle, angle + np.pi / 2):
        u = np.array([np.cos(theta), np.sin(theta)])
        n = np.array([-u[1], u[0]])
        along, across = coords @ u, coords @ n
        lo, hi = across.min(), across.max()
        count = int((hi - lo) // spacing)
        if count < 1:
            continue
        offsets = lo + (hi - lo) * np.arange(1, count + 1) / (count + 1) + rng.uniform(-0.12, 0.12, count) * spacing
        for offset in offsets:
            if rng.random() < style.drop_share:
                continue
            line = _grid_line(u, n, along.min() - 1.0, along.max() + 1.0, offset, style, spacing, rng)
            streets.extend(_pieces_inside(line, polygon, MIN_LENGTH_SHARE * spacing))
    return streets


def _grid_line(u, n, start, end, offset, style: StreetStyle, spacing: float, rng: np.random.Generator):
    """A straight or gently bending line running along ``u`` at ``offset`` across it."""
    if rng.random() < style.curved_share:
        t = np.linspace(start, end, BEND_POINTS)
        cycles = rng.uniform(0.4, 1.4)
        phase = rng.uniform(0, 2 * np.pi)
        bend = style.bend * spacing * np.sin(2 * np.pi * cycles * (t - start) / (end - start) + phase)
    else:
        t = np.array([start, end])
        bend = np.zeros(2)
    return shapely.LineString(u[None, :] * t[:, None] + n[None, :] * (offset + bend)[:, None])


def _pieces_inside(line, polygon, min_length: float) -> list:
    inside = shapely.line_merge(shapely.intersection(line, polygon))
    return [part for part in shapely.get_parts(inside) if part.geom_type == "LineString" and part.length >= min_length]
