"""Rule: two units of the same level must not claim the same ground."""

from __future__ import annotations

import shapely

from .findings import CheckOptions, CheckUnit, Finding, parts_of

RULE = "overlap"


def check(units: list[CheckUnit], options: CheckOptions) -> list[Finding]:
    found = []
    tree = shapely.STRtree([u.geom for u in units])
    for i, j in zip(*tree.query([u.geom for u in units], predicate="intersects"), strict=True):
        a, b = units[i], units[j]
        if i >= j or a.level != b.level:
            continue
        for piece in parts_of(shapely.intersection(shapely.make_valid(a.geom), shapely.make_valid(b.geom))):
            if piece.area > options.min_area_m2:
                found.append(
                    Finding(
                        RULE,
                        [a.code, b.code],
                        f"{a.name}与{b.name}重叠 {piece.area:.1f} 平方米",
                        f"{a.code} and {b.code} overlap by {piece.area:.1f} m²",
                        piece,
                        area_m2=round(piece.area, 1),
                    )
                )
    return found
