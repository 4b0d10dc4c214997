"""Document numbers (文号) of public notices (公示) and announcements (公告).

The national rules ask for neither a format nor a counter, so diming keeps one rule,
the usual shape of a Chinese official document number:

    <prefix>〔<year>〕<serial>号        e.g. 官民地示〔2026〕3号

``prefix`` comes from the deployment profile (``document_prefixes``: one for notices,
one for announcements); ``year`` is the Beijing-time year of the issue (the notice's
start, the announcement's date); ``serial`` counts from 1 within prefix and year.
A number is given once, in the same transaction as the step that issues the document
(start_notice, announce), and never changes. The database keeps each number unique;
when two officers issue at the same moment, the later one takes the next serial.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from gis.errors import Conflict
from gis.profile import current_profile

from .registry_models import NamingApplication

KINDS = ("notice", "announcement")
COLUMNS = {"notice": NamingApplication.notice_number, "announcement": NamingApplication.announcement_number}
ATTEMPTS = 20


def prefix(kind: str) -> str:
    notice, announcement = current_profile().document_prefixes
    return notice if kind == "notice" else announcement


def format_number(kind: str, year: int, serial: int) -> str:
    return f"{prefix(kind)}〔{year}〕{serial}号"


def next_serial(session, kind: str, year: int) -> int:
    """One more than the highest serial already given for this prefix and year."""
    head = f"{prefix(kind)}〔{year}〕"
    column = COLUMNS[kind]
    taken = session.scalars(select(column).where(column.like(f"{head}%")))
    pattern = re.compile(re.escape(head) + r"(\d+)号$")
    serials = [int(m.group(1)) for number in taken if number and (m := pattern.match(number))]
    return max(serials, default=0) + 1


def assign(session, application: NamingApplication, kind: str, issued_on: dt.date) -> str:
    """Give ``application`` its ``kind`` number for a document issued on ``issued_on``
    (kept if it has one). Flushed in a savepoint so a clash with a concurrent issue
    retries with the next serial instead of failing the whole step."""
    attribute = COLUMNS[kind].key
    existing = getattr(application, attribute)
    if existing:
        return existing
    session.flush()  # the step's other changes, outside the savepoint
    for _ in range(ATTEMPTS):
        number = format_number(kind, issued_on.year, next_serial(session, kind, issued_on.year))
        try:
            with session.begin_nested():
                setattr(application, attribute, number)
                session.flush()
            return number
        except IntegrityError:
            continue  # another issue took this serial a moment ago: count again
    raise Conflict("文号正被同时占用，请重试", f"Could not give a free {kind} number (busy); try again")
