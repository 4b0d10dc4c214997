"""Sign-off of a joint inspection (联检签认) and addenda (补充记录) to a signed one.

Rules kept here, in one place:
* a party signs only by a user of its own unit (``users.unit_code`` equal to the
  party's unit code), or, when the neighbour does not use the system, by an
  officer of our side filing the neighbour's signed paper (``file_signature``);
* the end date lies between the campaign's start and today (Beijing date);
* a campaign is signed only when every marker of the line has a record (a marker
  not inspected has a ``not-inspected`` record giving the reason);
* once both parties have signed, the campaign is final; a later change is an
  addendum: a campaign row with ``addendum_of`` set, holding only its own records,
  signed again by both parties. The signed records are never touched.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import func, select

from accounts.models import User
from gis.errors import Conflict, Forbidden, InvalidInput, PayloadTooLarge
from gis.profile import current_profile
from gis.storage import Store, utcnow

from .inspections import ensure_open, get_campaign, latest_results
from .line_models import BoundaryMarker, InspectionCampaign, MarkerInspection, SignatureDocument, StretchFinding
from .lines.service import get_line

PARTIES = ("a", "b")
MAX_SIGNATURE_BYTES = 20 * 2**20


def today() -> dt.date:
    """Dates of an inspection are calendar days in the district's time zone (Beijing time)."""
    return utcnow().astimezone(current_profile().zone).date()


def _party(party: str) -> None:
    if party not in PARTIES:
        raise InvalidInput("签认方须为 a 或 b", "The signing party must be 'a' or 'b'")


def _unit_of(session, actor: str) -> str | None:
    return session.scalar(select(User.unit_code).where(User.username == actor))


def _party_code(campaign: InspectionCampaign, party: str) -> str | None:
    return campaign.party_a_code if party == "a" else campaign.party_b_code


def _check_end(campaign: InspectionCampaign, ended_on: dt.date) -> None:
    now = today()
    if not campaign.started_on <= ended_on <= now:
        raise InvalidInput(
            f"联检结束日期须在开始日期 {campaign.started_on} 与今天 {now} 之间",
            f"The end date must lie between the campaign's start {campaign.started_on} and today {now}",
            details={"started_on": campaign.started_on.isoformat(), "today": now.isoformat()},
        )


def _check_complete(session, campaign: InspectionCampaign) -> None:
    """Every marker of the line has a record; an addendum holds at least one record or finding."""
    if campaign.addendum_of is not None:
        records = session.scalar(select(func.count()).select_from(MarkerInspection).where(MarkerInspection.campaign_id == campaign.id))
        findings = session.scalar(select(func.count()).select_from(StretchFinding).where(StretchFinding.campaign_id == campaign.id))
        if not records and not findings:
            raise Conflict(f"补充记录 {campaign.code} 没有任何记录，无需签认", f"Addendum {campaign.code} holds no record to sign")
        return
    done = {r.marker_id for r in latest_results(session, campaign.id)}
    markers = session.scalars(select(BoundaryMarker).where(BoundaryMarker.line_id == campaign.line_id).order_by(BoundaryMarker.code))
    missing = [m.code for m in markers if m.id not in done]
    if missing:
        raise Conflict(
            f"以下界桩尚无联检记录（未检查的须记为“未检查”并说明原因）：{'、'.join(missing)}",
            f"These markers have no inspection record (record 'not-inspected' with a reason for those not visited): {', '.join(missing)}",
            details={"missing_markers": missing},
        )


def _signed_by(session, campaign: InspectionCampaign, party: str, signer: str, ended_on: dt.date | None) -> InspectionCampaign:
    """Record one party's signature; when both have signed, the campaign is closed for good."""
    ensure_open(campaign)
    if getattr(campaign, f"signed_{party}_by"):
        raise Conflict("该方已签认", "This party has already signed")
    other = campaign.signed_b_by if party == "a" else campaign.signed_a_by
    if other == signer:
        raise Conflict("双方须由不同人员签认", "The two parties must sign by different people")
    end = ended_on or campaign.ended_on or today()
    _check_end(campaign, end)
    _check_complete(session, campaign)
    setattr(campaign, f"signed_{party}_by", signer)
    setattr(campaign, f"signed_{party}_at", utcnow())
    if ended_on is not None:
        campaign.ended_on = ended_on
    if campaign.signed_a_by and campaign.signed_b_by:
        campaign.status = "signed"
        campaign.ended_on = end
        if campaign.addendum_of is None:  # an addendum corrects the inspection, it is not a new one
            line = get_line(session, campaign.line_id)
            if line.last_inspected is None or end > line.last_inspected:
                line.last_inspected = end
        for result in latest_results(session, campaign.id):
            if result.status == "not-inspected":
                continue
            marker = session.get(BoundaryMarker, result.marker_id)
            assert marker is not None  # a result's marker_id is a foreign key
            marker.status = "intact" if result.status in ("rebuilt", "new") else result.status
    return campaign


def sign(store: Store, campaign_id: int, *, party: str, actor: str, ended_on: dt.date | None = None) -> InspectionCampaign:
    """``actor`` signs for ``party``; only a user of that party's unit may (403 otherwise)."""
    _party(party)
    with store.transaction(actor=actor, reason=f"联检签认 sign-off by party {party}") as session:
        campaign = get_campaign(session, campaign_id)
        ensure_open(campaign)
        code, unit = _party_code(campaign, party), _unit_of(session, actor)
        if code is None:
            raise Forbidden("该方未登记单位代码，无人可代表其签认", "This party has no unit code recorded, so nobody can sign for it")
        if unit != code:
            raise Forbidden(
                f"只有单位代码为 {code} 的人员可代表该方签认（您的单位：{unit or '未设置'}）",
                f"Only a user of unit {code} may sign for this party (your unit: {unit or 'not set'})",
            )
        return _signed_by(session, campaign, party, actor, ended_on)


def file_signature(
    store: Store,
    campaign_id: int,
    *,
    party: str,
    signatory: str,
    document_no: str,
    filename: str | None,
    content: bytes,
    media_type: str | None,
    actor: str,
    ended_on: dt.date | None = None,
) -> InspectionCampaign:
    """The neighbour does not use the system: an officer of the other party files its signed paper."""
    _party(party)
    if not (signatory and signatory.strip()) or not (document_no and document_no.strip()):
        raise InvalidInput("须给出签认人姓名和文书编号", "Give the signatory's name and the document number")
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:200]
    if not name:
        raise InvalidInput("上传的文件没有文件名", "The uploaded file has no file name")
    if not content:
        raise InvalidInput(f"文件“{name}”是空的", f"The file '{name}' is empty")
    if len(content) > MAX_SIGNATURE_BYTES:
        raise PayloadTooLarge(
            f"文件超过 {MAX_SIGNATURE_BYTES} 字节的上限", f"The file is larger than the limit of {MAX_SIGNATURE_BYTES} bytes"
        )
    with store.transaction(actor=actor, reason=f"联检签认书面文件 signed paper of party {party}") as session:
        campaign = get_campaign(session, campaign_id)
        ensure_open(campaign)
        ours = _party_code(campaign, "b" if party == "a" else "a")
        if ours is None or _unit_of(session, actor) != ours:
            raise Forbidden(
                f"对方的书面签认须由本方（单位代码 {ours}）人员录入",
                f"The neighbour's signed paper must be filed by an officer of the other party (unit {ours})",
            )
        signer = signatory.strip()[:64]
        _signed_by(session, campaign, party, signer, ended_on)
        session.add(
            SignatureDocument(
                campaign_id=campaign.id,
                party=party,
                signatory=signatory.strip()[:100],
                document_no=document_no.strip()[:100],
                filename=name,
                media_type=(media_type or "application/octet-stream")[:100],
                size_bytes=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                uploaded_by=actor,
                uploaded_at=utcnow(),
                content=content,
            )
        )
        return campaign


def open_addendum(store: Store, campaign_id: int, *, actor: str, code: str | None = None, remarks: str | None = None) -> InspectionCampaign:
    """A new act after sign-off: an open campaign adding to a signed one, for both parties to sign again."""
    with store.transaction(actor=actor, reason="联检补充记录 open addendum") as session:
        original = get_campaign(session, campaign_id)
        if original.addendum_of is not None:
            raise InvalidInput(
                "补充记录须针对原联检，而非另一补充记录", "An addendum adds to the original campaign, not to another addendum"
            )
        if original.status != "signed":
            raise Conflict(
                f"联检 {original.code} 尚未签认，请直接增改记录", f"Campaign {original.code} is not signed yet; change its records directly"
            )
        siblings = list(session.scalars(select(InspectionCampaign).where(InspectionCampaign.addendum_of == original.id)))
        if any(s.status == "open" for s in siblings):
            raise Conflict(f"联检 {original.code} 已有未签认的补充记录", f"Campaign {original.code} already has an open addendum")
        addendum = InspectionCampaign(
            code=(code or f"{original.code}-补{len(siblings) + 1}").strip()[:40],
            line_id=original.line_id,
            party_a=original.party_a,
            party_b=original.party_b,
            party_a_code=original.party_a_code,
            party_b_code=original.party_b_code,
            started_on=today(),
            participants=list(original.participants or []),
            tolerance_m=original.tolerance_m,
            status="open",
            remarks=remarks,
            addendum_of=original.id,
        )
        session.add(addendum)
    return addendum
