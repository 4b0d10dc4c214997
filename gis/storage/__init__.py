"""The storage layer shared by every module (see ``store.Store``)."""

from .geometry import STORAGE_SRID, Geometry
from .model import Base, Registered, utcnow
from .spatial import bbox_match, spatial_match
from .store import Store, translate_errors

__all__ = ["Base", "Geometry", "Registered", "STORAGE_SRID", "Store", "bbox_match", "spatial_match", "translate_errors", "utcnow"]
