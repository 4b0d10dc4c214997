"""The JSON of a reorganisation, read one way for the API body and the CLI's file.

    {"kind": "split", "effective": "2024-01-01", "close": ["<unit code>"],
     "add": [{"code": ..., "name": ..., "level": ..., "parent_code": ..., "geometry": {GeoJSON}}],
     "reason": "...", "document": "..."}

Geometries are GeoJSON in CGCS2000 lon/lat. A bad field is a bilingual 400 naming it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gis.errors import InvalidInput
from gis.geojson_input import parse_geometry

from .units import NewUnit


@dataclass(frozen=True)
class ReorganisationRequest:
    kind: str
    effective: dt.date
    close: list[str]
    add: list[NewUnit]
    reason: str | None = None
    document: str | None = None

    def change(self) -> dict:
        """The arguments ``units.preview`` and ``units.reorganise`` share."""
        return {"kind": self.kind, "effective": self.effective, "close": self.close, "add": self.add}


def _bad(zh: str, en: str, field: str) -> InvalidInput:
    return InvalidInput(zh, en, details={"field": field})


def _count(item: dict, name: str) -> int | None:
    value = item.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _bad(f"{name} 应为非负整数", f"'{name}' must be a whole number, not negative", name)
    return value


def parse_reorganisation(body: dict) -> ReorganisationRequest:
    """The request in ``body``, or a 400 naming the first bad field."""
    if not isinstance(body, dict):
        raise InvalidInput("区划调整应为 JSON 对象", "A reorganisation must be a JSON object")
    items = body.get("add") or []
    if not isinstance(items, list):
        raise _bad("add 应为新单元列表", "'add' must be a list of new units", "add")
    added = []
    for item in items:
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in ("code", "name", "level")):
            raise _bad("add 的每项须有 code、name、level", "Each item of 'add' needs code, name and level", "add")
        parent = item.get("parent_code")
        if parent is not None and not isinstance(parent, str):
            raise _bad("parent_code 应为文本", "'parent_code' must be text", "parent_code")
        geom = parse_geometry(item["geometry"]) if item.get("geometry") else None
        added.append(
            NewUnit(item["code"], item["name"], item["level"], parent, geom, _count(item, "households"), _count(item, "population"))
        )
    close = body.get("close") or []
    if not isinstance(close, list) or not all(isinstance(c, str) for c in close) or not isinstance(body.get("kind"), str):
        raise _bad("须给出 kind 及 close（代码列表）", "Give 'kind' and 'close' (a list of codes)", "close")
    try:
        effective = dt.date.fromisoformat(body.get("effective"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise _bad("effective 应为日期 YYYY-MM-DD", "'effective' must be a date YYYY-MM-DD", "effective") from None
    texts = {k: body.get(k) for k in ("reason", "document")}
    for name, value in texts.items():
        if value is not None and not isinstance(value, str):
            raise _bad(f"{name} 应为文本", f"'{name}' must be text", name)
    return ReorganisationRequest(body["kind"], effective, list(close), added, texts["reason"], texts["document"])
