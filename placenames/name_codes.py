"""地名代码: the 20-digit code of a place name, by the rule the 2nd national census used.

The census (工作规程; 国家地名数据库代码编制规则, 民地办发〔2010〕1号) codes a name in four
segments: the 6-digit county code (GB/T 2260), the 3-digit township code (街道/镇/乡, as
in the statistical division code), the 5-digit category code (GB/T 18521 as extended by
the census; ``categories``), and a 6-digit serial (附加码) counted separately for each
category in each township, from 000001. Example from the census training material,
a residential estate: 330381 001 22100 000001.

The first three segments come from the name's ``admin_code`` (the 12-digit code of the
unit it lies in; none, or the district itself, gives township 000) and its category.
A code once given is stored on the name and never changes (it is not an editable
field); serials only grow (``NameCodeSerial``), so a code is never given to another
name, even when the first one is deleted. Codes a census file brings along are kept
as they are (they may carry the category codes of their day) and move the counter
past them.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select

from .district import district_code
from .models import NameCodeSerial, PlaceName

LENGTH = 20
PREFIX_LENGTH = 14
_CODE = re.compile(r"\d{20}")


def check(code: str) -> str:
    """The code if it has the census form (20 digits), else ValueError (bilingual)."""
    if not _CODE.fullmatch(code):
        raise ValueError(f"地名代码应为 20 位数字，而非 {code!r} / 地名代码 must be 20 digits, not {code!r}")
    return code


def prefix(admin_code: str | None, category_code: str, district: str | None = None) -> str:
    """County (6) + township (3) + category (5) digits of a name's code."""
    district = district or district_code()
    area = admin_code if admin_code and re.fullmatch(r"\d{12}", admin_code) else district + "0" * 6
    if not re.fullmatch(r"\d{5}", category_code):
        raise ValueError(
            f"类别代码 {category_code!r} 不是 5 位数字，无法编地名代码 / "
            f"category code {category_code!r} is not 5 digits; no 地名代码 can be made"
        )
    return area[:9] + category_code


def _counter(session, head: str) -> NameCodeSerial:
    """The counter of a prefix, locked for this transaction; read once per session."""
    counters = session.info.setdefault("name_code_counters", {})
    counter = counters.get(head)
    if counter is None:
        counter = session.scalars(select(NameCodeSerial).where(NameCodeSerial.prefix == head).with_for_update()).one_or_none()
        if counter is None:
            counter = NameCodeSerial(prefix=head, last_serial=0)
            session.add(counter)
        counters[head] = counter
    return counter


def issue(session, entry: PlaceName) -> str:
    """Give ``entry`` the next free code of its prefix (its own code if it has one)."""
    if entry.name_code:
        return entry.name_code
    head = prefix(entry.admin_code, entry.category_code)
    checked = session.info.setdefault("name_code_prefixes_checked", set())
    counter = _counter(session, head)
    if head not in checked:  # codes stored before the counter existed (or typed in) also count as given
        stored = session.scalar(
            select(func.max(PlaceName.name_code)).where(PlaceName.name_code.like(head + "%"), func.length(PlaceName.name_code) == LENGTH)
        )
        if stored and int(stored[PREFIX_LENGTH:]) > counter.last_serial:
            counter.last_serial = int(stored[PREFIX_LENGTH:])
        checked.add(head)
    serial = counter.last_serial + 1
    if serial >= 10 ** (LENGTH - PREFIX_LENGTH):
        raise ValueError(f"{head} 下的地名代码已用尽 / no 地名代码 left under {head}")
    counter.last_serial = serial
    entry.name_code = f"{head}{serial:06d}"
    return entry.name_code


def give(session, entry: PlaceName) -> str | None:
    """``issue`` where the rule can make a code (a 5-digit category code), else None."""
    try:
        return issue(session, entry)
    except ValueError:
        return None


def reserve(session, code: str) -> None:
    """Record that ``code`` (brought by a file) is given: the counter moves past it."""
    counter = _counter(session, code[:PREFIX_LENGTH])
    serial = int(code[PREFIX_LENGTH:])
    if serial > counter.last_serial:
        counter.last_serial = serial
