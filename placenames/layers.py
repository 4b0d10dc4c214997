"""The place-name side's layers for import and export."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from gis.basemap import Building, Road, Waterway
from gis.errors import InvalidInput
from gis.io.validate import LayerSpec
from gis.layers import Layer

from .models import DoorPlate, PlaceName
from .numbering.entrances import MAX_OFFSET_M, offsets_m
from .numbering.models import BuildingEntrance
from .register import fill_spelling
from .sides import side_code
from .signs.layers import layers as signs_layers

LINES = ("LineString", "MultiLineString")


def _resolve_door_plates(session, frame: pd.DataFrame) -> pd.DataFrame:
    """road_name -> road_id and building_code -> building_id; unknown names refuse the import."""
    frame = frame.copy()
    roads = dict(session.execute(select(Road.name, Road.id)).all())
    missing = sorted(set(frame["road_name"]) - set(roads))
    if missing:
        shown = "、".join(missing[:10])
        raise InvalidInput(
            f"门牌引用了不存在的道路：{shown}", f"Door plates refer to unknown roads: {', '.join(missing[:10])}", details={"roads": missing}
        )
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
    if "side" in frame.columns:
        frame["side"] = _side_codes(frame)
    return frame


def _side_codes(frame: pd.DataFrame) -> list[str | None]:
    """The side column as stored codes (L/R); a value that is no side refuses the import, naming its rows."""
    rows = frame["_row"].tolist() if "_row" in frame.columns else list(range(1, len(frame) + 1))
    codes, bad = [], []
    for row, value in zip(rows, frame["side"], strict=True):
        try:
            codes.append(side_code(value))
        except ValueError:
            codes.append(None)
            bad.append(row)
    if bad:
        raise InvalidInput(
            f"门牌的 side 只能是 L/R、left/right 或 左/右（第 {bad[:10]} 行）",
            f"A door plate's side must be L/R, left/right or 左/右 (rows {bad[:10]})",
            details={"rows": bad},
        )
    return codes


def _resolve_entrances(session, frame: pd.DataFrame) -> pd.DataFrame:
    """building_code -> building_id; unknown buildings, buildings that already have an entrance
    and points far from their building refuse the import, naming the rows."""
    frame = frame.copy()
    codes = [c for c in frame["building_code"].unique()]
    found = session.execute(select(Building.code, Building.id, Building.geom).where(Building.code.in_(codes))).all()
    ids = {code: building_id for code, building_id, _ in found}
    rows = frame["_row"].tolist() if "_row" in frame.columns else list(range(1, len(frame) + 1))
    unknown = [row for row, code in zip(rows, frame["building_code"], strict=True) if code not in ids]
    if unknown:
        raise InvalidInput(
            f"入口引用了不存在的建筑（第 {unknown[:10]} 行）",
            f"Entrances refer to unknown buildings (rows {unknown[:10]})",
            details={"rows": unknown},
        )
    frame["building_id"] = frame["building_code"].map(ids)
    have = set(session.scalars(select(BuildingEntrance.building_id).where(BuildingEntrance.building_id.in_(list(ids.values())))))
    again = [row for row, b in zip(rows, frame["building_id"], strict=True) if b in have]
    if again:
        raise InvalidInput(
            f"这些建筑已有入口，请用 diming numbers entrance 修改（第 {again[:10]} 行）",
            f"These buildings already have an entrance; move it with diming numbers entrance (rows {again[:10]})",
            details={"rows": again},
        )
    outlines = {building_id: geom for _, building_id, geom in found}
    offsets = offsets_m([outlines[b] for b in frame["building_id"]], list(frame.geometry))
    far = [row for row, offset in zip(rows, offsets, strict=True) if offset > MAX_OFFSET_M]
    if far:
        raise InvalidInput(
            f"入口距建筑超过 {MAX_OFFSET_M:g} 米（第 {far[:10]} 行；坐标或坐标系有误？）",
            f"Entrances more than {MAX_OFFSET_M:g} m from their building (rows {far[:10]}; wrong coordinates or CRS?)",
            details={"rows": far},
        )
    return frame


def layers() -> list[Layer]:
    return [
        Layer(
            name="place_names",
            model=PlaceName,
            spec=LayerSpec(name="place_names", required=("name", "category_code", "category_label")),
            columns=(
                "name",
                "romanization",
                "romanization_override",
                "specific_part",
                "generic_part",
                "pinyin_key",
                "category_code",
                "category_label",
                "admin_code",
                "status",
                "description",
                "source",
            ),
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
        Layer(
            name="building_entrances",
            model=BuildingEntrance,
            spec=LayerSpec(name="building_entrances", geometry_types=("Point",), required=("building_code",), id_column="building_code"),
            columns=("building_id", "description", "source"),
            title_zh="建筑入口",
            title_en="Building entrances",
            resolve=_resolve_entrances,
        ),
        *signs_layers(),
    ]
