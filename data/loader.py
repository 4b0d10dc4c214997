"""Writes the demo dataset into a store, through the same layers an import uses.

Everything goes in one transaction: a demo build that fails half way leaves the
database as it was. The register of standard names is filled from the units,
roads and rivers, so every public layer has content.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
from sqlalchemy import func, select

from gis.layers import LayerRegistry
from gis.storage import Store
from gis.transfer import insert_frame

DEMO_ACTOR = "demo-builder"
DEMO_VALID_FROM = dt.date(2023, 6, 30)  # cut-off date of the NBS 2023 division codes
LAYER_ORDER = ("district", "subdistricts", "communities", "roads", "waterways", "blocks", "buildings", "door_plates")

# Provisional category codes for the demo register; the naming issue brings the
# full category table.
NAME_CATEGORIES = {
    "district": ("admin-district", "区"),
    "subdistricts": ("admin-subdistrict", "街道"),
    "communities": ("admin-community", "社区"),
    "roads": ("road", "道路"),
    "waterways": ("river", "河流"),
}


def database_is_empty(store: Store) -> bool:
    from boundaries.models import AdminUnit

    with store.read() as session:
        return session.scalar(select(func.count()).select_from(AdminUnit)) == 0


def place_names(frames: dict[str, gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """One standard name per unit, road and river of the demo."""
    parts = []
    for layer, (code, label) in NAME_CATEGORIES.items():
        frame = frames[layer]
        admin = frame["code"] if "code" in frame.columns else pd.Series([None] * len(frame), index=frame.index)
        parts.append(
            gpd.GeoDataFrame(
                {
                    "name": frame["name"].to_numpy(),
                    "category_code": code,
                    "category_label": label,
                    "admin_code": admin.to_numpy(),
                    "status": "current",
                    "source": frame["source"].to_numpy(),
                },
                geometry=frame.geometry.to_numpy(),
                crs=frame.crs,
            )
        )
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs="EPSG:4490")


def load_demo(
    store: Store, registry: LayerRegistry, *, seed: int = 530111, scale: float = 1.0, frames: dict[str, gpd.GeoDataFrame] | None = None
) -> dict[str, int]:
    """Build (or take the already built ``frames``) and store the demo dataset."""
    if frames is None:
        from data.demo import build_demo

        frames = build_demo(seed=seed, scale=scale)
    frames = dict(frames)
    for name in ("district", "subdistricts", "communities"):
        frames[name] = frames[name].assign(valid_from=DEMO_VALID_FROM)
    frames["place_names"] = place_names(frames)
    counts = {}
    with store.transaction(actor=DEMO_ACTOR, reason=f"demo dataset, seed {seed}, scale {scale}") as session:
        for name in (*LAYER_ORDER, "place_names"):
            counts[name] = insert_frame(store, session, registry.get(name), frames[name], source="synthetic-demo")
    return counts
