"""Boundary lines built from adjacent unit polygons, their disagreement reports and
走向说明 descriptions (``builder`` is the entry point; ``service`` the register)."""
