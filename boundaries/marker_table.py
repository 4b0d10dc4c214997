"""界桩成果表: the registration table of one line's markers, for the archive and the
neighbour, as CSV, GeoPackage or a printable HTML page.

One row per marker: code and type, its status (the code, and its Chinese name from
``labels``), position in CGCS2000 both as longitude/latitude
(EPSG:4490) and as Gauss–Krüger plane coordinates (the deployment's measuring zone,
e.g. EPSG:4543, whose axes are
X = northing and Y = easting, in that order — the surveyors' convention, which is
the opposite of a GIS "x"), elevation when known, the reference objects (方位物)
with bearing and distance, the responsible side, photos, the day the marker was set
up and the end day of the last signed joint inspection that looked at it.
"""

from __future__ import annotations

import csv
import html
import io
from pathlib import Path

import geopandas as gpd
import shapely
from sqlalchemy import func, select

from gis.basemap import AdminUnit
from gis.crs import STORAGE_CRS, measure_crs, reproject
from gis.errors import InvalidInput
from gis.storage import Store

from .labels import MARKER_STATUS_LABELS, MARKER_TYPE_LABELS, zh
from .line_models import BoundaryMarker, InspectionCampaign, MarkerInspection
from .lines.service import get_line

TYPE_NAMES = {code: names[0] for code, names in MARKER_TYPE_LABELS.items()}
MAX_REFERENCES = 3
FORMATS = ("csv", "gpkg", "html")

COLUMNS = (
    "code",
    "line_code",
    "serial",
    "marker_type",
    "letter",
    "type_name",
    "status",
    "status_name",
    "longitude",
    "latitude",
    "x_north_m",
    "y_east_m",
    "elevation_m",
    "responsible_code",
    "responsible_name",
    "material",
    "erected_on",
    "last_inspected",
    "reference_objects",
    *(f"ref{k}_{field}" for k in range(1, MAX_REFERENCES + 1) for field in ("name", "bearing_deg", "distance_m")),
    "photos",
    "source",
    "remarks",
)

NUMBERS = {"longitude", "latitude", "x_north_m", "y_east_m", "elevation_m"} | {
    c for c in COLUMNS if c.endswith(("_bearing_deg", "_distance_m"))
}

# column → heading on the printed table
HEADINGS = {
    "code": "界桩号 Code",
    "marker_type": "类型 Type",
    "type_name": "类型名称",
    "status_name": "状况 Status",
    "longitude": "经度 Lon (CGCS2000)",
    "latitude": "纬度 Lat (CGCS2000)",
    "x_north_m": "X 北 ({zone})",
    "y_east_m": "Y 东 ({zone})",
    "elevation_m": "高程 Elev. (m)",
    "responsible_code": "管护方代码",
    "responsible_name": "管护方 Responsible",
    "material": "材质",
    "erected_on": "埋设日期 Set up",
    "last_inspected": "最近联检 Last inspected",
    "reference_objects": "方位物 Reference objects",
    "photos": "照片 Photos",
    "remarks": "备注 Remarks",
}


def _date(value) -> str | None:
    return value.isoformat() if value else None


def _references_text(objects) -> str:
    return "；".join(f"{o['name']} 方位角{o['bearing_deg']:g}° 距离{o['distance_m']:g}米" for o in objects or [])


def marker_table(store: Store, line_id: int) -> dict:
    """The line's header and one row per marker (serial, then letter), positions in both forms."""
    with store.read() as session:
        line = get_line(session, line_id)
        markers = list(
            session.scalars(
                select(BoundaryMarker).where(BoundaryMarker.line_id == line.id).order_by(BoundaryMarker.serial, BoundaryMarker.letter)
            )
        )
        signed = (
            select(MarkerInspection.marker_id, func.max(InspectionCampaign.ended_on))
            .join(InspectionCampaign, InspectionCampaign.id == MarkerInspection.campaign_id)
            .where(InspectionCampaign.line_id == line.id, InspectionCampaign.status == "signed", MarkerInspection.status != "not-inspected")
            .group_by(MarkerInspection.marker_id)
        )
        last_inspected = dict(session.execute(signed).all())
        codes = {m.responsible_code for m in markers if m.responsible_code}
        names: dict[str | None, str] = dict(
            session.execute(select(AdminUnit.code, AdminUnit.name).where(AdminUnit.code.in_(codes), AdminUnit.valid_to.is_(None))).all()
        )
    names.setdefault(line.left_code, line.left_name)
    names.setdefault(line.right_code, line.right_name)
    plane = list(reproject(shapely.MultiPoint([m.geom for m in markers]), STORAGE_CRS, measure_crs()).geoms) if markers else []
    rows = []
    for marker, xy in zip(markers, plane, strict=True):
        refs = marker.reference_objects or []
        row = {
            "code": marker.code,
            "line_code": line.code,
            "serial": marker.serial,
            "marker_type": marker.marker_type,
            "letter": marker.letter,
            "type_name": TYPE_NAMES.get(marker.marker_type, marker.marker_type),
            "status": marker.status,
            "status_name": zh(MARKER_STATUS_LABELS, marker.status),
            "longitude": round(marker.geom.x, 8),
            "latitude": round(marker.geom.y, 8),
            "x_north_m": round(xy.y, 3),
            "y_east_m": round(xy.x, 3),
            "elevation_m": marker.elevation_m,
            "responsible_code": marker.responsible_code,
            "responsible_name": names.get(marker.responsible_code),
            "material": marker.material,
            "erected_on": _date(marker.erected_on),
            "last_inspected": _date(last_inspected.get(marker.id)),
            "reference_objects": _references_text(refs),
        }
        for k in range(MAX_REFERENCES):
            obj = refs[k] if k < len(refs) else {}
            row[f"ref{k + 1}_name"] = obj.get("name")
            row[f"ref{k + 1}_bearing_deg"] = obj.get("bearing_deg")
            row[f"ref{k + 1}_distance_m"] = obj.get("distance_m")
        row.update(photos=";".join(marker.photos or []), source=marker.source, remarks=marker.remarks)
        rows.append(row)
    header = {
        "line_code": line.code,
        "line_number": line.number,
        "level": line.level,
        "left": f"{line.left_name} {line.left_code}",
        "right": f"{line.right_name} {line.right_code}",
        "length_m": round(line.length_m, 1),
        "last_inspected": _date(line.last_inspected),
        "markers": len(rows),
        "crs": f"CGCS2000: EPSG:4490 (lon/lat), {measure_crs()} (X north, Y east, metres)",
        "synthetic": any(r["source"] == "synthetic-demo" for r in rows),
    }
    return {"header": header, "rows": rows, "_points": [m.geom for m in markers]}


def to_csv(table: dict) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese right."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table["rows"])
    return buffer.getvalue().encode("utf-8-sig")


def write_gpkg(table: dict, path) -> Path:
    """Layer ``markers`` (points, EPSG:4490) with every column of the table."""
    path = Path(path)
    if path.exists():
        path.unlink()
    frame = gpd.GeoDataFrame(table["rows"], columns=list(COLUMNS), geometry=list(table["_points"]), crs="EPSG:4490")
    if not table["rows"]:  # an empty layer still has its columns, typed as they would be
        frame = frame.astype({c: "float64" for c in COLUMNS if c in NUMBERS} | {"serial": "int64"})
    frame.to_file(path, layer="markers", driver="GPKG", geometry_type="Point")
    return path


def esc(value) -> str:
    return "" if value is None else html.escape(str(value))


# The printable page's one style block, constant so the web server's CSP can allow it by its hash.
PRINT_CSS = (
    "body{font-family:sans-serif;font-size:11px}table{border-collapse:collapse}"
    "td,th{border:1px solid #444;padding:2px 4px}.synthetic{color:#b00}@page{size:A4 landscape}"
)


def to_html(table: dict) -> str:
    """A self-contained page to print: the line's header, then the table."""
    header, rows = table["header"], table["rows"]
    head = "".join(f"<th>{esc(HEADINGS[c].format(zone=measure_crs()))}</th>" for c in HEADINGS)
    body = "".join("<tr>" + "".join(f"<td>{esc(r[c])}</td>" for c in HEADINGS) + "</tr>" for r in rows)
    note = "<p class='synthetic'>合成演示数据，非实测 / synthetic demo data, not surveyed</p>" if header["synthetic"] else ""
    return (
        "<!doctype html><html lang='zh'><head><meta charset='utf-8'>"
        f"<title>界桩成果表 {esc(header['line_code'])}</title>"
        f"<style>{PRINT_CSS}</style></head><body>"
        f"<h1>界桩成果表 Marker register — {esc(header['left'])} | {esc(header['right'])}</h1>"
        f"<p>界线 {esc(header['line_code'])} · 编号 {esc(header['line_number'])} · 长度 {esc(header['length_m'])} 米 · "
        f"界桩 {esc(header['markers'])} 个 · 最近联检 {esc(header['last_inspected'] or '—')} · {esc(header['crs'])}</p>{note}"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></body></html>"
    )


def export(store: Store, line_id: int, out) -> Path:
    """Write the table to ``out``; the format follows the suffix (.csv, .gpkg, .html)."""
    out = Path(out)
    kind = out.suffix.lower().lstrip(".")
    if kind == "htm":
        kind = "html"
    if kind not in FORMATS:
        raise InvalidInput(
            f"不支持的格式：{out.suffix}（可用 .csv、.gpkg、.html）", f"Unsupported format {out.suffix} (use .csv, .gpkg or .html)"
        )
    table = marker_table(store, line_id)
    out.parent.mkdir(parents=True, exist_ok=True)
    if kind == "gpkg":
        return write_gpkg(table, out)
    out.write_bytes(to_csv(table) if kind == "csv" else to_html(table).encode("utf-8"))
    return out
