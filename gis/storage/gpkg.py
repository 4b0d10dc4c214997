"""GeoPackage geometry blobs and metadata, so the SQLite store is a real .gpkg file.

A GeoPackage geometry is a small header (magic "GP", flags, SRS id, envelope)
followed by ordinary WKB. Writing the envelope lets the R*Tree triggers and GDAL
read a feature's extent without parsing the whole geometry.
"""

from __future__ import annotations

import struct

import shapely

MAGIC = b"GP"
APPLICATION_ID = 0x47504B47  # "GPKG"
USER_VERSION = 10300  # GeoPackage 1.3.0

_ENVELOPE_SIZES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}

# Rows of gpkg_spatial_ref_sys every file carries: the three the standard requires,
# plus CGCS2000, our storage CRS.
CGCS2000_WKT = (
    'GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",'
    'SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],'
    'AUTHORITY["EPSG","1043"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],'
    'UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],'
    'AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4490"]]'
)
WGS84_WKT = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,'
    'AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,'
    'AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],'
    'AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]'
)
SPATIAL_REF_SYS = [
    ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian coordinate reference system"),
    ("Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate reference system"),
    ("WGS 84 geodetic", 4326, "EPSG", 4326, WGS84_WKT, "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid"),
    ("China Geodetic Coordinate System 2000", 4490, "EPSG", 4490, CGCS2000_WKT, "CGCS2000 longitude/latitude"),
]


def encode(geom: shapely.Geometry, srs_id: int) -> bytes:
    """Shapely geometry -> GeoPackage binary (little-endian, XY envelope)."""
    if geom.is_empty:
        flags = 0b0001_0001  # empty flag, no envelope, little endian
        return MAGIC + bytes([0, flags]) + struct.pack("<i", srs_id) + shapely.to_wkb(geom, byte_order=1)
    minx, miny, maxx, maxy = geom.bounds
    flags = 0b0000_0011  # envelope type 1 (minx,maxx,miny,maxy), little endian
    header = MAGIC + bytes([0, flags]) + struct.pack("<i4d", srs_id, minx, maxx, miny, maxy)
    return header + shapely.to_wkb(geom, byte_order=1, output_dimension=2)


def _wkb_offset(blob: bytes) -> int:
    if blob[:2] != MAGIC:
        raise ValueError("not a GeoPackage geometry blob")
    envelope = (blob[3] >> 1) & 0b111
    return 8 + _ENVELOPE_SIZES[envelope]


def decode(blob: bytes | bytearray | memoryview) -> shapely.Geometry:
    """GeoPackage binary (or plain WKB, as some tools write) -> shapely geometry."""
    blob = bytes(blob)
    if blob[:2] != MAGIC:
        return shapely.from_wkb(blob)
    return shapely.from_wkb(blob[_wkb_offset(blob) :])


def envelope(blob: bytes) -> tuple[float, float, float, float] | None:
    """(minx, maxx, miny, maxy) of a blob, from its header when present; None if empty."""
    if blob is None:
        return None
    blob = bytes(blob)
    if blob[:2] == MAGIC:
        flags = blob[3]
        if flags & 0b0001_0000:
            return None
        if (flags >> 1) & 0b111:
            order = "<" if flags & 1 else ">"
            return struct.unpack(order + "4d", blob[8:40])
    geom = decode(blob)
    if geom.is_empty:
        return None
    minx, miny, maxx, maxy = geom.bounds
    return (minx, maxx, miny, maxy)
