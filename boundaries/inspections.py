"""界线联检: joint inspection campaigns of one line, per-marker results, findings per
stretch, and the sign-off by both parties that makes the records final.

Rules kept here, in one place:
* displacement = distance in metres (EPSG:4543) between the registered and the
  re-measured position, flagged above the campaign's tolerance (default 1 m; the
  standard value is not confirmed, so each campaign records the one it used);
* once both parties have signed, nothing of the campaign changes again: a
  correction is a new record pointing at the one it corrects;
* the line's last inspection date is the sign-off's end date; the next is due
  five years later (``lines.service.next_due``).
"""

from __future__ import annotations

import datetime as dt

import shapely
from shapely.ops import substring
from sqlalchemy import select

from gis.crs import STORAGE_CRS, measure_crs, reproject
from gis.errors import Conflict, InvalidInput, NotFound, VersionConflict
from gis.positions import check_point
from gis.storage import Store, utcnow

from .line_models import BoundaryLine, BoundaryMarker, InspectionCampaign, MarkerInspection, StretchFinding
from .lines.service import get_line

MARKER_STATUSES = ("intact", "damaged", "displaced", "missing", "rebuilt", "new")
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
            }
            for c in session.scalars(query)
        ]


def _open(campaign: InspectionCampaign) -> None:
    if campaign.status != "open":
        raise Conflict(
            f"联检 {campaign.code} 已由双方签认，记录不可更改；请另立更正记录",
            f"Campaign {campaign.code} is signed by both parties and cannot change; add a correction instead",
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
) -> InspectionCampaign:
    if not (tolerance_m > 0):
        raise InvalidInput("位移容差须为正数", "The displacement tolerance must be positive")
    if not code.strip() or not party_a.strip() or not party_b.strip() or party_a == party_b:
        raise InvalidInput("联检须有编号和不同的双方", "A campaign needs a code and two different parties")
    with store.transaction(actor=actor, reason=f"开始联检 open campaign {code}") as session:
        line = get_line(session, line_id)
        campaign = InspectionCampaign(
            code=code.strip(),
            line_id=line.id,
            party_a=party_a.strip(),
            party_b=party_b.strip(),
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
    """What was found at one marker. After sign-off only corrections (``corrects_id``) are accepted."""
    if status not in MARKER_STATUSES:
        raise InvalidInput(f"未知的界桩状况：{status}", f"Unknown marker status: {status} (use {', '.join(MARKER_STATUSES)})")
    if measured is not None and measured.geom_type != "Point":
        raise InvalidInput("复测位置须为点", "The re-measured position must be a point")
    if measured is not None:
        check_point(measured, what_zh="复测位置", what_en="re-measured position")
    if status != "missing" and measured is None:
        raise InvalidInput("除“缺失”外须给出复测坐标", "Give the re-measured position unless the marker is missing")
    with store.transaction(actor=actor, reason="联检界桩记录 marker inspection") as session:
        campaign = get_campaign(session, campaign_id)
        marker = session.get(BoundaryMarker, marker_id)
        if marker is None or marker.line_id != campaign.line_id:
            raise InvalidInput(f"界桩 {marker_id} 不在本次联检的界线上", f"Marker {marker_id} is not on this campaign's line")
        if corrects_id is None:
            _open(campaign)
        else:
            _check_corrects(session, MarkerInspection, corrects_id, campaign)
        moved = displacement_m(marker.geom, measured) if measured is not None else None
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


def _check_corrects(session, model, record_id: int, campaign: InspectionCampaign) -> None:
    original = session.get(model, record_id)
    if original is None or original.campaign_id != campaign.id:
        raise InvalidInput(f"被更正的记录 {record_id} 不属于本次联检", f"The corrected record {record_id} is not part of this campaign")


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
        if corrects_id is None:
            _open(campaign)
        else:
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
        _open(get_campaign(session, result.campaign_id))
        if result.version != version:
            raise VersionConflict()
        for key, value in changes.items():
            setattr(result, key, value)
    return result


def sign(store: Store, campaign_id: int, *, party: str, actor: str, ended_on: dt.date | None = None) -> InspectionCampaign:
    """One party signs; when both have (two different people), the campaign is closed for good."""
    if party not in ("a", "b"):
        raise InvalidInput("签认方须为 a 或 b", "The signing party must be 'a' or 'b'")
    with store.transaction(actor=actor, reason=f"联检签认 sign-off by party {party}") as session:
        campaign = get_campaign(session, campaign_id)
        _open(campaign)
        if getattr(campaign, f"signed_{party}_by"):
            raise Conflict("该方已签认", "This party has already signed")
        other = campaign.signed_b_by if party == "a" else campaign.signed_a_by
        if other == actor:
            raise Conflict("双方须由不同人员签认", "The two parties must sign by different people")
        setattr(campaign, f"signed_{party}_by", actor)
        setattr(campaign, f"signed_{party}_at", utcnow())
        if campaign.signed_a_by and campaign.signed_b_by:
            campaign.status = "signed"
            campaign.ended_on = ended_on or campaign.ended_on or dt.date.today()
            line = get_line(session, campaign.line_id)
            if line.last_inspected is None or campaign.ended_on > line.last_inspected:
                line.last_inspected = campaign.ended_on
            for result in latest_results(session, campaign.id):
                marker = session.get(BoundaryMarker, result.marker_id)
                assert marker is not None  # a result's marker_id is a foreign key
                marker.status = "intact" if result.status in ("rebuilt", "new") else result.status
    return campaign


def latest_results(session, campaign_id: int) -> list[MarkerInspection]:
    """Per marker, the result in force: the last correction of the last record."""
    rows = list(session.scalars(select(MarkerInspection).where(MarkerInspection.campaign_id == campaign_id).order_by(MarkerInspection.id)))
    latest: dict[int, MarkerInspection] = {}
    for row in rows:
        latest[row.marker_id] = row
    return [latest[k] for k in sorted(latest)]
