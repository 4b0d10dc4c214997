"""The two real rivers of 官渡区 that cross the demo, on synthetic courses.

Why these: 宝象河 and 海河 are real rivers of 官渡区 that flow south-west into 滇池.
Their demo courses follow that general direction through hand-placed control
points (CGCS2000 lon/lat, approximate) with seeded meanders; they are not surveyed
courses. Each course runs past the outline on the lake side and is clipped to it.
"""

from __future__ import annotations

import numpy as np
import shapely

RIVERS: tuple[tuple[str, tuple[tuple[float, float], ...]], ...] = (
    (
        "宝象河",
        (
            (102.905, 25.045),
            (102.862, 25.022),
            (102.822, 25.006),
            (102.786, 24.988),
            (102.756, 24.966),
            (102.726, 24.950),
            (102.690, 24.938),
            (102.640, 24.928),
        ),
    ),
    (
        "海河",
        (
            (102.797, 25.046),
            (102.776, 25.027),
            (102.762, 25.005),
            (102.741, 24.988),
            (102.716, 24.976),
            (102.688, 24.968),
            (102.650, 24.962),
        ),
    ),
)
STEP_M = 150.0
MEANDER_M = 110.0
MIN_PART_M = 300.0


def meander(points: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Densify a polyline and push it sideways by a smooth random offset (ends kept)."""
    line = shapely.LineString(points)
    distance = np.linspace(0, line.length, max(int(line.length / STEP_M), 2))
    base = shapely.get_coordinates(shapely.line_interpolate_point(line, distance))
    tangent = np.gradient(base, axis=0)
    normal = np.column_stack([-tangent[:, 1], tangent[:, 0]]) / np.hypot(*tangent.T)[:, None]
    offset = np.zeros(len(distance))
    for wavelength in (900.0, 2300.0, 5200.0):
        offset += np.sin(2 * np.pi * distance / wavelength + rng.uniform(0, 2 * np.pi)) * rng.uniform(0.3, 1.0)
    offset *= MEANDER_M / 1.5 * np.sin(np.pi * distance / line.length)  # fade to zero at both ends
    return base + normal * offset[:, None]


def river_lines(outline, control_xy: list[np.ndarray], rng: np.random.Generator) -> list[list]:
    """Per river, its clipped course as LineString parts inside the outline."""
    courses = []
    for points in control_xy:
        course = shapely.line_merge(shapely.intersection(shapely.LineString(meander(points, rng)), outline))
        courses.append([p for p in shapely.get_parts(course) if p.geom_type == "LineString" and p.length >= MIN_PART_M])
    return courses
