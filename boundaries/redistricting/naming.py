"""Proposed names for the new communities of a plan, from the main road through each.

Communities are commonly named after a road or place inside them (春城路 → 春城社区). For
each community of a stored plan that is not one of today's, the roads crossing it are
ranked — arterials first, then by length inside — and the road's 专名 (the name without
its generic 路/街/大道/巷 and a trailing direction) gives ``<专名>社区``. Names that an
existing community already has, or that another proposal of the plan took first, are
skipped. The caller checks the candidates with the naming rules (which live with the
register) and marks the first one that passes; all of them stay proposals until a plan
is adopted through the procedure.
"""

from __future__ import annotations

import shapely
from sqlalchemy import select

from gis.basemap import AdminUnit, Road
from gis.crs import length_m

from .models import ProposedCommunity

#: Road generics, longest first, and the direction that may follow the 专名 (关上中路 → 关上).
ROAD_GENERICS = ("大道", "大街", "路", "街", "巷", "道", "弄")
DIRECTIONS = "东西南北中"
CLASS_RANK = {"arterial": 0, "primary": 0, "trunk": 0, "secondary": 1, "tertiary": 2, "local": 3, "residential": 3, "lane": 4}
#: A community's name is its 专名 and this generic; the register's full names end in 社区居民委员会.
COMMUNITY_GENERIC = "社区"
CANDIDATES = 3


def _without_generic(name: str) -> str:
    text = name.strip()
    for generic in ROAD_GENERICS:
        if text.endswith(generic):
            return text[: -len(generic)]
    return text


def specific_of_road(name: str, all_roads: list[str] | None = None) -> str | None:
    """The 专名 of a road name, or None when what is left is too short to name a community.

    A trailing direction is dropped only where the road is one of a family (关上中路 beside
    关上东路 or 关上路 → 关上): on its own, 东 may be part of the name itself (毛泽东路)."""
    text = _without_generic(name)
    if len(text) > 2 and text[-1] in DIRECTIONS:
        stem = text[:-1]
        others = {_without_generic(other) for other in (all_roads or [])} - {text}
        if any(other == stem or (other[:-1] == stem and other[-1] in DIRECTIONS) for other in others):
            text = stem
    return text if len(text) >= 2 else None


def _bare(name: str) -> str:
    """A community's name without 居民委员会/委员会, so 双桥社区居民委员会 and 双桥社区 compare equal."""
    for tail in ("居民委员会", "委员会"):
        if name.endswith(tail):
            return name[: -len(tail)]
    return name


def candidates(store, plan_id: int) -> dict[str, list[str]]:
    """New community code → up to ``CANDIDATES`` proposed names, best first (none when no road crosses it)."""
    with store.read() as session:
        proposed = session.scalars(
            select(ProposedCommunity).where(ProposedCommunity.plan_id == plan_id).order_by(ProposedCommunity.community)
        ).all()
        current = session.execute(
            select(AdminUnit.code, AdminUnit.name).where(AdminUnit.level == "community", AdminUnit.valid_to.is_(None))
        ).all()
        roads = session.execute(select(Road.name, Road.road_class, Road.geom).where(Road.name.is_not(None))).all()
    current_codes = {code for code, _ in current}
    taken = {_bare(name) for _, name in current}
    fresh = [(c.community, c.geom) for c in proposed if c.community not in current_codes]
    if not fresh or not roads:
        return {code: [] for code, _ in fresh}
    tree = shapely.STRtree([geom for _, _, geom in roads])
    road_names = sorted({name for name, _, _ in roads})
    out: dict[str, list[str]] = {}
    for code, polygon in fresh:
        ranked = []
        for index in tree.query(polygon, predicate="intersects").tolist():
            name, road_class, geom = roads[index]
            ranked.append((CLASS_RANK.get(road_class, 5), -float(length_m(geom.intersection(polygon))), name))
        names: list[str] = []
        for _, _, road in sorted(ranked):
            specific = specific_of_road(road, road_names)
            proposal = f"{specific}{COMMUNITY_GENERIC}" if specific else None
            if proposal and proposal not in taken and proposal not in names:
                names.append(proposal)
            if len(names) == CANDIDATES:
                break
        taken.update(names[:1])  # the first choice is this community's; later proposals look further
        out[code] = names
    return out
