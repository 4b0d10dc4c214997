"""What a printed 公示 (public notice) or 公告 (announcement) of a naming application says.

The announcement carries what 地名备案公告管理办法 (MCA, 2023) asks for — standard name,
romanization, administrative area, location, approving body and date — and both carry
their document number (文号, ``document_numbers``), the issuing authority (the
deployment profile's 地名主管部门), the kind of change, the category, the reason and,
on a rename, the old name. The notice also says how to comment.

``facts`` is the one reading of an application both the documents and the public
notice board (``notice_board``) show, so they never disagree. Who may see which
document is decided here too: a notice while it runs (officers: from its start on), an
announcement once made. Nothing of the applicant is ever in a document.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from gis.basemap import AdminUnit
from gis.documents import PrintDocument
from gis.errors import Conflict, InvalidInput
from gis.localtime import local_text
from gis.profile import current_profile

from . import procedure, register
from .applications import category_label, load
from .models import PlaceName
from .registry_models import NameAlias, NamingApplication

DOCUMENTS = ("notice", "announcement")

LABELS: dict[str, tuple[str, str]] = {
    "number": ("文号", "Document number"),
    "kind": ("事项", "Matter"),
    "name": ("名称", "Name"),
    "proposed_name": ("拟用名称", "Proposed name"),
    "standard_name": ("标准名称", "Standard name"),
    "cancelled_name": ("注销名称", "Name cancelled"),
    "former_name": ("原名称", "Former name"),
    "romanization": ("罗马字母拼写", "Romanization"),
    "category": ("地名类别", "Category"),
    "area": ("所在行政区", "Administrative area"),
    "location": ("位置描述", "Location"),
    "reasons": ("理由", "Reason"),
    "notice_period": ("公示期", "Notice period"),
    "approving_body": ("批准机关", "Approving body"),
    "approval_document": ("批准文号", "Approval document"),
    "approved_on": ("批准日期", "Approved on"),
    "announced_on": ("公告日期", "Announced on"),
    "no_number": ("（未编号）", "(not numbered)"),
    "notice_heading": ("公示", "public notice"),
    "announcement_heading": ("公告", "announcement"),
}


def _t(key: str, lang: str) -> str:
    zh, en = LABELS[key]
    return en if lang == "en" else zh


def area_name(session, code: str | None) -> str | None:
    """The name of the administrative unit ``code``: the unit in force, else a current
    place name designating it, else the district's own name for its code."""
    if not code:
        return None
    unit = session.scalar(select(AdminUnit.name).where(AdminUnit.code == code, AdminUnit.valid_to.is_(None)).limit(1))
    if unit:
        return unit
    named = session.scalar(select(PlaceName.name).where(PlaceName.entity_code == code, PlaceName.status == "current").limit(1))
    if named:
        return named
    profile = current_profile()
    return profile.name.zh if code in (profile.code, profile.district_code) else None


def former_name(session, application: NamingApplication, entry: PlaceName) -> str | None:
    """On a rename, the name being replaced: the register's name until the announcement,
    then the former name the announcement recorded."""
    if application.kind != "rename":
        return None
    if application.state != "announced":
        return entry.name
    alias = session.scalar(
        select(NameAlias.alias)
        .where(NameAlias.place_name_id == entry.id, NameAlias.kind == "former", NameAlias.valid_to == application.announced_on)
        .order_by(NameAlias.id.desc())
        .limit(1)
    )
    return alias or (application.announcement or {}).get("former_name")


def _romanization(application: NamingApplication, entry: PlaceName) -> str | None:
    announced = (application.announcement or {}).get("romanization")
    if announced:
        return announced
    if application.kind == "rename" and application.proposed_name and application.proposed_name != entry.name:
        return register.spelling(application.proposed_name, application.category_code)["romanization"]
    return entry.romanization


def facts(session, application: NamingApplication) -> dict[str, Any]:
    """The public facts of an application, labelled in both languages."""
    entry = register.get_name(session, application.place_name_id)
    code = application.admin_code or entry.admin_code
    published = entry.classification == "public"
    return {
        "id": application.id,
        "kind": application.kind,
        "kind_label": procedure.bilingual(procedure.KIND_LABELS, application.kind),
        "state": application.state,
        "name": application.proposed_name or entry.name,
        "former_name": former_name(session, application, entry),
        "romanization": _romanization(application, entry),
        "category_code": application.category_code,
        "category_label": category_label(application.category_code),
        "area": {"code": code, "name": area_name(session, code)},
        "location_description": application.location_description,
        "reasons": application.reasons,
        "notice_starts_at": _iso(application.notice_starts_at),
        "notice_ends_at": _iso(application.notice_ends_at),
        "notice_number": application.notice_number,
        "approving_body": application.approving_body,
        "approval_document": application.approval_document,
        "approved_on": _iso(application.approved_on),
        "announced_on": _iso(application.announced_on),
        "announcement_number": application.announcement_number,
        "geometry": application.geom.__geo_interface__ if application.geom is not None and published else None,
    }


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


# --- who may see which document -------------------------------------------------------------


def check_visible(application: NamingApplication, document: str, *, officer: bool) -> None:
    """A 409 unless the document exists and this reader may see it now."""
    if document not in DOCUMENTS:
        raise InvalidInput("文书类型应为 notice（公示）或 announcement（公告）", "The document must be 'notice' or 'announcement'")
    if document == "announcement":
        if application.state != "announced":
            raise Conflict("该申报尚未公告", "This application has not been announced", details={"state": application.state})
        return
    if officer and application.notice_starts_at is not None:
        return
    if not procedure.in_notice(application.state, application.notice_ends_at):
        raise Conflict("该申报当前不在公示期内", "This application is not in public notice now", details={"state": application.state})


# --- the documents ---------------------------------------------------------------------------


def _day(value: dt.date | None, lang: str) -> str:
    if value is None:
        return "—"
    return value.isoformat() if lang == "en" else f"{value.year}年{value.month}月{value.day}日"


def _subject(f: dict[str, Any], lang: str) -> str:
    name, old = f["name"], f["former_name"]
    if lang == "en":
        return {"rename": f"renaming '{old}' to '{name}'", "cancel": f"cancelling the name '{name}'"}.get(f["kind"], f"naming '{name}'")
    return {"rename": f"“{old}”更名为“{name}”", "cancel": f"“{name}”销名"}.get(f["kind"], f"“{name}”命名")


def _common_fields(f: dict[str, Any], lang: str, name_key: str) -> list[tuple[str, str]]:
    rows = [(_t("kind", lang), f["kind_label"][lang]), (_t(name_key, lang), f["name"])]
    if f["former_name"]:
        rows.append((_t("former_name", lang), f["former_name"]))
    area = f["area"]
    area_text = f"{area['name'] or '—'}（{area['code']}）" if lang == "zh" else f"{area['name'] or '—'} ({area['code']})"
    category = f["category_label"] or {"zh": f["category_code"], "en": f["category_code"]}
    rows += [
        (_t("romanization", lang), f["romanization"] or "—"),
        (_t("category", lang), category[lang]),
        (_t("area", lang), area_text if area["code"] else "—"),
        (_t("location", lang), f["location_description"] or "—"),
        (_t("reasons", lang), f["reasons"] or "—"),
    ]
    return rows


def notice_document(f: dict[str, Any], lang: str, *, comment_url: str | None) -> PrintDocument:
    profile = current_profile()
    zone = profile.zone
    starts = dt.datetime.fromisoformat(f["notice_starts_at"])
    ends = dt.datetime.fromisoformat(f["notice_ends_at"])
    period = f"{local_text(starts, zone, lang)} – {local_text(ends, zone, lang)}"
    authority = profile.authority(lang)
    name_key = "cancelled_name" if f["kind"] == "cancel" else "proposed_name"
    fields = _common_fields(f, lang, name_key) + [(_t("notice_period", lang), period)]
    contact = profile.notice_contact(lang) if profile.notice_contact else None
    if lang == "en":
        title = f"Public notice on {_subject(f, lang)}"
        intro = (
            f"Under the Regulations on Place Names, {authority} gives public notice of the following matter. The notice runs from {period}."
        )
        notes = ["While the notice runs, anyone may comment" + (f" online at {comment_url}" if comment_url else "") + "."]
        notes += [f"Also: {contact}"] if contact else []
        notes.append("A comment may be signed or anonymous; a name and contact given are used only to reply and are never published.")
    else:
        title = f"关于{_subject(f, lang)}的公示"
        intro = f"根据《地名管理条例》及其实施办法，{authority}现将下列地名事项予以公示，公示期为{period}。"
        notes = ["公示期间，任何单位和个人均可提出意见" + (f"，网上提交地址：{comment_url}" if comment_url else "") + "。"]
        notes += [f"其他途径：{contact}"] if contact else []
        notes.append("意见可署名，也可匿名；所留姓名和联系方式仅用于答复，不予公开。")
    issued = starts.astimezone(zone).date()
    return PrintDocument(
        lang=lang,
        title=title,
        number=f["notice_number"] or _t("no_number", lang),
        issuer=authority,
        intro=intro,
        fields=fields,
        notes=notes,
        date=_day(issued, lang),
    )


def announcement_document(f: dict[str, Any], lang: str) -> PrintDocument:
    profile = current_profile()
    authority = profile.authority(lang)
    approved_on = dt.date.fromisoformat(f["approved_on"]) if f["approved_on"] else None
    announced_on = dt.date.fromisoformat(f["announced_on"]) if f["announced_on"] else None
    name_key = "cancelled_name" if f["kind"] == "cancel" else "standard_name"
    fields = _common_fields(f, lang, name_key) + [
        (_t("approving_body", lang), f["approving_body"] or "—"),
        (_t("approval_document", lang), f["approval_document"] or "—"),
        (_t("approved_on", lang), _day(approved_on, lang)),
        (_t("announced_on", lang), _day(announced_on, lang)),
    ]
    if lang == "en":
        title = f"Announcement on {_subject(f, lang)}"
        intro = (
            f"{f['approving_body'] or '—'} approved the following on {_day(approved_on, lang)} "
            f"({f['approval_document'] or '—'}). Under the Regulations on Place Names, {authority} announces it."
        )
    else:
        title = f"关于{_subject(f, lang)}的公告"
        intro = (
            f"经{f['approving_body'] or '—'}于{_day(approved_on, lang)}批准（{f['approval_document'] or '—'}），"
            f"根据《地名管理条例》，{authority}现将下列地名事项予以公告。"
        )
    return PrintDocument(
        lang=lang,
        title=title,
        number=f["announcement_number"] or _t("no_number", lang),
        issuer=authority,
        intro=intro,
        fields=fields,
        notes=[],
        date=_day(announced_on, lang),
    )


def build(store, application_id: int, document: str, *, lang: str = "zh", officer: bool = False, comment_url: str | None = None):
    """The printable ``document`` ("notice" or "announcement") of an application, if
    this reader may see it (``officer``: signed in as a place-name officer)."""
    lang = "en" if lang == "en" else "zh"
    with store.read() as session:
        application = load(session, application_id)
        check_visible(application, document, officer=officer)
        f = facts(session, application)
    if document == "notice":
        return notice_document(f, lang, comment_url=comment_url)
    return announcement_document(f, lang)
