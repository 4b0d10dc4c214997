"""Storing proposals and reading them back (planners' records, audited like any register)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import geopandas as gpd
import shapely
from sqlalchemy import select

from boundaries.redistricting.export import COMMUNITY_COLUMNS, FORMATS, communities_frame, violations_table, write_frames
from boundaries.redistricting.models import ProposedCommunity, RedistrictingPlan
from gis.errors import NotFound, UnsupportedFormat
from gis.storage import Store

FIGURES = (
    "blocks",
    "dense",
    "area_m2",
    "polsby_popper",
    "boundary_major_share",
    "premises_floor_m2",
    "premises_by_households_m2",
    "violations",
)


def rules_to_dict(rules) -> dict:
    data = dataclasses.asdict(rules)
    data["locked_blocks"] = sorted(rules.locked_blocks)
    data["locked_communities"] = sorted(rules.locked_communities)
    data["targets"] = {k: list(v) for k, v in rules.targets.items()}
    return data


def save_proposal(store: Store, proposal, *, name: str, actor: str, job_id: int | None = None, session=None) -> int:
    """Store ``proposal`` with its dissolved communities; returns the new plan id."""
    if session is None:
        with store.transaction(actor=actor, reason=f"redistricting proposal {name}") as own:
            return save_proposal(store, proposal, name=name, actor=actor, job_id=job_id, session=own)
    plan = RedistrictingPlan(
        job_id=job_id,
        name=name,
        seed=int(proposal.seed),
        valid=proposal.valid,
        rules=rules_to_dict(proposal.rules),
        metrics=proposal.metrics(),
        violations=[v.to_dict() for v in proposal.violations],
        findings=[f.to_dict() for f in proposal.findings],
        assignment=proposal.plan.community_of(),
        created_by=actor,
        updated_by=actor,
    )
    session.add(plan)
    session.flush()
    for row in communities_frame(proposal).to_dict("records"):
        geometry = row["geometry"]
        if geometry.geom_type == "Polygon":
            geometry = shapely.MultiPolygon([geometry])
        session.add(
            ProposedCommunity(
                plan_id=plan.id,
                community=row["community"],
                subdistrict=row["subdistrict"],
                households=row["households"],
                premises_required_m2=row["premises_required_m2"],
                figures={k: row[k] for k in FIGURES},
                geom=geometry,
                created_by=actor,
                updated_by=actor,
            )
        )
    return plan.id


def plan_summary(plan: RedistrictingPlan, adopted: dict | None = None) -> dict:
    return {
        "id": plan.id,
        "name": plan.name,
        "job_id": plan.job_id,
        "seed": plan.seed,
        "valid": plan.valid,
        "version": plan.version,
        "created_at": plan.created_at.isoformat(),
        "created_by": plan.created_by,
        "metrics": plan.metrics,
        "violations": plan.violations,
        "findings": plan.findings,
        "adopted": adopted,
    }


def list_plans(store: Store, *, job_id: int | None = None) -> list[dict]:
    """Summaries of the stored proposals (of one job when ``job_id`` is given)."""
    query = select(RedistrictingPlan).order_by(RedistrictingPlan.id)
    if job_id is not None:
        query = query.where(RedistrictingPlan.job_id == job_id)
    from boundaries.redistricting.adopt import adoptions

    with store.read() as session:
        adopted = adoptions(session)
        return [plan_summary(p, adopted.get(p.id)) for p in session.scalars(query)]


def get_plan(store: Store, plan_id: int) -> dict:
    """A stored plan with its rules, violations, findings, assignment and communities (GeoJSON-like)."""
    with store.read() as session:
        plan = session.get(RedistrictingPlan, plan_id)
        if plan is None:
            raise NotFound(f"方案不存在：{plan_id}", f"No such redistricting plan: {plan_id}")
        communities = session.scalars(
            select(ProposedCommunity).where(ProposedCommunity.plan_id == plan_id).order_by(ProposedCommunity.community)
        ).all()
        from boundaries.redistricting.adopt import adoption_of

        return {
            **plan_summary(plan, adoption_of(session, plan_id)),
            "rules": plan.rules,
            "violations": plan.violations,
            "findings": plan.findings,
            "assignment": plan.assignment,
            "communities": {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "id": c.community,
                        "geometry": shapely.geometry.mapping(c.geom),
                        "properties": {
                            "community": c.community,
                            "subdistrict": c.subdistrict,
                            "households": c.households,
                            "premises_required_m2": c.premises_required_m2,
                            **c.figures,
                        },
                    }
                    for c in communities
                ],
            },
        }


def compare_stored(store: Store, first_id: int, second_id: int | None = None) -> dict:
    """Compare two stored plans, or (``second_id`` None) the current communities against a stored plan."""
    from boundaries.redistricting.compare import compare
    from boundaries.redistricting.graph import build_graph
    from boundaries.redistricting.inputs import from_store
    from boundaries.redistricting.plan import current_plan, plan_from_mapping

    first = get_plan(store, first_id)
    second = get_plan(store, second_id) if second_id is not None else None
    data = from_store(store)
    blocks = set(first["assignment"]) | set(second["assignment"] if second else ())
    data = data.only(sorted(set(data.blocks.loc[data.blocks["code"].isin(blocks), "subdistrict"])))
    graph = build_graph(data)
    proposed = plan_from_mapping(graph, first["assignment"])
    if second is None:
        return {"first": "current", "second": first_id, **compare(current_plan(graph), proposed)}
    return {"first": first_id, "second": second_id, **compare(proposed, plan_from_mapping(graph, second["assignment"]))}


def export_plan(store: Store, plan_id: int, directory: str | Path, fmt: str) -> Path:
    """Write a stored plan as ``plan-<id>.<fmt>`` in ``directory`` (GeoPackage, GeoJSON or CSV).

    The communities are the stored ones, exactly as proposed; the blocks layer takes
    today's block geometry, with ``previous`` = today's community and ``community`` =
    the proposed one (blocks deleted since the proposal are left out).
    """
    if fmt not in FORMATS:
        raise UnsupportedFormat(f"方案只能导出为 {'、'.join(FORMATS)}：{fmt}", f"A plan is exported as {', '.join(FORMATS)}, not {fmt!r}")
    plan = get_plan(store, plan_id)
    communities = gpd.GeoDataFrame.from_features(plan["communities"]["features"], crs="EPSG:4490")
    communities = communities.reindex(columns=[*COMMUNITY_COLUMNS, "geometry"])
    return write_frames(
        Path(directory) / f"plan-{plan_id}.{fmt}",
        communities,
        _stored_blocks(store, plan["assignment"]),
        violations_table(plan["violations"], plan["findings"]),
    )


def _stored_blocks(store: Store, assignment: dict[str, str | None]) -> gpd.GeoDataFrame:
    from gis.basemap import Block

    with store.read() as session:
        rows = [
            r
            for r in session.execute(
                select(Block.code, Block.subdistrict_code, Block.households, Block.dense, Block.community_code, Block.geom).order_by(
                    Block.code
                )
            )
            if r[0] in assignment
        ]
    return gpd.GeoDataFrame(
        {
            "code": [r[0] for r in rows],
            "subdistrict": [r[1] for r in rows],
            "households": [r[2] for r in rows],
            "dense": [bool(r[3]) for r in rows],
            "previous": [r[4] for r in rows],
            "community": [assignment[r[0]] for r in rows],
        },
        geometry=[r[5] for r in rows],
        crs="EPSG:4490",
    )
