"""The road-sign inventory as an import/export layer (CSV, GeoPackage, ...)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from gis.basemap import Road
from gis.errors import InvalidInput
from gis.io.validate import LayerSpec
from gis.layers import Layer

from .models import RoadSign


def _resolve_road_signs(session, frame: pd.DataFrame) -> pd.DataFrame:
    """road_name -> road_id; unknown roads refuse the import; status defaults to in service."""
    frame = frame.copy()
    roads = dict(session.execute(select(Road.name, Road.id)).all())
    missing = sorted(set(frame["road_name"]) - set(roads))
    if missing:
        raise InvalidInput(
            f"路牌引用了不存在的道路：{'、'.join(missing[:10])}",
            f"Road signs refer to unknown roads: {', '.join(missing[:10])}",
            details={"roads": missing},
        )
    frame["road_id"] = frame["road_name"].map(roads)
    if "status" not in frame.columns:
        frame["status"] = "in_service"
    frame["status"] = frame["status"].fillna("in_service")
    if "installed_on" in frame.columns:
        dates = pd.to_datetime(frame["installed_on"], errors="coerce")
        bad = frame["installed_on"].notna() & dates.isna()
        if bad.any():
            rows = [int(i) for i in frame.index[bad][:10]]
            raise InvalidInput("安装日期无法识别（应为 YYYY-MM-DD）", "installed_on must be a date (YYYY-MM-DD)", details={"rows": rows})
        frame["installed_on"] = [d.date() if not pd.isna(d) else None for d in dates]
    return frame


def _import_through_inventory(store, path, **options) -> int:
    """``diming import road_signs`` runs the inventory import: the same row checks as ``diming signs import``."""
    from .exchange import import_signs

    summary = import_signs(store, path, **options)
    return summary.inserted + summary.updated


def layers() -> list[Layer]:
    return [
        Layer(
            name="road_signs",
            model=RoadSign,
            spec=LayerSpec(name="road_signs", geometry_types=("Point",), required=("road_name", "text_zh", "text_roman", "sign_type")),
            columns=("road_id", "text_zh", "text_roman", "sign_type", "size", "installed_on", "status", "source"),
            title_zh="路牌",
            title_en="Road signs",
            resolve=_resolve_road_signs,
            importer=_import_through_inventory,
        )
    ]
