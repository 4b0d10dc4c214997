"""The district key: the column PostgreSQL partitions door plates and place names by.

Why a column of its own: PostgreSQL's declarative partitioning wants the partition key
in the primary key and in every unique index, and a foreign key to a partitioned table
must name it too. The key is the 6-digit county-level division code (GB/T 2260,
e.g. the deployment profile's district code), the unit the rules of the register are made for: a road lies in
one district, a current 街路巷 name is unique in its district, an address's plates
hang in its district. So every rule that takes the key on stays the rule it was
(docs/operations.md, "Partitions").

Where a row's key comes from, so no caller has to set it:

- a row that hangs on a parent row (a door plate on its road, a plate item on its
  address, an alias on its name) takes its parent's key: on PostgreSQL the composite
  foreign key would refuse any other, and ``ON UPDATE CASCADE`` keeps it so later;
- any other row (a road, a place name) takes the deployment profile's district.

The default is computed in Python when a row is inserted, through the ORM or a Core
``insert`` (``Store.bulk_insert``). Hand-written SQL and ``COPY`` that leave the column
out get the column's database default, the district the database was migrated for
(migration 0017): rows of another district must name theirs.
"""

from __future__ import annotations

import re

from sqlalchemy import ForeignKeyConstraint, String, text
from sqlalchemy.orm import MappedColumn, mapped_column

from gis.profile import current_profile

KEY = "district_code"
LENGTH = 6
_CODE = re.compile(r"^\d{6}$")


def deployment_district() -> str:
    """The district this process serves (the deployment profile's 6-digit code)."""
    return current_profile().code


def checked(code: str) -> str:
    """``code`` if it is a 6-digit division code, else ValueError (it also names partitions)."""
    if not isinstance(code, str) or not _CODE.match(code):
        raise ValueError(f"区县代码应为 6 位数字，而非 {code!r} / a district code has 6 digits, not {code!r}")
    return code


def district_column() -> MappedColumn:
    """The key of a row that hangs on no other: the deployment's district."""
    return mapped_column(KEY, String(LENGTH), nullable=False, default=deployment_district)


def inherited_district_column(parent: str, via: str) -> MappedColumn:
    """The key of a row that refers to ``parent`` through its column ``via``: the parent's
    key (the deployment's when ``via`` is empty or names no row, which the foreign key
    then refuses on its own)."""
    lookup = text(f"SELECT {KEY} FROM {parent} WHERE id = :id")

    def parents_district(context) -> str:
        parent_id = context.get_current_parameters().get(via)
        if parent_id is None:
            return deployment_district()
        # One lookup per parent and statement: a bulk insert of a road's plates asks once.
        known = context.__dict__.setdefault("_diming_district_of", {})
        key = (parent, parent_id)
        if key not in known:
            known[key] = context.connection.execute(lookup, {"id": parent_id}).scalar()
        return known[key] or deployment_district()

    return mapped_column(KEY, String(LENGTH), nullable=False, default=parents_district)


def reference(column: str, parent: str) -> ForeignKeyConstraint:
    """The foreign key of ``column`` to ``parent``'s id, with the district: PostgreSQL can
    refer to a partitioned table only by a key that holds the partition key. ``ON UPDATE
    CASCADE``: a parent given to another district takes the rows that refer to it along."""
    return ForeignKeyConstraint([column, KEY], [f"{parent}.id", f"{parent}.{KEY}"], onupdate="CASCADE")
