"""CSV layers: points as lon/lat columns, other shapes as a WKT column.

Parsed with the csv module rather than GDAL or pandas so every record keeps the
line it started on (header = line 1) for error reports, and attributes stay text
(codes such as ``0871`` must keep their leading zero). Text cells that a spreadsheet
would run as a formula are written with a leading apostrophe and read back without it.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis.errors import EncodingError, InvalidInput
from gis.io.encoding import codec_name, decode_bytes
from gis.io.formats import coordinate_columns, wkt_column
from gis.io.validate import READ_NOTES, ROW_COLUMN

WKT_COLUMN = "geometry_wkt"
LON_COLUMN, LAT_COLUMN = "lon", "lat"


def _records(text: str) -> tuple[list[str], list[int], list[list[str]]]:
    """Header, starting line of each non-blank record, and the records."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    lines, records = [], []
    previous = 0
    for record in reader:
        start, previous = previous + 1, reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if header is None:
            header = [c.strip() for c in record]
            continue
        lines.append(start)
        records.append(record)
    if header is None:
        raise InvalidInput("CSV 文件为空", "The CSV file is empty")
    duplicates = sorted({c for c in header if header.count(c) > 1})
    if duplicates or "" in header:
        raise InvalidInput(
            f"CSV 表头有重复或空的列名：{', '.join(duplicates) or '（空）'}",
            f"CSV header has duplicate or empty column names: {', '.join(duplicates) or '(empty)'}",
        )
    return header, lines, records


def table_records(text: str) -> tuple[list[str], list[int], list[list[str]]]:
    """Header, starting line of each non-blank record, and the records, for tables
    read without geometry (census files); cells still carry their formula escapes."""
    return _records(text)


def _number(text: str | None) -> float | None:
    try:
        value = float(text.strip()) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


def read_csv(
    path: Path,
    *,
    encoding: str | None = None,
    lon_column: str | None = None,
    lat_column: str | None = None,
    lonlat_range: bool = True,
) -> gpd.GeoDataFrame:
    """CSV → GeoDataFrame without CRS; bad coordinates become read notes, geometry None.

    ``lonlat_range`` checks lon ∈ [-180, 180] and lat ∈ [-90, 90] (geographic input).
    """
    text, _ = decode_bytes(path.read_bytes(), explicit=encoding, source=path.name)
    header, lines, records = _records(text)
    columns: dict[str, list[str | None]] = {name: [] for name in header}
    extra: list[int] = []
    for line, record in zip(lines, records, strict=False):
        if len(record) > len(header):
            extra.append(line)
        for i, name in enumerate(header):
            value = record[i] if i < len(record) else ""
            columns[name].append(unescape_formula(value) if value.strip() else None)

    notes = [{"row": line, "rule": "bad_row", "zh": "字段数多于表头", "en": "More fields than the header has"} for line in extra]
    pair = coordinate_columns(header, lon_column, lat_column)
    wkt = wkt_column(header)
    if pair is not None:
        geoms, geo_notes = _points(columns, pair, lines, lonlat_range)
        drop = list(pair)
    elif wkt is not None:
        geoms, geo_notes = _shapes(columns[wkt], lines)
        drop = [wkt]
    else:
        raise InvalidInput(
            "CSV 中找不到经纬度列（lon/lat、lng、longitude/latitude、x/y、经度/纬度）或 WKT 列",
            "CSV has no coordinate columns (lon/lat, lng, longitude/latitude, x/y, 经度/纬度) nor a WKT column",
            details={"columns": header},
        )
    attributes = pd.DataFrame({k: v for k, v in columns.items() if k not in drop}, dtype=object)
    attributes.insert(0, ROW_COLUMN, np.asarray(lines, dtype=np.int64))
    gdf = gpd.GeoDataFrame(attributes, geometry=gpd.GeoSeries(geoms, index=attributes.index), crs=None)
    gdf.attrs[READ_NOTES] = sorted(notes + geo_notes, key=lambda n: n["row"])
    return gdf


def _points(columns, pair, lines, lonlat_range):
    lon_name, lat_name = pair
    geoms: list[shapely.Point | None] = []
    notes: list[dict[str, object]] = []
    for line, lon_text, lat_text in zip(lines, columns[lon_name], columns[lat_name], strict=False):
        lon, lat = _number(lon_text), _number(lat_text)
        zh, en = [], []
        for value, text, name, limit in ((lon, lon_text, lon_name, 180), (lat, lat_text, lat_name, 90)):
            if value is None:
                zh.append(f"{name} 不是有效数字：{text!r}" if text else f"{name} 为空")
                en.append(f"{name} is not a valid number: {text!r}" if text else f"{name} is empty")
            elif lonlat_range and abs(value) > limit:
                zh.append(f"{name} 超出范围 ±{limit}：{value}")
                en.append(f"{name} out of range ±{limit}: {value}")
        if zh:
            notes.append({"row": line, "rule": "bad_coordinates", "zh": "；".join(zh), "en": "; ".join(en)})
            geoms.append(None)
        else:
            geoms.append(shapely.Point(lon, lat))
    return geoms, notes


def _shapes(texts, lines):
    geoms, notes = [], []
    for line, text in zip(lines, texts, strict=False):
        try:
            geoms.append(shapely.from_wkt(text) if text else None)
        except shapely.errors.GEOSException as exc:
            geoms.append(None)
            notes.append({"row": line, "rule": "bad_wkt", "zh": f"WKT 无法解析：{exc}", "en": f"Unparsable WKT: {exc}"})
    return geoms, notes


#: A cell starting with one of these is run as a formula by spreadsheet programs (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(text: str) -> str:
    """A text cell made inert for spreadsheets: a leading apostrophe before a formula start.

    A cell that already starts with an apostrophe gets one more, so ``unescape_formula``
    gives every exported cell back exactly (an import of an export changes nothing)."""
    return "'" + text if text.startswith(FORMULA_STARTS) or text.startswith("'") else text


def unescape_formula(text: str) -> str:
    """The cell as it was before ``escape_formula`` (a lone leading apostrophe typed by hand stays)."""
    if len(text) > 1 and text[0] == "'" and (text[1] == "'" or text[1:].startswith(FORMULA_STARTS)):
        return text[1:]
    return text


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return escape_formula(value)
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(float(value))
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def write_csv(gdf: gpd.GeoDataFrame, path: Path, *, encoding: str = "UTF-8") -> None:
    """Points → ``lon``/``lat`` columns; any other shape → ``geometry_wkt`` (full precision).

    UTF-8 is written with a BOM so Excel shows Chinese text correctly.
    """
    codec = codec_name(encoding)
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    present = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    points = bool(np.all(shapely.get_type_id(geoms[present]) == 0))
    attributes = gdf.drop(columns=[gdf.geometry.name])
    if points:
        taken = {LON_COLUMN, LAT_COLUMN} & set(attributes.columns)
        if taken:
            attributes = attributes.drop(columns=list(taken))
        header = [LON_COLUMN, LAT_COLUMN]
        coords = [[repr(float(g.x)), repr(float(g.y))] if ok else ["", ""] for g, ok in zip(geoms, present, strict=False)]
    else:
        header = [WKT_COLUMN]
        coords = [[shapely.to_wkt(g, rounding_precision=-1) if ok else ""] for g, ok in zip(geoms, present, strict=False)]
    header += [str(c) for c in attributes.columns]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for coord, values in zip(coords, attributes.itertuples(index=False, name=None), strict=False):
        writer.writerow(coord + [_cell(v) for v in values])
    try:
        data = buffer.getvalue().encode("utf-8-sig" if codec == "utf-8" else codec)
    except UnicodeEncodeError as exc:
        raise EncodingError(
            f"部分文字无法用 {encoding} 编码：{exc.object[exc.start : exc.end]!r}",
            f"Some text cannot be encoded as {encoding}: {exc.object[exc.start : exc.end]!r}",
        ) from None
    path.write_bytes(data)
