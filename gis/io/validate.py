"""Checks an imported layer must pass before anything is stored.

Each rule is a plain function ``(gdf, spec) -> list[Problem]`` so it can be tested
and reused alone. ``prepare`` runs them all and decides: refuse the whole import
(the default, so nothing half-written reaches the database), skip the bad rows, or
repair invalid geometries first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiLineString, MultiPoint, MultiPolygon

from gis.errors import InvalidInput
from gis.findings import ERROR, INFO, WARNING, Finding
from gis.positions import CHINA_EXTENT, inside

#: ``gdf.attrs`` key where readers leave row problems they found (list of dicts with
#: row, rule, zh, en), e.g. a CSV line whose longitude is not a number.
READ_NOTES = "diming_read_notes"
#: Read-note rules that explain a missing geometry (so it is not reported twice).
GEOMETRY_NOTE_RULES = frozenset({"bad_coordinates", "bad_wkt"})
#: Column holding the source line (CSV) or 1-based feature number (other formats).
ROW_COLUMN = "_row"


#: What an import did about a problem, as the severity of the one finding type: an error
#: blocks the import, a skipped row is data left out, a repair only changed a geometry.
ACTIONS = {"error": ERROR, "skipped": WARNING, "repaired": INFO}


@dataclass(frozen=True, init=False)
class Problem(Finding):
    """One thing wrong with one row (``row`` None: the layer as a whole): the one bilingual
    finding (``gis.findings``) plus the feature's id and what the import did about it."""

    feature_id: Any = None
    action: str = "error"  # "error", "skipped" or "repaired"

    def __init__(self, row: int | None, feature_id: Any, rule: str, message_zh: str, message_en: str, action: str = "error"):
        if action not in ACTIONS:
            raise ValueError(f"action must be one of {tuple(ACTIONS)}, not {action!r}")
        super().__init__(rule, ACTIONS[action], message_zh, message_en, row=row)
        object.__setattr__(self, "feature_id", feature_id)
        object.__setattr__(self, "action", action)

    @property
    def message_zh(self) -> str:
        return self.zh

    @property
    def message_en(self) -> str:
        return self.en

    def with_action(self, action: str) -> Problem:
        return Problem(self.row, self.feature_id, self.rule, self.zh, self.en, action)

    def to_dict(self) -> dict[str, Any]:
        """The standard finding keys, plus the import report's own (``feature_id``,
        ``message_zh``/``message_en``, ``action``) for the clients that read those."""
        fid = self.feature_id
        if hasattr(fid, "item") and not isinstance(fid, str):
            fid = fid.item()  # numpy scalar
        fid = fid if isinstance(fid, (str, int, float, type(None))) else str(fid)
        return {**super().to_dict(), "feature_id": fid, "message_zh": self.zh, "message_en": self.en, "action": self.action}


@dataclass
class LayerSpec:
    """What a layer must look like: allowed geometry types, required columns, id column."""

    name: str
    geometry_types: tuple[str, ...] = ()  # empty: any type
    required: tuple[str, ...] = ()
    id_column: str | None = None
    extent: tuple[float, float, float, float] = CHINA_EXTENT  # minx, miny, maxx, maxy in storage CRS

    def __post_init__(self):
        self.geometry_types = tuple(self.geometry_types)
        self.required = tuple(self.required)


@dataclass
class ValidationReport:
    """All problems of one layer, with what was done about each."""

    layer: str
    total: int
    problems: list[Problem] = field(default_factory=list)

    def _with(self, action: str) -> list[Problem]:
        return [p for p in self.problems if p.action == action]

    @property
    def errors(self) -> list[Problem]:
        return self._with("error")

    @property
    def skipped(self) -> list[Problem]:
        return self._with("skipped")

    @property
    def repaired(self) -> list[Problem]:
        return self._with("repaired")

    @property
    def ok(self) -> bool:
        """True when nothing is left that blocks the import."""
        return not self.errors

    def rows(self, action: str = "error") -> list[int]:
        return sorted({p.row for p in self._with(action) if p.row is not None})

    def summary(self, limit: int = 20) -> str:
        e, s, r = len(self.errors), len(self.skipped), len(self.repaired)
        lines = [
            f"图层 {self.layer}：共 {self.total} 个要素；错误 {e}，已跳过 {s}，已修复 {r}",
            f"Layer {self.layer}: {self.total} features; {e} errors, {s} skipped, {r} repaired",
        ]
        for p in self.problems[:limit]:
            where = "整个图层 / whole layer" if p.row is None else f"第 {p.row} 行 / row {p.row}"
            lines.append(f"  [{p.action}] {where} ({p.rule}): {p.message_zh} / {p.message_en}")
        if len(self.problems) > limit:
            more = len(self.problems) - limit
            lines.append(f"  ……另有 {more} 个问题 / … and {more} more")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "layer": self.layer,
            "total": self.total,
            "ok": self.ok,
            "counts": {"errors": len(self.errors), "skipped": len(self.skipped), "repaired": len(self.repaired)},
            "rows": self.rows(),
            "problems": [p.to_dict() for p in self.problems],
        }


# --- helpers -----------------------------------------------------------------


def row_numbers(gdf: pd.DataFrame) -> np.ndarray:
    """Source row numbers by position: the ``_row`` column, else 1..n."""
    if ROW_COLUMN in gdf.columns:
        return gdf[ROW_COLUMN].to_numpy()
    return np.arange(1, len(gdf) + 1)


def _ids(gdf: pd.DataFrame, spec: LayerSpec) -> list:
    if spec.id_column and spec.id_column in gdf.columns:
        return [None if _blank(v) else v for v in gdf[spec.id_column].tolist()]
    return [None] * len(gdf)


def _blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _geoms(gdf: gpd.GeoDataFrame) -> np.ndarray:
    return np.asarray(gdf.geometry.values, dtype=object)


def _present(geoms: np.ndarray) -> np.ndarray:
    return ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))


def _problems(gdf, spec, positions, rule, zh, en) -> list[Problem]:
    rows, ids = row_numbers(gdf), _ids(gdf, spec)
    out = []
    for i in positions:
        z, e = (zh(i), en(i)) if callable(zh) else (zh, en)
        out.append(Problem(int(rows[i]), ids[i], rule, z, e))
    return out


# --- rules ---------------------------------------------------------------------


def check_read_notes(gdf: gpd.GeoDataFrame, spec: LayerSpec) -> list[Problem]:
    """Problems the reader found (unparsable coordinates …) for rows still in the layer."""
    notes = gdf.attrs.get(READ_NOTES) or []
    rows = row_numbers(gdf)
    position = {int(r): i for i, r in enumerate(rows)}
    ids = _ids(gdf, spec)
    return [Problem(n["row"], ids[position[n["row"]]], n["rule"], n["zh"], n["en"]) for n in notes if n["row"] in position]


def check_missing_geometry(gdf: gpd.GeoDataFrame, spec: LayerSpec) -> list[Problem]:
    """Rows without a geometry or with an empty one."""
    explained = {n["row"] for n in gdf.attrs.get(READ_NOTES) or [] if n["rule"] in GEOMETRY_NOTE_RULES}
    rows = row_numbers(gdf)
    missing = [i for i in np.flatnonzero(~_present(_geoms(gdf))) if int(rows[i]) not in explained]
    return _problems(gdf, spec, missing, "missing_geometry", "缺少几何图形或几何为空", "Geometry is missing or empty")


def check_invalid_geometry(gdf: gpd.GeoDataFrame, spec: LayerSpec) -> list[Problem]:
    """Geometries GEOS calls invalid, with its reason (e.g. ``Self-intersection[1 1]``)."""
    geoms = _geoms(gdf)
    bad = np.flatnonzero(_present(geoms) & ~shapely.is_valid(geoms))
    reasons = {i: shapely.is_valid_reason(geoms[i]) for i in bad}
    return _problems(
        gdf,
        spec,
        bad,
        "invalid_geometry",
        lambda i: f"几何图形无效：{reasons[i]}",
        lambda i: f"Invalid geometry: {reasons[i]}",
    )


def check_geometry_type(gdf: gpd.GeoDataFrame, spec: LayerSpec) -> list[Problem]:
    """Geometries whose type the layer does not accept."""
    if not spec.geometry_types:
        return []
    geoms = _geoms(gdf)
    present = _present(geoms)
    types = np.array([g.geom_type if p else "" for g, p in zip(geoms, present, strict=False)], dtype=object)
    bad = np.flatnonzero(present & ~np.isin(types, spec.geometry_types))
    allowed = "/".join(spec.geometry_types)
    return _problems(
        gdf,
        spec,
        bad,
        "geometry_type",
        lambda i: f"几何类型 {types[i]} 不符合要求（应为 {allowed}）",
        lambda i: f"Geometry type {types[i]} not allowed (expected {allowed})",
    )


def check_required(gdf: gpd.GeoDataFrame, spec: LayerSpec) -> list[Problem]:
    """Required attributes (and the id column) that are absent, null or blank."""
    columns = list(dict.fromkeys(spec.required + ((spec.id_column,) if spec.id_column else ())))
    out: list[Problem] = []
    for col in columns:
        if col not in gdf.columns:
            out.append(Problem(None, None, "missing_column", f"缺少必填字段 {col}", f"Required column {col!r} is missing"))
            continue
        blank = [i for i, v in enumerate(gdf[col].tolist()) if _blank(v)]
        out += _problems(gdf, spec, blank, "missing_value", f"必填字段 {col} 为空", f"Required value {col!r} is empty")
    return out


def check_duplicate_ids(gdf: gpd.GeoDataFrame, spec: LayerSpec) -> list[Problem]:
    """Every row whose id also occurs on another row (ids compared after trimming text)."""
    if not spec.id_column or spec.id_column not in gdf.columns:
        return []
    keys = [v.strip() if isinstance(v, str) else v for v in _ids(gdf, spec)]
    rows = row_numbers(gdf)
    seen: dict[Any, list[int]] = {}
    for i, k in enumerate(keys):
        if k is not None:
            seen.setdefault(k, []).append(i)
    out = []
    for k, positions in seen.items():
        if len(positions) < 2:
            continue
        listed = ", ".join(str(int(rows[i])) for i in positions)
        out += _problems(
            gdf,
            spec,
            positions,
            "duplicate_id",
            f"编号 {k} 重复（第 {listed} 行）",
            f"Duplicate id {k!r} (rows {listed})",
        )
    return out


def check_extent(gdf: gpd.GeoDataFrame, spec: LayerSpec) -> list[Problem]:
    """Geometries outside the sane extent (wrong CRS, swapped lon/lat, zero coordinates)."""
    geoms = gdf.geometry
    if geoms.crs is not None and geoms.crs.to_epsg() != 4490:
        geoms = geoms.to_crs("EPSG:4490")
    arr = np.asarray(geoms.values, dtype=object)
    present = _present(arr)
    bounds = shapely.bounds(arr)
    minx, miny, maxx, maxy = spec.extent
    bad = np.flatnonzero(present & ~inside(bounds, spec.extent))
    box = f"{minx}, {miny}, {maxx}, {maxy}"

    def where(i):
        b = bounds[i]
        return f"({b[0]:.6f}, {b[1]:.6f})" if b[0] == b[2] and b[1] == b[3] else f"({b[0]:.6f}, {b[1]:.6f}, {b[2]:.6f}, {b[3]:.6f})"

    return _problems(
        gdf,
        spec,
        bad,
        "out_of_extent",
        lambda i: f"坐标 {where(i)} 超出合理范围 [{box}]（坐标系或经纬度顺序是否有误？）",
        lambda i: f"Coordinates {where(i)} outside the expected extent [{box}] (wrong CRS or swapped lon/lat?)",
    )


RULES = (
    check_read_notes,
    check_missing_geometry,
    check_invalid_geometry,
    check_geometry_type,
    check_required,
    check_duplicate_ids,
    check_extent,
)


def validate(gdf: gpd.GeoDataFrame, spec: LayerSpec) -> ValidationReport:
    """Run every rule; problems come sorted by row (layer-wide ones first)."""
    problems = [p for rule in RULES for p in rule(gdf, spec)]
    problems.sort(key=lambda p: (p.row is not None, p.row or 0))
    return ValidationReport(spec.name, len(gdf), problems)


# --- repair and decision -----------------------------------------------------------

_FAMILY = {
    "Polygon": ("Polygon", MultiPolygon),
    "MultiPolygon": ("Polygon", MultiPolygon),
    "LineString": ("LineString", MultiLineString),
    "MultiLineString": ("LineString", MultiLineString),
    "Point": ("Point", MultiPoint),
    "MultiPoint": ("Point", MultiPoint),
}


def _flatten(geom) -> list:
    parts = []
    for part in shapely.get_parts(geom):
        parts += _flatten(part) if shapely.get_type_id(part) >= 4 else [part]
    return parts


def repair_geometry(geom, allowed: tuple[str, ...] = ()):
    """``make_valid`` keeping the geometry's own kind (polygons stay polygonal …).

    Collections are reduced to the parts of the original kind; a single part is
    returned as such unless only the multi type is allowed. None when nothing of
    that kind survives.
    """
    family = _FAMILY.get(geom.geom_type)
    fixed = shapely.make_valid(geom)
    if family is None:
        return fixed
    kind, multi = family
    parts = [p for p in _flatten(fixed) if p.geom_type == kind and not p.is_empty]
    if not parts:
        return None
    if len(parts) == 1:
        single = parts[0]
        wants_multi = allowed and kind not in allowed and multi.__name__ in allowed
        return multi([single]) if wants_multi else single
    result = multi(parts)
    if not result.is_valid:  # parts sharing edges: merge them
        result = shapely.union_all(parts)
    return result


def _repair(gdf: gpd.GeoDataFrame, spec: LayerSpec) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    geoms = _geoms(gdf).copy()
    rows, ids = row_numbers(gdf), _ids(gdf, spec)
    problems = []
    for i in np.flatnonzero(_present(geoms) & ~shapely.is_valid(geoms)):
        reason = shapely.is_valid_reason(geoms[i])
        fixed = repair_geometry(geoms[i], spec.geometry_types)
        if fixed is None or fixed.is_empty or not fixed.is_valid:
            continue  # still invalid: validate() reports it
        geoms[i] = fixed
        problems.append(
            Problem(
                int(rows[i]),
                ids[i],
                "invalid_geometry",
                f"已修复无效几何（{reason}），结果为 {fixed.geom_type}",
                f"Repaired invalid geometry ({reason}) into a {fixed.geom_type}",
                action="repaired",
            )
        )
    out = gdf.copy()
    out[gdf.geometry.name] = gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs)
    return out, problems


def prepare(
    gdf: gpd.GeoDataFrame, spec: LayerSpec, *, skip_invalid: bool = False, make_valid: bool = False
) -> tuple[gpd.GeoDataFrame, ValidationReport]:
    """Validate for import; return (rows to store, report) or raise InvalidInput.

    Without options any problem refuses the whole layer (report in ``details``).
    ``make_valid`` repairs invalid geometries first; ``skip_invalid`` drops rows
    that still have problems. Layer-wide problems (a missing column) always refuse.
    """
    work, repaired = _repair(gdf, spec) if make_valid else (gdf.copy(), [])
    report = validate(work, spec)
    report.problems = sorted(repaired + report.problems, key=lambda p: (p.row is not None, p.row or 0))
    errors = report.errors
    if errors and skip_invalid and all(p.row is not None for p in errors):
        bad = {p.row for p in errors if p.row is not None}
        work = work[~np.isin(row_numbers(work), list(bad))]
        report.problems = [p.with_action("skipped") if p.action == "error" else p for p in report.problems]
    if report.errors:
        rows = report.rows()
        shown = ", ".join(map(str, rows[:20])) + (" …" if len(rows) > 20 else "")
        raise InvalidInput(
            f"图层 {spec.name} 有 {len(report.errors)} 个问题，未导入任何数据" + (f"（第 {shown} 行）" if rows else ""),
            f"Layer {spec.name} has {len(report.errors)} problems; nothing was imported" + (f" (rows {shown})" if rows else ""),
            details=report.to_dict(),
        )
    return work, report
