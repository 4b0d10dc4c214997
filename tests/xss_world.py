"""A small street world whose every user-facing name, address and label carries markup, for the
stored-XSS browser test (tests/test_pages_xss.py). Built on tests/numbering_world.py."""

from __future__ import annotations

import datetime as dt

import numbering_world as world
import shapely
import sqlalchemy as sa

XSS = '<img src=x onerror="window.__xss=1">'
BOLD = "<b>x</b>"
ROAD = f"{XSS}春城路"
PLACE = f"{XSS}宝象公园"
COMMUNITY = f"{XSS}社区"
EAST = f"{BOLD}太和街道"
APPLICATION = f"{XSS}新路"
LINE_NUMBER = BOLD
PLAN_COMMUNITY = f"{BOLD}{XSS}"[:40]
PASSWORD = "xss-test-2026-secret"
PLACE_AT = (world.X0 + 200, world.Y0 + 60)


def seed(store) -> dict[str, int]:
    """Names with markup everywhere a page shows one; returns some ids by a short key."""
    from accounts import service as accounts
    from boundaries import markers
    from boundaries.line_models import BoundaryLine
    from boundaries.lines.service import build_and_save
    from gis.basemap import AdminUnit, Road
    from placenames import applications, notices, transitions
    from placenames.models import PlaceName
    from placenames.numbering import service as numbering
    from placenames.registry_models import NamingApplication
    from placenames.signs import inventory

    world.seed(store)
    with store.transaction(actor="seed") as session:
        session.execute(sa.update(Road).where(Road.name == "春城路").values(name=ROAD))
        session.execute(sa.update(PlaceName).where(PlaceName.name == "春城路").values(name=ROAD))
        session.execute(sa.update(AdminUnit).where(AdminUnit.level == "community").values(name=COMMUNITY))
        area = world.to_storage(shapely.MultiPolygon([shapely.box(world.X0 + 1000, world.Y0 - 1000, world.X0 + 3000, world.Y0 + 1000)]))
        session.add(
            AdminUnit(
                code="530111002000", name=EAST, level="subdistrict", parent_code="530111000000", valid_from=dt.date(2023, 6, 30), geom=area
            )
        )
        session.add(
            PlaceName(
                name=PLACE,
                category_code="252",
                category_label="公园",
                status="current",
                geom=world.to_storage(shapely.Point(*PLACE_AT)),
            )
        )
    numbering.commit(store, None, actor="wang")  # door plates: their addresses carry the road's name
    world.add_building(store, "N9", 280, 18)  # left unnumbered: the numbering preview has a row
    inventory.add_road_sign(store, ROAD, world.to_storage(shapely.Point(world.X0 + 100, world.Y0 + 10)), actor="wang")
    app_id = applications.create_application(
        store,
        {
            "kind": "name",
            "proposed_name": "宝象新路",  # the rules refuse markup in a new name: APPLICATION is written below
            "category_code": "23510",
            "location_description": f"{BOLD}东起宝象河",
            "reasons": XSS,
            "applicant_name": BOLD,
            "applicant_contact": XSS,
            "notice_days": 1,
        },
        actor="wang",
    )
    for action, extra in (("accept", {}), ("review", {"officer_opinion": XSS}), ("start_notice", {})):
        transitions.apply_action(store, app_id, action, {"reason": f"{BOLD}{action}", **extra}, actor="wang")
    with store.transaction(actor="seed", reason="a name with markup from before the naming rules") as session:
        application = session.get(NamingApplication, app_id)
        application.proposed_name = APPLICATION
        session.get(PlaceName, application.place_name_id).name = APPLICATION
    notices.add_comment(store, app_id, XSS, author_name=BOLD)
    build_and_save(store, "subdistrict", actor="admin", reason="test lines")
    with store.transaction(actor="seed") as session:
        line_id = session.scalars(sa.select(BoundaryLine.id).order_by(BoundaryLine.length_m.desc())).first()
        session.get(BoundaryLine, line_id).number = LINE_NUMBER
    markers.add_synthetic_markers(store, line_id, actor="admin")
    job_id = _plan(store)
    accounts.add_user(store, "root", ["admin"], password=PASSWORD, actor="admin")
    return {"application": app_id, "line": line_id, "job": job_id}


def _plan(store) -> int:
    """A finished redistricting job with one stored plan whose community label carries markup."""
    from boundaries.redistricting.models import ProposedCommunity, RedistrictingJob, RedistrictingPlan

    geom = world.to_storage(shapely.MultiPolygon([shapely.box(world.X0 - 500, world.Y0 - 500, world.X0 + 500, world.Y0 + 500)]))
    from gis.basemap import Block

    with store.transaction(actor="seed") as session:
        session.add(  # a block of the subdistrict with the markup name: the planner lists it
            Block(
                code="B1",
                subdistrict_code="530111002000",
                community_code=None,
                households=100,
                dense=False,
                area_m2=1.0,
                geom=geom.geoms[0],
            )
        )
        job = RedistrictingJob(status="succeeded", progress=1.0, parameters={"subdistricts": ["530111001000"]})
        session.add(job)
        session.flush()
        plan = RedistrictingPlan(
            job_id=job.id, name=BOLD, seed=0, valid=False, rules={}, metrics={"communities": 1}, violations=[], findings=[], assignment={}
        )
        session.add(plan)
        session.flush()
        session.add(
            ProposedCommunity(
                plan_id=plan.id,
                community=PLAN_COMMUNITY,
                subdistrict="530111001000",
                households=1234,
                premises_required_m2=300.0,
                figures={"violations": XSS},
                geom=geom,
            )
        )
        session.flush()
        return job.id  # the page follows the job to its plan
