"""Import a surveyed 界桩成果表 (CSV or XLSX) onto one line, all or nothing.

The columns are those of our own export (``marker_table.COLUMNS``), so a table written
by ``diming boundaries markers export``, completed in the field and read back, fits.
Needed per row: ``serial``, ``marker_type``, ``letter`` and a position, either
``longitude``/``latitude`` (CGCS2000) or ``x_north_m``/``y_east_m`` (Gauss–Krüger of
the measuring zone, X = northing). Each row passes the same checks as a marker
registered by hand (``markers.new_marker``); one bad row and nothing is stored, and
the refusal lists every bad row with its field and reason.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import shapely

from gis.crs import STORAGE_CRS, measure_crs, reproject
from gis.errors import DimingError, InvalidInput
from gis.storage import Store

from .line_models import BoundaryMarker
from .lines.service import get_line
from .marker_table import MAX_REFERENCES
from .markers import new_marker

SOURCE = "surveyed-import"
MAX_ROWS = 999  # serials run 001–999 on a line


class RowProblem(Exception):
    def __init__(self, field: str, zh: str, en: str):
        super().__init__(en)
        self.field, self.zh, self.en = field, zh, en


def read_rows(content: bytes, filename: str) -> list[dict]:
    """The table's rows as text by column name (empty cells left out)."""
    kind = Path(filename).suffix.lower()
    if kind == ".csv":
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("gb18030", errors="strict")
        records = list(csv.DictReader(io.StringIO(text)))
    elif kind == ".xlsx":
        records = _xlsx(content)
    else:
        raise InvalidInput(f"成果表须为 .csv 或 .xlsx：{filename}", f"The marker table must be .csv or .xlsx: {filename}")
    rows = [{k.strip(): _text(v) for k, v in r.items() if k and _text(v) is not None} for r in records]
    if len(rows) > MAX_ROWS:
        raise InvalidInput(f"成果表超过 {MAX_ROWS} 行", f"The marker table has more than {MAX_ROWS} rows")
    return rows


def _xlsx(content: bytes) -> list[dict]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise InvalidInput(f"无法读取 XLSX 文件：{exc}", f"Cannot read the XLSX file: {exc}") from None
    cells = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    if not cells:
        return []
    header = [str(h).strip() if h is not None else "" for h in cells[0]]
    return [dict(zip(header, row, strict=False)) for row in cells[1:] if any(v not in (None, "") for v in row)]


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _number(row: dict, name: str, *, whole: bool = False):
    raw = row.get(name)
    if raw is None:
        return None
    try:
        value = int(raw) if whole else float(raw)
    except ValueError:
        raise RowProblem(
            name, f"{name} 应为{'整数' if whole else '数值'}：{raw}", f"'{name}' must be a {'whole ' if whole else ''}number: {raw}"
        ) from None
    if not whole and value != value:  # NaN
        raise RowProblem(name, f"{name} 应为有限数值", f"'{name}' must be a finite number")
    return value


def _position(row: dict):
    lon, lat = _number(row, "longitude"), _number(row, "latitude")
    if lon is not None and lat is not None:
        return shapely.Point(lon, lat)
    north, east = _number(row, "x_north_m"), _number(row, "y_east_m")
    if north is not None and east is not None:
        return reproject(shapely.Point(east, north), measure_crs(), STORAGE_CRS)
    raise RowProblem("longitude", "须给出经纬度或 X/Y 坐标", "Give longitude/latitude or x_north_m/y_east_m")


def _fields(row: dict) -> dict:
    references = []
    for k in range(1, MAX_REFERENCES + 1):
        name = row.get(f"ref{k}_name")
        if name is not None:
            references.append({"name": name, "bearing_deg": row.get(f"ref{k}_bearing_deg"), "distance_m": row.get(f"ref{k}_distance_m")})
    erected = row.get("erected_on")
    try:
        erected_on = dt.date.fromisoformat(erected[:10]) if erected else None
    except ValueError:
        raise RowProblem("erected_on", f"埋设日期应为 YYYY-MM-DD：{erected}", f"'erected_on' must be YYYY-MM-DD: {erected}") from None
    photos = [p.strip() for p in (row.get("photos") or "").split(";") if p.strip()]
    return {
        "responsible_code": row.get("responsible_code"),
        "material": row.get("material"),
        "erected_on": erected_on,
        "reference_objects": references,
        "photos": photos,
        "remarks": row.get("remarks"),
        "elevation_m": _number(row, "elevation_m"),
    }


def _marker(session, line, row: dict) -> BoundaryMarker:
    for name in ("serial", "marker_type", "letter"):
        if row.get(name) is None:
            raise RowProblem(name, f"缺少 {name}", f"'{name}' is missing")
    if row.get("line_code") not in (None, line.code):
        raise RowProblem(
            "line_code", f"此行属于界线 {row['line_code']}，不是 {line.code}", f"This row is of line {row['line_code']}, not {line.code}"
        )
    serial = _number(row, "serial", whole=True)
    marker = new_marker(
        session, line, serial=serial, marker_type=row["marker_type"], letter=row["letter"], geom=_position(row), **_fields(row)
    )
    if row.get("code") not in (None, marker.code):
        raise RowProblem(
            "code",
            f"界桩号 {row['code']} 与序号和类型字母不符（应为 {marker.code}）",
            f"Code {row['code']} does not match the serial and letter ({marker.code})",
        )
    marker.source = SOURCE
    return marker


def import_table(
    store: Store, line_id: int, content: bytes, filename: str, *, actor: str, reason: str | None = None
) -> list[BoundaryMarker]:
    """Register every row of the table on the line, or none: a refusal names each bad row, field and reason."""
    rows = read_rows(content, filename)
    if not rows:
        raise InvalidInput("成果表没有数据行", "The marker table has no rows")
    problems: list[dict] = []
    added: list[BoundaryMarker] = []
    with store.transaction(actor=actor, reason=reason or f"导入界桩成果表 import marker table {Path(filename).name}") as session:
        line = get_line(session, line_id)
        for number, row in enumerate(rows, start=2):  # row 1 holds the column names
            try:
                marker = _marker(session, line, row)
            except RowProblem as bad:
                problems.append({"row": number, "field": bad.field, "zh": bad.zh, "en": bad.en})
                continue
            except DimingError as bad:
                field = bad.details.get("field") if isinstance(bad.details, dict) else None
                problems.append({"row": number, "field": field, "zh": bad.zh, "en": bad.en})
                continue
            session.add(marker)
            session.flush()
            added.append(marker)
        if problems:
            first = problems[0]
            raise InvalidInput(
                f"成果表有 {len(problems)} 行不合格，未导入任何界桩；第 {first['row']} 行 {first['field'] or ''}：{first['zh']}",
                f"{len(problems)} rows of the marker table fail; nothing was imported. "
                f"Row {first['row']} {first['field'] or ''}: {first['en']}",
                details={"problems": problems},
            )
    return added
