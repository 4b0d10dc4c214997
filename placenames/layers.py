"""The place-name side's layers for import and export."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from gis.errors import InvalidInput
from gis.io.validate import LayerSpec
from gis.layers import Layer

from .signs.layers import layers as signs_layers
from .models import Building, DoorPlate, PlaceName, Road, Waterway
from .register import fill_spelling

LINES = ("LineString", "MultiLineString")


def _resolve_door_plates(session, frame: pd.DataFrame) -> pd.DataFrame:
    """road_name -> road_id and building_code -> building_id; unknown names refuse the import."""
    frame = frame.copy()
    roads = dict(session.execute(select(Road.name, Road.id)).all())
    missing = sorted(set(frame["road_name"]) - set(roads))
    if missing:
        shown = "、".join(missing[:10])
        raise InvalidInput(f"门牌引用了不存在的道路：{shown}", f"Door plates refer to unknown roads: {', '.join(missing[:10])}", details={"roads": missing})
    frame["road_id"] = frame["road_name"].map(roads)
    if "building_code" in frame.columns:
        codes = [c for c in frame["building_code"].dropna().unique()]
        buildings = dict(session.execute(select(Building.code, Building.id).where(Building.code.in_(codes))).all()) if codes else {}
        frame["building_id"] = [buildings.get(code) for code in frame["building_code"]]
    if "suffix" not in frame.columns:
        frame["suffix"] = ""
    frame["suffix"] = frame["suffix"].fillna("")
    if "status" not in frame.columns:
        frame["status"] = "current"
    return frame


def layers() -> list[Layer]:
    return [
        Layer(
            name="place_names",
            model=PlaceName,
            spec=LayerSpec(name="place_names", required=("name", "category_code", "category_label")),
            columns=("name", "romanization", "specific_part", "generic_part", "pinyin_key", "category_code", "category_label", "admin_code", "status", "description", "source"),
            title_zh="标准地名",
            title_en="Standard place names",
            fixed={},
            resolve=fill_spelling,
        ),
        Layer(
            name="roads",
            model=Road,
            spec=LayerSpec(name="roads", geometry_types=LINES, required=("name", "road_class"), id_column="name"),
            columns=("name", "road_class", "admin_code", "source"),
            title_zh="道路",
            title_en="Roads",
        ),
        Layer(
            name="waterways",
            model=Waterway,
            spec=LayerSpec(name="waterways", geometry_types=LINES, required=("name", "waterway_class")),
            columns=("name", "waterway_class", "source"),
            title_zh="河流",
            title_en="Waterways",
        ),
        Layer(
            name="buildings",
            model=Building,
            spec=LayerSpec(name="buildings", geometry_types=("Polygon",), required=("code", "households"), id_column="code"),
            columns=("code", "block_code", "community_code", "households", "floors", "source"),
            title_zh="建筑",
            title_en="Buildings",
        ),
        Layer(
            name="door_plates",
            model=DoorPlate,
            spec=LayerSpec(name="door_plates", geometry_types=("Point",), required=("road_name", "number", "number_text", "address")),
            columns=("road_id", "number", "suffix", "number_text", "building_id", "side", "address", "status", "source"),
            title_zh="门牌",
            title_en="Door plates",
            resolve=_resolve_door_plates,
        ),
        *signs_layers(),
    ]
