"""Rule: two units of the same level must not claim the same ground."""

from __future__ import annotations

import shapely

from .findings import CheckOptions, CheckUnit, Finding, area_findings

RULE = "overlap"


def check(units: list[CheckUnit], options: CheckOptions) -> list[Finding]:
    found = []
    tree = shapely.STRtree([u.geom for u in units])
    for i, j in zip(*tree.query([u.geom for u in units], predicate="intersects"), strict=True):
        a, b = units[i], units[j]
        if i >= j or a.level != b.level:
            continue
        shared = shapely.intersection(shapely.make_valid(a.geom), shapely.make_valid(b.geom))
        found += area_findings(
            RULE,
            [a.code, b.code],
            shared,
            options,
            lambda area, a=a, b=b: (f"{a.name}与{b.name}重叠 {area:.1f} 平方米", f"{a.code} and {b.code} overlap by {area:.1f} m²"),
        )
    return found
