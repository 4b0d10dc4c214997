"""The real units of 官渡区 (district and subdistricts, NBS 2023 codes) as admin units in
force, so names and applications can point at a real administrative area."""

from __future__ import annotations

import csv
import datetime as dt

from gis.settings import PROJECT_ROOT

DIVISIONS = PROJECT_ROOT / "data" / "reference" / "guandu_divisions_2023.csv"


def divisions(*levels: str) -> list[dict]:
    with DIVISIONS.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if not levels or row["level"] in levels]


def add_units(store, levels=("district", "subdistrict"), *, valid_to: dict | None = None) -> None:
    from gis.basemap import AdminUnit

    with store.transaction(actor="test-units", reason="units of 官渡区 for the tests") as session:
        for row in divisions(*levels):
            session.add(
                AdminUnit(
                    code=row["code"],
                    name=row["name"],
                    level=row["level"],
                    parent_code=row["parent_code"],
                    valid_from=dt.date(2023, 6, 30),
                    valid_to=(valid_to or {}).get(row["code"]),
                )
            )
