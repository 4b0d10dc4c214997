"""Topology checks of administrative units, one rule per module, run together here."""

from __future__ import annotations

import shapely

from gis.crs import STORAGE_CRS, measure_crs, reproject

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
    coverage.BLANK: coverage.check_blank,
}

__all__ = ["RULES", "CheckOptions", "CheckUnit", "Finding", "TopologyReport", "run_checks", "units_from_lonlat"]


def _metric(geom):
    """Valid outlines densified then projected; invalid ones projected as they are, because
    GEOS's densify can quietly rebuild a self-intersecting ring and hide it from the ring rule."""
    if geom is None:
        return None
    return to_metric(geom) if shapely.is_valid(geom) else reproject(geom, STORAGE_CRS, measure_crs())


def units_from_lonlat(rows) -> list[CheckUnit]:
    """CheckUnits from (code, name, level, parent_code, polygon in lon/lat) rows."""
    return [CheckUnit(code, name, level, parent, _metric(geom)) for code, name, level, parent, geom in rows]


def run_checks(units: list[CheckUnit], options: CheckOptions | None = None, rules=None) -> TopologyReport:
    """Every rule (or those named) over the units; invalid outlines are only checked by the ring rule."""
    options = options or CheckOptions()
    chosen = list(rules or RULES)
    report = TopologyReport(rules=chosen)
    valid = [u for u in units if u.geom is not None and not u.geom.is_empty]
    for name in chosen:
        report.findings.extend(RULES[name](units if name == rings.RULE else valid, options))
    report.findings = _without_blank_gaps(report.findings, options)
    return report


def _without_blank_gaps(findings: list[Finding], options: CheckOptions) -> list[Finding]:
    """A blank area between communities is reported once, as a blank area (a warning),
    not also as a gap between them (an error)."""
    blank = [f.geom for f in findings if f.rule == coverage.BLANK]
    if not blank:
        return findings
    area = shapely.union_all(blank).buffer(0.5)
    return [f for f in findings if not (f.rule == gaps.RULE and f.geom.difference(area).area <= options.min_area_m2)]
