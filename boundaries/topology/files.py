"""Topology checks of a polygon file, before (or instead of) importing it.

The file is read in any CRS the reader knows (converted to CGCS2000, GCJ-02/BD-09
web-map outlines included), nothing is stored. Each feature needs a code and a name;
with a parent column, features whose code other features name as their parent form
the level above (the depth in the parent chain is the level), so a file holding a
district and its subdistricts is checked for coverage and crossing too. Parents may
also come from a second file.
"""

from __future__ import annotations

import pandas as pd

from gis.errors import InvalidInput
from gis.io.read import read_layer

from . import CheckOptions, TopologyReport, run_checks, units_from_lonlat

CODE_COLUMNS = ("adcode", "code")


def _text(value) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _rows(path, *, crs, layer, code_column, name_column, parent_column) -> list[tuple[str, str, str | None, object]]:
    frame = read_layer(path, crs=crs, layer=layer)
    code_column = code_column or next((c for c in CODE_COLUMNS if c in frame.columns), None)
    wanted = [c for c in (code_column, name_column, parent_column) if c]
    missing = [c for c in wanted if c not in frame.columns] + ([] if code_column else ["adcode/code"])
    if missing:
        raise InvalidInput(f"文件 {path} 缺少字段：{', '.join(missing)}", f"The file {path} lacks the fields: {', '.join(missing)}")
    rows = []
    for record in frame.itertuples(index=False):
        code = _text(getattr(record, code_column))
        if code is None:
            raise InvalidInput(f"文件 {path} 有要素缺少代码", f"A feature of {path} has no code")
        parent = _text(getattr(record, parent_column)) if parent_column else None
        rows.append((code, _text(getattr(record, name_column)) or code, parent, record.geometry))
    return rows


def _levels(rows, parents: set[str]) -> dict[str, str]:
    """Level of each code: its depth in the parent chain (``level-0`` for the top)."""
    parent_of = {code: parent for code, _, parent, _ in rows}
    depth = {}
    for code in parent_of:
        seen, node = [code], parent_of[code]
        while node in parent_of and node not in seen:
            seen.append(node)
            node = parent_of[node]
        depth[code] = len(seen) - 1 + (1 if node in parents else 0)
    return {code: f"level-{d}" for code, d in depth.items()}


def check_file(
    path,
    *,
    crs: str | None = None,
    layer: str | None = None,
    code_column: str | None = None,
    name_column: str = "name",
    parent_column: str | None = None,
    parents_path=None,
    parents_code_column: str | None = None,
    options: CheckOptions | None = None,
    rules=None,
) -> TopologyReport:
    """Every rule over the polygons of ``path`` (and of ``parents_path`` as the level above)."""
    rows = _rows(path, crs=crs, layer=layer, code_column=code_column, name_column=name_column, parent_column=parent_column)
    parent_rows = []
    if parents_path is not None:
        if not parent_column:
            raise InvalidInput("给出上级文件时须同时给出上级代码字段", "Give the parent column together with the parents file")
        parent_rows = _rows(parents_path, crs=crs, layer=None, code_column=parents_code_column, name_column=name_column, parent_column=None)
    codes = [code for code, *_ in rows + parent_rows]
    twice = sorted({c for c in codes if codes.count(c) > 1})
    if twice:
        raise InvalidInput(f"代码重复：{', '.join(twice[:5])}", f"Codes used twice: {', '.join(twice[:5])}")
    parents = {code for code, *_ in parent_rows}
    levels = _levels(rows, parents)
    units = [(code, name, levels[code], parent, geom) for code, name, parent, geom in rows]
    units += [(code, name, "parent", None, geom) for code, name, _, geom in parent_rows]
    return run_checks(units_from_lonlat(units), options, rules)
