"""Writes the demo dataset into a store, through the same layers an import uses.

The layers go in one transaction: a demo build that fails there leaves the database
as it was. The demo steps that follow (boundary lines, markers, a signed joint
inspection: ``data/demo_boundaries.py``) go through the domain services like an
officer's work, one audited transaction per act. The register of standard names is filled from the units,
roads and rivers, so every public layer has content; door numbers are then assigned
by the numbering engine (the generator's own plates are not stored).
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
from sqlalchemy import func, select

from gis.layers import LayerRegistry
from gis.storage import Store
from gis.transfer import insert_frame
from placenames import categories
from placenames.numbering.service import assign_all
from placenames.signs.demo import stock_demo

DEMO_ACTOR = "demo-builder"
DEMO_VALID_FROM = dt.date(2023, 6, 30)  # cut-off date of the NBS 2023 division codes
LAYER_ORDER = ("district", "subdistricts", "communities", "roads", "waterways", "blocks", "buildings")

# Category of the demo's standard names, by layer (codes from placenames/data/categories.csv;
# the table says how sure each code is). A development zone is not a 街道.
NAME_CATEGORIES = {"district": "21400", "subdistricts": "21500", "communities": "21620", "roads": "23510", "waterways": "24100"}
DEVELOPMENT_ZONE = "21730"


def database_is_empty(store: Store) -> bool:
    from gis.basemap import AdminUnit

    with store.read() as session:
        return session.scalar(select(func.count()).select_from(AdminUnit)) == 0


def place_names(frames: dict[str, gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """One standard name per unit, road and river of the demo."""
    parts = []
    for layer, code in NAME_CATEGORIES.items():
        frame = frames[layer]
        admin = frame["code"] if "code" in frame.columns else pd.Series([None] * len(frame), index=frame.index)
        codes = [DEVELOPMENT_ZONE if name.endswith("开发区") else code for name in frame["name"]]
        parts.append(
            gpd.GeoDataFrame(
                {
                    "name": frame["name"].to_numpy(),
                    "category_code": codes,
                    "category_label": [categories.get(c).label_zh for c in codes],
                    "admin_code": admin.to_numpy(),
                    "status": "current",
                    "source": frame["source"].to_numpy(),
                },
                geometry=frame.geometry.to_numpy(),
                crs=frame.crs,
            )
        )
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs="EPSG:4490")


def demo_steps():
    """The steps an officer would take on the stored demo units, in order; each is
    ``step(store, seed=...) -> counts`` in its own module (boundaries first, then the
    communities' history: ``data/demo_history.py``, compounds with their 楼栋号:
    ``data/demo_compounds.py``, then landmarks in the register: ``data/demo_landmarks.py``)."""
    from data.demo_boundaries import add_boundaries
    from data.demo_compounds import add_compounds
    from data.demo_history import add_history
    from data.demo_landmarks import add_landmarks

    return (add_boundaries, add_history, add_compounds, add_landmarks)


def load_demo(
    store: Store,
    registry: LayerRegistry,
    *,
    seed: int = 530111,
    scale: float = 1.0,
    frames: dict[str, gpd.GeoDataFrame] | None = None,
    steps=None,
) -> dict[str, int]:
    """Build (or take the already built ``frames``) and store the demo dataset, then run
    the demo ``steps`` (default: every one of ``demo_steps()``; ``()`` for none)."""
    if frames is None:
        from data.demo import build_demo

        frames = build_demo(seed=seed, scale=scale)
    frames = dict(frames)
    blocks = frames["blocks"]
    households = {
        "communities": blocks.groupby("community_code")["households"].sum(),
        "subdistricts": blocks.groupby("subdistrict_code")["households"].sum(),
    }
    for name in ("district", "subdistricts", "communities"):
        frames[name] = frames[name].assign(valid_from=DEMO_VALID_FROM)
        if name in households:  # the synthetic household totals of each unit's blocks
            frames[name] = frames[name].assign(households=frames[name]["code"].map(households[name]).fillna(0).astype(int))
    frames["place_names"] = place_names(frames)
    counts = {}
    with store.transaction(actor=DEMO_ACTOR, reason=f"demo dataset, seed {seed}, scale {scale}") as session:
        for name in (*LAYER_ORDER, "place_names"):
            counts[name] = insert_frame(store, session, registry.get(name), frames[name], source="synthetic-demo")
        # Door numbers come from the numbering engine, as an officer would assign
        # them, not from the generator; then the sign and plate inventory with one
        # completed inspection round.
        counts["door_plates"] = assign_all(store, session)["numbers"]
        stock = stock_demo(store, session, seed=seed)
        counts.update(road_signs=stock["road_signs"], plate_items=stock["plates"], inspected_items=stock["inspected"])
    # The steps work through the domain services, each change in its own audited
    # transaction, as an officer's would be; they run on the stored units.
    for step in demo_steps() if steps is None else steps:
        counts.update(step(store, seed=seed))
    if scale > 1:  # the district stays that of scale 1; its address stock grows (docs/demo-data.md)
        from data.demo_dense import add_dense_plates

        extra = round((scale - 1) * counts["door_plates"])
        counts.update(add_dense_plates(store, seed=seed, count=extra, reason=f"demo dense address stock, seed {seed}, scale {scale}"))
    return counts
