"""Migration 0011_campaign_signoff on a database that already holds campaigns: open ones take
their line's units as the parties' units, signed ones stay untouched (both backends)."""

from __future__ import annotations

import shapely
import sqlalchemy as sa

from boundaries.line_models import BoundaryLine, InspectionCampaign
from gis.storage import migrate

ROW = (
    "INSERT INTO inspection_campaigns (code, line_id, party_a, party_b, started_on, tolerance_m, status, "
    "version, created_at, created_by, updated_at, updated_by) "
    "VALUES (:code, :line, '甲', '乙', '2021-01-01', 1.0, :status, 1, CURRENT_TIMESTAMP, 'seed', CURRENT_TIMESTAMP, 'seed')"
)


def test_open_campaigns_take_the_units_of_their_line(empty_store):
    store = empty_store
    migrate.upgrade(store, "0008_boundary_markers")
    with store.transaction(actor="seed") as session:
        line = BoundaryLine(
            code="530103-530111",
            number="0311",
            level="district",
            left_code="530111",
            left_name="官渡区",
            right_code="530103",
            right_name="盘龙区",
            length_m=10.0,
            parts=1,
            geom=shapely.MultiLineString([[(102.70, 25.0), (102.72, 25.0)]]),
        )
        session.add(line)
        session.flush()
        line_id = line.id
    with store.engine.begin() as connection:  # the 0008 table has no unit columns yet: plain SQL
        for code, status in (("OPEN-1", "open"), ("DONE-1", "signed")):
            connection.execute(sa.text(ROW), {"code": code, "line": line_id, "status": status})
    migrate.upgrade(store)
    with store.read() as session:
        found = {c.code: (c.party_a_code, c.party_b_code, c.addendum_of) for c in session.scalars(sa.select(InspectionCampaign))}
    assert found == {"OPEN-1": ("530111", "530103", None), "DONE-1": (None, None, None)}
    migrate.downgrade(store, "0008_boundary_markers")
    assert "party_a_code" not in {c["name"] for c in sa.inspect(store.engine).get_columns("inspection_campaigns")}
