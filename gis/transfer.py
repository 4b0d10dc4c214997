"""Import files into the store and export layers from it, all or nothing.

An import reads the file, validates every feature (``gis.io.prepare``), resolves
references, and inserts everything in ONE transaction: a bad feature, a crash or
Ctrl-C half way leaves the database exactly as it was.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from gis.errors import InvalidInput
from gis.io import prepare, read_layer, write_layer
from gis.io.progress import progress
from gis.io.validate import ROW_COLUMN, ValidationReport
from gis.layers import Layer
from gis.storage import Store
from gis.storage.geometry import Geometry, promote_to_multi

BATCH = 2000


@dataclass
class ImportResult:
    layer: str
    inserted: int
    report: ValidationReport

    def to_dict(self) -> dict[str, Any]:
        return {"layer": self.layer, "inserted": self.inserted, "report": self.report.to_dict()}


def import_file(
    store: Store,
    layer: Layer,
    path: str | Path,
    *,
    actor: str,
    reason: str | None = None,
    source_layer: str | None = None,
    encoding: str | None = None,
    crs: str | None = None,
    skip_invalid: bool = False,
    make_valid: bool = False,
) -> ImportResult:
    if layer.importer is not None:
        return _import_with_own_checks(
            store,
            layer,
            path,
            actor=actor,
            reason=reason,
            source_layer=source_layer,
            encoding=encoding,
            crs=crs,
            relaxed=skip_invalid or make_valid,
        )
    frame = read_layer(path, layer=source_layer, encoding=encoding, crs=crs)
    clean, report = prepare(frame, layer.spec, skip_invalid=skip_invalid, make_valid=make_valid)
    reason = reason or f"import {Path(path).name}"
    inserted = load_frame(store, layer, clean, actor=actor, reason=reason, source=f"import:{Path(path).name}")
    return ImportResult(layer.name, inserted, report)


def _import_with_own_checks(store, layer: Layer, path, *, actor, reason, source_layer, encoding, crs, relaxed) -> ImportResult:
    """A layer with its own importer checks every row itself and never skips or repairs one."""
    if relaxed:
        raise InvalidInput(
            f"图层 {layer.name} 逐行检查，全部通过才导入；不能跳过或修复要素",
            f"Layer {layer.name} is checked row by row and imported only if every row passes; --skip-invalid and --make-valid do not apply",
        )
    assert layer.importer is not None  # the caller checked
    added = layer.importer(store, path, actor=actor, reason=reason, encoding=encoding, crs=crs, layer=source_layer)
    return ImportResult(layer.name, added, ValidationReport(layer.name, added))


def load_frame(store: Store, layer: Layer, frame: gpd.GeoDataFrame, *, actor: str, reason: str, source: str | None = None) -> int:
    """Insert an already-validated GeoDataFrame (EPSG:4490) as records of ``layer``."""
    with store.transaction(actor=actor, reason=reason) as session:
        return insert_frame(store, session, layer, frame, source)


def insert_frame(store: Store, session: Session, layer: Layer, frame: gpd.GeoDataFrame, source: str | None = None) -> int:
    """Insert inside the caller's transaction (several layers can share one)."""
    if layer.resolve is not None:
        frame = layer.resolve(session, frame)
    rows = frame_to_rows(layer, frame, source)
    with progress(len(rows), f"{layer.name}") as bar:
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            store.bulk_insert(session, layer.model, chunk)
            bar.update(len(chunk))
    return len(rows)


def frame_to_rows(layer: Layer, frame: gpd.GeoDataFrame, source: str | None) -> list[dict[str, Any]]:
    column_type = layer.model.__table__.c.geom.type
    assert isinstance(column_type, Geometry)  # every layer's table has a geometry column
    geometry_type = column_type.geometry_type
    present = [c for c in layer.columns if c in frame.columns]
    records = frame[present].to_dict("records") if present else [{} for _ in range(len(frame))]
    geoms = frame.geometry.array
    rows = []
    for record, geom in zip(records, geoms, strict=True):
        row = {key: _plain(value) for key, value in record.items()}
        row.update(layer.fixed)
        row["geom"] = None if geom is None else promote_to_multi(geom, geometry_type)
        row.setdefault("source", source)
        if row.get("source") is None:
            row["source"] = source
        rows.append(row)
    return rows


def _plain(value: Any) -> Any:
    """numpy/pandas scalars -> Python values the database drivers accept."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes, shapely.Geometry)):
        return value.item()
    return value


def read_frame(store: Store, layer: Layer, date=None) -> gpd.GeoDataFrame:
    """All records of a layer (those in force on ``date``, if given) as a GeoDataFrame in EPSG:4490."""
    table = layer.model.__table__
    names = ["id", *(name for name in layer.columns if name in table.c and name not in ("id", "source", "version")), "source", "version"]
    columns = [table.c[name] for name in names]
    query = select(*columns, table.c.geom).order_by(table.c.id)
    condition = layer.export_filter(date)
    if condition is not None:
        query = query.where(condition)
    with store.read() as session:
        result = session.execute(query)
        records = [dict(row._mapping) for row in result]
    frame = pd.DataFrame.from_records(records, columns=[c.name for c in columns] + ["geom"])
    geometry = gpd.GeoSeries(list(frame.pop("geom")), crs="EPSG:4490")
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4490")


def export_file(store: Store, layer: Layer, path: str | Path, *, crs: str = "EPSG:4490", encoding: str = "UTF-8", date=None) -> int:
    """Write ``layer`` (its rows in force on ``date`` for a layer kept through time) to ``path``."""
    frame = read_frame(store, layer, date)
    frame = frame.drop(columns=[ROW_COLUMN], errors="ignore")
    write_layer(frame, path, crs=crs, layer=layer.name, encoding=encoding)
    return len(frame)
