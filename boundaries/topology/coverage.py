"""Rules between levels: children must cover their parent, and stay inside it.

Ground of the parent claimed by no child is a "not covered" finding; ground of a
child outside its parent is a "crossing" finding (the child crosses the parent's
line). Both above ``min_area_m2``.

Inside a subdistrict, ground that no community serves and that is wider than a gap
(``gap_width_m``) is a *blank area* (管理空白区): the plan this product serves knows
them (urbanising villages, new estates) and asks to absorb them, so they are reported
as warnings, not errors. Narrower uncovered ground stays a "not covered" error: that
is a drawing fault, not a blank area.
"""

from __future__ import annotations

import shapely

from .findings import CheckOptions, CheckUnit, Finding, area_findings, parts_of

NOT_COVERED = "children-not-covering-parent"
CROSSING = "child-crosses-parent"
BLANK = "blank-area"
BLANK_LEVEL = "community"  # the level whose uncovered ground is a blank area


def _families(units: list[CheckUnit]):
    by_code = {u.code: u for u in units}
    children: dict[str, list[CheckUnit]] = {}
    for unit in units:
        if unit.parent_code in by_code:
            children.setdefault(unit.parent_code, []).append(unit)
    return [(by_code[code], kids) for code, kids in sorted(children.items())]


def _uncovered(parent: CheckUnit, kids: list[CheckUnit], options: CheckOptions):
    """(narrow, wide) ground of ``parent`` claimed by no child; wide is empty unless the children are communities."""
    rest = shapely.make_valid(parent.geom).difference(shapely.union_all([shapely.make_valid(k.geom) for k in kids]))
    if not any(k.level == BLANK_LEVEL for k in kids):
        return rest, shapely.Polygon()
    half = options.gap_width_m / 2
    pieces = parts_of(rest)
    is_wide = [not p.buffer(-half, join_style="mitre").is_empty for p in pieces]
    wide = [p for p, w in zip(pieces, is_wide, strict=True) if w]
    narrow = [p for p, w in zip(pieces, is_wide, strict=True) if not w]
    return shapely.union_all(narrow) if narrow else shapely.Polygon(), shapely.union_all(wide) if wide else shapely.Polygon()


def check_blank(units: list[CheckUnit], options: CheckOptions) -> list[Finding]:
    found = []
    for parent, kids in _families(units):
        _, wide = _uncovered(parent, kids, options)
        found += area_findings(
            BLANK,
            [parent.code],
            wide,
            options,
            lambda area, p=parent: (
                f"{p.name}有 {area:.1f} 平方米管理空白区（无社区管理）",
                f"Blank area of {area:.1f} m² in {p.code}: no community serves it",
            ),
        )
    return found


def check_cover(units: list[CheckUnit], options: CheckOptions) -> list[Finding]:
    found = []
    for parent, kids in _families(units):
        rest, _ = _uncovered(parent, kids, options)
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
