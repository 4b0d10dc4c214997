"""Shared spatial core: coordinate systems, geometry, storage, import and export,
the base map both domains share (``basemap``) and OGC publishing without a web framework.

Nothing in this package knows the place-name or boundary rules, Flask or click; the
domain packages build on it (import-linter checks this, see docs/architecture.md).
"""
