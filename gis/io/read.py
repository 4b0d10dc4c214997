"""Read any supported file into one GeoDataFrame in the storage CRS (EPSG:4490, lon/lat).

Everything a later report needs is decided here: the text encoding, the source
CRS (never guessed) and the ``_row`` column pointing back into the file.
"""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

import geopandas as gpd
import numpy as np
import pyogrio
import pyogrio.errors

from gis.errors import CRSError, InvalidInput
from gis.io import archive as archives
from gis.io import coords
from gis.io.csvfile import read_csv
from gis.io.encoding import TRANSPORT, candidates, decode_frame
from gis.io.formats import CSV, SHAPEFILE, detect_format, zipped_shapefile
from gis.io.validate import READ_NOTES, ROW_COLUMN


def read_layer(
    path: str | Path,
    *,
    layer: str | None = None,
    encoding: str | None = None,
    crs: str | None = None,
    lon_column: str | None = None,
    lat_column: str | None = None,
) -> gpd.GeoDataFrame:
    """Read one layer of ``path`` and return it in EPSG:4490 with a ``_row`` column.

    ``encoding`` applies to shapefiles and CSV (else .cpg, else UTF-8 then GBK).
    ``crs`` names the source CRS when the file has none (CSV, shapefile without
    .prj); it may be ``"GCJ-02"`` or ``"BD-09"``. It must agree with a CRS the file
    declares. ``layer`` picks a GeoPackage layer or a shapefile inside a zip.
    """
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(f"文件不存在：{path}", f"File not found: {path}")
    fmt = detect_format(path)
    if fmt is CSV:
        if crs is None:
            raise CRSError(
                f"CSV 文件 {path.name} 不含坐标系信息，请指定 crs（如 EPSG:4490、EPSG:4326、GCJ-02）",
                f"CSV file {path.name} carries no CRS; give one with crs (e.g. EPSG:4490, EPSG:4326, GCJ-02)",
            )
        geographic = coords.china_frame(crs) is not None or coords.parse(crs).is_geographic
        gdf = read_csv(path, encoding=encoding, lon_column=lon_column, lat_column=lat_column, lonlat_range=geographic)
    else:
        gdf = _read_ogr(path, fmt, layer, encoding)
    return to_storage(gdf, crs, path.name)


def _read_ogr(path: Path, fmt, layer: str | None, encoding: str | None) -> gpd.GeoDataFrame:
    if fmt is SHAPEFILE:
        source, declared = _shapefile_source(path, layer)
        tried, guessing = candidates(encoding, declared, path.name)
        gdf, _ = decode_frame(_pyogrio_read(source, path, None, TRANSPORT), tried, guessing, path.name)
    else:
        if fmt.multi_layer:
            layer = _choose_layer(path, layer)
        gdf = _pyogrio_read(str(path), path, layer, None)
    if ROW_COLUMN in gdf.columns:
        gdf = gdf.drop(columns=[ROW_COLUMN])
    gdf.insert(0, ROW_COLUMN, np.arange(1, len(gdf) + 1, dtype=np.int64))
    return gdf


def _pyogrio_read(source: str, path: Path, layer, encoding) -> gpd.GeoDataFrame:
    try:
        return pyogrio.read_dataframe(source, layer=layer, encoding=encoding)
    except pyogrio.errors.DataLayerError as exc:
        raise InvalidInput(
            f"无法读取图层 {layer}：{path.name}", f"Cannot read layer {layer} of {path.name}", details={"reason": str(exc)}
        ) from None
    except (pyogrio.errors.DataSourceError, pyogrio.errors.FieldError, pyogrio.errors.GeometryError) as exc:
        raise InvalidInput(
            f"无法读取文件 {path.name}（文件损坏或不完整？）",
            f"Cannot read {path.name} (damaged or incomplete file?)",
            details={"reason": str(exc)},
        ) from None


def _choose_layer(path: Path, layer: str | None) -> str:
    """The requested layer, or the only spatial one; several and none chosen is an error."""
    try:
        listed = pyogrio.list_layers(path)
    except pyogrio.errors.DataSourceError as exc:
        raise InvalidInput(f"无法读取文件 {path.name}", f"Cannot read {path.name}", details={"reason": str(exc)}) from None
    names = [str(name) for name, _ in listed]
    spatial = [str(name) for name, geom_type in listed if geom_type is not None] or names
    if layer is not None:
        if layer not in names:
            raise InvalidInput(
                f"{path.name} 中没有图层 {layer}（现有：{', '.join(names)}）",
                f"{path.name} has no layer {layer!r} (has: {', '.join(names)})",
                details={"layers": names},
            )
        return layer
    if len(spatial) == 1:
        return spatial[0]
    raise InvalidInput(
        f"{path.name} 含多个图层（{', '.join(spatial)}），请指定 layer",
        f"{path.name} holds several layers ({', '.join(spatial)}); choose one with layer",
        details={"layers": spatial},
    )


def _cpg_text(raw: bytes) -> str | None:
    text = raw.decode("latin-1").strip()
    return text or None


def _read_small_file(path: Path) -> bytes:
    with path.open("rb") as stream:
        data = stream.read(archives.SMALL_MEMBER_BYTES + 1)
    if len(data) > archives.SMALL_MEMBER_BYTES:
        raise InvalidInput(f"{path.name} 过大，不是编码声明文件", f"{path.name} is too large to be an encoding declaration")
    return data


def _shapefile_source(path: Path, layer: str | None) -> tuple[str, str | None]:
    """GDAL path of the .shp (inside a zip if need be) and the encoding its .cpg declares."""
    if path.suffix.lower() == ".zip":
        member = zipped_shapefile(path, layer)
        stem = str(PurePosixPath(member).with_suffix("")).lower()
        with zipfile.ZipFile(path) as archive:
            archives.check(path, archive)
            cpgs = [n for n in archive.namelist() if n.lower() == stem + ".cpg"]
            declared = _cpg_text(archives.read_small(path, archive, cpgs[0])) if cpgs else None
        return f"/vsizip/{path.resolve().as_posix()}/{member}", declared
    sidecars = [p for p in path.parent.iterdir() if p.stem == path.stem and p.suffix.lower() == ".cpg"]
    declared = _cpg_text(_read_small_file(sidecars[0])) if sidecars else None
    return str(path), declared


def to_storage(gdf: gpd.GeoDataFrame, crs: str | None, source: str) -> gpd.GeoDataFrame:
    """Apply the CRS rules and reproject to EPSG:4490 (keeps reader notes in ``attrs``)."""
    notes = gdf.attrs.get(READ_NOTES, [])
    file_crs = gdf.crs
    frame = coords.china_frame(crs)
    if crs is None:
        if file_crs is None:
            raise CRSError(
                f"文件 {source} 没有坐标系（缺少 .prj 文件？），请指定 crs",
                f"{source} has no coordinate reference system (missing .prj?); give one with crs",
            )
    elif frame is not None:
        if file_crs is not None and not coords.wgs84_like(file_crs):
            raise _conflict(source, file_crs, frame)
        gdf = gdf.set_geometry(coords.from_frame(gdf.geometry, frame))
    else:
        wanted = coords.parse(crs)
        if file_crs is None:
            gdf = gdf.set_crs(wanted)
        elif not coords.same(file_crs, wanted):
            raise _conflict(source, file_crs, crs)
    out = gdf.to_crs(coords.STORAGE_CRS)
    out.attrs[READ_NOTES] = notes
    return out


def _conflict(source: str, file_crs, requested) -> CRSError:
    have, want = coords.describe(file_crs), coords.describe(requested)
    return CRSError(
        f"文件 {source} 自带坐标系 {have}，与指定的 {want} 不一致；请去掉 crs 参数或先修正文件",
        f"{source} declares CRS {have}, which differs from the given {want}; drop the crs option or fix the file",
        details={"file_crs": have, "requested": want},
    )
