"""Topology before and after a reorganisation: which findings it introduces.

The same rules as ``diming boundaries check`` run twice over the map of the effective
day (district, subdistrict and community levels): once as it stands, once with the
closed units taken out and the new ones put in. A finding after the change is
*pre-existing* when the ground it covers was already in a finding of the same rule
before (what is left over is at most the tolerance), or — for findings without area
(an invalid or missing outline) — when the same rule named the same units before.
Every other error finding is *new*: the reorganisation introduced it and saving is
refused. Slivers stay warnings, as in ``boundaries check``; a new blank area (a
warning there) is refused too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import shapely

from . import CheckOptions, CheckUnit, Finding, TopologyReport, run_checks
from .coverage import BLANK
from .findings import severity

CHECKED_LEVELS = ("district", "subdistrict", "community")


@dataclass
class Comparison:
    """Findings of the map before and after, and which of the after ones are new."""

    before: TopologyReport
    after: TopologyReport
    new: list[Finding] = field(default_factory=list)
    existing: list[Finding] = field(default_factory=list)

    @property
    def blocking(self) -> list[Finding]:
        """New errors and new blank areas: what makes saving fail (new slivers are only
        warnings). A blank area is a warning in a check, but a reorganisation must not
        make one: the plan absorbs blank areas, it does not create them."""
        return [f for f in self.new if severity(f.rule) == "error" or f.rule == BLANK]

    def to_dict(self) -> dict:
        def rows(findings):
            return [finding_row(f) for f in findings]

        return {
            "ok": not self.blocking,
            "blocking": rows(self.blocking),
            "new": rows(self.new),
            "existing": rows(self.existing),
            "before": {"errors": self.before.errors, "summary": self.before.summary()},
            "after": {"errors": self.after.errors, "summary": self.after.summary()},
        }


def finding_row(finding: Finding) -> dict:
    """One finding as a row: the standard finding keys, with units, the flat bilingual message, size and place."""
    return {
        **finding.to_dict(),
        "units": list(finding.units),
        "message_zh": finding.zh,
        "message_en": finding.en,
        "area_m2": finding.area_m2,
        "location": finding.location(),
    }


def _is_new(finding: Finding, before: list[Finding], tolerance_m2: float) -> bool:
    same_rule = [b for b in before if b.rule == finding.rule]
    if finding.area_m2 is None or finding.geom.geom_type not in ("Polygon", "MultiPolygon"):
        return not any(sorted(b.units) == sorted(finding.units) for b in same_rule)
    old = [b.geom for b in same_rule if b.geom.geom_type in ("Polygon", "MultiPolygon")]
    if not old:
        return finding.geom.area > tolerance_m2
    left = shapely.make_valid(finding.geom).difference(shapely.union_all(old))
    return left.area > tolerance_m2


def compare(before: list[CheckUnit], after: list[CheckUnit], *, tolerance_m2: float, options: CheckOptions | None = None) -> Comparison:
    """Run every rule over both maps and sort the after findings into new and pre-existing."""
    options = options or CheckOptions(min_area_m2=tolerance_m2)
    result = Comparison(before=run_checks(before, options), after=run_checks(after, options))
    for finding in result.after.findings:
        (result.new if _is_new(finding, result.before.findings, tolerance_m2) else result.existing).append(finding)
    return result
