"""Each subdistrict as the planner starts from it: blocks, households and today's communities.

The planner page shows this beside the plan's ranges ("关上街道: 12 communities today,
add 5–8"), so the targets can be written as the plan writes them.
"""

from __future__ import annotations

from sqlalchemy import func, select

from gis.basemap import Block

from .inputs import subdistrict_names


def subdistricts(store) -> list[dict]:
    """One row per subdistrict that has blocks, in code order."""
    with store.read() as session:
        rows = session.execute(
            select(
                Block.subdistrict_code,
                func.count(Block.code),
                func.coalesce(func.sum(Block.households), 0),
                func.count(func.distinct(Block.community_code)),
            ).group_by(Block.subdistrict_code)
        ).all()
    names = {code: name for name, code in subdistrict_names(store).items()}
    return [
        {"code": code, "name": names.get(code, code), "blocks": blocks, "households": int(households), "communities": communities}
        for code, blocks, households, communities in sorted(rows, key=lambda r: str(r[0]))
    ]
