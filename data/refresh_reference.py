"""Refresh ``data/reference/`` from the read-only ``shared/`` folder beside the repository.

Why: shared/ is not part of the repository and its district outlines are in GCJ-02,
an obfuscated web-map frame. The project keeps its own small, converted copies so
that the demo builder and tests depend on the repository alone.

Usage: ``python -m data.refresh_reference [--shared DIR]``
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import numpy as np
import shapely

from gis.chinacoords import gcj02_to_wgs84, transform_geometry

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
DEFAULT_SHARED = Path(__file__).resolve().parents[1].parent / "shared"

DIVISIONS_NAME = "guandu_divisions_2023.csv"
OUTLINES_SOURCE = "kunming_districts_gcj02.geojson"
OUTLINES_NAME = "kunming_districts_cgcs2000.geojson"
KEPT_PROPERTIES = ("adcode", "name")
# 1e-7 degree is about 1 cm: far below the metre-level accuracy of web-map outlines.
COORD_DECIMALS = 7


def copy_divisions(shared: Path, out_dir: Path) -> Path:
    """Copy the official division codes unchanged (byte for byte)."""
    target = out_dir / DIVISIONS_NAME
    shutil.copyfile(shared / "data" / "admin" / DIVISIONS_NAME, target)
    return target


def convert_outline_geometry(geometry: dict) -> dict:
    """One GeoJSON geometry from GCJ-02 to CGCS2000 (= WGS84 at this precision)."""
    geom = transform_geometry(shapely.geometry.shape(geometry), gcj02_to_wgs84)
    # Plain rounding keeps every vertex in its place and order (set_precision may not).
    geom = shapely.transform(geom, lambda xy: np.round(xy, COORD_DECIMALS))
    if geom.geom_type == "Polygon":
        geom = shapely.MultiPolygon([geom])
    if not geom.is_valid:
        raise ValueError("converted outline is not a valid polygon")
    return shapely.geometry.mapping(geom)


def convert_outlines(shared: Path, out_dir: Path) -> Path:
    """Write the district outlines in CGCS2000, keeping only adcode and name."""
    source = json.loads((shared / "data" / "admin" / OUTLINES_SOURCE).read_text(encoding="utf-8"))
    features = [
        {
            "type": "Feature",
            "properties": {key: feature["properties"][key] for key in KEPT_PROPERTIES},
            "geometry": convert_outline_geometry(feature["geometry"]),
        }
        for feature in source["features"]
    ]
    collection = {
        "type": "FeatureCollection",
        "name": OUTLINES_NAME.removesuffix(".geojson"),
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4490"}},
        "features": features,
    }
    target = out_dir / OUTLINES_NAME
    target.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    return target


def refresh(shared: Path = DEFAULT_SHARED, out_dir: Path = REFERENCE_DIR) -> list[Path]:
    """Regenerate every derived reference file; returns the paths written."""
    if not (shared / "data" / "admin").is_dir():
        raise FileNotFoundError(f"no shared reference data under {shared}")
    out_dir.mkdir(parents=True, exist_ok=True)
    return [copy_divisions(shared, out_dir), convert_outlines(shared, out_dir)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Refresh data/reference/ from shared/.")
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared/ folder (default: beside the repository)")
    args = parser.parse_args(argv)
    for path in refresh(args.shared):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
