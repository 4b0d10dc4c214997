"""Rule: no unit may have a part thinner than ``sliver_width_m`` on average.

Mean width = 2 × area / perimeter: a long 2 m strip left over by a careless edit
has a mean width near 2 m whatever its length, a real territory has hundreds.
"""

from __future__ import annotations

from .findings import CheckOptions, CheckUnit, Finding, parts_of

RULE = "sliver"


def check(units: list[CheckUnit], options: CheckOptions) -> list[Finding]:
    found = []
    for unit in units:
        for part in parts_of(unit.geom):
            width = 2 * part.area / part.length if part.length else 0.0
            if width < options.sliver_width_m:
                found.append(
                    Finding(
                        RULE,
                        [unit.code],
                        f"{unit.name}有平均宽度仅 {width:.1f} 米的碎片",
                        f"{unit.code} has a sliver {width:.1f} m wide on average",
                        part,
                        area_m2=round(part.area, 1),
                        length_m=round(part.length, 1),
                    )
                )
    return found
