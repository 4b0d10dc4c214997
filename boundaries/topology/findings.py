"""What a topology rule reports, and the report of a whole check.

Each finding names its rule, the units involved, where it is (a point in lon/lat),
its size (m² or m) and its geometry, so an officer can go to the spot. A report
is both a GeoJSON FeatureCollection (for a map) and a summary table (for a memo).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import shapely

from gis.crs import STORAGE_CRS, measure_crs, reproject
from gis.findings import ERROR, WARNING
from gis.findings import Finding as BaseFinding

# A sliver can be a real narrow strip of territory (along a river, a road): it is worth
# a look but does not by itself make the map wrong. So can a blank area: ground of a
# subdistrict no community serves yet (see ``coverage``). Everything else is an error.
WARNINGS = frozenset({"sliver", "blank-area"})


def severity(rule: str) -> str:
    return WARNING if rule in WARNINGS else ERROR


@dataclass(frozen=True)
class CheckUnit:
    """A unit as the rules see it: polygon in metres (EPSG:4543)."""

    code: str
    name: str
    level: str
    parent_code: str | None
    geom: shapely.Geometry


@dataclass(frozen=True)
class CheckOptions:
    """Thresholds, in metres and square metres."""

    min_area_m2: float = 1.0
    gap_width_m: float = 25.0
    sliver_width_m: float = 5.0


@dataclass(frozen=True, init=False)
class Finding(BaseFinding):
    """The one bilingual finding (``gis.findings``) with where it is: the units involved,
    its geometry (metres; lon/lat on output) and its size."""

    units: list[str] = field(default_factory=list)
    geom: shapely.Geometry = shapely.GeometryCollection()
    area_m2: float | None = None
    length_m: float | None = None

    def __init__(
        self,
        rule: str,
        units: list[str],
        message_zh: str,
        message_en: str,
        geom: shapely.Geometry,
        area_m2: float | None = None,
        length_m: float | None = None,
    ):
        super().__init__(rule, severity(rule), message_zh, message_en, subject=",".join(units))
        object.__setattr__(self, "units", list(units))
        object.__setattr__(self, "geom", geom)
        object.__setattr__(self, "area_m2", area_m2)
        object.__setattr__(self, "length_m", length_m)

    @property
    def message_zh(self) -> str:
        return self.zh

    @property
    def message_en(self) -> str:
        return self.en

    def location(self) -> list[float]:
        point = reproject(self.geom.representative_point() if not self.geom.is_empty else shapely.Point(0, 0), measure_crs(), STORAGE_CRS)
        return [round(point.x, 7), round(point.y, 7)]

    def feature(self) -> dict:
        """A GeoJSON feature: the standard finding keys in its properties, with the flat
        ``units``/``message_zh``/``message_en`` the map and older clients read."""
        return {
            "type": "Feature",
            "geometry": shapely.geometry.mapping(reproject(self.geom, measure_crs(), STORAGE_CRS)),
            "properties": {
                **self.to_dict(),
                "units": ",".join(self.units),
                "message_zh": self.zh,
                "message_en": self.en,
                "area_m2": self.area_m2,
                "length_m": self.length_m,
                "location": self.location(),
            },
        }


@dataclass
class TopologyReport:
    rules: list[str]
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def errors(self) -> int:
        """How many findings are errors (not warnings): a check fails on these."""
        return sum(1 for f in self.findings if f.severity == ERROR)

    def summary(self) -> list[dict]:
        rows = []
        for rule in self.rules:
            mine = [f for f in self.findings if f.rule == rule]
            rows.append(
                {
                    "rule": rule,
                    "severity": severity(rule),
                    "count": len(mine),
                    "area_m2": round(sum(f.area_m2 or 0 for f in mine), 1),
                    "largest_m2": round(max((f.area_m2 or 0 for f in mine), default=0), 1),
                }
            )
        return rows

    def geojson(self) -> dict:
        return {"type": "FeatureCollection", "features": [f.feature() for f in self.findings]}

    def to_dict(self) -> dict:
        return {"ok": self.ok, "errors": self.errors, "summary": self.summary(), "findings": self.geojson()}


def parts_of(geom) -> list:
    return [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and not p.is_empty]


def area_findings(rule: str, units: list[str], geom, options: CheckOptions, message) -> list[Finding]:
    """One finding per polygon piece of ``geom`` larger than ``min_area_m2``;
    ``message(area)`` gives the (Chinese, English) text for a piece of that area."""
    found = []
    for piece in parts_of(geom):
        if piece.area > options.min_area_m2:
            zh, en = message(piece.area)
            found.append(Finding(rule, list(units), zh, en, piece, area_m2=round(piece.area, 1)))
    return found
