"""Synthetic demo data for 官渡区 on the real outline and the real division codes.

``build_demo(seed, scale)`` returns the layers district, subdistricts, communities,
roads, waterways, blocks, buildings and door_plates as GeoDataFrames in EPSG:4490.
Every geometry and count is generated (``source = "synthetic-demo"``); only the
outline and the unit codes and names are real. See data/demo/README.md.
"""

from data.demo.build import build_demo

__all__ = ["build_demo"]
