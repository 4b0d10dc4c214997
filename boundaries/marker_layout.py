"""Where a synthetic marker set stands, and of which type (geometry only, in metres).

A marker stands on the line (single, ``Q``) unless the line runs along or across
something too wide to set a post in — a river, a wide road. Then a pair shares the
serial (``A``/``B``):

* the line **follows** the feature: one marker on each side of it, square to the
  line, ``A`` on the side of the unit with the smaller code;
* the line **crosses** the feature: one marker on each bank, on the line, ``A`` on
  the bank nearer the line's start (west or north).

Where an end of the line is a **tri-point** (three units meet), the set there is a
triple (``C``/``D``/``E``), one marker just inside each unit, ``C`` in the unit with
the smallest code. Only one of the lines meeting there carries it (the one with the
smallest line code); the others leave that end to it.

Serials still run along the line (which is drawn west→east or north→south).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely

PAIR_CLEARANCE_M = 3.0  # how far beyond the edge of the feature a paired marker stands
FOLLOW_ANGLE_DEG = 45.0  # a feature closer to the line's direction than this is followed, else crossed
TRIPLE_INSET_M = 12.0  # how far inside each unit a triple marker stands


@dataclass(frozen=True)
class WideFeature:
    """A river or road too wide for a marker on the line (``geom`` in metres)."""

    name: str
    kind: str
    width_m: float
    geom: shapely.Geometry


@dataclass(frozen=True)
class TriPoint:
    """An end of the line where three units meet: their codes and outlines (metres)."""

    end: str  # "start" or "end"
    units: tuple[tuple[str, shapely.Geometry], ...]
    carries_set: bool  # False: another line meeting here carries the triple set


@dataclass
class PlannedMarker:
    serial: int
    marker_type: str
    letter: str
    point: shapely.Geometry  # metres
    responsible_code: str | None
    note: str = ""
    chainage_m: float = 0.0


def _unit(vector) -> np.ndarray:
    vector = np.asarray(vector, dtype=float)
    norm = float(np.hypot(*vector))
    return vector / norm if norm else np.array([1.0, 0.0])


def tangent(line, chainage: float, step: float = 5.0) -> np.ndarray:
    """Unit direction of ``line`` at ``chainage`` (metres along it)."""
    a = line.interpolate(max(chainage - step, 0.0))
    b = line.interpolate(min(chainage + step, line.length))
    return _unit((b.x - a.x, b.y - a.y))


def _feature_direction(feature_geom, point) -> np.ndarray:
    parts = list(shapely.get_parts(feature_geom))
    nearest = min(parts, key=lambda p: p.distance(point))
    return tangent(nearest, nearest.project(point))


def angle_between(a: np.ndarray, b: np.ndarray) -> float:
    """Angle between two undirected directions, 0–90°."""
    return math.degrees(math.acos(min(1.0, abs(float(a @ b)))))


def turn_chainages(line, turn_deg: float) -> list[float]:
    """Chainages of the turns sharper than ``turn_deg`` on the line generalised to 20 m."""
    corners = np.asarray(shapely.simplify(line, 20.0).coords)[:, :2]
    out = []
    for k in range(1, len(corners) - 1):
        before, after = corners[k] - corners[k - 1], corners[k + 1] - corners[k]
        turn = abs(math.degrees(math.atan2(before[0] * after[1] - before[1] * after[0], before @ after)))
        if turn >= turn_deg:
            out.append(float(line.project(shapely.Point(corners[k]))))
    return out


def _both_sides(feature: WideFeature, point, direction: np.ndarray) -> bool:
    """Whether the feature goes on past the line at ``point`` (a crossing, not a T-junction)."""
    near = shapely.intersection(feature.geom, point.buffer(feature.width_m / 2 + 10.0))
    ends = shapely.get_coordinates(shapely.boundary(near)) if not near.is_empty else np.empty((0, 2))
    sides = {
        np.sign(direction[0] * (y - point.y) - direction[1] * (x - point.x))
        for x, y in ends[:, :2]
        if abs(direction[0] * (y - point.y) - direction[1] * (x - point.x)) > 1.0
    }
    return sides == {-1.0, 1.0}


def crossings(line, features: list[WideFeature]) -> list[tuple[float, float]]:
    """(chainage, width) where a wide feature crosses the line (not where the line follows it)."""
    found = []
    for feature in features:
        for point in shapely.get_parts(shapely.intersection(line, feature.geom)):
            if point.geom_type != "Point":
                continue  # a shared stretch: the line follows the feature there
            chainage = float(line.project(point))
            direction = tangent(line, chainage)
            steep = angle_between(direction, _feature_direction(feature.geom, point)) > FOLLOW_ANGLE_DEG
            if steep and _both_sides(feature, point, direction):
                found.append((chainage, feature.width_m))
    found.sort()
    merged: list[tuple[float, float]] = []
    for chainage, width in found:
        if merged and chainage - merged[-1][0] < max(width, merged[-1][1]):
            merged[-1] = (merged[-1][0], max(width, merged[-1][1]))
        else:
            merged.append((chainage, width))
    return merged


def followed_width(line, chainage: float, features: list[WideFeature]) -> float | None:
    """Width of the widest feature the line runs along at ``chainage``, if any."""
    point, direction = line.interpolate(chainage), tangent(line, chainage)
    widths = [
        f.width_m
        for f in features
        if f.geom.distance(point) <= f.width_m / 2 and angle_between(direction, _feature_direction(f.geom, point)) <= FOLLOW_ANGLE_DEG
    ]
    return max(widths) if widths else None


def stations(line, spacing_m: float, turn_deg: float, features: list[WideFeature]) -> list[tuple[float, float | None]]:
    """(chainage, crossing width or None) of every marker site along one part, in order.

    Both ends, turns, crossings of wide features, and enough in between that no two
    neighbours are more than ``spacing_m`` apart. A turn near a crossing gives way to it.
    """
    crossed = crossings(line, features)
    near_crossing = [c for c, w in crossed]
    fixed = [0.0, line.length]
    fixed += [t for t in turn_chainages(line, turn_deg) if all(abs(t - c) > 20.0 for c in near_crossing)]
    width_at = {}
    for chainage, width in crossed:
        # a crossing right at an end moves the end marker onto it rather than doubling it
        close_end = next((e for e in (0.0, line.length) if abs(chainage - e) <= width), None)
        key = close_end if close_end is not None else chainage
        fixed.append(key)
        width_at[key] = width
    chain = sorted(set(fixed))
    filled: list[float] = []
    for a, b in zip(chain[:-1], chain[1:], strict=True):
        steps = max(1, math.ceil((b - a) / spacing_m))
        filled.extend(a + (b - a) * s / steps for s in range(steps))
    filled.append(chain[-1])
    return [(c, width_at.get(c)) for c in filled]


def _triple(tri: TriPoint, at) -> list[tuple[str, shapely.Geometry, str]]:
    """(letter, point, unit code) of a triple set: one marker just inside each unit."""
    out = []
    for letter, (code, outline) in zip("CDE", sorted(tri.units, key=lambda u: u[0]), strict=False):
        reach = at.buffer(outline.distance(at) + TRIPLE_INSET_M)
        piece = shapely.intersection(outline, reach)
        spot = shapely.point_on_surface(piece) if not piece.is_empty else at
        out.append((letter, spot, code))
    return out


def _place(
    part, chainage: float, crossing_width: float | None, serial: int, total: float, codes: tuple[str, str], features: list[WideFeature]
) -> list[PlannedMarker]:
    """The marker(s) of one site that is not a tri-point: single, or a pair along or across a wide feature."""
    left_code, right_code = codes
    smaller, larger = sorted(codes)
    here = part.interpolate(chainage)
    alternate = left_code if serial % 2 else right_code
    if crossing_width is not None:
        reach = crossing_width / 2 + PAIR_CLEARANCE_M
        before, after = max(chainage - reach, 0.0), min(chainage + reach, part.length)
        return [
            PlannedMarker(serial, "paired", "A", part.interpolate(before), alternate, "跨越处 crossing", total),
            PlannedMarker(serial, "paired", "B", part.interpolate(after), alternate, "跨越处 crossing", total),
        ]
    width = followed_width(part, chainage, features)
    if width is None:
        return [PlannedMarker(serial, "single", "Q", here, alternate, "", total)]
    tx, ty = tangent(part, chainage)
    reach = width / 2 + PAIR_CLEARANCE_M
    left = shapely.Point(here.x - ty * reach, here.y + tx * reach)
    right = shapely.Point(here.x + ty * reach, here.y - tx * reach)
    a_point, b_point = (left, right) if left_code == smaller else (right, left)
    return [
        PlannedMarker(serial, "paired", "A", a_point, smaller, "沿线两侧 both sides", total),
        PlannedMarker(serial, "paired", "B", b_point, larger, "沿线两侧 both sides", total),
    ]


def plan(
    parts: list,
    *,
    left_code: str,
    right_code: str,
    spacing_m: float = 1000.0,
    turn_deg: float = 30.0,
    features: Sequence[WideFeature] = (),
    tripoints: Sequence[TriPoint] = (),
) -> list[PlannedMarker]:
    """The marker set of a line given as metric parts (in line order).

    A short line whose both ends are tri-points carried by other lines still gets one
    marker, half-way along.
    """
    features = list(features)
    codes = (left_code, right_code)
    ends = {t.end: t for t in tripoints}
    planned: list[PlannedMarker] = []
    serial = 0
    offset = 0.0
    for index, part in enumerate(parts):
        sites = stations(part, spacing_m, turn_deg, features)
        for k, (chainage, crossing_width) in enumerate(sites):
            end = "start" if index == 0 and k == 0 else "end" if index == len(parts) - 1 and k == len(sites) - 1 else None
            tri = ends.get(end) if end else None
            if tri is not None and not tri.carries_set:
                continue  # another line meeting at this tri-point carries its set
            serial += 1
            if tri is not None:
                here = part.interpolate(chainage)
                planned += [
                    PlannedMarker(serial, "triple", letter, spot, code, "三交点 tri-point", offset + chainage)
                    for letter, spot, code in _triple(tri, here)
                ]
            else:
                planned += _place(part, chainage, crossing_width, serial, offset + chainage, codes, features)
        offset += part.length
    if not planned and parts:
        longest = max(parts, key=lambda p: p.length)
        planned = _place(longest, longest.length / 2, None, 1, longest.length / 2, codes, features)
    return planned
