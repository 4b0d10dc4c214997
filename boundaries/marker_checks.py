"""Where a registered marker may stand, and who may look after it — one check for the
API, the CLI and the 成果表 import.

* single (``Q``): on its line, within ``marker_line_tolerance_m`` (default 5 m);
* paired (``A``/``B``): on the line (a pair across a river or road, one on each bank)
  or off it by at most ``marker_pair_offset_m`` (default 60 m: half the widest river
  or road plus the clearance of ``marker_layout``), and then on its own side: ``A``
  in the unit with the smaller code, ``B`` in the other (as ``marker_layout`` places them);
* triple (``C``/``D``/``E``): at an end of the line (a tri-point), within
  ``TRIPLE_INSET_M`` plus the single tolerance;
* the responsible unit (管护方) is one of the line's two sides; a triple marker may
  also be looked after by the third unit meeting there, the one it stands in.

Distances are metres in the measuring plane (EPSG:4543 for the default profile).
"""

from __future__ import annotations

from dataclasses import dataclass

import shapely
from sqlalchemy import select

from gis.basemap import AdminUnit
from gis.crs import STORAGE_CRS, measure_crs, reproject
from gis.errors import InvalidInput
from gis.settings import Settings

from .marker_layout import TRIPLE_INSET_M


@dataclass(frozen=True)
class Tolerances:
    line_m: float
    pair_offset_m: float

    @classmethod
    def configured(cls) -> Tolerances:
        settings = Settings.from_env()
        return cls(settings.marker_line_tolerance_m, settings.marker_pair_offset_m)


def _metric(geom):
    return reproject(geom, STORAGE_CRS, measure_crs())


def _outline(session, code: str):
    unit = session.scalars(select(AdminUnit).where(AdminUnit.code == code, AdminUnit.valid_to.is_(None))).first()
    return _metric(unit.geom) if unit is not None and unit.geom is not None else None


def _refuse(zh: str, en: str, field: str, **details) -> InvalidInput:
    return InvalidInput(zh, en, details={"field": field, **details})


def check_marker(session, line, *, marker_type: str, letter: str, geom, responsible_code: str | None, tolerances=None) -> None:
    """Refuse (bilingual 400 naming the field) a marker off its line or looked after by a unit that is no side of it."""
    tol = tolerances or Tolerances.configured()
    point, path = _metric(geom), _metric(line.geom)
    off = float(path.distance(point))
    sides = (line.left_code, line.right_code)
    if marker_type == "single" and off > tol.line_m:
        raise _refuse(
            f"单立界桩须在界线上：距界线 {off:.1f} 米，超出容差 {tol.line_m:g} 米",
            f"A single marker stands on its line: this one is {off:.1f} m from it, beyond the tolerance of {tol.line_m:g} m",
            "lon",
            distance_m=round(off, 2),
        )
    if marker_type == "paired":
        if off > tol.pair_offset_m:
            raise _refuse(
                f"同号双立界桩距界线 {off:.1f} 米，超出 {tol.pair_offset_m:g} 米",
                f"A paired marker is {off:.1f} m from its line, beyond {tol.pair_offset_m:g} m",
                "lon",
                distance_m=round(off, 2),
            )
        if off > tol.line_m:
            own = sorted(sides)[0 if letter == "A" else 1]
            outline = _outline(session, own)
            if outline is not None and outline.distance(point) > tol.line_m:
                raise _refuse(
                    f"同号双立界桩 {letter} 应在代码{'较小' if letter == 'A' else '较大'}的一侧（{own}）",
                    f"Paired marker {letter} stands on the side of the {'smaller' if letter == 'A' else 'larger'} unit code ({own})",
                    "lon",
                    distance_m=round(off, 2),
                )
    if marker_type == "triple":
        ends = [shapely.Point(part.coords[k]) for part in shapely.get_parts(path) for k in (0, -1)]
        near = min(float(end.distance(point)) for end in ends)
        reach = TRIPLE_INSET_M + tol.line_m
        if near > reach:
            raise _refuse(
                f"同号三立界桩须在界线端点（三交点）{reach:g} 米以内：距最近端点 {near:.1f} 米",
                f"A triple marker stands within {reach:g} m of an end of its line (the tri-point): this one is {near:.1f} m away",
                "lon",
                distance_m=round(near, 2),
            )
    if responsible_code is not None and responsible_code not in sides:
        third = marker_type == "triple" and _stands_in(session, responsible_code, point, tol.line_m)
        if not third:
            raise _refuse(
                f"管护方 {responsible_code} 不是界线两侧的单位（{sides[0]}、{sides[1]}）",
                f"The responsible unit {responsible_code} is neither side of the line ({sides[0]}, {sides[1]})",
                "responsible_code",
            )


def _stands_in(session, code: str, point, tolerance_m: float) -> bool:
    outline = _outline(session, code)
    return outline is not None and outline.distance(point) <= tolerance_m
