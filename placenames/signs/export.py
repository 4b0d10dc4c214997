"""The sign and plate inventory written to a file (CSV, GeoPackage, GeoJSON, shapefile),
with each item's latest inspection result, for field teams and desktop GIS.

The columns are the ones ``exchange`` reads back, so an export re-imported unchanged
changes nothing; the inspection columns are for reading only. Column names and
status values are Chinese by default (``columns``), English with ``headers="en"``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import pandas as pd
from sqlalchemy import select

from gis.basemap import Road
from gis.crs import STORAGE_CRS
from gis.io import write_layer
from placenames.models import DoorPlate

from .columns import to_file
from .models import PLATE, ROAD_SIGN, InspectionResult, PlateItem, RoadSign

SHAPEFILE_SUFFIXES = (".shp", ".zip")  # field names of at most 10 bytes: English names, Chinese values
STATE_COLUMNS = ("last_inspected", "last_result", "last_defects")
SIGN_COLUMNS = ("id", "road_name", "text_zh", "text_roman", "sign_type", "size", "installed_on", "status", *STATE_COLUMNS)
PLATE_COLUMNS = ("id", "road_name", "number", "address", "level", "text", "plate_type", "installed_on", "status", *STATE_COLUMNS)


def export_signs(store, path, *, crs: str = "EPSG:4490", encoding: str = "UTF-8", headers: str = "zh") -> int:
    """Every road sign with its inspection state to ``path`` (format by extension); ``headers``
    "zh" writes Chinese column names and status labels for field teams, "en" the codes."""
    with store.read() as session:
        roads = dict(session.execute(select(Road.id, Road.name)).all())
        state = _inspection_state(session, ROAD_SIGN)
        signs = list(session.scalars(select(RoadSign).order_by(RoadSign.id)))
        records = [
            {
                "id": s.id,
                "road_name": roads[s.road_id],
                "text_zh": s.text_zh,
                "text_roman": s.text_roman,
                "sign_type": s.sign_type,
                "size": s.size,
                "installed_on": _iso(s.installed_on),
                "status": s.status,
                **state.get(s.id, {}),
            }
            for s in signs
        ]
        geoms = [s.geom for s in signs]
    return _write("road_signs", records, geoms, SIGN_COLUMNS, path, crs=crs, encoding=encoding, headers=headers)


def export_plates(store, path, *, crs: str = "EPSG:4490", encoding: str = "UTF-8", headers: str = "zh") -> int:
    """Every plate (门牌/楼牌/单元牌/户牌) with its address and inspection state to ``path``."""
    with store.read() as session:
        roads = dict(session.execute(select(Road.id, Road.name)).all())
        state = _inspection_state(session, PLATE)
        rows = session.execute(select(PlateItem, DoorPlate).join(DoorPlate, DoorPlate.id == PlateItem.door_plate_id).order_by(PlateItem.id))
        records, geoms = [], []
        for item, plate in rows:
            records.append(
                {
                    "id": item.id,
                    "road_name": roads[plate.road_id],
                    "number": plate.number_text,
                    "address": plate.address,
                    "level": item.level,
                    "text": item.text,
                    "plate_type": item.plate_type,
                    "installed_on": _iso(item.installed_on),
                    "status": item.status,
                    **state.get(item.id, {}),
                }
            )
            geoms.append(item.geom if item.geom is not None else plate.geom)
    return _write("plates", records, geoms, PLATE_COLUMNS, path, crs=crs, encoding=encoding, headers=headers)


def _write(layer, records, geoms, columns, path, *, crs, encoding, headers) -> int:
    records, columns = to_file(layer, records, columns, headers, short_names=Path(path).suffix.lower() in SHAPEFILE_SUFFIXES)
    frame = pd.DataFrame.from_records(records, columns=columns)
    frame[columns[0]] = frame[columns[0]].astype("int64")
    for name in columns[1:]:
        frame[name] = frame[name].astype(object).where(frame[name].notna(), None)
    gdf = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=STORAGE_CRS), crs=STORAGE_CRS)
    write_layer(gdf, path, crs=crs, layer=layer, encoding=encoding)
    return len(gdf)


def _inspection_state(session, kind: str) -> dict[int, dict]:
    """Each item's latest result: date, pass/fail and defect codes."""
    columns = (InspectionResult.item_id, InspectionResult.inspected_on, InspectionResult.result, InspectionResult.defects)
    query = select(*columns).where(InspectionResult.item_kind == kind).order_by(InspectionResult.inspected_on, InspectionResult.id)
    return {
        item: {"last_inspected": on.isoformat(), "last_result": result, "last_defects": defects or None}
        for item, on, result, defects in session.execute(query)
    }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
