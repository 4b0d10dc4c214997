"""Which file formats diming imports and exports, and how a path maps to one.

Detection is by file name (plus a look inside .zip archives) so a wrong upload is
rejected before any GDAL call, with a message the user understands.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from gis.errors import InvalidInput, UnsupportedFormat


@dataclass(frozen=True)
class Format:
    """One supported format: a short key, the GDAL driver and its file endings."""

    key: str
    driver: str | None  # None: handled by our own code (CSV)
    extensions: tuple[str, ...]
    multi_layer: bool = False


GPKG = Format("gpkg", "GPKG", (".gpkg",), multi_layer=True)
SHAPEFILE = Format("shapefile", "ESRI Shapefile", (".shp", ".zip"))
GEOJSON = Format("geojson", "GeoJSON", (".geojson", ".json"))
CSV = Format("csv", None, (".csv",))

FORMATS = (GPKG, SHAPEFILE, GEOJSON, CSV)

# Recognised CSV coordinate headers, most specific first; compared case-insensitively.
LON_NAMES = ("lon", "lng", "longitude", "long", "x", "经度")
LAT_NAMES = ("lat", "latitude", "y", "纬度")
WKT_NAMES = ("geometry_wkt", "wkt")


def _unsupported(path: Path) -> UnsupportedFormat:
    known = ", ".join(ext for f in FORMATS for ext in f.extensions)
    return UnsupportedFormat(
        f"不支持的文件格式：{path.name}（支持 {known}）",
        f"Unsupported file format: {path.name} (supported: {known})",
    )


def detect_format(path: str | Path) -> Format:
    """Format of ``path`` from its extension; raises UnsupportedFormat otherwise."""
    path = Path(path)
    suffix = path.suffix.lower()
    for fmt in FORMATS:
        if suffix in fmt.extensions:
            return fmt
    raise _unsupported(path)


def zipped_shapefile(path: str | Path, layer: str | None = None) -> str:
    """Name of the .shp member inside a zip archive (``layer`` picks one of several)."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = [
                n
                for n in archive.namelist()
                if n.lower().endswith(".shp") and not PurePosixPath(n).name.startswith(".") and "__MACOSX" not in n
            ]
    except zipfile.BadZipFile:
        raise UnsupportedFormat(f"无法打开压缩文件：{path.name}", f"Not a readable zip archive: {path.name}") from None
    if layer is not None:
        members = [n for n in members if PurePosixPath(n).stem == layer]
    if len(members) == 1:
        return members[0]
    if not members:
        raise UnsupportedFormat(
            f"压缩文件 {path.name} 中没有 Shapefile（.shp）" + (f"图层 {layer}" if layer else ""),
            f"No shapefile (.shp){' named ' + layer if layer else ''} inside {path.name}",
        )
    names = ", ".join(PurePosixPath(n).stem for n in members)
    raise InvalidInput(
        f"压缩文件 {path.name} 含多个 Shapefile（{names}），请指定图层",
        f"{path.name} holds several shapefiles ({names}); choose one with layer",
        details={"layers": [PurePosixPath(n).stem for n in members]},
    )


def _pick(columns: list[str], wanted: str | None, candidates: tuple[str, ...], what: tuple[str, str]) -> str | None:
    if wanted is not None:
        if wanted in columns:
            return wanted
        raise InvalidInput(
            f"CSV 中没有{what[0]}列 {wanted}",
            f"CSV has no {what[1]} column {wanted!r}",
            details={"columns": columns},
        )
    lowered = {c.strip().lower(): c for c in reversed(columns)}
    for name in candidates:
        if name in lowered:
            return lowered[name]
    return None


def coordinate_columns(columns: list[str], lon_column: str | None = None, lat_column: str | None = None) -> tuple[str, str] | None:
    """The (lon, lat) column names of a CSV header, or None when there are none.

    Explicit names win; otherwise lon/lng/longitude/long/x/经度 and
    lat/latitude/y/纬度 are recognised, ignoring case and surrounding spaces.
    """
    lon = _pick(columns, lon_column, LON_NAMES, ("经度", "longitude"))
    lat = _pick(columns, lat_column, LAT_NAMES, ("纬度", "latitude"))
    if lon is None or lat is None:
        return None
    return lon, lat


def wkt_column(columns: list[str]) -> str | None:
    """The WKT geometry column of a CSV header (as written by write_layer), if any."""
    return _pick(columns, None, WKT_NAMES, ("WKT", "WKT"))
