"""The geometry column type: one Python value (a shapely geometry) on both backends.

On PostgreSQL the column is a PostGIS ``geometry(<type>, 4490)`` and values cross the
wire as WKB through ST_GeomFromWKB / ST_AsBinary. On SQLite the column is a BLOB in
GeoPackage binary format. Callers only ever see shapely geometries in CGCS2000
longitude/latitude (x = longitude).
"""

from __future__ import annotations

import shapely
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.types import LargeBinary, TypeDecorator, UserDefinedType

from . import gpkg

STORAGE_SRID = 4490


class _PostGISGeometry(UserDefinedType):
    cache_ok = True

    def __init__(self, geometry_type: str = "GEOMETRY", srid: int = STORAGE_SRID):
        self.geometry_type = geometry_type
        self.srid = srid

    def get_col_spec(self, **kw):
        return f"geometry({self.geometry_type},{self.srid})"


class _GeoPackageGeometry(UserDefinedType):
    """A BLOB column declared with its geometry type name, as GeoPackage asks."""

    cache_ok = True

    def __init__(self, geometry_type: str = "GEOMETRY"):
        self.geometry_type = geometry_type

    def get_col_spec(self, **kw):
        return self.geometry_type


class _to_storage(FunctionElement):
    """Wraps a bound WKB value: ST_GeomFromWKB on PostGIS, untouched on SQLite."""

    name = "to_storage"
    inherit_cache = True


class _from_storage(FunctionElement):
    """Wraps a selected column: ST_AsBinary on PostGIS, untouched on SQLite."""

    name = "from_storage"
    inherit_cache = True


@compiles(_to_storage)
def _to_storage_default(element, compiler, **kw):
    return compiler.process(list(element.clauses)[0], **kw)


@compiles(_to_storage, "postgresql")
def _to_storage_pg(element, compiler, **kw):
    return f"ST_GeomFromWKB({compiler.process(list(element.clauses)[0], **kw)}, {STORAGE_SRID})"


@compiles(_from_storage)
def _from_storage_default(element, compiler, **kw):
    return compiler.process(list(element.clauses)[0], **kw)


@compiles(_from_storage, "postgresql")
def _from_storage_pg(element, compiler, **kw):
    return f"ST_AsBinary({compiler.process(list(element.clauses)[0], **kw)})"


_MULTI = {"MULTIPOLYGON": shapely.MultiPolygon, "MULTILINESTRING": shapely.MultiLineString, "MULTIPOINT": shapely.MultiPoint}


def promote_to_multi(geom: shapely.Geometry, geometry_type: str) -> shapely.Geometry:
    """A single part stored in a MULTI column becomes a one-part multi-geometry."""
    multi = _MULTI.get(geometry_type)
    if multi is not None and geom.geom_type == geometry_type[5:].capitalize().replace("string", "String"):
        return multi([geom])
    return geom


class Geometry(TypeDecorator):
    """A geometry column; ``geometry_type`` is the GeoPackage/PostGIS type name."""

    impl = LargeBinary
    cache_ok = True

    def __init__(self, geometry_type: str = "GEOMETRY"):
        super().__init__()
        self.geometry_type = geometry_type.upper()

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(_PostGISGeometry(self.geometry_type))
        return dialect.type_descriptor(_GeoPackageGeometry(self.geometry_type))

    def bind_expression(self, bindvalue):
        wrapped = _to_storage(bindvalue)
        wrapped.type = self
        return wrapped

    def column_expression(self, column):
        wrapped = _from_storage(column)
        wrapped.type = self
        return wrapped

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, (bytes, bytearray, memoryview)):
            value = gpkg.decode(value)
        if not isinstance(value, shapely.Geometry):
            raise TypeError(f"geometry column expects a shapely geometry, got {type(value).__name__}")
        value = promote_to_multi(value, self.geometry_type)
        if dialect.name == "postgresql":
            return shapely.to_wkb(value, output_dimension=2)
        return gpkg.encode(value, STORAGE_SRID)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return gpkg.decode(bytes(value))
