"""The boundary layers the public may read through the OGC API, and what they show.

Subdistricts and communities are the versions in force (``valid_to`` empty) of one
level of ``admin_units``; ``admin-unit-versions`` holds every version, past ones too,
with its validity dates, for drawing the map of a past date. Boundary lines and
markers show only what a public map needs: no disagreement reports, no 方位物, no
photos, no inspection records; markers' positions are snapped to the profile's
``public_marker_precision_deg`` grid (``gis.precision``), not published as surveyed.
"""

from __future__ import annotations

from gis.ogc.collections import Collection

MODELS = ["gis.basemap", "boundaries.line_models"]
LINE_PROPERTIES = ["code", "number", "level", "left_code", "left_name", "right_code", "right_name", "length_m", "last_inspected"]
MARKER_PROPERTIES = ["code", "line_code", "serial", "marker_type", "letter", "status"]
UNIT_PROPERTIES = ["code", "name", "parent_code", "valid_from", "households", "population"]


def collections() -> list[Collection]:
    return [
        Collection(
            id="subdistricts",
            title_zh="街道",
            title_en="Subdistricts",
            description="现行街道行政区域界线 / Current subdistrict (街道) boundaries",
            table="admin_units",
            properties=UNIT_PROPERTIES,
            where={"level": "subdistrict", "valid_to": None},
            title_field="name",
            keywords=["街道", "行政区划", "subdistricts", "boundaries"],
            models=MODELS,
        ),
        Collection(
            id="communities",
            title_zh="社区",
            title_en="Communities",
            description="现行社区（居委会）界线 / Current community (社区居委会) boundaries",
            table="admin_units",
            properties=UNIT_PROPERTIES,
            where={"level": "community", "valid_to": None},
            title_field="name",
            keywords=["社区", "居委会", "communities", "boundaries"],
            models=MODELS,
        ),
        Collection(
            id="blocks",
            title_zh="街区",
            title_en="Building blocks",
            description="由道路和河流围成的街区 / Building blocks bounded by roads and rivers",
            table="blocks",
            properties=["code", "subdistrict_code", "community_code", "households"],
            title_field="code",
            keywords=["街区", "blocks"],
            models=MODELS,
        ),
        Collection(
            id="admin-unit-versions",
            title_zh="行政区划沿革",
            title_en="Administrative unit versions",
            description="行政区划的全部版本（含已撤销、已调整者）及其起止日期 / Every version of every unit, with its validity dates",
            table="admin_units",
            properties=["code", "name", "level", "parent_code", "valid_from", "valid_to"],
            title_field="name",
            keywords=["行政区划", "沿革", "history", "units"],
            models=MODELS,
        ),
        Collection(
            id="boundary-lines",
            title_zh="行政区域界线",
            title_en="Boundary lines",
            description="相邻行政单元之间的现行界线 / Current boundary lines between neighbouring units",
            table="boundary_lines",
            properties=LINE_PROPERTIES,
            where={"status": "current"},
            title_field="code",
            keywords=["界线", "boundary lines"],
            models=MODELS,
        ),
        Collection(
            id="boundary-markers",
            title_zh="界桩",
            title_en="Boundary markers",
            description="界桩位置、编号与状况 / Boundary markers: position, code and condition",
            table="boundary_markers",
            properties=MARKER_PROPERTIES,
            sources={"line_code": "boundary_lines.code"},
            joins={"boundary_lines": "line_id"},
            title_field="code",
            keywords=["界桩", "boundary markers"],
            models=MODELS,
            coarse=True,  # positions on the profile's public grid (public_marker_precision_deg), never as surveyed
        ),
    ]
