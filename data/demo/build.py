"""The public entry point: build every demo layer from the reference data and a seed."""

from __future__ import annotations

import geopandas as gpd

from data.demo.layers import build_layers
from data.demo.reference import load_divisions, load_outline
from data.demo.world import generate


def build_demo(seed: int = 530111, scale: float = 1.0) -> dict[str, gpd.GeoDataFrame]:
    """All demo layers (EPSG:4490), identical for the same seed and scale.

    ``scale`` in (0, 1] shrinks the synthetic volume: households are
    ``round(900000 * scale)`` and the street grids widen, so blocks and buildings
    shrink with it; the real units (13 subdistricts, 133 communities) stay.
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError("seed must be a non-negative integer")
    if not 0 < scale <= 1:
        raise ValueError("scale must be in (0, 1]")
    divisions = load_divisions()
    world = generate(seed, float(scale), divisions, load_outline())
    return build_layers(world, divisions)
