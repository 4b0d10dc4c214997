"""Finding a door-plate address: by its text, and its full standard address by id.

Why here: officers name addresses as people write them (子君路88号, or the whole
四川省…社区子君路88号), not by record id; and the full standard address down to
幢/单元/室 (GB/T 39609 order: division, road, number, building, unit, room) is one
reading every face (API, command line, certificates) must give the same way.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select

from gis.basemap import Road
from gis.errors import Conflict, InvalidInput, NotFound
from placenames.models import DoorPlate

from .address import AddressParts, AdminNames
from .settings import suffix_ordinal

_PLATE_TEXT = re.compile(r"^(?P<head>.*?)(?P<number>\d+)(?:(?:-|附|之)(?P<suffix>\d+))?号$")
_LABEL = re.compile(r"^[0-9A-Za-z\u4e00-\u9fff-]{1,10}$")
#: Each finer level, the marks it may be typed with, and its field name in both languages.
FINER = {
    "building": (("幢", "栋", "座"), "幢号", "building"),
    "unit": (("单元",), "单元号", "unit"),
    "room": (("室", "户"), "室号", "room"),
}
KIND_LABELS = {"main": ("主地址", "main address"), "secondary": ("次要地址", "secondary address")}


def normal(text: str) -> str:
    """Full-width digits and letters to ASCII, spaces out (１２号 -> 12号)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def finer_label(field: str, value: str | None) -> str | None:
    """A 幢/单元/室 label as typed ("3", "3幢", "501室") -> "3"; None stays None; nonsense is a 400."""
    if value is None or not normal(value):
        return None
    marks, zh, en = FINER[field]
    text = normal(value)
    for mark in marks:
        text = text.removesuffix(mark)
    if not _LABEL.match(text) or any(word in text for word in ("号", "幢", "单元", "室")):
        raise InvalidInput(
            f"{zh}应为 1–10 位数字、字母或汉字（如 3、A、501）：{value}",
            f"{en} must be 1-10 digits, letters or characters (e.g. 3, A, 501): {value}",
            details={"field": field},
        )
    return text


def plate_by_address(session, text: str) -> DoorPlate:
    """The current plate an address text names: road + number + 号 at its end, and before the
    road only names of the plate's own 省/市/区/街道/社区, in that order (any may be left out)."""
    wanted = normal(text)
    match = _PLATE_TEXT.match(wanted)
    if match is None:
        raise InvalidInput(
            f"地址应以“道路名+门牌号+号”结尾（如 子君路88号）：{text}",
            f"The address must end with road name + number + 号 (e.g. 子君路88号): {text}",
            details={"field": "address"},
        )
    head, number, ordinal = match["head"], int(match["number"]), int(match["suffix"] or 0)
    rows = session.execute(
        select(DoorPlate, Road.name)
        .join(Road, Road.id == DoorPlate.road_id)
        .where(DoorPlate.number == number, DoorPlate.status == "current")
    ).all()
    names = AdminNames(session)
    found = [
        plate
        for plate, road in rows
        if head.endswith(road)
        and suffix_ordinal(plate.suffix) == ordinal
        and _prefix_fits(head[: -len(road)], names.chain(plate.admin_code))
    ]
    if not found:
        raise NotFound(f"没有现行门牌地址：{text}", f"No current door-plate address: {text}", details={"address": text})
    if len(found) > 1:
        choices = [p.address for p in found]
        raise Conflict(
            f"地址不唯一，请写出街道或社区：{'、'.join(choices)}",
            f"The address is ambiguous; add the subdistrict or community: {', '.join(choices)}",
            details={"addresses": choices, "plates": [p.id for p in found]},
        )
    return found[0]


def _prefix_fits(prefix: str, chain: dict[str, str | None]) -> bool:
    """Whether ``prefix`` is made of the chain's names in order (each may be left out)."""
    for level in ("province", "city", "district", "subdistrict", "community"):
        name = chain.get(level)
        if name and prefix.startswith(name):
            prefix = prefix[len(name) :]
    return prefix == ""


def full_address(session, plate_id: int, *, building: str | None = None, unit: str | None = None, room: str | None = None) -> dict:
    """One plate's standard address, its parts and full text down to 幢/单元/室, whether it is
    the building's main or a secondary (corner) address and, if secondary, the main one."""
    finer = {field: finer_label(field, value) for field, value in (("building", building), ("unit", unit), ("room", room))}
    row = session.execute(select(DoorPlate, Road.name).join(Road, Road.id == DoorPlate.road_id).where(DoorPlate.id == plate_id)).first()
    if row is None:
        raise NotFound(f"门牌地址不存在：编号 {plate_id}", f"No door-plate address with id {plate_id}", details={"address": plate_id})
    plate, road = row
    names = AdminNames(session)
    parts: AddressParts = names.parts(plate.admin_code, road, plate.number_text, **finer)
    main = None
    if plate.kind == "secondary" and plate.building_id is not None:
        main = session.execute(
            select(DoorPlate, Road.name)
            .join(Road, Road.id == DoorPlate.road_id)
            .where(DoorPlate.building_id == plate.building_id, DoorPlate.kind == "main", DoorPlate.status == "current")
        ).first()
    zh, en = KIND_LABELS.get(plate.kind, (plate.kind, plate.kind))
    compound, at = _compound_building(session, plate, finer)
    return {
        "id": plate.id,
        "road": road,
        "number": plate.number_text,
        "status": plate.status,
        "kind": plate.kind,
        "kind_label": {"zh": zh, "en": en},
        "secondary": plate.kind == "secondary",
        "building_id": plate.building_id,
        "parts": {k: v for k, v in parts.as_dict().items() if k not in ("text", "full_text")},
        "address": plate.address,
        "text": parts.text(),
        "full_text": parts.text(full=True),
        "main_address": None if main is None else names.parts(main[0].admin_code, main[1], main[0].number_text).text(full=True),
        "main_address_id": None if main is None else main[0].id,
        "compound": compound,
        "lon": at.x,
        "lat": at.y,
    }


def _compound_building(session, plate: DoorPlate, finer: dict[str, str | None]):
    """For a compound's plate: the compound, and the building a 楼栋号 names (its position is the
    address's); an unknown 楼栋号 is a 404 and a 单元 beyond the building's count a 400."""
    from gis.basemap import Building

    from .models import Compound, CompoundBuilding

    row = session.scalars(select(Compound).where(Compound.door_plate_id == plate.id)).first()
    if row is None:
        return None, plate.geom
    compound = {"id": row.id, "name": row.name}
    label = finer.get("building")
    if label is None:
        return compound, plate.geom
    found = session.execute(
        select(CompoundBuilding, Building.code, Building.geom)
        .join(Building, Building.id == CompoundBuilding.building_id)
        .where(CompoundBuilding.compound_id == row.id, CompoundBuilding.label == label)
    ).first()
    if found is None:
        raise NotFound(
            f"{row.name}没有{label}幢（{plate.address}）",
            f"Compound {row.name} has no building {label} ({plate.address})",
            details={"field": "building", "compound": row.id},
        )
    member, code, outline = found
    unit = finer.get("unit")
    if unit is not None and member.units is not None and (not unit.isdigit() or not 1 <= int(unit) <= member.units):
        raise InvalidInput(
            f"{label}幢只有 {member.units} 个单元：{unit}单元",
            f"Building {label} has {member.units} units: unit {unit}",
            details={"field": "unit", "units": member.units},
        )
    compound.update(building_id=member.building_id, building_code=code)
    return compound, outline.representative_point()


def building_address(store, building_id: int, *, unit: str | None = None, room: str | None = None) -> dict:
    """A building's full address: inside a compound its compound's number and 楼栋号
    (子君路88号3幢), else its own main door plate; down to 单元/室."""
    from .models import Compound, CompoundBuilding

    with store.read() as session:
        member = session.execute(
            select(CompoundBuilding.label, Compound.door_plate_id)
            .join(Compound, Compound.id == CompoundBuilding.compound_id)
            .where(CompoundBuilding.building_id == building_id)
        ).first()
        if member is not None and member.label is not None and member.door_plate_id is not None:
            return full_address(session, member.door_plate_id, building=member.label, unit=unit, room=room)
        plate_id = session.scalar(
            select(DoorPlate.id).where(DoorPlate.building_id == building_id, DoorPlate.kind == "main", DoorPlate.status == "current")
        )
        if plate_id is None:
            raise NotFound(
                f"建筑 {building_id} 没有现行门牌，也未编入小区楼栋",
                f"Building {building_id} has no current door plate and no compound building number",
                details={"building": building_id},
            )
        return full_address(session, plate_id, unit=unit, room=room)


def describe(store, plate_id: int, **finer: str | None) -> dict:
    """``full_address`` read from ``store``."""
    with store.read() as session:
        return full_address(session, plate_id, **finer)


def find(store, text: str) -> dict:
    """The full address of the current plate an address text names."""
    with store.read() as session:
        return full_address(session, plate_by_address(session, text).id)
