"""Topology checks over the units stored in the register, as of one date."""

from __future__ import annotations

import datetime as dt

from gis.storage import Store

from . import CheckOptions, TopologyReport, run_checks, units_from_lonlat


def check_stored(
    store: Store,
    *,
    date: dt.date | None = None,
    levels: tuple[str, ...] = ("district", "subdistrict", "community"),
    options: CheckOptions | None = None,
    rules=None,
) -> TopologyReport:
    """Every rule over the versions in force on ``date`` (today) of ``levels``."""
    from boundaries.units import units_at

    units = [u for u in units_at(store, date or dt.date.today()) if u.level in levels]
    return run_checks(units_from_lonlat([(u.code, u.name, u.level, u.parent_code, u.geom) for u in units]), options, rules)
