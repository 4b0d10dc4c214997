"""Topology checks of administrative units, one rule per module, run together here."""

from __future__ import annotations

from ..metric import to_metric
from . import coverage, gaps, overlaps, rings, slivers
from .findings import CheckOptions, CheckUnit, Finding, TopologyReport

RULES = {
    rings.RULE: rings.check,
    overlaps.RULE: overlaps.check,
    gaps.RULE: gaps.check,
    slivers.RULE: slivers.check,
    coverage.NOT_COVERED: coverage.check_cover,
    coverage.CROSSING: coverage.check_crossing,
}

__all__ = ["RULES", "CheckOptions", "CheckUnit", "Finding", "TopologyReport", "run_checks", "units_from_lonlat"]


def units_from_lonlat(rows) -> list[CheckUnit]:
    """CheckUnits from (code, name, level, parent_code, polygon in lon/lat) rows."""
    return [CheckUnit(code, name, level, parent, to_metric(geom) if geom is not None else None) for code, name, level, parent, geom in rows]


def run_checks(units: list[CheckUnit], options: CheckOptions | None = None, rules=None) -> TopologyReport:
    """Every rule (or those named) over the units; invalid outlines are only checked by the ring rule."""
    options = options or CheckOptions()
    chosen = list(rules or RULES)
    report = TopologyReport(rules=chosen)
    valid = [u for u in units if u.geom is not None and not u.geom.is_empty]
    for name in chosen:
        report.findings.extend(RULES[name](units if name == rings.RULE else valid, options))
    return report
