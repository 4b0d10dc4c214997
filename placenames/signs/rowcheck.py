"""Checking an inventory file row by row: every problem names its row, field and reason.

Why a collector rather than raising at the first problem: an officer fixing a
field-survey spreadsheet wants the whole list at once. Nothing is written while
any problem is left (``refuse``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd
import shapely

from gis.errors import InvalidInput
from gis.findings import ERROR, Finding
from placenames.placement import far

from .columns import status_code
from .models import ITEM_STATUSES, STATUS_LABELS

SHOWN_IN_MESSAGE = 5


ROW_RULE = "row"


def where(error: Finding) -> tuple[str, str]:
    """Row and field of a row error, in Chinese and English ("第 3 行 road_name")."""
    row_zh = "整个文件" if error.row is None else f"第 {error.row} 行"
    row_en = "whole file" if error.row is None else f"row {error.row}"
    return (f"{row_zh} {error.field}" if error.field else row_zh), (f"{row_en} {error.field}" if error.field else row_en)


class RowErrors:
    def __init__(self, labels: dict[str, str] | None = None):
        self.items: list[Finding] = []  # row (None: the whole file) and field set on each
        self.labels = labels or {}  # column -> the header the file used for it (Chinese files)

    def add(self, row: int | None, field: str | None, zh: str, en: str) -> None:
        shown = self.labels.get(field, field) if field is not None else None
        self.items.append(Finding(ROW_RULE, ERROR, zh, en, row=row, field=shown))

    def refuse(self, source: str, rows: int) -> None:
        """Raise one bilingual 400 listing every problem, if there is any."""
        if not self.items:
            return
        items = sorted(self.items, key=lambda e: (e.row is not None, e.row or 0, e.field or ""))
        bad_rows = sorted({e.row for e in items if e.row is not None})
        first = items[:SHOWN_IN_MESSAGE]
        zh = "；".join(f"{where(e)[0]}：{e.zh}" for e in first)
        en = "; ".join(f"{where(e)[1]}: {e.en}" for e in first)
        more = len(items) - len(first)
        raise InvalidInput(
            f"{source}：{len(bad_rows)} 行有误（共 {len(items)} 处），未导入任何数据。{zh}" + (f"；另有 {more} 处" if more else ""),
            f"{source}: {len(bad_rows)} bad rows ({len(items)} problems); nothing was imported. {en}"
            + (f"; and {more} more" if more else ""),
            details={"rows": rows, "bad_rows": bad_rows, "errors": [e.to_dict() for e in items]},
        )


@dataclass
class Record:
    """One row of an inventory file as read: its row number, cells and point."""

    row: int
    cells: dict
    geom: object  # storage-CRS point, None when the row's geometry is unusable
    metric: object  # the same point in metres


class Cells:
    """Typed reads of one row's cells that record a problem instead of raising."""

    def __init__(self, record: Record, errors: RowErrors):
        self.record, self.errors, self.ok = record, errors, True

    def problem(self, name: str, zh: str, en: str) -> None:
        self.errors.add(self.record.row, name, zh, en)
        self.ok = False

    def text(self, name: str, limit: int, *, required: bool = False) -> str | None:
        value = text(self.record.cells.get(name))
        if value is None and required:
            self.problem(name, "必填字段为空", "required value is empty")
        elif value is not None and len(value) > limit:
            self.problem(name, f"超过 {limit} 个字符", f"longer than {limit} characters")
            return None
        return value

    def id(self, existing: dict, what_zh: str, what_en: str):
        """The stored item the row names by ``id``; None for a new item (or a bad id, recorded)."""
        try:
            item_id = integer(self.record.cells.get("id"))
        except ValueError:
            self.problem(
                "id",
                "应为正整数（导出文件中的编号），新项目留空",
                "must be a positive whole number (the exported id); blank for a new item",
            )
            return None
        if item_id is not None and item_id not in existing:
            self.problem("id", f"没有编号为 {item_id} 的{what_zh}", f"no {what_en} with id {item_id}")
            return None
        return existing.get(item_id)

    def day(self, name: str) -> dt.date | None:
        try:
            value = date(self.record.cells.get(name))
        except ValueError:
            self.problem(name, "应为日期 YYYY-MM-DD", "must be a date YYYY-MM-DD")
            return None
        if value is not None and value > dt.date.today():
            self.problem(name, "日期在未来", "date lies in the future")
            return None
        return value

    def status(self) -> str:
        """A status given as a code or its Chinese label (在用, 损坏 ...), as the stored code."""
        value = self.text("status", 16) or "in_service"
        code = status_code(value)
        if code is None:
            self.problem(
                "status",
                f"应为 {'、'.join(STATUS_LABELS.values())} 之一",
                f"must be one of {', '.join(ITEM_STATUSES)} (or their Chinese labels)",
            )
        return code or value

    def near(self, target_metric, reach_m: float, zh: str, en: str) -> None:
        """The row's point must lie within ``reach_m`` of ``target_metric`` (a CRS slip moves it hundreds of metres)."""
        if self.record.metric is None or target_metric is None:
            return
        reason = far(float(shapely.distance(self.record.metric, target_metric)), reach_m, zh, en)
        if reason is not None:
            self.problem("geometry", *reason)


def text(value) -> str | None:
    """A cell as trimmed text (CSV cells are text, GeoPackage cells may be numbers or dates); blank -> None."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, str):
        return text(value.item())
    out = str(value).strip()
    return out or None


def integer(value) -> int | None:
    """A cell as a whole number; ValueError when it is something else."""
    raw = text(value)
    if raw is None:
        return None
    number = int(raw)
    if number <= 0:
        raise ValueError(raw)
    return number


def date(value) -> dt.date | None:
    """A cell as a date YYYY-MM-DD; ValueError when it is something else."""
    raw = text(value)
    return None if raw is None else dt.date.fromisoformat(raw)
