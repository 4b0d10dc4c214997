"""Coordinates in degrees, minutes and seconds (度分秒), as census forms write them.

The census registration form (第二次全国地名普查登记表) asks for 东经/北纬 as D°M′S″,
officers type them with Chinese units (102度43分12.5秒), ASCII marks (102°43'12.5")
or as decimal degrees. ``parse_coordinate`` reads all of them; ``to_dms`` writes the
one form files carry: whole degrees and minutes, seconds with two decimals (0.01″ is
about 0.3 m, finer than any census measurement).
"""

from __future__ import annotations

import math
import re

#: Decimal places of the seconds ``to_dms`` writes.
SECOND_PLACES = 2
#: The largest difference (degrees) rounding to SECOND_PLACES can make: half a unit of the last place.
DMS_TOLERANCE = 0.5 * 10**-SECOND_PLACES / 3600

_NUMBER = r"\d+(?:\.\d+)?"
_DEGREE = r"(?:°|º|˚|度|d)"
_MINUTE = r"(?:′|'|’|‘|分|m)"
_SECOND = r"(?:″|\"|”|“|''|′′|’’|秒|s)"
_HEMISPHERE = "NSEW东西南北"
_DMS = re.compile(
    rf"^(?P<before>[{_HEMISPHERE}]|东经|西经|南纬|北纬)?\s*(?P<sign>[-+]?)\s*"
    rf"(?P<d>{_NUMBER})\s*{_DEGREE}\s*"
    rf"(?:(?P<m>{_NUMBER})\s*{_MINUTE}\s*)?"
    rf"(?:(?P<s>{_NUMBER})\s*{_SECOND}\s*)?"
    rf"(?P<after>[{_HEMISPHERE}])?$",
    re.IGNORECASE,
)
_NEGATIVE = ("S", "W", "西", "南")


def parse_dms(text: str) -> float:
    """Decimal degrees of a D°M′S″ text; ValueError (bilingual) when it is not one."""
    match = _DMS.match(text.strip())
    if not match:
        raise ValueError(f"不是度分秒坐标：{text!r} / not a degrees-minutes-seconds coordinate: {text!r}")
    degrees = float(match["d"])
    minutes = float(match["m"] or 0)
    seconds = float(match["s"] or 0)
    if minutes >= 60 or seconds >= 60:
        raise ValueError(f"分、秒须小于 60：{text!r} / minutes and seconds must be below 60: {text!r}")
    if (match["m"] and "." in match["d"]) or (match["s"] and match["m"] and "." in match["m"]):
        raise ValueError(f"只有最后一项可带小数：{text!r} / only the last part may have decimals: {text!r}")
    value = degrees + minutes / 60 + seconds / 3600
    hemisphere = (match["before"] or "") + (match["after"] or "")
    negative = match["sign"] == "-"
    if any(mark in hemisphere.upper() for mark in _NEGATIVE):
        negative = not negative
    return -value if negative else value


def parse_coordinate(text: str) -> float:
    """Decimal degrees of a cell holding either decimal degrees or D°M′S″."""
    stripped = text.strip()
    try:
        value = float(stripped)
    except ValueError:
        value = parse_dms(stripped)
    if not math.isfinite(value):
        raise ValueError(f"坐标不是有限数：{text!r} / coordinate is not a finite number: {text!r}")
    return value


def to_dms(value: float, places: int = SECOND_PLACES) -> str:
    """``102°43′12.50″``: whole degrees and minutes, seconds rounded to ``places``
    (a rounding that reaches 60″ carries into the minutes and degrees)."""
    if not math.isfinite(value):
        raise ValueError(f"坐标不是有限数：{value!r} / coordinate is not a finite number: {value!r}")
    sign = "-" if value < 0 else ""
    scale = 10**places
    units = round(abs(value) * 3600 * scale)  # whole hundredths of a second
    degrees, rest = divmod(units, 3600 * scale)
    minutes, seconds = divmod(rest, 60 * scale)
    whole, fraction = divmod(seconds, scale)
    second_text = f"{whole}.{fraction:0{places}d}" if places else f"{whole}"
    if sign and units == 0:
        sign = ""
    return f"{sign}{degrees}°{minutes}′{second_text}″"
