"""Rule: neighbouring units of one level must leave no ground unclaimed between them.

A gap is ground enclosed by the units (a hole in their union) or a notch between
neighbours narrower than ``gap_width_m`` (found by closing the union: grow then
shrink by half the width). The open outside of the map is not a gap.
"""

from __future__ import annotations

import shapely
from shapely.geometry import Polygon

from .findings import CheckOptions, CheckUnit, Finding, parts_of

RULE = "gap"


def check(units: list[CheckUnit], options: CheckOptions) -> list[Finding]:
    found = []
    for level in sorted({u.level for u in units}):
        members = [u for u in units if u.level == level]
        union = shapely.union_all([shapely.make_valid(u.geom) for u in members])
        filled = shapely.union_all([Polygon(p.exterior) for p in parts_of(union)])
        half = options.gap_width_m / 2
        closed = union.buffer(half, join_style="mitre").buffer(-half, join_style="mitre")
        candidates = shapely.union_all([filled, closed]).difference(union)
        for piece in parts_of(candidates):
            if piece.area <= options.min_area_m2:
                continue
            touching = [u.code for u in members if shapely.dwithin(u.geom, piece, 0.01)]
            if len(touching) < 2 and not _enclosed(piece, union):
                continue
            found.append(
                Finding(
                    RULE,
                    touching,
                    f"{'、'.join(touching)}之间有 {piece.area:.1f} 平方米空隙",
                    f"Gap of {piece.area:.1f} m² between {', '.join(touching)}",
                    piece,
                    area_m2=round(piece.area, 1),
                )
            )
    return found


def _enclosed(piece, union) -> bool:
    return shapely.covers(union.buffer(0.01), piece.exterior)
