"""界线联检: joint inspection campaigns of one line, per-marker results, findings per
stretch, and the sign-off by both parties that makes the records final.

Rules kept here, in one place:
* displacement = distance in metres (EPSG:4543) between the registered and the
  re-measured position, flagged above the campaign's tolerance (default 1 m; the
  standard value is not confirmed, so each campaign records the one it used);
* every write passes ``ensure_open``: once both parties have signed, nothing is added
  to the campaign or changed again (the database refuses too, migration 0011); a
  correction is a new record of the same marker pointing at the one it corrects;
  later changes go into an addendum (``signoff.open_addendum``);
* sign-off and its checks live in ``signoff``.
"""

from __future__ import annotations

import datetime as dt

import shapely
from shapely.ops import substring
from sqlalchemy import select

from gis.crs import STORAGE_CRS, measure_crs, reproject
from gis.errors import Conflict, InvalidInput, NotFound, VersionConflict
from gis.positions import check_point
from gis.settings import Settings
from gis.storage import Store

from .line_models import BoundaryLine, BoundaryMarker, InspectionCampaign, MarkerInspection, StretchFinding
from .lines.service import get_line

MARKER_STATUSES = ("intact", "damaged", "displaced", "missing", "rebuilt", "new", "not-inspected")
#: Statuses that carry no re-measured position (a not-inspected marker needs the reason in ``remarks``).
UNMEASURED = ("missing", "not-inspected")
#: Statuses that may carry a position far from the registered one, with the reason in ``remarks``.
MOVED_FAR = ("displaced", "rebuilt")
FINDING_KINDS = ("terrain-change", "construction", "disputed", "reference-object", "other")
DEFAULT_TOLERANCE_M = 1.0


def displacement_m(registered, measured) -> float:
    """Distance between two lon/lat points, in metres on the plane of EPSG:4543."""
    a, b = reproject(shapely.MultiPoint([registered, measured]), STORAGE_CRS, measure_crs()).geoms
    return float(a.distance(b))


def get_campaign(session, campaign_id: int) -> InspectionCampaign:
    campaign = session.get(InspectionCampaign, campaign_id)
    if campaign is None:
        raise NotFound(f"没有编号为 {campaign_id} 的联检", f"No inspection campaign with id {campaign_id}")
    return campaign


def campaign_id_of(store: Store, campaign: str) -> int:
    """The id of the campaign whose code is ``campaign``, or whose id it is when no code matches."""
    with store.read() as session:
        campaign_id = session.scalar(select(InspectionCampaign.id).where(InspectionCampaign.code == campaign))
        if campaign_id is None and campaign.isdigit():
            campaign_id = session.scalar(select(InspectionCampaign.id).where(InspectionCampaign.id == int(campaign)))
    if campaign_id is None:
        raise NotFound(f"没有联检 {campaign}", f"No inspection campaign {campaign}")
    return campaign_id


def list_campaigns(store: Store, line_id: int | None = None) -> list[dict]:
    """Campaigns (of one line if ``line_id``), newest first, as plain dicts."""
    query = select(InspectionCampaign).order_by(InspectionCampaign.started_on.desc(), InspectionCampaign.id.desc())
    if line_id is not None:
        query = query.where(InspectionCampaign.line_id == line_id)
    with store.read() as session:
        return [
            {
                "id": c.id,
                "code": c.code,
                "line_id": c.line_id,
                "party_a": c.party_a,
                "party_b": c.party_b,
                "status": c.status,
                "started_on": c.started_on.isoformat(),
                "ended_on": c.ended_on.isoformat() if c.ended_on else None,
                "tolerance_m": c.tolerance_m,
                "party_a_code": c.party_a_code,
                "party_b_code": c.party_b_code,
                "addendum_of": c.addendum_of,
            }
            for c in session.scalars(query)
        ]


def ensure_open(campaign: InspectionCampaign) -> None:
    """The one check every write to a campaign passes: signed means final (the database refuses too)."""
    if campaign.status != "open":
        raise Conflict(
            f"联检 {campaign.code} 已由双方签认，不可再增改记录；如需更改，请另立补充记录并由双方重新签认",
            f"Campaign {campaign.code} is signed by both parties and is final; record changes in an addendum both parties sign again",
        )


def open_campaign(
    store: Store,
    line_id: int,
    *,
    code: str,
    party_a: str,
    party_b: str,
    started_on: dt.date,
    actor: str,
    participants=None,
    tolerance_m: float = DEFAULT_TOLERANCE_M,
    remarks: str | None = None,
    party_a_code: str | None = None,
    party_b_code: str | None = None,
) -> InspectionCampaign:
    """Open a campaign; each party's unit code (who may sign for it) defaults to the line's left and right unit."""
    if not (tolerance_m > 0):
        raise InvalidInput("位移容差须为正数", "The displacement tolerance must be positive")
    if not code.strip() or not party_a.strip() or not party_b.strip() or party_a == party_b:
        raise InvalidInput("联检须有编号和不同的双方", "A campaign needs a code and two different parties")
    with store.transaction(actor=actor, reason=f"开始联检 open campaign {code}") as session:
        line = get_line(session, line_id)
        code_a, code_b = (party_a_code or line.left_code).strip(), (party_b_code or line.right_code).strip()
        if code_a == code_b:
            raise InvalidInput("双方须为不同单位（单位代码不同）", "The two parties must be different units (different unit codes)")
        campaign = InspectionCampaign(
            code=code.strip(),
            line_id=line.id,
            party_a=party_a.strip(),
            party_b=party_b.strip(),
            party_a_code=code_a,
            party_b_code=code_b,
            started_on=started_on,
            participants=list(participants or []),
            tolerance_m=tolerance_m,
            status="open",
            remarks=remarks,
        )
        session.add(campaign)
    return campaign


def record_marker(
    store: Store,
    campaign_id: int,
    marker_id: int,
    *,
    status: str,
    actor: str,
    measured=None,
    reference_changes: str | None = None,
    photos=None,
    remarks: str | None = None,
    corrects_id: int | None = None,
) -> MarkerInspection:
    """What was found at one marker; ``corrects_id`` replaces an earlier record of the same marker in the same campaign."""
    if status not in MARKER_STATUSES:
        raise InvalidInput(f"未知的界桩状况：{status}", f"Unknown marker status: {status} (use {', '.join(MARKER_STATUSES)})")
    if measured is not None and measured.geom_type != "Point":
        raise InvalidInput("复测位置须为点", "The re-measured position must be a point")
    if measured is not None:
        check_point(measured, what_zh="复测位置", what_en="re-measured position")
    if status not in UNMEASURED and measured is None:
        raise InvalidInput(
            "除“缺失”“未检查”外须给出复测坐标", "Give the re-measured position unless the marker is missing or not inspected"
        )
    if status == "not-inspected" and not (remarks and remarks.strip()):
        raise InvalidInput("未检查的界桩须在备注中说明原因", "Give the reason a marker was not inspected in 'remarks'")
    with store.transaction(actor=actor, reason="联检界桩记录 marker inspection") as session:
        campaign = get_campaign(session, campaign_id)
        marker = session.get(BoundaryMarker, marker_id)
        if marker is None or marker.line_id != campaign.line_id:
            raise InvalidInput(f"界桩 {marker_id} 不在本次联检的界线上", f"Marker {marker_id} is not on this campaign's line")
        ensure_open(campaign)
        if corrects_id is not None:
            _check_corrects(session, MarkerInspection, corrects_id, campaign, marker_id=marker.id)
        moved = displacement_m(marker.geom, measured) if measured is not None else None
        check_plausible(status, moved, remarks)
        result = MarkerInspection(
            campaign_id=campaign.id,
            marker_id=marker.id,
            status=status,
            geom=measured,
            displacement_m=round(moved, 3) if moved is not None else None,
            flagged=bool(moved is not None and moved > campaign.tolerance_m),
            reference_changes=reference_changes,
            photos=list(photos or []),
            remarks=remarks,
            corrects_id=corrects_id,
        )
        session.add(result)
    return result


def check_plausible(status: str, moved: float | None, remarks: str | None) -> None:
    """Refuse a record that cannot be right: a "displaced" marker that did not move beyond survey
    precision (``survey_precision_m``, default 0.05 m), or a position farther from the marker than
    ``inspection_max_offset_m`` (default 50 m) — unless it is recorded as displaced or rebuilt
    with the reason in ``remarks`` (moved by construction, rebuilt elsewhere by agreement)."""
    settings = Settings.from_env()
    if status == "displaced" and (moved is None or moved < settings.survey_precision_m):
        shown = "—" if moved is None else f"{moved:.3f}"
        raise InvalidInput(
            f"“移位”须有超过测量精度 {settings.survey_precision_m:g} 米的位移（实测位移 {shown} 米）；位移更小的请记为“完好”",
            f"'displaced' needs a displacement of at least the survey precision, {settings.survey_precision_m:g} m "
            f"(measured: {shown} m); record a smaller one as 'intact'",
            details={"field": "status", "displacement_m": moved},
        )
    if moved is not None and moved > settings.inspection_max_offset_m:
        explained = status in MOVED_FAR and bool(remarks and remarks.strip())
        if not explained:
            raise InvalidInput(
                f"实测位置距界桩 {moved:.1f} 米，超过 {settings.inspection_max_offset_m:g} 米：请核对坐标；"
                "界桩确被移动或异地重建的，请记为“移位”或“重建”并在备注中说明原因",
                f"The measured position is {moved:.1f} m from the marker, beyond {settings.inspection_max_offset_m:g} m: check the "
                "coordinates; a marker really moved or rebuilt elsewhere is recorded as 'displaced' or 'rebuilt' "
                "with the reason in 'remarks'",
                details={"field": "lon", "displacement_m": round(moved, 3)},
            )


def _check_corrects(session, model, record_id: int, campaign: InspectionCampaign, marker_id: int | None = None) -> None:
    """A correction replaces a record of the same campaign (or of the campaign an addendum adds to) and the same marker."""
    original = session.get(model, record_id)
    if original is None or original.campaign_id not in (campaign.id, campaign.addendum_of):
        raise InvalidInput(f"被更正的记录 {record_id} 不属于本次联检", f"The corrected record {record_id} is not part of this campaign")
    if marker_id is not None and original.marker_id != marker_id:
        raise InvalidInput(f"被更正的记录 {record_id} 不是该界桩的记录", f"The corrected record {record_id} is of another marker")


def record_finding(
    store: Store, campaign_id: int, *, kind: str, from_m: float, to_m: float, description: str, actor: str, corrects_id: int | None = None
) -> StretchFinding:
    """A finding on the stretch [from_m, to_m] of the line, chainage from its start."""
    if kind not in FINDING_KINDS:
        raise InvalidInput(f"未知的发现类型：{kind}", f"Unknown finding kind: {kind} (use {', '.join(FINDING_KINDS)})")
    if not description or not description.strip():
        raise InvalidInput("须说明发现的情况", "Describe the finding")
    with store.transaction(actor=actor, reason="联检界线发现 stretch finding") as session:
        campaign = get_campaign(session, campaign_id)
        ensure_open(campaign)
        if corrects_id is not None:
            _check_corrects(session, StretchFinding, corrects_id, campaign)
        line = get_line(session, campaign.line_id)
        if not 0 <= from_m < to_m <= line.length_m + 1:
            raise InvalidInput(
                f"里程须满足 0 ≤ 起 < 止 ≤ {line.length_m:.0f} 米", f"Chainage must satisfy 0 ≤ from < to ≤ {line.length_m:.0f} m"
            )
        finding = StretchFinding(
            campaign_id=campaign.id,
            kind=kind,
            from_m=from_m,
            to_m=to_m,
            description=description.strip(),
            corrects_id=corrects_id,
            geom=_stretch(line, from_m, to_m),
        )
        session.add(finding)
    return finding


def _stretch(line: BoundaryLine, from_m: float, to_m: float):
    """The piece of the line between two chainages (the parts laid end to end)."""
    metric = reproject(line.geom, STORAGE_CRS, measure_crs())
    joined = shapely.LineString([xy for part in shapely.get_parts(metric) for xy in part.coords])
    piece = substring(joined, from_m, min(to_m, joined.length))
    return reproject(piece, measure_crs(), STORAGE_CRS) if piece.geom_type == "LineString" else None


def amend_marker_result(store: Store, result_id: int, *, version: int, actor: str, **changes) -> MarkerInspection:
    """Change a result while the campaign is open (remarks, photos, reference changes, status)."""
    allowed = {"remarks", "photos", "reference_changes", "status"}
    if set(changes) - allowed:
        raise InvalidInput(f"只能修改：{', '.join(sorted(allowed))}", f"Only these may change: {', '.join(sorted(allowed))}")
    if "status" in changes and changes["status"] not in MARKER_STATUSES:
        raise InvalidInput(f"未知的界桩状况：{changes['status']}", f"Unknown marker status: {changes['status']}")
    with store.transaction(actor=actor, reason="修改联检记录 amend inspection result") as session:
        result = session.get(MarkerInspection, result_id)
        if result is None:
            raise NotFound(f"没有编号为 {result_id} 的联检记录", f"No inspection result with id {result_id}")
        ensure_open(get_campaign(session, result.campaign_id))
        if result.version != version:
            raise VersionConflict()
        check_plausible(changes.get("status", result.status), result.displacement_m, changes.get("remarks", result.remarks))
        for key, value in changes.items():
            setattr(result, key, value)
    return result


def latest_results(session, campaign_id: int) -> list[MarkerInspection]:
    """Per marker, the result in force: the last correction of the last record."""
    rows = list(session.scalars(select(MarkerInspection).where(MarkerInspection.campaign_id == campaign_id).order_by(MarkerInspection.id)))
    latest: dict[int, MarkerInspection] = {}
    for row in rows:
        latest[row.marker_id] = row
    return [latest[k] for k in sorted(latest)]
