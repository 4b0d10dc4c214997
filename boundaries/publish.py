"""The boundary layers the public may read through the OGC API, and what they show.

Subdistricts and communities are the versions in force (``valid_to`` empty) of one
level of ``admin_units``; history stays out of the public map.
"""

from __future__ import annotations

from gis.ogc.collections import Collection

MODELS = ["boundaries.models"]
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
    ]
