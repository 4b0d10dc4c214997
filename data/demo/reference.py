"""Read the real reference data the demo is built on, from data/reference/ only.

Why a separate module: the builder must never reach into shared/ (it is not part
of the repository); everything real it uses comes through these two readers.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "reference"
DISTRICT_CODE = "530111"


def load_divisions(directory: Path = REFERENCE_DIR) -> pd.DataFrame:
    """Official 2023 division codes (district, subdistrict-level units, communities) as strings."""
    return pd.read_csv(directory / "guandu_divisions_2023.csv", dtype=str)


def load_outline(directory: Path = REFERENCE_DIR):
    """The real 官渡区 outline in CGCS2000 (EPSG:4490) as a shapely MultiPolygon."""
    outlines = gpd.read_file(directory / "kunming_districts_cgcs2000.geojson")
    if outlines.crs is None or outlines.crs.to_epsg() != 4490:
        raise ValueError("reference outlines must be in EPSG:4490; run python -m data.refresh_reference")
    match = outlines[outlines["adcode"].astype(str) == DISTRICT_CODE]
    if len(match) != 1:
        raise ValueError(f"expected one outline with adcode {DISTRICT_CODE}, found {len(match)}")
    return match.geometry.iloc[0]
