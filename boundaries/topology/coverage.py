"""Rules between levels: children must cover their parent, and stay inside it.

Ground of the parent claimed by no child is a "not covered" finding; ground of a
child outside its parent is a "crossing" finding (the child crosses the parent's
line). Both above ``min_area_m2``.
"""

from __future__ import annotations

import shapely

from .findings import CheckOptions, CheckUnit, Finding, parts_of

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
        for piece in parts_of(rest):
            if piece.area > options.min_area_m2:
                found.append(
                    Finding(
                        NOT_COVERED,
                        [parent.code],
                        f"{parent.name}有 {piece.area:.1f} 平方米不属于任何下级单元",
                        f"{piece.area:.1f} m² of {parent.code} belong to none of its children",
                        piece,
                        area_m2=round(piece.area, 1),
                    )
                )
    return found


def check_crossing(units: list[CheckUnit], options: CheckOptions) -> list[Finding]:
    found = []
    for parent, kids in _families(units):
        outline = shapely.make_valid(parent.geom)
        for kid in kids:
            for piece in parts_of(shapely.make_valid(kid.geom).difference(outline)):
                if piece.area > options.min_area_m2:
                    found.append(
                        Finding(
                            CROSSING,
                            [kid.code, parent.code],
                            f"{kid.name}越出{parent.name}界线 {piece.area:.1f} 平方米",
                            f"{kid.code} crosses the line of {parent.code} by {piece.area:.1f} m²",
                            piece,
                            area_m2=round(piece.area, 1),
                        )
                    )
    return found
