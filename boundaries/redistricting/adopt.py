"""Adopting a stored plan: the proposal becomes one dated reorganisation of the communities.

A planner adopts a finished, valid plan with an effective date, an actor and a reason.
Against today's blocks, each community of the plan is

- **kept** when it is one of today's communities with exactly today's blocks: untouched;
- **changed** when it is one of today's communities with other blocks (the largest piece
  of a split, a community that took in a merged neighbour or blank blocks): its version
  in force ends at the date and a new version with the plan's outline begins (same code
  and name);
- **created** when its code is not one of today's communities: a new unit with the plan's
  12-digit code and its proposed name (``社区`` names become the register's full
  ``社区居民委员会``);

and today's communities of the plan's subdistricts that the plan no longer has are
**retired** (their version ends at the date). All of it is written as one
``UnitChange`` through ``boundaries.units.reorganise`` — the checked path, which refuses
gaps, overlaps and units outside their subdistrict — together with the blocks' and
buildings' community codes, the community boundary lines when the register keeps them,
and whatever the caller's ``follow`` steps write (door plates, in the face that composes
the domains), in **one transaction**: any refusal leaves nothing written.

Refused with a bilingual error, nothing written: an unknown plan (404), a plan that breaks
a rule or proposes a community without households (400), a new community without a name
(400), a date not after the versions it closes (400); a plan adopted already, or stale —
its blocks or communities changed after it was computed, or it started from the map of an
earlier date (``as_of``) that is no longer today's (409).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import shapely
from sqlalchemy import func, or_, select

from gis.basemap import AdminUnit, Block, Building
from gis.errors import Conflict, InvalidInput, NotFound
from gis.storage import Store
from gis.storage.audit import AuditEntry

from ..line_models import BoundaryLine, UnitChange
from ..units import NewUnit, reorganise
from .models import ProposedCommunity, RedistrictingJob, RedistrictingPlan

#: The UnitChange ``document`` of an adopted plan: how an adoption is found again.
DOCUMENT = "redistricting plan #{plan_id}"
COMMUNITY_SUFFIX, FORMAL_SUFFIX = "社区", "居民委员会"


@dataclass
class Adoption:
    """What adopting a plan wrote (``outlines`` and ``moved_buildings`` are for the follow steps)."""

    plan_id: int
    change_id: int
    kind: str
    effective: dt.date
    kept: list[str]
    changed: list[str]
    created: dict[str, str]  # code -> name
    retired: list[str]
    blocks_moved: int
    buildings_moved: int
    lines: dict | None
    outlines: dict[str, object] = field(repr=False, default_factory=dict)
    moved_buildings: dict[int, str] = field(repr=False, default_factory=dict)
    followed: dict = field(default_factory=dict)

    @property
    def affected(self) -> set[str]:
        """Today's communities whose territory the adoption changed or ended."""
        return set(self.changed) | set(self.retired)

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("outlines"), data.pop("moved_buildings")
        data["effective"] = self.effective.isoformat()
        return data


FollowStep = Callable[[object, Adoption], tuple[str, dict]]


def document_of(plan_id: int) -> str:
    return DOCUMENT.format(plan_id=plan_id)


def formal_name(name: str) -> str:
    """关上社区 -> 关上社区居民委员会, as the register names communities; other names as given."""
    name = name.strip()
    return name + FORMAL_SUFFIX if name.endswith(COMMUNITY_SUFFIX) else name


def adoption_of(session, plan_id: int) -> dict | None:
    """The reorganisation that adopted ``plan_id`` (id, date, who, when), or None."""
    change = session.scalars(select(UnitChange).where(UnitChange.document == document_of(plan_id))).first()
    return None if change is None else _described(change)


def adoptions(session) -> dict[int, dict]:
    """Plan id -> its adoption, for every adopted plan."""
    prefix = DOCUMENT.split("{")[0]
    out = {}
    for change in session.scalars(select(UnitChange).where(UnitChange.document.like(prefix + "%"))):
        tail = (change.document or "")[len(prefix) :]
        if tail.isdigit():
            out[int(tail)] = _described(change)
    return out


def _described(change: UnitChange) -> dict:
    return {
        "change_id": change.id,
        "effective": change.effective.isoformat(),
        "kind": change.kind,
        "by": change.created_by,
        "at": change.created_at.isoformat(),
    }


def adopt_plan(
    store: Store,
    plan_id: int,
    *,
    effective: dt.date,
    actor: str,
    reason: str,
    names: dict[str, str] | None = None,
    follow: Sequence[FollowStep] = (),
    tolerance_m2: float | None = None,
) -> Adoption:
    """Write plan ``plan_id`` as one reorganisation effective on ``effective`` (see the module)."""
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput("请说明采纳方案的理由", "Give the reason for adopting the plan", details={"field": "reason"})
    if not isinstance(effective, dt.date):
        raise InvalidInput("生效日期应为日期 YYYY-MM-DD", "The effective date must be a date YYYY-MM-DD", details={"field": "date"})
    names = {code: formal_name(name) for code, name in (names or {}).items() if isinstance(name, str) and name.strip()}
    why = f"采纳区划调整方案 {plan_id} adopt redistricting plan {plan_id}: {reason.strip()}"
    with store.transaction(actor=actor, reason=why) as session:
        plan = session.get(RedistrictingPlan, plan_id)
        if plan is None:
            raise NotFound(f"方案不存在：{plan_id}", f"No such redistricting plan: {plan_id}")
        _refuse_unfit(session, plan)
        proposed = list(session.scalars(select(ProposedCommunity).where(ProposedCommunity.plan_id == plan_id)))
        _refuse_empty(plan, proposed)
        subdistricts = sorted({c.subdistrict for c in proposed})
        blocks = list(session.scalars(select(Block).where(Block.subdistrict_code.in_(subdistricts))))
        _refuse_stale(session, plan, subdistricts, blocks)
        adoption = _write(session, store, plan, proposed, blocks, effective, actor, reason, names, tolerance_m2)
        for step in follow:
            key, result = step(session, adoption)
            adoption.followed[key] = result
    return adoption


def _refuse_unfit(session, plan: RedistrictingPlan) -> None:
    done = adoption_of(session, plan.id)
    if done is not None:
        raise Conflict(
            f"方案 {plan.id} 已于 {done['at'][:10]} 由 {done['by']} 采纳（生效日期 {done['effective']}），不能再次采纳",
            f"Plan {plan.id} was adopted already by {done['by']} on {done['at'][:10]} (effective {done['effective']})",
            details=done,
        )
    if not plan.valid:
        raise InvalidInput(
            f"方案 {plan.id} 违反规则（{len(plan.violations)} 处），不能采纳",
            f"Plan {plan.id} breaks a rule ({len(plan.violations)} violation(s)) and cannot be adopted",
            details={"violations": plan.violations},
        )


def _refuse_empty(plan: RedistrictingPlan, proposed: list[ProposedCommunity]) -> None:
    empty = sorted(c.community for c in proposed if c.households <= 0)
    if not proposed:
        raise InvalidInput(f"方案 {plan.id} 没有社区", f"Plan {plan.id} has no communities")
    if empty:
        raise InvalidInput(
            f"方案 {plan.id} 中有没有住户的社区，不能登记为社区：{'、'.join(empty)}（请重新生成方案或调整后再采纳）",
            f"Plan {plan.id} proposes communities without households, which cannot be registered: {', '.join(empty)} "
            "(make another plan first)",
            details={"communities": empty},
        )


def _refuse_stale(session, plan: RedistrictingPlan, subdistricts: list[str], blocks: list[Block]) -> None:
    """The plan must have been computed on today's blocks and communities of its subdistricts.

    "Since" is read from the audit log, whose entries are numbered in the order they were
    written (timestamps are kept to the second, too coarse to order a plan and an edit)."""
    reasons: list[tuple[str, str]] = []
    unit_query = select(AdminUnit).where(
        or_(AdminUnit.code.in_(subdistricts), (AdminUnit.level == "community") & AdminUnit.parent_code.in_(subdistricts))
    )
    units = list(session.scalars(unit_query))
    if {b.code for b in blocks} != set(plan.assignment):
        reasons.append(("街区已增删", "blocks were added or removed"))
    else:
        touched = _written_since(session, plan.id)
        if touched.get("blocks", set()) & {b.id for b in blocks}:
            reasons.append(("街区的户数或所属社区已改动", "blocks' households or communities were edited"))
        if touched.get("admin_units", set()) & {u.id for u in units}:
            reasons.append(("社区或街道已调整", "communities or subdistricts were reorganised"))
    day = _as_of(session, plan)
    if day is not None and any(
        u.level == "community" and (u.valid_from > day or (u.valid_to is not None and u.valid_to > day)) for u in units
    ):
        reasons.append((f"方案按 {day} 的区划生成，与现行区划不同", f"it was made from the map of {day}, which is not today's"))
    if reasons:
        raise Conflict(
            f"方案 {plan.id} 已过时，不能采纳：生成方案后" + "；".join(zh for zh, _ in reasons) + "。请重新生成方案。",
            f"Plan {plan.id} is stale and cannot be adopted: since it was made, "
            + "; ".join(en for _, en in reasons)
            + ". Make a new plan.",
            details={"stale": [en for _, en in reasons]},
        )


def _written_since(session, plan_id: int) -> dict[str, set[int]]:
    """Table -> ids of the blocks and units written after the plan was stored."""
    stored = session.scalar(
        select(func.min(AuditEntry.id)).where(AuditEntry.table_name == RedistrictingPlan.__tablename__, AuditEntry.record_id == plan_id)
    )
    if stored is None:
        return {}
    out: dict[str, set[int]] = defaultdict(set)
    query = select(AuditEntry.table_name, AuditEntry.record_id).where(
        AuditEntry.id > stored, AuditEntry.table_name.in_(("blocks", "admin_units"))
    )
    for table, record in session.execute(query):
        out[table].add(record)
    return out


def _as_of(session, plan: RedistrictingPlan) -> dt.date | None:
    if plan.job_id is None:
        return None
    job = session.get(RedistrictingJob, plan.job_id)
    value = (job.parameters or {}).get("as_of") if job is not None else None
    return dt.date.fromisoformat(value) if value else None


def _write(session, store, plan, proposed, blocks, effective, actor, reason, names, tolerance_m2) -> Adoption:
    today_blocks: dict[str, set[str]] = defaultdict(set)
    for block in blocks:
        if block.community_code:
            today_blocks[block.community_code].add(block.code)
    planned: dict[str, set[str]] = defaultdict(set)
    for block, community in plan.assignment.items():
        if community:
            planned[community].add(block)
    subdistricts = sorted({c.subdistrict for c in proposed})
    in_force = {
        u.code: u
        for u in session.scalars(
            select(AdminUnit).where(AdminUnit.level == "community", AdminUnit.parent_code.in_(subdistricts), AdminUnit.valid_to.is_(None))
        )
    }
    by_code = {c.community: c for c in proposed}
    kept: list[str] = []
    changed: list[str] = []
    created: dict[str, str | None] = {}
    for code in sorted(by_code):
        if code in in_force:
            (kept if planned[code] == today_blocks.get(code, set()) else changed).append(code)
        else:
            created[code] = names.get(code)
    retired = sorted(code for code in in_force if code in today_blocks and code not in by_code)
    unnamed = sorted(code for code, name in created.items() if not name)
    if unnamed:
        raise InvalidInput(
            f"新社区没有可用的名称，请给出名称：{'、'.join(unnamed)}",
            f"New communities have no usable name; give one: {', '.join(unnamed)}",
            details={"communities": unnamed},
        )
    if not changed and not created and not retired:
        raise InvalidInput(f"方案 {plan.id} 与现行社区相同，无需采纳", f"Plan {plan.id} changes no community; there is nothing to adopt")
    closing = changed + retired
    too_early = sorted(code for code in closing if effective <= in_force[code].valid_from)
    if too_early:
        latest = max(in_force[code].valid_from for code in too_early)
        raise InvalidInput(
            f"生效日期须晚于 {latest}（{'、'.join(too_early)} 的现行版本自该日起生效）",
            f"The effective date must be after {latest}, when the versions in force of {', '.join(too_early)} began",
            details={"field": "date", "communities": too_early},
        )
    name_of = {**{code: in_force[code].name for code in changed}, **{code: str(name) for code, name in created.items()}}
    add = [
        NewUnit(code, name_of[code], "community", by_code[code].subdistrict, by_code[code].geom, by_code[code].households)
        for code in [*changed, *created]
    ]
    kind = "split" if created and closing else "create" if created else "merge" if retired else "boundary-change"
    remarks = (
        f"{reason.strip()} — 方案 plan {plan.id} ({plan.name}): kept {len(kept)}, changed {', '.join(changed) or '-'}, "
        f"new {', '.join(created) or '-'}, retired {', '.join(retired) or '-'}"
    )
    change = reorganise(
        store,
        kind=kind,
        effective=effective,
        close=closing,
        add=add,
        actor=actor,
        reason=reason,
        document=document_of(plan.id),
        remarks=remarks,
        tolerance_m2=tolerance_m2,
        session=session,
    )
    moved_blocks = {b.code: plan.assignment[b.code] for b in blocks if plan.assignment.get(b.code) != b.community_code}
    for block in blocks:
        if block.code in moved_blocks:
            block.community_code = moved_blocks[block.code]
    outlines = {code: by_code[code].geom for code in [*changed, *created]}
    moved_buildings = _move_buildings(session, moved_blocks, set(closing), outlines)
    adoption = Adoption(
        plan_id=plan.id,
        change_id=change.id,
        kind=kind,
        effective=effective,
        kept=kept,
        changed=changed,
        created={code: str(name) for code, name in created.items()},
        retired=retired,
        blocks_moved=len(moved_blocks),
        buildings_moved=len(moved_buildings),
        lines=None,
        outlines=outlines,
        moved_buildings=moved_buildings,
    )
    adoption.lines = _follow_lines(session, store, effective, actor, reason)
    return adoption


def _move_buildings(session, moved_blocks: dict[str, str], affected: set[str], outlines: dict) -> dict[int, str]:
    """Buildings of the moved blocks take their block's new community; buildings without a
    block in an affected community take the new outline that holds them. Building id -> code."""
    moved: dict[int, str] = {}
    if moved_blocks:
        codes = list(moved_blocks)
        for start in range(0, len(codes), 500):
            for building in session.scalars(select(Building).where(Building.block_code.in_(codes[start : start + 500]))):
                new = moved_blocks[building.block_code]
                if building.community_code != new:
                    building.community_code = new
                    moved[building.id] = new
    loose = list(session.scalars(select(Building).where(Building.block_code.is_(None), Building.community_code.in_(sorted(affected)))))
    if loose and outlines:
        codes = list(outlines)
        tree = shapely.STRtree([outlines[c] for c in codes])
        for building in loose:
            hits = tree.query(building.geom.representative_point(), predicate="within")
            if len(hits) and codes[int(hits[0])] != building.community_code:
                building.community_code = codes[int(hits[0])]
                moved[building.id] = building.community_code
    session.flush()
    return moved


def _follow_lines(session, store, effective: dt.date, actor: str, reason: str) -> dict | None:
    """Rebuild the community boundary lines of the new map, when the register keeps them."""
    from ..lines.builder import build_lines
    from ..lines.service import save_lines, units_in_session

    stored = session.scalars(select(BoundaryLine.id).where(BoundaryLine.level == "community", BoundaryLine.status != "retired")).first()
    if stored is None:
        return None
    session.flush()
    built = build_lines(units_in_session(session, "community", effective))
    return save_lines(store, built, "community", actor=actor, reason=reason, session=session)
