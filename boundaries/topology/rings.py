"""Rule: every outline must be a valid polygon (closed, simple rings, holes inside)."""

from __future__ import annotations

import re

import shapely

from .findings import CheckOptions, CheckUnit, Finding

RULE = "invalid-ring"
_AT = re.compile(r"\[\s*([-\d.eE+]+)\s+([-\d.eE+]+)")


def check(units: list[CheckUnit], options: CheckOptions) -> list[Finding]:
    found = []
    for unit in units:
        if unit.geom is None or unit.geom.is_empty:
            found.append(Finding(RULE, [unit.code], f"{unit.name}没有边界", f"{unit.code} has no outline", shapely.GeometryCollection()))
            continue
        if shapely.is_valid(unit.geom):
            continue
        reason = shapely.is_valid_reason(unit.geom)
        match = _AT.search(reason)
        where = shapely.Point(float(match.group(1)), float(match.group(2))) if match else unit.geom.representative_point()
        found.append(Finding(RULE, [unit.code], f"{unit.name}的边界无效：{reason}", f"{unit.code} has an invalid outline: {reason}", where))
    return found
