"""Rules between levels: children must cover their parent, and stay inside it.

Ground of the parent claimed by no child is a "not covered" finding; ground of a
child outside its parent is a "crossing" finding (the child crosses the parent's
line). Both above ``min_area_m2``.
"""

from __future__ import annotations

import shapely

from .findings import CheckOptions, CheckUnit, Finding, area_findings

NOT_COVERED = "children-not-covering-parent"
CROSSING = "child-crosses-parent"


def _families(units: list[CheckUnit]):
    by_code = {u.code: u for u in units}
    children: dict[str, list[CheckUnit]] = {}
    for unit in units:
        if unit.parent_code in by_code:
            children.setdefault(unit.parent_code, []).append(unit)
    return [(by_code[code], kids) for code, kids in sorted(children.items())]


def check_cover(units: list[CheckUnit], options: CheckOptions) -> list[Finding]:
    found = []
    for parent, kids in _families(units):
        rest = shapely.make_valid(parent.geom).difference(shapely.union_all([shapely.make_valid(k.geom) for k in kids]))
        found += area_findings(
            NOT_COVERED,
            [parent.code],
            rest,
            options,
            lambda area, p=parent: (
                f"{p.name}有 {area:.1f} 平方米不属于任何下级单元",
                f"{area:.1f} m² of {p.code} belong to none of its children",
            ),
        )
    return found


def check_crossing(units: list[CheckUnit], options: CheckOptions) -> list[Finding]:
    found = []
    for parent, kids in _families(units):
        outline = shapely.make_valid(parent.geom)
        for kid in kids:
            outside = shapely.make_valid(kid.geom).difference(outline)
            found += area_findings(
                CROSSING,
                [kid.code, parent.code],
                outside,
                options,
                lambda area, k=kid, p=parent: (
                    f"{k.name}越出{p.name}界线 {area:.1f} 平方米",
                    f"{k.code} crosses the line of {p.code} by {area:.1f} m²",
                ),
            )
    return found
