"""Shared spatial core: coordinate systems, geometry, storage, import and export.

Nothing in this package knows about place names or boundaries; the domain packages
build on it.
"""
