"""Demo step: a synthetic 2015 state of the communities and the dated reorganisations
that turned it into today's map.

Why: the district's 2016–2020 plan started from 99 communities (end of 2015) and asked
for 26–46 new ones by subdistrict; the published 2023 divisions list 133. The demo's
units are today's, so this step derives a 2015 state from them, backwards: in each
subdistrict of the plan some of today's communities are taken out again — most merged
back into a neighbour (the 2015 community then has both outlines and often more than
10,000 households: the oversized communities the plan split), a few left as blank
areas (urbanising villages and new estates no community served in 2015). Every 2015
version and reorganisation record is synthetic (``source = synthetic-demo-history``).

The versions are written directly, in one audited transaction, not through
``boundaries.units.reorganise``: that service only moves forward from the versions in
force, and this step invents a past before them. What it writes is what a forward
series of reorganisations would have left: the 2015 version of a split community runs
from 2015-01-01 to the day of its split, today's versions from that day (or from
2015-01-01 when unchanged), and one ``UnitChange`` (split or create) per day, 2016–2023.
The subdistricts and the district are in force from 2015-01-01 too.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import shapely
from sqlalchemy import select

from boundaries.line_models import UnitChange
from gis.basemap import AdminUnit
from gis.crs import STORAGE_CRS, measure_crs, reproject
from gis.storage import Store

ACTOR = "demo-builder"
SOURCE = "synthetic-demo-history"
START = dt.date(2015, 1, 1)
FIRST_CHANGE, LAST_CHANGE = dt.date(2016, 3, 1), dt.date(2023, 5, 31)

#: The plan's new communities per subdistrict (low, high), and how many of today's
#: communities the demo's history counts as added since 2015 (34 in all: 133 − 99).
PLAN_RANGES = {
    "太和街道": (2, 5),
    "关上街道": (5, 8),
    "金马街道": (5, 8),
    "官渡街道": (2, 5),
    "矣六街道": (3, 7),
    "小板桥街道": (7, 10),
    "大板桥街道": (2, 3),
}
HISTORY_INCREASE = {"太和街道": 4, "关上街道": 6, "金马街道": 6, "官渡街道": 3, "矣六街道": 5, "小板桥街道": 8, "大板桥街道": 2}
#: Subdistricts where one of the added communities was a blank area in 2015: an
#: urbanising village (one of the smallest communities) or a new estate (the largest).
BLANK_IN = {"矣六街道": "village", "小板桥街道": "estate", "大板桥街道": "village"}


def add_history(store: Store, *, seed: int) -> dict[str, int]:
    """Write the 2015 state and the reorganisations; returns counts for the demo's summary."""
    rng = np.random.default_rng([seed, 2015])
    with store.transaction(
        actor=ACTOR, reason="演示数据：合成的2015年社区状态及其调整 synthetic 2015 communities and their changes"
    ) as session:
        units = list(session.scalars(select(AdminUnit).where(AdminUnit.valid_to.is_(None))))
        subdistricts = {u.code: u for u in units if u.level == "subdistrict"}
        communities = sorted((u for u in units if u.level == "community"), key=lambda u: u.code)
        events: list[UnitChange] = []
        oversized = blank = 0
        for code, sub in sorted(subdistricts.items()):
            wanted = HISTORY_INCREASE.get(sub.name, 0)
            mine = [c for c in communities if c.parent_code == code]
            if not wanted or len(mine) <= wanted:
                continue
            created, groups = _choose(mine, wanted, BLANK_IN.get(sub.name), rng)
            for unit in created:
                day = _day(rng)
                unit.valid_from = day
                events.append(_change("create", day, [], [unit.code], f"{unit.name}：新建小区、城中村改造区域新设社区（演示）"))
                blank += 1
            for root, members in groups.items():
                day = _day(rng)
                whole = [root, *members]
                households = sum(u.households or 0 for u in whole)
                oversized += households > 10000
                session.add(
                    AdminUnit(
                        code=root.code,
                        name=root.name,
                        level="community",
                        parent_code=root.parent_code,
                        valid_from=START,
                        valid_to=day,
                        households=households,
                        name_source=SOURCE,
                        source=SOURCE,
                        geom=_multi(shapely.coverage_union_all([u.geom for u in whole])),
                    )
                )
                for unit in whole:
                    unit.valid_from = day
                reason = f"{root.name}：户数过多，拆分为{'、'.join(u.name for u in whole)}（演示）"
                events.append(_change("split", day, [root.code], [u.code for u in whole], reason))
        for unit in units:  # everything the history did not touch stood in 2015 already
            if unit.valid_from > LAST_CHANGE:
                unit.valid_from = START
        events.sort(key=lambda e: e.effective)
        session.add_all(events)
    return {
        "communities_2015": len(communities) - sum(len(e.added_codes) - len(e.closed_codes) for e in events),
        "oversized_2015": oversized,
        "blank_areas_2015": blank,
        "reorganisations": len(events),
    }


def _choose(mine: list[AdminUnit], wanted: int, blank: str | None, rng) -> tuple[list[AdminUnit], dict[AdminUnit, list[AdminUnit]]]:
    """Which of ``mine`` were blank in 2015, and which merged into which neighbour.

    A blank area is one of the smallest communities (a village being built over) or the
    largest (a new estate), per ``BLANK_IN``. Merges go into a neighbour chosen with odds by its households, so large
    communities tend to grow larger: the oversized 2015 communities of the plan.
    """
    metric = {u.code: reproject(u.geom, STORAGE_CRS, measure_crs()) for u in mine}
    by_size = sorted(mine, key=lambda u: (u.households or 0, u.code))
    created = []
    if blank == "village":
        created = [by_size[int(rng.integers(0, min(3, len(by_size))))]]
    elif blank == "estate":
        created = [by_size[-1]]
    free = [u for u in mine if u not in created]
    groups: dict[AdminUnit, list[AdminUnit]] = {}
    taken: set[str] = set()
    for _ in range(wanted - len(created)):
        roots = [u for u in free if u.code not in taken]
        pairs = []
        for root in roots:
            for other in roots:
                if other is root or other in groups or other.code in taken:
                    continue
                shared = metric[root.code].intersection(metric[other.code]).length
                if shared > 1.0:
                    pairs.append((root, other, shared))
        if not pairs:
            break
        weights = np.array([(r.households or 0) + sum(m.households or 0 for m in groups.get(r, [])) + 1.0 for r, _, _ in pairs])
        root, other, _ = pairs[int(rng.choice(len(pairs), p=weights / weights.sum()))]
        groups.setdefault(root, []).append(other)
        taken.add(other.code)
    return created, groups


def _day(rng) -> dt.date:
    return FIRST_CHANGE + dt.timedelta(days=int(rng.integers(0, (LAST_CHANGE - FIRST_CHANGE).days + 1)))


def _change(kind: str, day: dt.date, closed: list[str], added: list[str], remarks: str) -> UnitChange:
    return UnitChange(
        kind=kind,
        effective=day,
        closed_codes=closed,
        added_codes=added,
        document="合成演示数据 synthetic demo",
        remarks=remarks,
        source=SOURCE,
    )


def _multi(geom):
    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon"]
    return shapely.MultiPolygon(parts)
