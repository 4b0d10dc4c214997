"""What a published collection shows, as plain data.

Domain packages describe their public layers with ``Collection`` values; the OGC
layer turns them into pygeoapi configuration. Nothing here knows SQL or Flask, so a
description can be checked in a unit test or printed in the docs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Collection:
    """One OGC API collection backed by one stored table.

    ``properties`` are the public property names, in output order. A property is
    read from the column of the same name unless ``sources`` maps it elsewhere:
    ``"number_text"`` (another column of ``table``), ``"roads.name"`` (a column of
    a table named in ``joins``) or ``"admin_code[:9]"`` (the first 9 characters of a
    column: the parent level of a statistical division code). ``joins`` maps a looked-up table to the column of
    ``table`` that refers to its primary key (a left join: a missing reference gives
    null, never a lost feature). ``where`` holds fixed equality conditions every
    query obeys (``None`` means IS NULL), e.g. one level of a shared table.
    ``models`` names the modules declaring the tables, so a provider loaded in any
    process finds them. ``geometry_types`` (e.g. ``("Point", "MultiPoint")``) keeps
    only features of those geometry types, so a client that needs one geometry type
    per layer (GDAL, QGIS, shapefiles) gets one. ``coarse`` marks a layer whose positions are
    sensitive (boundary markers): the service sets ``public_grid_deg`` from the profile, and every
    coordinate it serves is snapped to that grid (``gis.precision``), its bbox queries answer by
    grid cell and spatial filters are refused.
    """

    id: str
    title_zh: str
    title_en: str
    description: str
    table: str
    properties: list[str]
    title_field: str
    keywords: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    joins: dict[str, str] = field(default_factory=dict)
    where: dict[str, Any] = field(default_factory=dict)
    models: list[str] = field(default_factory=list)
    bbox: tuple[float, float, float, float] | None = None
    id_field: str = "id"
    geom_field: str = "geom"
    geometry_types: tuple[str, ...] = ()
    coarse: bool = False
    public_grid_deg: float | None = None

    def provider_options(self) -> dict[str, Any]:
        """The ``options`` block of this collection's provider definition."""
        return {
            "table": self.table,
            "properties": list(self.properties),
            "sources": dict(self.sources),
            "joins": dict(self.joins),
            "where": dict(self.where),
            "models": list(self.models),
            "geometry_types": list(self.geometry_types),
            "public_grid_deg": self.public_grid_deg,
        }
