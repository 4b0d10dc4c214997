"""The few nearest rows of a point table to each of many points, asked of the database's
spatial index, for batches where reading every row of their area would cost more.

A reverse lookup of a batch reads the rows of the batch's box once and measures them in
Python; that is the fastest way while the box holds a few rows per point, and on SQLite
(whose R*Tree has no nearest-neighbour search) the only one. When the box holds many
rows per point (a city's worth of door plates under a batch of a few thousand points)
PostgreSQL walks a GiST index to each point's nearest rows (``ORDER BY point <-> here
LIMIT k``, one lateral probe per point) and only those come back: the index of the table's
native points (``native_points``), which carries the columns asked for, so the probes
never read the table itself. ``estimated_rows``
tells the caller which side of that line a query is on, from the planner's statistics,
without running it.
"""

from __future__ import annotations

import json

from sqlalchemy import BigInteger, Float, bindparam, func, select, text, true
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from . import native_points


def has_nearest_search(session: Session) -> bool:
    """Whether the database finds nearest rows by its index (PostGIS; SQLite's R*Tree cannot)."""
    return session.get_bind().dialect.name == "postgresql"


def estimated_rows(session: Session, query) -> float | None:
    """The planner's estimate of the rows ``query`` returns (PostgreSQL, from its spatial
    and column statistics, in about a millisecond), or None where there is no planner to ask."""
    if not has_nearest_search(session):
        return None
    compiled = query.compile(dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True})
    plan = session.execute(text(f"EXPLAIN (FORMAT JSON) {compiled}")).scalar_one()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return float(plan[0]["Plan"]["Plan Rows"])


def nearest_each(table: str, columns, where, xs, ys, *, k: int | None, reach_deg: float, matching=None):
    """A query of, for each point (``xs``/``ys`` in the storage CRS), its ``k`` nearest rows
    (every one for None) of ``table`` within ``reach_deg`` (a box around the point, in degrees): the point's
    1-based position ``point``, then ``columns``. Order is by planar distance in degrees, so
    callers measure the candidates in metres themselves and should ask for a few more than
    they need. ``matching`` (a column and one integer per point) keeps to each point the rows
    whose column holds its value. The search walks the table's native points
    (``native_points``): with ``columns``, ``where`` and ``matching`` among what their index
    carries, it never reads the table. PostgreSQL only (``has_nearest_search``)."""
    arrays = [
        bindparam("nearest_xs", list(map(float, xs)), type_=ARRAY(Float)),
        bindparam("nearest_ys", list(map(float, ys)), type_=ARRAY(Float)),
    ]
    names = ["x", "y"]
    if matching is not None:
        column, values = matching
        arrays.append(bindparam("nearest_match", list(map(int, values)), type_=ARRAY(BigInteger)))
        names.append("match")
    points = func.unnest(*arrays).table_valued(*names, with_ordinality="point").render_derived(name="points")
    here = func.point(points.c.x, points.c.y)
    box = func.box(func.point(points.c.x - reach_deg, points.c.y - reach_deg), func.point(points.c.x + reach_deg, points.c.y + reach_deg))
    point = native_points.point_of(table)
    kept = (*where, point.op("<@")(box), *(() if matching is None else (matching[0] == points.c.match,)))
    ordered = select(*columns).where(*kept).order_by(point.op("<->")(here))
    near = (ordered if k is None else ordered.limit(k)).lateral("near")
    return select(points.c.point, *near.c).select_from(points).join(near, true())
