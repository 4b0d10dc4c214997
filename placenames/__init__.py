"""Place names, streets, door numbers, signs and address search."""

# The search keys of names are rewritten in the transaction of every write to the register
# (gis.storage.changes): registered as soon as the domain is imported, before any write.
from placenames.search import index_upkeep as _index_upkeep  # noqa: F401
