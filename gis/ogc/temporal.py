"""The ``datetime`` query parameter: checked, though no collection has a time field yet.

pygeoapi checks ``datetime`` only against a configured temporal extent, so on our
collections ``datetime=not-a-date`` was silently ignored (200). Part 1 defines the
value (an RFC 3339 instant or an interval whose ends may be open); a value outside
that definition is the client's error, a bilingual 400. A valid value on a collection
without a temporal property is ignored: the standard lets a server ignore
``datetime`` for a collection that has no temporal extent (Part 1, /req/core/fc-time-response,
which applies to features that have temporal information).
"""

from __future__ import annotations

import datetime as dt
import re

from gis.errors import BadRequest

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?$")


def _bad(value: str) -> BadRequest:
    shown = value if len(value) <= 80 else value[:77] + "..."
    return BadRequest(
        f"datetime 应为 RFC 3339 时间点或区间（如 2024-01-01、2024-01-01T08:00:00Z、2024-01-01/..）：“{shown}”",
        f"datetime must be an RFC 3339 instant or interval (e.g. 2024-01-01, 2024-01-01T08:00:00Z, 2024-01-01/..): '{shown}'",
    )


def _instant(text: str, value: str) -> dt.datetime:
    if _DATE.match(text):
        try:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(), dt.UTC)
        except ValueError:
            raise _bad(value) from None
    if _DATE_TIME.match(text):
        try:
            moment = dt.datetime.fromisoformat(text.replace("z", "Z").replace("t", "T"))
        except ValueError:
            raise _bad(value) from None
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    raise _bad(value)


def check_datetime(value: str | None) -> None:
    """A bilingual 400 unless ``value`` is absent, an instant, or an interval with start <= end."""
    if value is None:
        return
    text = value.strip()
    if "/" not in text:
        _instant(text, value)
        return
    start, _, end = text.partition("/")
    if "/" in end or (start in ("", "..") and end in ("", "..")):
        raise _bad(value)
    begin = None if start in ("", "..") else _instant(start, value)
    finish = None if end in ("", "..") else _instant(end, value)
    if begin is not None and finish is not None and begin > finish:
        raise BadRequest("datetime 区间的起点晚于终点", "the datetime interval starts after it ends")
