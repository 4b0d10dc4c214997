"""Import and export of layers: GeoPackage, Shapefile (also zipped), GeoJSON and CSV.

Reading always yields EPSG:4490 lon/lat with a ``_row`` column pointing back into
the source; ``prepare`` decides whether a layer may be stored; writing converts to
whatever CRS the recipient needs.
"""

from gis.io.read import read_layer
from gis.io.validate import LayerSpec, Problem, ValidationReport, prepare, validate
from gis.io.write import write_layer

__all__ = ["LayerSpec", "Problem", "ValidationReport", "prepare", "read_layer", "validate", "write_layer"]
