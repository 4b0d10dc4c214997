"""The administrative area (``admin_code``) must be a unit in force inside the district
-> error otherwise (a typo such as ``123``, another district's 530102…, or a unit that
a reorganisation has closed).

Inside: the code has 12 digits and starts with the district's 6-digit code
(``placenames.district``). In force: an ``AdminUnit`` version with that code and no
end date. A candidate without an admin_code is not checked here.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from placenames.district import district_code

from .findings import ERROR, Candidate, Finding

RULE = "admin-area"
CODE = re.compile(r"^\d{12}$")


def outside(code: str) -> Finding | None:
    """The finding for a code that is not a 12-digit code of this district, else None."""
    district = district_code()
    if CODE.match(code) and code.startswith(district):
        return None
    return Finding(
        RULE,
        ERROR,
        f"所在行政区代码“{code}”不是本区（{district}）的 12 位区划代码",
        f"admin_code '{code}' is not a 12-digit division code of this district ({district})",
        {"admin_code": code, "district": district},
    )


def in_force(session, code: str) -> bool:
    from gis.basemap import AdminUnit

    return session.scalar(select(AdminUnit.id).where(AdminUnit.code == code, AdminUnit.valid_to.is_(None)).limit(1)) is not None


def check(session, candidate: Candidate) -> list[Finding]:
    if candidate.admin_code is None:
        return []
    code = str(candidate.admin_code)
    wrong = outside(code)
    if wrong is not None:
        return [wrong]
    if in_force(session, code):
        return []
    return [
        Finding(
            RULE,
            ERROR,
            f"所在行政区代码“{code}”不是现行的行政区划单位（不存在或已撤销）",
            f"admin_code '{code}' is not an administrative unit in force (unknown or closed)",
            {"admin_code": code},
        )
    ]
