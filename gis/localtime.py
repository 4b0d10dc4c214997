"""Times as people in the district read them: stored in UTC, shown in the deployment
profile's time zone (Beijing time in China), labelled with the zone's name.

One helper for every message and document the server writes; the pages use its twin,
``localTime`` in pages/static/common.js, with the zone and labels from the profile.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

# Zone names as readers know them; any other zone is labelled with its IANA name.
ZONE_LABELS: dict[str, tuple[str, str]] = {
    "Asia/Shanghai": ("北京时间", "Beijing time"),
    "Asia/Urumqi": ("乌鲁木齐时间", "Urumqi time"),
    "Asia/Hong_Kong": ("香港时间", "Hong Kong time"),
    "Asia/Macau": ("澳门时间", "Macau time"),
}


def zone_label(zone: ZoneInfo | str) -> tuple[str, str]:
    """(Chinese, English) name of ``zone`` for labelling a time."""
    key = zone if isinstance(zone, str) else zone.key
    return ZONE_LABELS.get(key, (key, key))


def local_text(moment: dt.datetime, zone: ZoneInfo, lang: str = "zh") -> str:
    """``2026-12-18 17:00（北京时间）`` / ``2026-12-18 17:00 (Beijing time)`` for a UTC
    ``moment`` (a naive one is taken as UTC, as the database stores it)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    local = aware.astimezone(zone)
    zh, en = zone_label(zone)
    return f"{local:%Y-%m-%d %H:%M}（{zh}）" if lang == "zh" else f"{local:%Y-%m-%d %H:%M} ({en})"
