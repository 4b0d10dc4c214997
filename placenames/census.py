"""Census-style registration records (第二次全国地名普查登记表) in and out of the register.

Files carry the census field names as column headers (CSV, or a GeoPackage layer
with geometry). An import validates every row first and writes all rows in one
transaction or none. Coordinates: 东经/北纬 (and 至东经/至北纬 for an extent) in
CGCS2000 when the file has no geometry; 坐标系 must be 2000.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from sqlalchemy import select

from gis.errors import InvalidInput
from gis.io.encoding import decode_bytes
from gis.io.read import read_layer

from . import categories, register
from .checks import Candidate
from .checks.runner import import_problem
from .models import PlaceName
from .registry_models import NameAlias
from .romanization.syllables import check as check_override

# census header -> PlaceName column (plain copies)
TEXT_FIELDS = {
    "代码": "name_code",
    "图上名称": "map_name",
    "图号": "map_sheet",
    "比例尺": "map_scale",
    "地名读音": "pronunciation_audio",
    "通名罗马字母拼写": "generic_romanization",
    "民族文字": "minority_script",
    "语种": "language",
    "命名时间": "named_on",
    "测量方法": "measurement_method",
    "地名含义": "meaning",
    "地名来历": "origin",
    "历史沿革": "history",
    "地理实体描述": "entity_description",
    "多媒体": "multimedia",
    "资料来源": "data_source",
    "备注": "remarks",
    "登记人": "registrar",
    "登记单位": "registering_unit",
}
NUMBER_FIELDS = {
    "设立年份": ("established_year", int),
    "废止年份": ("abolished_year", int),
    "标牌个数": ("sign_count", int),
    "高程": ("elevation_m", float),
}
ALIAS_FIELDS = {"别名": "alias", "简称": "short", "曾用名": "former"}
HEADERS = (
    "代码",
    "标准名称",
    "别名",
    "简称",
    "曾用名",
    "图上名称",
    "图号",
    "比例尺",
    "罗马字母拼写",
    "地名读音",
    "通名罗马字母拼写",
    "民族文字",
    "语种",
    "使用时间",
    "命名时间",
    "设立年份",
    "废止年份",
    "标牌个数",
    "高程",
    "东经",
    "北纬",
    "至东经",
    "至北纬",
    "坐标系",
    "测量方法",
    "类别代码",
    "类别名称",
    "地名含义",
    "地名来历",
    "历史沿革",
    "地理实体描述",
    "多媒体",
    "资料来源",
    "备注",
    "登记时间",
    "登记人",
    "登记单位",
    "所在(跨)行政区",
    "密级",
)
USAGE = {"现行": "current", "历史": "retired", "现用": "current", "曾用": "retired"}
PUBLIC_MARKS = ("", "公开", "public")


def _cell(row: dict, key: str) -> str:
    """A cell as text. GeoPackages made with desktop GIS type their columns: an empty
    date is NaT, codes and counts come as reals (530102008000.0), dates as timestamps."""
    value = row.get(key)
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value).strip()


def _split(text: str) -> list[str]:
    for mark in ("；", "、", ";", ",", "，"):
        text = text.replace(mark, "|")
    return [t.strip() for t in text.split("|") if t.strip()]


def _geometry(row: dict, geom) -> Any:
    if geom is not None and not geom.is_empty:
        return geom
    lon, lat = _cell(row, "东经"), _cell(row, "北纬")
    if not lon and not lat:
        return None
    x, y = float(lon), float(lat)
    to_lon, to_lat = _cell(row, "至东经"), _cell(row, "至北纬")
    if to_lon and to_lat and (float(to_lon), float(to_lat)) != (x, y):
        return shapely.box(x, y, float(to_lon), float(to_lat))
    return shapely.Point(x, y)


def record_from_row(row: dict, geom=None) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """One census row -> (PlaceName columns, [(alias, kind)]); ValueError explains a bad row."""
    name = _cell(row, "标准名称")
    if not name:
        raise ValueError("标准名称为空 / 标准名称 is empty")
    category = categories.find(_cell(row, "类别代码") or _cell(row, "类别名称"))
    system = _cell(row, "坐标系")
    if system and "2000" not in system:
        raise ValueError(f"坐标系应为 2000（CGCS2000），而非 {system} / coordinate system must be CGCS2000")
    usage = _cell(row, "使用时间")
    if usage and usage not in USAGE:
        raise ValueError(f"使用时间应为 现行/历史，而非 {usage} / 使用时间 must be 现行 or 历史")
    record: dict[str, Any] = {**register.spelling(name, category.code), "status": USAGE.get(usage, "current")}
    rules_spelling = record["romanization"]
    given = _cell(row, "罗马字母拼写")
    if given:
        given = check_override(given)  # Hanyu Pinyin syllables, no English (InvalidInput names the row)
    if given and given != rules_spelling:
        record["romanization"] = record["romanization_override"] = given
    for header, column in TEXT_FIELDS.items():
        if _cell(row, header):
            record[column] = _cell(row, header)
    for header, (column, kind) in NUMBER_FIELDS.items():
        if _cell(row, header):
            record[column] = kind(float(_cell(row, header)))
    if _cell(row, "登记时间"):
        record["registered_on"] = dt.date.fromisoformat(_cell(row, "登记时间")[:10])
    codes = _split(_cell(row, "所在(跨)行政区"))
    if codes:
        record["admin_code"] = codes[0]
        record["cross_admin_codes"] = ",".join(codes[1:]) or None
    secrecy = _cell(row, "密级")
    record["classification"] = "public" if secrecy in PUBLIC_MARKS else secrecy
    record["geom"] = _geometry(row, geom)
    aliases = [(alias, kind) for header, kind in ALIAS_FIELDS.items() for alias in _split(_cell(row, header))]
    return record, aliases


def read_rows(path: str | Path, *, encoding: str | None = None) -> list[tuple[dict, Any]]:
    path = Path(path)
    if path.suffix.lower() == ".csv":
        text, _codec = decode_bytes(path.read_bytes(), explicit=encoding, source=path.name)
        return [(row, None) for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))]
    frame = read_layer(path, encoding=encoding)
    geoms = list(frame.geometry) if frame.geometry is not None else [None] * len(frame)
    return [(row, geom) for row, geom in zip(frame.drop(columns=[frame.geometry.name]).to_dict("records"), geoms, strict=True)]


def import_census(store, path: str | Path, *, actor: str, reason: str | None = None, encoding: str | None = None) -> int:
    """Import every row of a census file, or none: problems are reported with row numbers."""
    prepared, problems = [], []
    for number, (row, geom) in enumerate(read_rows(path, encoding=encoding), start=2):
        try:
            prepared.append((number, *record_from_row(row, geom)))
        except (ValueError, InvalidInput) as exc:
            problems.append({"row": number, "problem": f"{exc.zh} / {exc.en}" if isinstance(exc, InvalidInput) else str(exc)})
    _refuse(problems)
    with store.transaction(actor=actor, reason=reason or f"census import {Path(path).name}") as session:
        _refuse(sorted(rule_problems(session, prepared) + _repeated_names(session, prepared), key=lambda p: p["row"]))
        for _number, record, aliases in prepared:
            entry = PlaceName(**record, source=f"census:{Path(path).name}"[:64])
            session.add(entry)
            session.flush()
            session.add_all(NameAlias(place_name_id=entry.id, alias=alias, kind=kind) for alias, kind in aliases)
    return len(prepared)


def _refuse(problems: list[dict[str, Any]]) -> None:
    if problems:
        raise InvalidInput(
            f"普查登记文件有 {len(problems)} 行无效，未导入任何记录",
            f"{len(problems)} rows of the census file are invalid; nothing was imported",
            details=problems,
        )


def rule_problems(session, prepared) -> list[dict[str, Any]]:
    """The naming rules (``checks.runner.IMPORT_RULES``) on every row, by row number;
    the same rules the procedure applies, so a file cannot bring in what an application may not."""
    problems = []
    for number, record, _aliases in prepared:
        candidate = Candidate(record["name"], record["category_code"], admin_code=record.get("admin_code"))
        problem = import_problem(session, candidate, current=record["status"] == "current")
        if problem:
            problems.append({"row": number, "problem": problem})
    return problems


def _repeated_names(session, prepared) -> list[dict[str, Any]]:
    """Current rows that would repeat a current name of their uniqueness class (条例
    Art.9), in the file or in the register: said by row, before the database refuses."""
    classes = categories.unique_classes()
    rows = [
        (number, (classes[r["category_code"]], r["name"]))
        for number, r, _ in prepared
        if r["status"] == "current" and r["category_code"] in classes
    ]
    names = sorted({name for _, (_, name) in rows})
    registered = (
        set(
            session.execute(
                select(PlaceName.unique_class, PlaceName.name).where(
                    PlaceName.status == "current", PlaceName.unique_class.is_not(None), PlaceName.name.in_(names)
                )
            ).tuples()
        )
        if names
        else set()
    )
    problems: list[dict[str, Any]] = []
    first_row: dict[tuple, int] = {}
    for number, key in rows:
        if key in registered:
            problems.append({"row": number, "problem": f"'{key[1]}' is already a current standard name in the register (must not repeat)"})
        elif key in first_row:
            problems.append(
                {"row": number, "problem": f"'{key[1]}' repeats row {first_row[key]} (current names of this category must not repeat)"}
            )
        else:
            first_row[key] = number
    return problems


def row_from_entry(entry: PlaceName, aliases: list[NameAlias]) -> dict[str, Any]:
    row = {header: getattr(entry, column) for header, column in TEXT_FIELDS.items()}
    row.update({header: getattr(entry, column) for header, (column, _kind) in NUMBER_FIELDS.items()})
    for header, kind in ALIAS_FIELDS.items():
        row[header] = "；".join(a.alias for a in aliases if a.kind == kind)
    category = categories.categories().get(entry.category_code)
    bounds = entry.geom.bounds if entry.geom is not None and not entry.geom.is_empty else (None,) * 4
    point = entry.geom.geom_type == "Point" if entry.geom is not None else True
    row.update(
        {
            "标准名称": entry.name,
            "罗马字母拼写": register.spelling_of(entry),
            "使用时间": "现行" if entry.status == "current" else "历史" if entry.status == "retired" else entry.status,
            "东经": bounds[0],
            "北纬": bounds[1],
            "至东经": None if point else bounds[2],
            "至北纬": None if point else bounds[3],
            "坐标系": "2000",
            "类别代码": entry.category_code,
            "类别名称": category.label_zh if category else entry.category_label,
            "登记时间": entry.registered_on.isoformat() if entry.registered_on else None,
            "所在(跨)行政区": ",".join(c for c in (entry.admin_code, entry.cross_admin_codes) if c),
            "密级": "公开" if entry.classification == "public" else entry.classification,
        }
    )
    return {header: row.get(header) for header in HEADERS}


def export_census(store, path: str | Path, *, status: str | None = None) -> int:
    """Write the register (or the names of one status) with census headers: .csv or .gpkg."""
    path = Path(path)
    with store.read() as session:
        query = select(PlaceName).order_by(PlaceName.id)
        if status:
            query = query.where(PlaceName.status == status)
        entries = list(session.scalars(query))
        aliases = list(session.scalars(select(NameAlias)))
    by_name: dict[int, list[NameAlias]] = {}
    for alias in aliases:
        by_name.setdefault(alias.place_name_id, []).append(alias)
    rows = [row_from_entry(e, by_name.get(e.id, [])) for e in entries]
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=HEADERS)
            writer.writeheader()
            writer.writerows({k: ("" if v is None else v) for k, v in row.items()} for row in rows)
    elif path.suffix.lower() == ".gpkg":
        frame = gpd.GeoDataFrame(rows, columns=list(HEADERS), geometry=[e.geom for e in entries], crs="EPSG:4490")
        frame.to_file(path, layer="place_names_census", driver="GPKG")
    else:
        raise InvalidInput("普查登记文件只支持 .csv 或 .gpkg", "Census files must be .csv or .gpkg")
    return len(rows)
