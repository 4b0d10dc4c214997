"""Checking an inventory file row by row: every problem names its row, field and reason.

Why a collector rather than raising at the first problem: an officer fixing a
field-survey spreadsheet wants the whole list at once. Nothing is written while
any problem is left (``refuse``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass

import pandas as pd

from gis.errors import InvalidInput

SHOWN_IN_MESSAGE = 5


@dataclass(frozen=True)
class RowError:
    row: int | None  # the file's row (CSV line, header = 1; GeoPackage feature number); None: the whole file
    field: str | None
    zh: str
    en: str

    def to_dict(self) -> dict:
        return asdict(self)

    def where(self) -> tuple[str, str]:
        row_zh = "整个文件" if self.row is None else f"第 {self.row} 行"
        row_en = "whole file" if self.row is None else f"row {self.row}"
        return (f"{row_zh} {self.field}" if self.field else row_zh), (f"{row_en} {self.field}" if self.field else row_en)


class RowErrors:
    def __init__(self):
        self.items: list[RowError] = []

    def add(self, row: int | None, field: str | None, zh: str, en: str) -> None:
        self.items.append(RowError(row, field, zh, en))

    def refuse(self, source: str, rows: int) -> None:
        """Raise one bilingual 400 listing every problem, if there is any."""
        if not self.items:
            return
        items = sorted(self.items, key=lambda e: (e.row is not None, e.row or 0, e.field or ""))
        bad_rows = sorted({e.row for e in items if e.row is not None})
        first = items[:SHOWN_IN_MESSAGE]
        zh = "；".join(f"{e.where()[0]}：{e.zh}" for e in first)
        en = "; ".join(f"{e.where()[1]}: {e.en}" for e in first)
        more = len(items) - len(first)
        raise InvalidInput(
            f"{source}：{len(bad_rows)} 行有误（共 {len(items)} 处），未导入任何数据。{zh}" + (f"；另有 {more} 处" if more else ""),
            f"{source}: {len(bad_rows)} bad rows ({len(items)} problems); nothing was imported. {en}"
            + (f"; and {more} more" if more else ""),
            details={"rows": rows, "bad_rows": bad_rows, "errors": [e.to_dict() for e in items]},
        )


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
