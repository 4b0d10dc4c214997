"""The public entry point: build every demo layer from the reference data and a seed."""

from __future__ import annotations

import geopandas as gpd

from data.demo.layers import build_layers
from data.demo.reference import load_divisions, load_outline
from data.demo.world import generate

MAX_SCALE = 200  # ~11 million door plates: beyond it the demo is not what anyone should build


def build_demo(seed: int = 530111, scale: float = 1.0) -> dict[str, gpd.GeoDataFrame]:
    """All demo layers (EPSG:4490), identical for the same seed and scale.

    ``scale`` in (0, 1] shrinks the synthetic volume: households are
    ``round(900000 * scale)`` and the street grids widen, so blocks and buildings
    shrink with it; the real units (13 subdistricts, 133 communities) stay. Above 1 (up
    to ``MAX_SCALE``) the layers are those of scale 1: the district is full, and what
    grows is the address stock, added on the stored roads by ``data.demo_dense``
    (``load_demo`` does it; docs/demo-data.md).
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError("seed must be a non-negative integer")
    if not 0 < scale <= MAX_SCALE:
        raise ValueError(f"scale must be in (0, {MAX_SCALE}]")
    divisions = load_divisions()
    world = generate(seed, float(min(scale, 1.0)), divisions, load_outline())
    return build_layers(world, divisions)
