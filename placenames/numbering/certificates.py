"""Address certificates: the 门牌证 (door-plate certificate) and the 地址证明 (proof of address).

An officer prints them for the holder of an address (no public route). Both are
``gis.documents.PrintDocument``s, so the same certificate prints as an A4 page and as a
.docx. The 门牌证 states the standard address and its parts (road, number, 幢, 单元, 室),
whether it is the building's main or a secondary address, its coordinates and the
issuing authority; the 地址证明 states the standard address and every former address
of the plate with the dates it was in force (from the audit log, so renumberings and
road renames both count).

Certificate number rule (stored in ``address_certificates``):

    <district code>-<MP|DZ>-<year>-<serial, 6 digits>      e.g. 530103-MP-2026-000012

MP = 门牌证, DZ = 地址证明; the year is the Beijing-time year of issue; the serial
counts from 1 within kind and year. Asking again for the same address text (down to
幢/单元/室) reprints the certificate already issued, with its number and date; once the
address has changed (renumbered, road renamed) the next request issues a new one.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from gis.documents import PrintDocument
from gis.errors import Conflict, InvalidInput
from gis.profile import current_profile
from gis.storage.audit import AuditEntry
from placenames.models import DoorPlate

from .lookup import full_address
from .models import AddressCertificate

KINDS = {"plate": "MP", "proof": "DZ"}
ATTEMPTS = 20

LABELS: dict[str, tuple[str, str]] = {
    "plate_title": ("门牌证", "Door-plate certificate"),
    "proof_title": ("地址证明", "Proof of address"),
    "address": ("标准地址", "Standard address"),
    "subdistrict": ("街道", "Subdistrict"),
    "community": ("社区", "Community"),
    "road": ("道路（街路巷）", "Road"),
    "number": ("门牌号", "Door number"),
    "building": ("幢", "Building"),
    "unit": ("单元", "Unit"),
    "room": ("室", "Room"),
    "kind": ("地址类型", "Kind of address"),
    "main_address": ("该建筑主地址", "Main address of the building"),
    "coordinates": ("坐标（CGCS2000）", "Coordinates (CGCS2000)"),
    "former": ("曾用地址", "Former address"),
    "no_former": ("无", "None"),
}


def _t(key: str, lang: str) -> str:
    zh, en = LABELS[key]
    return en if lang == "en" else zh


def format_number(kind: str, year: int, serial: int) -> str:
    return f"{current_profile().code}-{KINDS[kind]}-{year}-{serial:06d}"


def _issue(session, plate_id: int, kind: str, text: str, today: dt.date) -> AddressCertificate:
    """The certificate of this address text and kind: the one issued before, else a new one
    with the next serial (in a savepoint, so a concurrent issue makes this one count again)."""
    query = select(AddressCertificate).where(
        AddressCertificate.door_plate_id == plate_id, AddressCertificate.kind == kind, AddressCertificate.address_text == text
    )
    existing = session.scalars(query.order_by(AddressCertificate.id.desc()).limit(1)).first()
    if existing is not None:
        return existing
    for _ in range(ATTEMPTS):
        highest = session.scalar(
            select(func.max(AddressCertificate.serial)).where(AddressCertificate.kind == kind, AddressCertificate.year == today.year)
        )
        serial = (highest or 0) + 1
        certificate = AddressCertificate(
            door_plate_id=plate_id,
            kind=kind,
            number=format_number(kind, today.year, serial),
            year=today.year,
            serial=serial,
            address_text=text,
            issued_on=today,
        )
        try:
            with session.begin_nested():
                session.add(certificate)
                session.flush()
            return certificate
        except IntegrityError:
            continue
    raise Conflict("证号正被同时占用，请重试", "Could not give a free certificate number (busy); try again")


def former_addresses(session, plate_id: int, lang: str = "zh") -> list[tuple[str, str, str]]:
    """(address, from, until) for every earlier text of the plate's address, oldest first;
    dates in the profile's time zone (Beijing time)."""
    zone = current_profile().zone
    rows = session.execute(
        select(AuditEntry.occurred_at, AuditEntry.action, AuditEntry.before, AuditEntry.after)
        .where(AuditEntry.table_name == DoorPlate.__tablename__, AuditEntry.record_id == plate_id)
        .order_by(AuditEntry.id)
    ).all()
    out: list[tuple[str, str, str]] = []
    since: dt.datetime | None = None
    for occurred_at, action, before, after in rows:
        old, new = (before or {}).get("address"), (after or {}).get("address")
        if action == "insert" or since is None:
            since = occurred_at
        if action == "update" and old and new and old != new:
            out.append((old, _day(_local(since, zone), lang), _day(_local(occurred_at, zone), lang)))
            since = occurred_at
    return out


def _local(moment: dt.datetime | None, zone) -> dt.date | None:
    if moment is None:
        return None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(zone).date()


def _day(value: dt.date | None, lang: str) -> str:
    if value is None:
        return "—"
    return value.isoformat() if lang == "en" else f"{value.year}年{value.month}月{value.day}日"


def issue(
    store,
    plate_id: int,
    kind: str,
    *,
    actor: str,
    lang: str = "zh",
    building: str | None = None,
    unit: str | None = None,
    room: str | None = None,
    today: dt.date | None = None,
) -> PrintDocument:
    """The certificate ``kind`` (plate or proof) of a current address, issued (or reprinted)
    by ``actor``; ``today`` (Beijing date) defaults to now."""
    if kind not in KINDS:
        raise InvalidInput("证明类型 kind 应为 plate（门牌证）或 proof（地址证明）", "'kind' must be plate (门牌证) or proof (地址证明)")
    lang = "en" if lang == "en" else "zh"
    profile = current_profile()
    today = today or dt.datetime.now(dt.UTC).astimezone(profile.zone).date()
    reason = f"出具{_t(kind + '_title', 'zh')} {_t(kind + '_title', 'en')} issued"
    with store.transaction(actor=actor, reason=reason) as session:
        view = full_address(session, plate_id, building=building, unit=unit, room=room)
        if view["status"] != "current":
            raise Conflict(
                f"门牌地址已注销，不能出具证明：{view['address']}",
                f"The address is retired; no certificate can be issued: {view['address']}",
                details={"status": view["status"]},
            )
        certificate = _issue(session, plate_id, kind, view["full_text"], today)
        former = former_addresses(session, plate_id, lang) if kind == "proof" else []
        number, issued_on = certificate.number, certificate.issued_on
    authority = profile.authority(lang)
    if kind == "plate":
        return _plate_document(view, number, issued_on, authority, lang)
    return _proof_document(view, former, number, issued_on, authority, lang)


def _kind_text(view: dict, lang: str) -> str:
    return view["kind_label"]["en" if lang == "en" else "zh"]


def _plate_document(view: dict, number: str, issued_on: dt.date, authority: str, lang: str) -> PrintDocument:
    parts = view["parts"]
    fields = [
        (_t("address", lang), view["full_text"]),
        (_t("subdistrict", lang), parts["subdistrict"] or "—"),
        (_t("community", lang), parts["community"] or "—"),
        (_t("road", lang), view["road"]),
        (_t("number", lang), f"{view['number']}号" if lang == "zh" else view["number"]),
    ]
    fields += [(_t(level, lang), parts[level]) for level in ("building", "unit", "room") if parts[level]]
    fields.append((_t("kind", lang), _kind_text(view, lang)))
    if view["secondary"]:
        fields.append((_t("main_address", lang), view["main_address"] or "—"))
    fields.append((_t("coordinates", lang), _coordinates(view, lang)))
    if lang == "en":
        intro = f"{authority} certifies that the following standard address and door number are registered."
        notes = ["The plate shall carry this number as registered and must not be altered or moved without approval."]
    else:
        intro = f"经{authority}核定，下列门牌号码为标准地址，特发此证。"
        notes = ["门牌应按核定号码设置，未经批准不得擅自更改、移动。"]
    return PrintDocument(lang, _t("plate_title", lang), number, authority, intro, fields, notes, _day(issued_on, lang))


def _proof_document(
    view: dict, former: list[tuple[str, str, str]], number: str, issued_on: dt.date, authority: str, lang: str
) -> PrintDocument:
    fields = [(_t("address", lang), view["full_text"]), (_t("kind", lang), _kind_text(view, lang))]
    if view["secondary"]:
        fields.append((_t("main_address", lang), view["main_address"] or "—"))
    if former:
        for text, since, until in former:
            span = f"{since} – {until}" if lang == "en" else f"{since}至{until}"
            fields.append((_t("former", lang), f"{text}（{span}）" if lang == "zh" else f"{text} ({span})"))
    else:
        fields.append((_t("former", lang), _t("no_former", lang)))
    if lang == "en":
        intro = f"{authority} certifies that the standard address is {view['full_text']}; its former addresses are listed below."
    else:
        intro = f"兹证明：标准地址为“{view['full_text']}”，其曾用地址如下。"
    return PrintDocument(lang, _t("proof_title", lang), number, authority, intro, fields, [], _day(issued_on, lang))


def _coordinates(view: dict, lang: str) -> str:
    lon, lat = view["lon"], view["lat"]
    if lang == "en":
        return f"longitude {lon:.6f}, latitude {lat:.6f}"
    return f"经度 {lon:.6f}，纬度 {lat:.6f}"
