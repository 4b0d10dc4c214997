"""Standard addresses: the text on record and its structured parts.

The stored ``address`` of a door plate is district + subdistrict + road + number
(盘龙区拓东街道青年路12号); the structured parts (road, number, suffix, community code)
are stored beside it, and the full administrative prefix 省 市 区 街道 社区 is
derived from the community code through the register of units (省 and 市, which the
register does not hold, from the deployment profile). Finer levels
(幢/栋, 单元, 室) are appended to a plate's address by ``sub_address``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import select

from gis.profile import DistrictProfile, current_profile


@dataclass(frozen=True)
class AddressParts:
    province: str | None
    city: str | None
    district: str | None
    subdistrict: str | None
    community: str | None
    road: str
    number: str
    building: str | None = None
    unit: str | None = None
    room: str | None = None

    def text(self, *, full: bool = False) -> str:
        """Canonical text: district..number (+ 幢 单元 室); ``full`` adds 省 市 and 社区."""
        prefix = [self.province, self.city] if full else []
        prefix += [self.district, self.subdistrict] + ([self.community] if full else [])
        head = "".join(p for p in prefix if p)
        return head + sub_address(f"{self.road}{self.number}号", self.building, self.unit, self.room)

    def as_dict(self) -> dict:
        return asdict(self) | {"text": self.text(), "full_text": self.text(full=True)}


def sub_address(plate: str, building: str | None = None, unit: str | None = None, room: str | None = None) -> str:
    """春城路12号 + 3 幢 + 2 单元 + 501 室 -> 春城路12号3幢2单元501室."""
    return plate + (f"{building}幢" if building else "") + (f"{unit}单元" if unit else "") + (f"{room}室" if room else "")


class AdminNames:
    """Names of the units in force, by code, and their chain up to the district."""

    def __init__(self, session, profile: DistrictProfile | None = None):
        from gis.basemap import AdminUnit

        # The units above the district are not kept in admin_units; their names come
        # from the deployment profile (the process's, when not given).
        self.profile = profile or current_profile()
        columns = (AdminUnit.code, AdminUnit.name, AdminUnit.level, AdminUnit.parent_code)
        rows = session.execute(select(*columns).where(AdminUnit.valid_to.is_(None)))
        self.units = {code: (name, level, parent) for code, name, level, parent in rows}

    def chain(self, code: str | None) -> dict[str, str | None]:
        """level -> name for ``code`` and every unit above it (province and city from the profile)."""
        names: dict[str, str | None] = {}
        seen = set()
        while code and code in self.units and code not in seen:
            seen.add(code)
            name, level, parent = self.units[code]
            names[level] = name
            code = parent
        district_code = next((c for c in seen if self.units[c][1] == "district"), None)
        if district_code and district_code[:2] == self.profile.code[:2]:  # GB/T 2260: 2 digits province, 4 city
            names.setdefault("province", self.profile.province.zh)
        if district_code and district_code[:4] == self.profile.code[:4]:
            names.setdefault("city", self.profile.city.zh)
        return names

    def parts(self, code: str | None, road: str, number_text: str, **finer) -> AddressParts:
        chain = self.chain(code)
        province, city, district, subdistrict, community = (
            chain.get(level) for level in ("province", "city", "district", "subdistrict", "community")
        )
        return AddressParts(province, city, district, subdistrict, community, road, number_text, **finer)
