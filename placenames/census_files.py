"""The files census tables travel in: Excel (.xlsx), CSV (GBK by default) and GeoPackage.

``placenames.census`` decides what a row means; this module only reads rows (with the
row number an officer sees in the file) and writes them. Headers are matched after
normalising the forms the census template and officers use: full-width brackets,
required-field stars (``标准名称*``), and other labels for the same field (地名代码 =
代码, 地名类别 = 类别名称, 含义 = 地名含义 …). A workbook carries a second sheet with
the code lists (categories, 使用时间, 密级 …) and what each column holds.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd

from gis.errors import EncodingError, InvalidInput
from gis.io.csvfile import escape_formula, table_records, unescape_formula
from gis.io.encoding import codec_name, decode_bytes
from gis.io.read import read_layer
from gis.io.xlsxfile import write_workbook

from . import categories, name_codes

SUFFIXES = (".xlsx", ".csv", ".gpkg")
MAIN_SHEET = "地名普查登记"
LEGEND_SHEET = "代码表 Legend"
GPKG_LAYER = "place_names_census"
DEFAULT_CSV_ENCODING = "GBK"

# Other labels for a census field (template versions, provincial forms, officers' own tables).
SYNONYMS = {
    "地名代码": "代码",
    "标准地名": "标准名称",
    "罗马字母拼音": "罗马字母拼写",
    "汉语拼音": "罗马字母拼写",
    "地名类别": "类别名称",
    "类别": "类别名称",
    "地名类别代码": "类别代码",
    "含义": "地名含义",
    "来历": "地名来历",
    "行政区划": "所在(跨)行政区",
    "行政区划代码": "所在(跨)行政区",
    "所在行政区": "所在(跨)行政区",
    "高程(米)": "高程",
    "图号(年版)": "图号",
    "多媒体信息": "多媒体",
    "资料来源及出处": "资料来源",
    "东经度分秒": "东经(度分秒)",
    "北纬度分秒": "北纬(度分秒)",
}

# What each produced column holds (the legend sheet); "*" marks what the census form requires.
COLUMNS = {
    "代码": (
        "地名代码，20 位：县 6 + 乡 3 + 类别 5 + 顺序 6；空则入库时编制",
        "地名代码, 20 digits: county 6 + township 3 + category 5 + serial 6; given on import when empty",
    ),
    "标准名称": ("标准名称*", "Standard name*"),
    "别名": ("别名，多个用“；”分隔", "Other names, separated by ；"),
    "简称": ("简称", "Short names"),
    "曾用名": ("曾用名", "Former names"),
    "图上名称": ("地图上的名称", "Name on the map"),
    "图号": ("图号（年版）", "Map sheet (edition)"),
    "比例尺": ("比例尺", "Map scale"),
    "罗马字母拼写": (
        "罗马字母拼写*（按 GB/T 16159 自动生成；与规则不同即为人工订正）",
        "Romanization* (GB/T 16159; a different spelling is an officer's override)",
    ),
    "地名读音": ("读音文件", "Pronunciation audio file"),
    "通名罗马字母拼写": ("通名拼写", "Romanization of the generic"),
    "民族文字": ("民族文字", "Minority script"),
    "语种": ("语种（汉语地名不填）", "Language (empty for Chinese names)"),
    "使用时间": ("现行 / 历史*", "现行 (current) / 历史 (historical)*"),
    "命名时间": ("命名时间", "Named on"),
    "设立年份": ("设立年份", "Year established"),
    "废止年份": ("废止年份", "Year abolished"),
    "标牌个数": ("标牌个数", "Number of signs"),
    "高程": ("高程（米，山类）", "Elevation (m, mountains)"),
    "东经": ("东经，十进制度（CGCS2000）；也可写度分秒", "Longitude, decimal degrees (CGCS2000); D°M′S″ also read"),
    "北纬": ("北纬，十进制度（CGCS2000）；也可写度分秒", "Latitude, decimal degrees (CGCS2000); D°M′S″ also read"),
    "至东经": ("范围的另一角：东经", "Other corner of the extent: longitude"),
    "至北纬": ("范围的另一角：北纬", "Other corner of the extent: latitude"),
    "东经(度分秒)": ("东经，度分秒，如 102°43′12.50″", "Longitude as D°M′S″, e.g. 102°43′12.50″"),
    "北纬(度分秒)": ("北纬，度分秒，如 25°0′36.00″", "Latitude as D°M′S″, e.g. 25°0′36.00″"),
    "至东经(度分秒)": ("至东经，度分秒", "Extent longitude as D°M′S″"),
    "至北纬(度分秒)": ("至北纬，度分秒", "Extent latitude as D°M′S″"),
    "坐标系": ("2000（CGCS2000，EPSG:4490）", "2000 (CGCS2000, EPSG:4490)"),
    "测量方法": ("实测 / 图解", "实测 (surveyed) / 图解 (from the map)"),
    "类别代码": ("地名类别代码（见下表）", "Category code (see below)"),
    "类别名称": ("类别名称*（代码或名称给一个即可）", "Category name* (code or name, either)"),
    "地名含义": ("地名含义*", "Meaning*"),
    "地名来历": ("地名来历", "Origin"),
    "历史沿革": ("历史沿革*", "History*"),
    "地理实体描述": ("地理实体描述*", "Description of the feature*"),
    "多媒体": ("多媒体信息", "Multimedia"),
    "资料来源": ("资料来源及出处", "Sources"),
    "备注": ("备注", "Remarks"),
    "登记时间": ("登记时间*（YYYY-MM-DD）", "Registered on* (YYYY-MM-DD)"),
    "登记人": ("登记人*", "Registrar*"),
    "登记单位": ("登记单位*", "Registering unit*"),
    "所在(跨)行政区": (
        "所在(跨)行政区*：12 位统计区划代码，跨区的用“,”分隔",
        "Administrative units*: 12-digit codes, several separated by commas",
    ),
    "密级": ("公开；其他密级（如 秘密）的记录从不公开", "公开 (public); any other mark (e.g. 秘密) is never public"),
}
VALUE_LISTS = (
    ("使用时间", "现行", "current"),
    ("使用时间", "历史", "historical (retired)"),
    ("坐标系", "2000", "CGCS2000 (EPSG:4490)"),
    ("测量方法", "实测", "surveyed"),
    ("测量方法", "图解", "read from the map"),
    ("密级", "公开", "public"),
    ("密级", "秘密", "classified: never public"),
)


def canonical(header: str) -> str:
    """The census field a header names: brackets made ASCII, spaces and required stars dropped."""
    text = str(header).strip().replace("（", "(").replace("）", ")").replace(" ", "").replace("\u3000", "").rstrip("*＊")
    return SYNONYMS.get(text, text)


def _canonical_header(header: Sequence[str]) -> list[str]:
    names = [canonical(h) for h in header]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise InvalidInput(
            f"这些列指同一字段：{'、'.join(twice)}（表头：{'、'.join(header)}）",
            f"Several columns name the same field: {', '.join(twice)} (header: {', '.join(header)})",
        )
    return names


def check_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InvalidInput(
            f"普查登记文件只支持 {' '.join(SUFFIXES)}，而非 {path.name}",
            f"Census files must be {', '.join(SUFFIXES)}, not {path.name}",
        )
    return suffix


def read_rows(path: str | Path, *, encoding: str | None = None) -> tuple[list[tuple[int, dict[str, Any], Any]], bool]:
    """``([(row number, {field: value}, geometry or None)], whether the file has geometry)``."""
    path = Path(path)
    suffix = check_suffix(path)
    if suffix == ".csv":
        return _csv_rows(path, encoding), False
    if suffix == ".xlsx":
        from gis.io.xlsxfile import read_table

        header, records = read_table(path, sheet=MAIN_SHEET)
        names = _canonical_header(header)
        return [(number, {names[i]: record[h] for i, h in enumerate(header)}, None) for number, record in records], False
    frame = read_layer(path, encoding=encoding)
    geoms = list(frame.geometry) if frame.geometry is not None else [None] * len(frame)
    attributes = frame.drop(columns=[frame.geometry.name])
    names = _canonical_header(list(attributes.columns))
    attributes.columns = names
    return [(number, row, geom) for number, (row, geom) in enumerate(zip(attributes.to_dict("records"), geoms, strict=True), start=2)], True


def _csv_rows(path: Path, encoding: str | None) -> list[tuple[int, dict[str, Any], Any]]:
    text, _codec = decode_bytes(path.read_bytes(), explicit=encoding, source=path.name)
    header, lines, records = table_records(text)
    names = _canonical_header(header)
    rows = []
    for line, record in zip(lines, records, strict=True):
        row: dict[str, Any] = {name: unescape_formula(record[i]) if i < len(record) else "" for i, name in enumerate(names)}
        if len(record) > len(header) and any(c.strip() for c in record[len(header) :]):
            row["__extra__"] = True
        rows.append((line, row, None))
    return rows


def write_rows(
    path: str | Path, headers: Sequence[str], rows: list[dict[str, Any]], geoms: list[Any], *, encoding: str | None = None
) -> None:
    """Write rows in the format the suffix names (xlsx with a legend sheet, CSV, GeoPackage)."""
    path = Path(path)
    suffix = check_suffix(path)
    if suffix == ".xlsx":
        write_workbook(path, [(MAIN_SHEET, headers, ([row.get(h) for h in headers] for row in rows)), legend_sheet(headers)])
    elif suffix == ".csv":
        path.write_bytes(_csv_bytes(headers, rows, encoding or DEFAULT_CSV_ENCODING))
    else:
        frame = gpd.GeoDataFrame(rows, columns=list(headers), geometry=geoms, crs="EPSG:4490")
        frame.to_file(path, layer=GPKG_LAYER, driver="GPKG")


def _csv_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str):
        return escape_formula(value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _csv_bytes(headers: Sequence[str], rows: list[dict[str, Any]], encoding: str) -> bytes:
    """The CSV in ``encoding`` (UTF-8 with a BOM, so Excel reads it); a cell the encoding
    cannot hold is an error naming its row and column (GBK lacks some rare characters)."""
    codec = codec_name(encoding, "--encoding")
    codec = "utf-8-sig" if codec == "utf-8" else codec
    lines = []
    for number, row in enumerate([dict(zip(headers, headers, strict=True)), *rows], start=1):
        buffer = io.StringIO(newline="")
        cells = [_csv_text(row.get(h)) for h in headers]
        csv.writer(buffer, lineterminator="\r\n").writerow(cells)
        try:
            lines.append(buffer.getvalue().encode(codec.replace("-sig", "")))
        except UnicodeEncodeError:
            column, text = next((h, c) for h, c in zip(headers, cells, strict=True) if not _encodable(c, codec))
            raise EncodingError(
                f"第 {number} 行“{column}”的“{text}”无法用 {encoding} 编码，请用 --encoding UTF-8",
                f"Row {number}, column {column}: {text!r} cannot be encoded as {encoding}; use --encoding UTF-8",
                details={"row": number, "column": column},
            ) from None
    return (b"\xef\xbb\xbf" if codec == "utf-8-sig" else b"") + b"".join(lines)


def _encodable(text: str, codec: str) -> bool:
    try:
        text.encode(codec.replace("-sig", ""))
    except UnicodeEncodeError:
        return False
    return True


def legend_sheet(headers: Sequence[str]) -> tuple[str, list[str], list[list[str]]]:
    """The second sheet: the columns, the category codes, the fixed value lists, the code rule."""
    rows: list[list[str]] = [["列 column", h, *COLUMNS.get(h, ("", ""))] for h in headers]
    rows += [
        ["地名类别 category", c.code, c.label_zh, f"{c.label_en} — {c.census_class}; code {c.code_status}"]
        for c in categories.categories().values()
    ]
    rows += [[f"{field} values", value, "", english] for field, value, english in VALUE_LISTS]
    rows.append(
        [
            "地名代码 rule",
            f"{name_codes.LENGTH} 位",
            "县级区划代码 6 位 + 乡级代码 3 位 + 类别代码 5 位 + 顺序号 6 位（各乡各类别从 000001 起，不重复使用）",
            "county code 6 + township 3 + category 5 + serial 6 (from 000001 per township and category; never reused)",
        ]
    )
    return LEGEND_SHEET, ["类型 kind", "代码/列 code/column", "中文", "English"], rows
