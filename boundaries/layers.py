"""The boundary side's layers for import and export: units by level, and blocks."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from gis.basemap import AdminUnit, Block
from gis.io.validate import LayerSpec
from gis.layers import Layer

POLYGONS = ("Polygon", "MultiPolygon")
UNIT_COLUMNS = ("code", "name", "parent_code", "valid_from", "valid_to", "households", "population", "name_source", "source")


def _unit_dates(_session, frame: pd.DataFrame) -> pd.DataFrame:
    """Units without a validity start are taken as valid from today."""
    frame = frame.copy()
    for column in ("valid_from", "valid_to"):
        if column not in frame.columns:
            frame[column] = None
        frame[column] = [_as_date(value) for value in frame[column]]
    frame["valid_from"] = [value or dt.date.today() for value in frame["valid_from"]]
    return frame


def _as_date(value):
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _unit_layer(name: str, level: str, zh: str, en: str) -> Layer:
    return Layer(
        name=name,
        model=AdminUnit,
        spec=LayerSpec(name=name, geometry_types=POLYGONS, required=("code", "name"), id_column="code"),
        columns=UNIT_COLUMNS,
        title_zh=zh,
        title_en=en,
        fixed={"level": level},
        where=lambda model: (model.level == level) & model.valid_to.is_(None),
        dated=lambda model, date: (
            (model.level == level) & (model.valid_from <= date) & (model.valid_to.is_(None) | (model.valid_to > date))
        ),
        resolve=_unit_dates,
    )


def layers() -> list[Layer]:
    return [
        _unit_layer("district", "district", "区", "District"),
        _unit_layer("subdistricts", "subdistrict", "街道", "Subdistricts"),
        _unit_layer("communities", "community", "社区", "Communities"),
        Layer(
            name="blocks",
            model=Block,
            spec=LayerSpec(
                name="blocks", geometry_types=("Polygon",), required=("code", "subdistrict_code", "households"), id_column="code"
            ),
            columns=("code", "subdistrict_code", "community_code", "households", "dense", "area_m2", "source"),
            title_zh="街区",
            title_en="Building blocks",
        ),
    ]
