"""Write a GeoDataFrame to any supported format in the CRS the recipient wants.

Exports go to people using other tools (ArcGIS, Excel, web maps), so the quirks
are handled here: .cpg files, 10-byte shapefile field names, Excel-friendly CSV,
several layers in one GeoPackage, and GCJ-02/BD-09 for Chinese web maps.
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio

from gis.errors import CRSError, EncodingError, UnsupportedFormat
from gis.io import coords
from gis.io.csvfile import write_csv
from gis.io.encoding import codec_name
from gis.io.formats import CSV, FORMATS, SHAPEFILE, Format, detect_format
from gis.io.validate import ROW_COLUMN

#: dBASE field names hold at most this many bytes.
DBF_NAME_BYTES = 10


def write_layer(
    gdf: gpd.GeoDataFrame,
    path: str | Path,
    *,
    crs: str = "EPSG:4490",
    layer: str | None = None,
    encoding: str = "UTF-8",
    driver: str | None = None,
) -> Path:
    """Write ``gdf`` to ``path`` reprojected to ``crs`` (also ``"GCJ-02"``/``"BD-09"``).

    The format follows the extension unless ``driver`` names one. A GeoPackage
    that exists keeps its other layers (``layer`` defaults to the file stem);
    ``.zip`` writes a zipped shapefile. ``encoding`` applies to shapefiles (.cpg)
    and CSV. The internal ``_row`` column is not written. Returns ``path``.
    """
    path = Path(path)
    fmt = _format(path, driver)
    out = _reproject(gdf, crs).drop(columns=[ROW_COLUMN], errors="ignore").reset_index(drop=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt is CSV:
        write_csv(out, path, encoding=encoding)
    elif fmt is SHAPEFILE:
        _write_shapefile(out, path, layer, encoding)
    else:
        name = layer or path.stem
        pyogrio.write_dataframe(out, path, layer=name if fmt.multi_layer else None, driver=fmt.driver)
    return path


def _format(path: Path, driver: str | None) -> Format:
    if driver is None:
        return detect_format(path)
    wanted = driver.strip().lower()
    for fmt in FORMATS:
        if wanted in (fmt.key, (fmt.driver or "csv").lower()):
            return fmt
    raise UnsupportedFormat(f"不支持的输出格式：{driver}", f"Unsupported output driver: {driver}")


def _reproject(gdf: gpd.GeoDataFrame, crs: str) -> gpd.GeoDataFrame:
    if gdf.crs is None:
        raise CRSError("要导出的数据没有坐标系", "The data to export has no coordinate reference system")
    frame = coords.china_frame(crs)
    if frame is None:
        return gdf.to_crs(coords.parse(crs))
    moved = coords.to_frame(gdf.geometry, frame)
    out = gdf.copy()
    out[gdf.geometry.name] = moved
    return out.set_crs(moved.crs, allow_override=True)


def _truncate(name: str, limit: int, codec: str) -> str:
    """Longest prefix of ``name`` whose encoded form fits in ``limit`` bytes."""
    out = ""
    for ch in name:
        if len((out + ch).encode(codec)) > limit:
            break
        out += ch
    return out


def shapefile_field_names(columns: list[str], codec: str = "utf-8") -> dict[str, str]:
    """Map each too-long (or clashing) column name to a unique ≤10-byte name.

    Names that fit are kept and reserved first, then long names are cut in column
    order, clashes getting ``_1``, ``_2`` …; so the result never depends on chance.
    """

    def fits(n: str) -> bool:
        return len(n.encode(codec)) <= DBF_NAME_BYTES

    used = {c.lower() for c in columns if fits(c)}
    mapping: dict[str, str] = {}
    for col in columns:
        if fits(col):
            continue
        candidate = _truncate(col, DBF_NAME_BYTES, codec)
        n = 0
        while candidate.lower() in used:
            n += 1
            suffix = f"_{n}"
            candidate = _truncate(col, DBF_NAME_BYTES - len(suffix), codec) + suffix
        used.add(candidate.lower())
        mapping[col] = candidate
    return mapping


def _check_encodable(gdf: gpd.GeoDataFrame, codec: str, encoding: str) -> None:
    texts = [str(c) for c in gdf.columns]
    for col in gdf.columns:
        if col != gdf.geometry.name:
            texts += [v for v in gdf[col].tolist() if isinstance(v, str)]
    for text in texts:
        try:
            text.encode(codec)
        except UnicodeEncodeError as exc:
            bad = text[exc.start : exc.end]
            raise EncodingError(
                f"文字“{text}”中的 {bad!r} 无法用 {encoding} 编码", f"{bad!r} in {text!r} cannot be encoded as {encoding}"
            ) from None


def _write_shapefile(gdf: gpd.GeoDataFrame, path: Path, layer: str | None, encoding: str) -> None:
    codec = codec_name(encoding)
    _check_encodable(gdf, codec, encoding)
    names = [str(c) for c in gdf.columns if c != gdf.geometry.name]
    mapping = shapefile_field_names(names, codec)
    if mapping:
        listed = ", ".join(f"{a} → {b}" for a, b in mapping.items())
        warnings.warn(f"Shapefile 字段名超过 10 字节，已截断 / field names truncated: {listed}", UserWarning, stacklevel=3)
        gdf = gdf.rename(columns=mapping)
    label = "UTF-8" if codec == "utf-8" else encoding.upper()
    if path.suffix.lower() != ".zip":
        pyogrio.write_dataframe(gdf, path, driver="ESRI Shapefile", encoding=label)
        return
    stem = layer or path.stem
    with tempfile.TemporaryDirectory() as tmp:
        pyogrio.write_dataframe(gdf, Path(tmp) / f"{stem}.shp", driver="ESRI Shapefile", encoding=label)
        partial = path.with_name(path.name + ".part")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            for file in sorted(Path(tmp).iterdir()):
                archive.write(file, file.name)
        shutil.move(partial, path)
