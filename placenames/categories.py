"""The category table of place names, kept as data (``data/categories.csv``).

Codes follow GB/T 18521 and the 2nd national census; each row says how sure its
code is (``likely``/``inferred``/``unconfirmed``) so nobody mistakes a placeholder
for an official code. A category also knows its generic names (通名), its uniqueness
class (条例 Art.9: 街路巷 names must not repeat among themselves — class ``street`` —
nor important estate and building names among themselves — ``estate_building``;
blank: no such rule) and whether its names are written as one word (1984 rules,
villages). The database enforces the uniqueness classes too (``unique_class_sql``).
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

from gis.errors import InvalidInput

DATA = Path(__file__).with_name("data") / "categories.csv"


@dataclass(frozen=True)
class Category:
    code: str
    label_zh: str
    label_en: str
    census_class: str
    generics: tuple[str, ...]
    unique_class: str | None
    joined: bool
    code_status: str
    note: str

    @property
    def unique_in_district(self) -> bool:
        return self.unique_class is not None

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "label_zh": self.label_zh,
            "label_en": self.label_en,
            "census_class": self.census_class,
            "generics": list(self.generics),
            "unique_in_district": self.unique_in_district,
            "unique_class": self.unique_class,
            "code_status": self.code_status,
            "note": self.note,
        }


@functools.cache
def categories() -> dict[str, Category]:
    with DATA.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        row["code"]: Category(
            code=row["code"],
            label_zh=row["label_zh"],
            label_en=row["label_en"],
            census_class=row["census_class"],
            generics=tuple(g for g in row["generics"].split("|") if g),
            unique_class=row["unique_class"] or None,
            joined=row["joined"] == "true",
            code_status=row["code_status"],
            note=row["note"],
        )
        for row in rows
    }


def get(code: str) -> Category:
    try:
        return categories()[code]
    except KeyError:
        raise InvalidInput(
            f"未知的地名类别代码“{code}”", f"Unknown place-name category code '{code}'", details={"known": sorted(categories())}
        ) from None


def find(code_or_label: str) -> Category:
    """A category by code or by its Chinese label (the CLI and census files use either)."""
    if code_or_label in categories():
        return categories()[code_or_label]
    for category in categories().values():
        if code_or_label in (category.label_zh, category.label_en):
            return category
    return get(code_or_label)


def all_generics() -> tuple[str, ...]:
    """Every known generic, longest first, for splitting a name without a category."""
    words = {g for c in categories().values() for g in c.generics}
    return tuple(sorted(words, key=len, reverse=True))


def detect(name: str) -> tuple[str, tuple[Category, ...]]:
    """The 通名 of ``name`` by the longest known generic it ends with, and the
    categories that use that generic ("", () when none fits). For spelling a name
    given without its category: 小哨 ends with 哨, a village generic."""
    for generic in all_generics():
        if name.endswith(generic) and len(name) > len(generic):
            return generic, tuple(c for c in categories().values() if generic in c.generics)
    return "", ()


def unique_classes() -> dict[str, str]:
    """Category code -> uniqueness class, for the categories whose names must not repeat."""
    return {c.code: c.unique_class for c in categories().values() if c.unique_class}


def unique_class_sql(classes: dict[str, str] | None = None) -> str:
    """The SQL that computes ``place_names.unique_class`` from ``category_code``.
    Migration 0007 wrote it with the classes of its day; a test keeps this table and
    the database in step (a changed class needs a new migration)."""
    classes = unique_classes() if classes is None else classes
    whens = " ".join(f"WHEN '{code}' THEN '{classes[code]}'" for code in sorted(classes))
    return f"CASE category_code {whens} END"


# Which rows the database's unique index covers: current names with a uniqueness class.
UNIQUE_INDEX_WHERE = "status = 'current' AND unique_class IS NOT NULL"


ROAD = "23510"
SUBDISTRICT = "21500"
COMMUNITY = "21620"
DEVELOPMENT_ZONE = "21730"
