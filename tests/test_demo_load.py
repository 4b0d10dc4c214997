"""The demo dataset stored on both backends: complete, consistent, audited, all or nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from cli import main
from cli.data_commands import registry
from data.loader import load_demo
from gis.basemap import AdminUnit, Block, Building, Road
from gis.errors import DuplicateName
from gis.storage import spatial_match
from gis.storage.audit import AuditEntry
from placenames.models import DoorPlate, PlaceName

SEED, SCALE = 7, 0.02


@pytest.fixture(scope="module")
def frames():
    from data.demo import build_demo

    return build_demo(seed=SEED, scale=SCALE)


def count(session, model, *where):
    return session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_demo_is_stored_completely_and_audited(store, frames):
    counts = load_demo(store, registry(), seed=SEED, scale=SCALE, frames=frames, steps=())
    with store.read() as session:
        assert count(session, AdminUnit, AdminUnit.level == "subdistrict") == 13
        assert count(session, AdminUnit, AdminUnit.level == "community") == 133
        assert count(session, Road) == len(frames["roads"])
        assert count(session, Block) == len(frames["blocks"])
        assert count(session, Building) == len(frames["buildings"])
        assert count(session, DoorPlate) == counts["door_plates"] > 0
        assert count(session, PlaceName, PlaceName.category_code == "21620") == 133
        unit_households = session.scalar(sa.select(sa.func.sum(AdminUnit.households)).where(AdminUnit.level == "community"))
        assert unit_households == int(frames["blocks"]["households"].sum())
        assert count(session, PlaceName, PlaceName.category_code == "21730") == 1  # 昆明经济技术开发区
        assert session.scalar(sa.select(PlaceName.romanization).where(PlaceName.name == "子君路")) == "Zijun Lu"
        assert count(session, AuditEntry) >= sum(
            counts[name] for name in ("subdistricts", "communities", "roads", "buildings", "door_plates")
        )
        assert {a.actor for a in session.scalars(sa.select(AuditEntry).limit(50))} == {"demo-builder"}
        assert session.scalar(sa.select(sa.func.sum(Building.households))) == int(frames["buildings"]["households"].sum())
        assert set(session.scalars(sa.select(Road.source))) == {"synthetic-demo"}
        plated_roads = set(session.scalars(sa.select(Road.name).join(DoorPlate, DoorPlate.road_id == Road.id)))
        numbered = session.scalar(sa.select(sa.func.count(sa.distinct(DoorPlate.building_id))))
    assert {"环城东路", "子君路", "锦西路"} <= set(frames["roads"]["name"])
    # numbers come from the engine: plates on many roads, roughly one per fronting building
    assert len(plated_roads) > 0.5 * len(set(frames["door_plates"]["road_name"]))
    assert numbered >= 0.9 * len(frames["door_plates"])


def test_stored_communities_lie_in_their_subdistricts(store, frames):
    load_demo(store, registry(), seed=SEED, scale=SCALE, frames=frames, steps=())
    with store.read() as session:
        subdistricts = {u.code: u for u in session.scalars(sa.select(AdminUnit).where(AdminUnit.level == "subdistrict"))}
        guanshang = next(u for u in subdistricts.values() if u.name == "关上街道")
        inside = session.scalars(
            sa.select(AdminUnit.parent_code).where(
                AdminUnit.level == "community", spatial_match(AdminUnit.geom, guanshang.geom.buffer(1e-6), "within")
            )
        ).all()
    assert inside and set(inside) == {guanshang.code}


def test_failed_demo_build_leaves_nothing(store, frames):
    broken = dict(frames)
    buildings = frames["buildings"]
    broken["buildings"] = buildings.iloc[list(range(len(buildings))) + [0]]  # one code twice: fails late
    with pytest.raises(DuplicateName):
        load_demo(store, registry(), frames=broken)
    with store.read() as session:
        assert count(session, AdminUnit) == 0 and count(session, AuditEntry) == 0


def test_cli_demo_if_empty_builds_once(store, monkeypatch, frames):
    import data.demo

    monkeypatch.setattr(data.demo, "build_demo", lambda seed, scale: frames)
    first = CliRunner().invoke(main, ["--db", store.url, "demo", "--scale", str(SCALE), "--if-empty"])
    assert first.exit_code == 0, first.output
    assert "demo built" in first.output
    assert "district_lines 5, subdistrict_lines 23" in first.output and "signed_campaigns 1" in first.output  # the boundary step
    assert "communities_2015 99" in first.output  # the history step
    second = CliRunner().invoke(main, ["--db", store.url, "demo", "--if-empty"])
    assert "already holds data" in second.output
    with store.read() as session:
        # built once: today's 133 communities in force (the closed versions are the 2015 history)
        assert count(session, AdminUnit, AdminUnit.level == "community", AdminUnit.valid_to.is_(None)) == 133


def test_scale_above_one_adds_a_dense_address_stock_search_finds(store, frames):
    """--scale above 1: the district as built, then (scale - 1) times its plates more, written in bulk
    (COPY on PostgreSQL), each a current, unique, searchable plate beside its road, in its unit."""
    import numpy as np
    import shapely

    from data.demo_dense import SOURCE
    from placenames.numbering import geometry
    from placenames.search import engine
    from placenames.search.gazetteer import build
    from placenames.search.reverse import reverse

    counts = load_demo(store, registry(), seed=SEED, scale=1.5, frames=frames, steps=())
    assert counts["dense_plates"] == round(0.5 * counts["door_plates"]) > 100
    with store.read() as session:
        dense = session.execute(
            sa.select(DoorPlate, Road.name, Road.geom, AdminUnit.geom.label("unit"))
            .join(Road, Road.id == DoorPlate.road_id)
            .join(AdminUnit, (AdminUnit.code == DoorPlate.admin_code) & AdminUnit.valid_to.is_(None))
            .where(DoorPlate.source == SOURCE)
        ).all()
        assert len(dense) == counts["dense_plates"] == count(session, DoorPlate, DoorPlate.source == SOURCE)
        total = count(session, DoorPlate)
        keys = session.execute(sa.select(DoorPlate.road_id, DoorPlate.number, DoorPlate.suffix)).all()
        bulk = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "bulk_insert")).all()
    assert total == counts["door_plates"] + counts["dense_plates"] and len(set(keys)) == total
    assert [b.after["count"] for b in bulk] == [counts["dense_plates"]] and bulk[0].actor == "demo-builder"
    if store.dialect == "postgresql":  # vacuumed after the load: every page all-visible, for index-only nearest searches
        with store.read() as session:
            pages = session.execute(
                sa.text(
                    "SELECT relpages, relallvisible FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid "
                    "WHERE i.inhparent = 'door_plates'::regclass AND relpages > 0"
                )
            ).all()
        assert pages and all(visible == total_pages for total_pages, visible in pages), pages
    for plate, road, _, _ in dense:
        assert plate.status == "current" and plate.side in ("L", "R") and plate.kind == "main"
        assert plate.number_text == (f"{plate.number}-{plate.suffix}" if plate.suffix else str(plate.number))
        assert (
            plate.address.startswith("官渡区")
            and plate.address.endswith(f"街道{road}{plate.number_text}号")
            or plate.address.endswith(f"{road}{plate.number_text}号")
        )
    points = geometry.to_metric(np.array([p.geom for p, *_ in dense], dtype=object))
    lines = geometry.to_metric(np.array([g for _, _, g, _ in dense], dtype=object))
    assert (shapely.distance(points, lines) < 50).all()  # beside its road
    units = np.array([u for *_, u in dense], dtype=object)
    assert shapely.intersects(shapely.buffer(units, 1e-3), np.array([p.geom for p, *_ in dense], dtype=object)).mean() > 0.99
    # found by the search and by reverse geocoding, as any plate
    g = build(store)
    plate, road, _, _ = dense[len(dense) // 2]
    found = engine.search(g, f"{road}{plate.number_text.replace('-', '附')}号", limit=5)
    assert found and found[0].entry.id == plate.id
    nearest = reverse(g, np.array([plate.geom.x]), np.array([plate.geom.y]), radius_m=30)
    assert nearest[0].address is not None and nearest[0].address.id == plate.id
