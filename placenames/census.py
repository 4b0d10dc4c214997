"""Census registration records (第二次全国地名普查登记表) in and out of the register.

Files carry the census field names as column headers: Excel (.xlsx), CSV (GBK or
UTF-8) or a GeoPackage layer with geometry (``census_files``). An import validates
every row first — the form of each cell, the naming rules the procedure applies
(``checks.runner.IMPORT_RULES``), repeats — and writes all new rows in one
transaction or none. A row whose 代码 (地名代码) is already in the register is that
name: unchanged it is skipped, changed it is refused (registered names change through
the procedure or an officer's correction), so importing an export writes nothing.
Coordinates: 东经/北纬 (and 至东经/至北纬 for an extent) in CGCS2000, decimal degrees
or D°M′S″, with D°M′S″ copies in their own columns; 坐标系 must be 2000.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import shapely
from sqlalchemy import select

from gis.errors import InvalidInput
from gis.io.dms import DMS_TOLERANCE, parse_coordinate, to_dms

from . import categories, census_files, name_codes, register
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
    "东经(度分秒)",
    "北纬(度分秒)",
    "至东经(度分秒)",
    "至北纬(度分秒)",
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
# decimal column -> its D°M′S″ twin, and the axis' range
COORDINATES = {
    "东经": ("东经(度分秒)", 180),
    "北纬": ("北纬(度分秒)", 90),
    "至东经": ("至东经(度分秒)", 180),
    "至北纬": ("至北纬(度分秒)", 90),
}
USAGE = {"现行": "current", "历史": "retired", "现用": "current", "曾用": "retired"}
PUBLIC_MARKS = ("", "公开", "public")


class RowProblem(ValueError):
    """What is wrong with one row, in which column (None: the row as a whole), in both languages."""

    def __init__(self, column: str | None, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.column, self.zh, self.en = column, zh, en

    def at(self, row: int) -> dict[str, Any]:
        return {"row": row, "column": self.column, "zh": self.zh, "en": self.en, "problem": f"{self.zh} / {self.en}"}


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


def _in_column(column: str, parse, text: str):
    """``parse(text)``, a failure said as a problem of ``column``."""
    try:
        return parse(text)
    except InvalidInput as exc:
        raise RowProblem(column, exc.zh, exc.en) from None
    except ValueError as exc:
        zh, _, en = str(exc).partition(" / ")
        raise RowProblem(column, f"“{column}”的值“{text}”无效：{zh}", f"{column}: invalid value {text!r}: {en or zh}") from None


def coordinate(row: dict, column: str) -> float | None:
    """One coordinate from its decimal column, its D°M′S″ column, or both (which must agree)."""
    dms_column, limit = COORDINATES[column]
    values = {}
    for name in (column, dms_column):
        text = _cell(row, name)
        if text:
            value = _in_column(name, parse_coordinate, text)
            if abs(value) > limit:
                raise RowProblem(name, f"“{name}”超出 ±{limit}：{text}", f"{name} is out of ±{limit}: {text}")
            values[name] = value
    if len(values) == 2 and abs(values[column] - values[dms_column]) > DMS_TOLERANCE * 1.01:
        raise RowProblem(
            dms_column,
            f"“{column}”（{_cell(row, column)}）与“{dms_column}”（{_cell(row, dms_column)}）不一致",
            f"{column} ({_cell(row, column)}) and {dms_column} ({_cell(row, dms_column)}) disagree",
        )
    return values.get(column, values.get(dms_column))


def _geometry(row: dict, geom) -> Any:
    if geom is not None and not geom.is_empty:
        return geom
    x, y = coordinate(row, "东经"), coordinate(row, "北纬")
    if x is None and y is None:
        return None
    if x is None or y is None:
        missing = "东经" if x is None else "北纬"
        raise RowProblem(missing, f"有坐标却缺“{missing}”", f"{missing} is missing while the other coordinate is given")
    to_x, to_y = coordinate(row, "至东经"), coordinate(row, "至北纬")
    if to_x is not None and to_y is not None and (to_x, to_y) != (x, y):
        return shapely.box(x, y, to_x, to_y)
    return shapely.Point(x, y)


def _code(row: dict) -> str | None:
    value = row.get("代码")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= 2**53:
        raise RowProblem(
            "代码",
            "代码被存成了数字，20 位已丢失末几位：请把该列设为文本",
            "代码 was stored as a number, which cannot keep 20 digits: format the column as text",
        )
    text = _cell(row, "代码")
    return _in_column("代码", name_codes.check, text) if text else None


def record_from_row(row: dict, geom=None) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """One census row -> (PlaceName columns, [(alias, kind)]); RowProblem explains a bad row."""
    if row.get("__extra__"):
        raise RowProblem(None, "字段数多于表头", "More fields than the header has")
    name = _cell(row, "标准名称")
    if not name:
        raise RowProblem("标准名称", "标准名称为空", "标准名称 is empty")
    category_column = "类别代码" if _cell(row, "类别代码") else "类别名称"
    category = _in_column(category_column, categories.find, _cell(row, category_column))
    system = _cell(row, "坐标系")
    if system and "2000" not in system:
        raise RowProblem("坐标系", f"坐标系应为 2000（CGCS2000），而非 {system}", "coordinate system must be CGCS2000")
    usage = _cell(row, "使用时间")
    if usage and usage not in USAGE:
        raise RowProblem("使用时间", f"使用时间应为 现行/历史，而非 {usage}", "使用时间 must be 现行 or 历史")
    record: dict[str, Any] = {**register.spelling(name, category.code), "status": USAGE.get(usage, "current")}
    rules_spelling = record["romanization"]
    given = _cell(row, "罗马字母拼写")
    if given:
        given = _in_column("罗马字母拼写", check_override, given)  # Hanyu Pinyin syllables, no English
    if given and given != rules_spelling:
        record["romanization"] = record["romanization_override"] = given
    for header, column in TEXT_FIELDS.items():
        if _cell(row, header):
            record[column] = _cell(row, header)
    record["name_code"] = _code(row)
    for header, (column, kind) in NUMBER_FIELDS.items():
        if _cell(row, header):
            record[column] = _in_column(header, lambda text, kind=kind: kind(float(text)), _cell(row, header))
    if _cell(row, "登记时间"):
        record["registered_on"] = _in_column("登记时间", lambda text: dt.date.fromisoformat(text[:10]), _cell(row, "登记时间"))
    codes = _split(_cell(row, "所在(跨)行政区"))
    if codes:
        record["admin_code"] = codes[0]
        record["cross_admin_codes"] = ",".join(codes[1:]) or None
    secrecy = _cell(row, "密级")
    record["classification"] = "public" if secrecy in PUBLIC_MARKS else secrecy
    record["geom"] = _geometry(row, geom)
    aliases = [(alias, kind) for header, kind in ALIAS_FIELDS.items() for alias in _split(_cell(row, header))]
    return record, aliases


@dataclass
class Row:
    """A row read and understood, with the file's row number."""

    number: int
    cells: dict[str, Any]
    record: dict[str, Any]
    aliases: list[tuple[str, str]] = field(default_factory=list)


def import_census(store, path: str | Path, *, actor: str, reason: str | None = None, encoding: str | None = None) -> int:
    """Import every new row of a census file, or none; returns how many names were added."""
    return import_file(store, path, actor=actor, reason=reason, encoding=encoding)["added"]


def import_file(store, path: str | Path, *, actor: str, reason: str | None = None, encoding: str | None = None) -> dict[str, int]:
    """Add the file's new names and skip the unchanged ones, or refuse it all naming every
    bad row (row number, column, reason in Chinese and English)."""
    rows, with_geometry = census_files.read_rows(path, encoding=encoding)
    prepared: list[Row] = []
    problems: list[dict[str, Any]] = []
    for number, cells, geom in rows:
        try:
            prepared.append(Row(number, cells, *record_from_row(cells, geom)))
        except RowProblem as exc:
            problems.append(exc.at(number))
    _refuse(sorted(problems + _repeated_codes(prepared), key=lambda p: p["row"]))
    with store.transaction(actor=actor, reason=reason or f"census import {Path(path).name}") as session:
        registered = _registered(session, [r.record["name_code"] for r in prepared if r.record["name_code"]])
        new, unchanged = [], 0
        for row in prepared:
            known = registered.get(row.record["name_code"])
            if known is None:
                new.append(row)
                continue
            differing = differences(row, *known, with_geometry=with_geometry)
            if differing:
                entry = known[0]
                problems.append(
                    RowProblem(
                        differing[0],
                        f"代码 {entry.name_code} 已登记为“{entry.name}”，本行的 {'、'.join(differing)} 与登记不同"
                        "（已登记地名经命名程序或更正修改）",
                        f"代码 {entry.name_code} is registered as '{entry.name}' and this row differs in {', '.join(differing)} "
                        "(registered names change through the procedure or a correction)",
                    ).at(row.number)
                )
            else:
                unchanged += 1
        problems += rule_problems(session, new) + _repeated_names(session, new)
        _refuse(sorted(problems, key=lambda p: p["row"]))
        for row in new:
            entry = PlaceName(**row.record, source=f"census:{Path(path).name}"[:64])
            if entry.name_code:
                name_codes.reserve(session, entry.name_code)
            else:
                name_codes.give(session, entry)
            session.add(entry)
            if row.aliases:  # they need the entry's id
                session.flush()
            session.add_all(NameAlias(place_name_id=entry.id, alias=alias, kind=kind) for alias, kind in row.aliases)
    return {"added": len(new), "unchanged": unchanged}


def _refuse(problems: list[dict[str, Any]]) -> None:
    if problems:
        rows = sorted({p["row"] for p in problems})
        shown = "、".join(str(r) for r in rows[:10]) + ("…" if len(rows) > 10 else "")
        raise InvalidInput(
            f"普查登记文件有 {len(rows)} 行无效（第 {shown} 行），未导入任何记录",
            f"{len(rows)} rows of the census file are invalid (rows {shown.replace('、', ', ')}); nothing was imported",
            details=problems,
        )


def _repeated_codes(prepared: list[Row]) -> list[dict[str, Any]]:
    first: dict[str, int] = {}
    problems = []
    for row in prepared:
        code = row.record["name_code"]
        if code and code in first:
            problems.append(
                RowProblem("代码", f"代码 {code} 与第 {first[code]} 行重复", f"代码 {code} repeats row {first[code]}").at(row.number)
            )
        elif code:
            first[code] = row.number
    return problems


def _registered(session, codes: list[str]) -> dict[str, tuple[PlaceName, list[NameAlias]]]:
    """Register entries by code, with their aliases, for the codes a file brings."""
    found: dict[str, tuple[PlaceName, list[NameAlias]]] = {}
    for start in range(0, len(codes), 500):
        entries = list(session.scalars(select(PlaceName).where(PlaceName.name_code.in_(codes[start : start + 500]))))
        aliases = session.scalars(select(NameAlias).where(NameAlias.place_name_id.in_([e.id for e in entries]))).all() if entries else []
        for entry in entries:
            found[entry.name_code] = (entry, [a for a in aliases if a.place_name_id == entry.id])
    return found


def _same_text(header: str, given: str, stored: str) -> bool:
    if header in ALIAS_FIELDS or header == "所在(跨)行政区":
        return _split(given) == _split(stored)
    if header in NUMBER_FIELDS and given and stored:
        try:
            return float(given) == float(stored)
        except ValueError:
            return False
    if header == "登记时间":
        return given[:10] == stored[:10]
    if header == "使用时间":
        return USAGE.get(given, given) == USAGE.get(stored, stored)
    if header == "密级":
        return ("公开" if given in PUBLIC_MARKS else given) == stored
    return given == stored


def differences(row: Row, entry: PlaceName, aliases: list[NameAlias], *, with_geometry: bool) -> list[str]:
    """The census columns in which ``row`` says something else than the register says of
    ``entry`` (columns the file does not have say nothing). Coordinates are compared as
    positions, within the precision of the D°M′S″ columns."""
    stored = row_from_entry(entry, aliases)
    differing = []
    for header in HEADERS:
        if header in COORDINATES or header in {c for c, _ in COORDINATES.values()} or header in ("代码", "类别名称", "坐标系"):
            continue
        if header in row.cells and not _same_text(header, _cell(row.cells, header), _cell(stored, header)):
            differing.append(header)
    if row.record["category_code"] != entry.category_code:
        differing.append("类别代码")
    if any(c in row.cells for c in COORDINATES) or with_geometry:
        expected = entry.geom if with_geometry else _geometry(stored, None)
        given = row.record["geom"]
        if (given is None) != (expected is None) or (given is not None and not given.equals_exact(expected, DMS_TOLERANCE * 1.01)):
            differing.append("东经")
    return differing


def rule_problems(session, prepared: list[Row]) -> list[dict[str, Any]]:
    """The naming rules (``checks.runner.IMPORT_RULES``) on every row, by row number;
    the same rules the procedure applies, so a file cannot bring in what an application may not."""
    problems = []
    for row in prepared:
        record = row.record
        candidate = Candidate(record["name"], record["category_code"], admin_code=record.get("admin_code"))
        problem = import_problem(session, candidate, current=record["status"] == "current")
        if problem:
            problems.append({"row": row.number, "column": "标准名称", "problem": problem})
    return problems


def _repeated_names(session, prepared: list[Row]) -> list[dict[str, Any]]:
    """Current rows that would repeat a current name of their uniqueness class (条例
    Art.9), in the file or in the register: said by row, before the database refuses."""
    classes = categories.unique_classes()
    rows = [
        (row.number, (classes[row.record["category_code"]], row.record["name"]))
        for row in prepared
        if row.record["status"] == "current" and row.record["category_code"] in classes
    ]
    names = sorted({name for _, (_, name) in rows})
    query = select(PlaceName.unique_class, PlaceName.name).where(
        PlaceName.status == "current", PlaceName.unique_class.is_not(None), PlaceName.name.in_(names)
    )
    registered = {(row[0], row[1]) for row in session.execute(query)} if names else set()
    problems: list[dict[str, Any]] = []
    first_row: dict[tuple, int] = {}
    for number, key in rows:
        if key in registered:
            problems.append(
                RowProblem(
                    "标准名称",
                    f"“{key[1]}”已是登记簿中的现行标准名称（不得重名）",
                    f"'{key[1]}' is already a current standard name in the register (must not repeat)",
                ).at(number)
            )
        elif key in first_row:
            problems.append(
                RowProblem(
                    "标准名称",
                    f"“{key[1]}”与第 {first_row[key]} 行重复（此类现行地名不得重名）",
                    f"'{key[1]}' repeats row {first_row[key]} (current names of this category must not repeat)",
                ).at(number)
            )
        else:
            first_row[key] = number
    return problems


def _dms(value: float | None) -> str | None:
    return None if value is None else to_dms(value)


def row_from_entry(entry: PlaceName, aliases: list[NameAlias]) -> dict[str, Any]:
    row = {header: getattr(entry, column) for header, column in TEXT_FIELDS.items()}
    row.update({header: getattr(entry, column) for header, (column, _kind) in NUMBER_FIELDS.items()})
    for header, kind in ALIAS_FIELDS.items():
        row[header] = "；".join(a.alias for a in aliases if a.kind == kind)
    category = categories.categories().get(entry.category_code)
    bounds = entry.geom.bounds if entry.geom is not None and not entry.geom.is_empty else (None,) * 4
    point = entry.geom.geom_type == "Point" if entry.geom is not None else True
    corners = {"东经": bounds[0], "北纬": bounds[1], "至东经": None if point else bounds[2], "至北纬": None if point else bounds[3]}
    row.update(corners)
    row.update({COORDINATES[column][0]: _dms(value) for column, value in corners.items()})
    row.update(
        {
            "标准名称": entry.name,
            "罗马字母拼写": register.spelling_of(entry),
            "使用时间": "现行" if entry.status == "current" else "历史" if entry.status == "retired" else entry.status,
            "坐标系": "2000",
            "类别代码": entry.category_code,
            "类别名称": category.label_zh if category else entry.category_label,
            "登记时间": entry.registered_on.isoformat() if entry.registered_on else None,
            "所在(跨)行政区": ",".join(c for c in (entry.admin_code, entry.cross_admin_codes) if c),
            "密级": "公开" if entry.classification == "public" else entry.classification,
        }
    )
    return {header: row.get(header) for header in HEADERS}


def _query(status: str | None):
    query = select(PlaceName).order_by(PlaceName.id)
    return query.where(PlaceName.status == status) if status else query


def export_census(store, path: str | Path, *, status: str | None = None, encoding: str | None = None, actor: str = "system") -> int:
    """Write the register (or the names of one status) with census headers: .xlsx (with a
    legend sheet), .csv (GBK unless ``encoding`` says otherwise) or .gpkg. Names without a
    地名代码 get theirs first (stored and audited: a code once given stays)."""
    path = Path(path)
    census_files.check_suffix(path)
    with store.transaction(actor=actor, reason="地名代码编制（普查文件导出）地名代码 given for a census export") as session:
        for entry in session.scalars(_query(status).where(PlaceName.name_code.is_(None))):
            name_codes.give(session, entry)
    with store.read() as session:
        entries = list(session.scalars(_query(status)))
        aliases = list(session.scalars(select(NameAlias)))
    by_name: dict[int, list[NameAlias]] = {}
    for alias in aliases:
        by_name.setdefault(alias.place_name_id, []).append(alias)
    rows = [row_from_entry(e, by_name.get(e.id, [])) for e in entries]
    census_files.write_rows(path, HEADERS, rows, [e.geom for e in entries], encoding=encoding)
    return len(rows)
