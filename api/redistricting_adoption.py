"""Where the two domains meet when a plan is adopted (the API and ``diming redistrict adopt`` share it).

``boundaries.redistricting.adopt`` writes the plan as one dated reorganisation; the door
plates (``placenames.numbering.communities``) follow inside the same transaction, as a
step this module hands it. The new communities' names are the plan's proposed names —
road-derived candidates checked by the register's naming rules — unless the planner
gives others, which the same rules check. The domains never import each other: this
face composes them.
"""

from __future__ import annotations

import datetime as dt

from gis.errors import InvalidInput


def proposed_names(store, plan_id: int, subdistrict_of: dict[str, str]) -> dict[str, dict]:
    """Per new community: the road-derived candidates, each with the naming rules' findings, and the
    first that passes without needing a justification (None when none does). All are proposals."""
    from boundaries.redistricting import naming
    from placenames.categories import COMMUNITY
    from placenames.register import check_name

    out = {}
    for code, names in naming.candidates(store, plan_id).items():
        checked = []
        for name in names:
            report = check_name(store, name, COMMUNITY, subdistrict_of.get(code))
            usable = not report.has_errors and not report.needs_justification
            checked.append({"name": name, "usable": usable, "findings": [f.to_dict() for f in report.findings]})
        chosen = next((c["name"] for c in checked if c["usable"]), None)
        out[code] = {"name": chosen, "status": "proposal", "candidates": checked}
    return out


def adopt(store, plan_id: int, *, effective: dt.date, actor: str, reason: str, names: dict[str, str] | None = None) -> dict:
    """Adopt a stored plan: units, blocks, buildings, community lines and door plates in one transaction."""
    from boundaries.redistricting import proposals
    from boundaries.redistricting.adopt import adopt_plan
    from placenames.categories import COMMUNITY
    from placenames.numbering.communities import follow_communities
    from placenames.register import check_name

    plan = proposals.get_plan(store, plan_id)  # 404 before anything else
    subdistrict_of = {f["id"]: f["properties"]["subdistrict"] for f in plan["communities"]["features"]}
    given = _given_names(names, subdistrict_of)
    for code, name in given.items():
        report = check_name(store, name, COMMUNITY, subdistrict_of[code])
        if report.has_errors:
            problems = [f for f in report.findings if f.severity == "error"]
            raise InvalidInput(
                f"社区 {code} 的名称“{name}”不符合命名规则：" + "；".join(f.zh for f in problems),
                f"The name {name!r} for community {code} breaks the naming rules: " + "; ".join(f.en for f in problems),
                details={"field": "names", "community": code, "findings": [f.to_dict() for f in report.findings]},
            )
    chosen = {code: p["name"] for code, p in proposed_names(store, plan_id, subdistrict_of).items() if p["name"]}
    chosen.update(given)

    def plates(session, adoption):
        return "plates", follow_communities(
            session, affected=adoption.affected, outlines=adoption.outlines, moved_buildings=adoption.moved_buildings
        )

    adoption = adopt_plan(store, plan_id, effective=effective, actor=actor, reason=reason, names=chosen, follow=[plates])
    return adoption.to_dict()


def _given_names(names, subdistrict_of: dict[str, str]) -> dict[str, str]:
    if names is None:
        return {}
    if not isinstance(names, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in names.items()):
        raise InvalidInput("names 应为“社区代码: 名称”对象", "'names' must map community codes to names", details={"field": "names"})
    unknown = sorted(code for code in names if code not in subdistrict_of)
    if unknown:
        raise InvalidInput(
            f"方案中没有这些社区：{'、'.join(unknown)}",
            f"The plan has no such communities: {', '.join(unknown)}",
            details={"field": "names", "communities": unknown},
        )
    return {code: name.strip() for code, name in names.items() if name.strip()}
