"""Demo step: boundary lines, their markers and one signed joint inspection.

Why a step of its own, run after the demo's units are stored: an officer does this
work on a register that already holds the units, through the same service functions
(build the lines from the outlines, set synthetic markers by the layout rules, open
a campaign, record every marker, sign for both parties). Later demo steps follow the
same pattern (one module, one function taking the store and the seed).

What it makes: the district's lines against its neighbours (from the real outlines in
``data/reference/``), the lines between neighbouring subdistricts, a synthetic marker
set on each (``source = synthetic-demo``), and one completed campaign on the first
district line, signed by a demo officer of each side. The demo officers have no
password and cannot sign in; they exist so the signatures name a person of each unit.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import shapely
from sqlalchemy import select

from accounts.models import User
from accounts.service import add_user
from boundaries.inspections import open_campaign, record_finding, record_marker
from boundaries.lines.neighbours import register_district_lines
from boundaries.lines.service import build_and_save, list_lines
from boundaries.markers import add_synthetic_markers, markers_of, unmarked_line_ids
from boundaries.signoff import sign, today
from gis.crs import STORAGE_CRS, measure_crs, reproject
from gis.storage import Store

from .demo.reference import REFERENCE_DIR

ACTOR = "demo-builder"
NEIGHBOURS_FILE = REFERENCE_DIR / "kunming_districts_cgcs2000.geojson"
LEVELS = ("district", "subdistrict")
DEMO_NOTE = "（演示）"
CAMPAIGN_DAYS = 14  # the campaign ran two weeks and ended a week before the demo was built


def add_boundaries(store: Store, *, seed: int) -> dict[str, int]:
    """Lines, markers and one signed campaign; returns counts for the demo's summary."""
    _, district = register_district_lines(
        store, NEIGHBOURS_FILE, actor=ACTOR, reason="演示数据：由区县轮廓生成县级界线 demo district lines"
    )
    subdistrict = build_and_save(store, "subdistrict", actor=ACTOR, reason="演示数据：由街道面生成界线 demo subdistrict lines")
    markers = 0
    for level in LEVELS:
        for line_id in unmarked_line_ids(store, level):
            markers += len(add_synthetic_markers(store, line_id, actor=ACTOR))
    campaign = signed_campaign(store, seed=seed)
    return {
        "district_lines": district["added"] + district["updated"],
        "subdistrict_lines": subdistrict["added"] + subdistrict["updated"],
        "boundary_markers": markers,
        "signed_campaigns": 1 if campaign else 0,
    }


def demo_officer(store: Store, unit_code: str, unit_name: str) -> str:
    """A boundary officer of ``unit_code`` without a password (nobody can sign in as them)."""
    username = f"demo-officer-{unit_code[:6]}"
    with store.read() as session:
        exists = session.scalar(select(User.id).where(User.username == username)) is not None
    if not exists:
        add_user(
            store, username, ["boundary_officer"], display_name=f"{unit_name}界线工作人员{DEMO_NOTE}", unit_code=unit_code, actor=ACTOR
        )
    return username


def _moved(point, distance_m: float, rng: np.random.Generator):
    """``point`` (lon/lat) moved ``distance_m`` metres in a random direction (EPSG:4543 plane)."""
    metric = reproject(point, STORAGE_CRS, measure_crs())
    angle = rng.uniform(0, 2 * np.pi)
    return reproject(
        shapely.Point(metric.x + distance_m * np.cos(angle), metric.y + distance_m * np.sin(angle)), measure_crs(), STORAGE_CRS
    )


def signed_campaign(store: Store, *, seed: int):
    """The first district line's joint inspection: every marker recorded, one finding, both signatures."""
    lines = [line for line in list_lines(store, "district") if line.status == "current"]
    if not lines:
        return None
    line = lines[0]
    officer_a = demo_officer(store, line.left_code, line.left_name)
    officer_b = demo_officer(store, line.right_code, line.right_name)
    ended = today() - dt.timedelta(days=7)
    started = ended - dt.timedelta(days=CAMPAIGN_DAYS)
    party_a, party_b = f"{line.left_name}民政局", f"{line.right_name}民政局"
    campaign = open_campaign(
        store,
        line.id,
        code=f"LJ{line.number}-{started.year}",
        party_a=party_a,
        party_b=party_b,
        started_on=started,
        actor=officer_a,
        participants=[f"{party_a}界线工作人员{DEMO_NOTE}", f"{party_b}界线工作人员{DEMO_NOTE}"],
        remarks=f"合成演示数据，非实测 / synthetic demo data, not surveyed{DEMO_NOTE}",
    )
    rng = np.random.default_rng([seed, line.id])
    markers = markers_of(store, line.id)
    singles = [k for k, m in enumerate(markers) if m.marker_type == "single"] or list(range(len(markers)))
    odd: list[int] = [int(k) for k in rng.choice(singles, size=min(3, len(singles)), replace=False)] if singles else []
    special = dict(zip(odd, ("displaced", "damaged", "not-inspected"), strict=False))
    for k, marker in enumerate(markers):
        status = special.get(k, "intact")
        if status == "not-inspected":
            record_marker(store, campaign.id, marker.id, status=status, actor=officer_a, remarks=f"施工围挡，无法到达{DEMO_NOTE}")
            continue
        distance = 1.6 if status == "displaced" else float(rng.uniform(0.02, 0.3))
        remarks = {"displaced": f"界桩受施工扰动移位，待双方共同恢复{DEMO_NOTE}", "damaged": f"桩体破损，注记模糊，需重新描红{DEMO_NOTE}"}
        record_marker(
            store,
            campaign.id,
            marker.id,
            status=status,
            actor=officer_a,
            measured=_moved(marker.geom, distance, rng),
            remarks=remarks.get(status),
        )
    record_finding(
        store,
        campaign.id,
        kind="construction",
        from_m=round(line.length_m * 0.3),
        to_m=round(line.length_m * 0.34),
        description=f"界线附近新建道路施工，界线走向未受影响{DEMO_NOTE}",
        actor=officer_a,
    )
    sign(store, campaign.id, party="a", actor=officer_a, ended_on=ended)
    return sign(store, campaign.id, party="b", actor=officer_b, ended_on=ended)
