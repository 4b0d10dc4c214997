"""PostgreSQL list partitions by district: making a table partitioned, adding a district, listing.

Door plates and place names are partitioned by ``district_code`` (``district_key``):
one partition per district the deployment has planned for, and a DEFAULT partition
that takes the rows of any other district, so an insert never fails for want of a
partition. ``add_district`` gives such a district a partition of its own, moving its
rows out of DEFAULT. SQLite has no partitions: there the key is a plain column.

Names: a partition is ``<table>_<code>`` (``door_plates_<code>``, ``door_plates_default``),
and each index of a partition is named after the index of the table it belongs to
(``uq_door_plates_road_id_number_suffix_<code>``). PostgreSQL reports a duplicate by the
partition's index, so a caller that recognises a rule by its index name in the error
(the main-plate and unique-name checks do) still recognises it.

Everything here runs on the caller's connection and transaction (a migration's, or one
``engine.begin()``), so a district is added completely or not at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy.engine import Connection

from gis.errors import InvalidInput

from .district_key import KEY, checked

DEFAULT = "DEFAULT"
_MAX_NAME = 63  # PostgreSQL's identifier length
_BOUND = re.compile(r"'(\d{6})'")


def partition_name(table: str, code: str | None = None) -> str:
    """``door_plates_<code>``, or ``door_plates_default`` for the DEFAULT partition."""
    return f"{table}_{checked(code) if code else 'default'}"


def partitioned_tables(conn: Connection) -> list[str]:
    """The tables of the current schema partitioned by LIST (district_code)."""
    rows = conn.exec_driver_sql(
        "SELECT c.relname FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
        "JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] "
        "WHERE c.relnamespace = current_schema()::regnamespace AND p.partstrat = 'l' AND p.partnatts = 1 "
        "AND a.attname = %(key)s ORDER BY c.relname",
        {"key": KEY},
    )
    return [name for (name,) in rows]


def partitions(conn: Connection, table: str) -> dict[str, str]:
    """``{district code or 'DEFAULT': partition}`` of a partitioned table."""
    rows = conn.exec_driver_sql(
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = %(table)s::regclass ORDER BY c.relname",
        {"table": table},
    )
    found: dict[str, str] = {}
    for name, bound in rows:
        if bound == DEFAULT:
            found[DEFAULT] = name
        for code in _BOUND.findall(bound):
            found[code] = name
    return found


def rebuild(conn: Connection, table: str, *, districts: Sequence[str] | None) -> None:
    """Replace ``table`` by a copy holding the same rows, ids and id sequence: partitioned
    by LIST (district_code) with a partition per code of ``districts`` and a DEFAULT one,
    or unpartitioned when ``districts`` is None.

    The copy has the columns, defaults, generated columns and checks of the old table;
    its keys, indexes and foreign keys are the caller's to create afterwards (created on
    a partitioned table, each reaches every partition), then ``name_partition_indexes``.
    Foreign keys *to* the table must be dropped first (the old table's primary key goes).
    """
    old = f"{table}_before_rebuild"
    conn.exec_driver_sql(f'ALTER TABLE "{table}" RENAME TO "{old}"')
    _drop_keys_and_indexes(conn, old)  # their names are the new table's
    partitioned = "" if districts is None else f" PARTITION BY LIST ({KEY})"
    conn.exec_driver_sql(f'CREATE TABLE "{table}" (LIKE "{old}" INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING CONSTRAINTS){partitioned}')
    if districts is not None:
        for code in districts:
            _create_partition(conn, table, code)
        _create_partition(conn, table, None)
    columns = ", ".join(f'"{c}"' for c in stored_columns(conn, old))
    conn.exec_driver_sql(f'INSERT INTO "{table}" ({columns}) SELECT {columns} FROM "{old}"')
    sequence = conn.exec_driver_sql("SELECT pg_get_serial_sequence(%(old)s, 'id')", {"old": old}).scalar()
    if sequence:  # the ids go on from where they were: the sequence now belongs to the copy
        conn.exec_driver_sql(f'ALTER SEQUENCE {sequence} OWNED BY "{table}".id')
    conn.exec_driver_sql(f'DROP TABLE "{old}"')


def name_partition_indexes(conn: Connection, table: str) -> None:
    """Name every partition's index after the table's index it belongs to, plus the
    partition's district (``pk_door_plates_<code>``)."""
    rows = conn.exec_driver_sql(
        "SELECT child.relname, parent.relname, part.relname FROM pg_inherits ii "
        "JOIN pg_class child ON child.oid = ii.inhrelid JOIN pg_class parent ON parent.oid = ii.inhparent "
        "JOIN pg_index x ON x.indexrelid = child.oid JOIN pg_class part ON part.oid = x.indrelid "
        "JOIN pg_inherits pt ON pt.inhrelid = part.oid "
        "WHERE parent.relkind = 'I' AND pt.inhparent = %(table)s::regclass",
        {"table": table},
    ).all()
    for child, parent, part in rows:
        wanted = f"{parent}_{part.removeprefix(table + '_')}"[:_MAX_NAME]
        if child != wanted:
            conn.exec_driver_sql(f'ALTER INDEX "{child}" RENAME TO "{wanted}"')


def add_district(conn: Connection, code: str) -> list[str]:
    """Give district ``code`` its own partition of every partitioned table; the partitions
    made (none when it has them already).

    Rows of the district already in a DEFAULT partition move into the new one. PostgreSQL
    checks a foreign key to a partitioned table partition by partition, so a row cannot
    move while other rows refer to it: the foreign keys to that table are dropped for the
    move and made again at its end, checked against every row, in this one transaction.
    """
    code = checked(code)
    missing = [t for t in partitioned_tables(conn) if code not in partitions(conn, t)]
    crowded = [t for t in missing if DEFAULT in partitions(conn, t) and _default_holds(conn, t, code)]
    references = _drop_references(conn, crowded)
    for table in missing:
        if table in crowded:
            _move_out_of_default(conn, table, code)
        else:
            _create_partition(conn, table, code)
        name_partition_indexes(conn, table)
    for relation, name, definition in references:
        conn.exec_driver_sql(f"ALTER TABLE {relation} ADD CONSTRAINT {name} {definition}")
    return [partition_name(t, code) for t in missing]


def describe(conn: Connection) -> list[dict[str, Any]]:
    """Each partition of each partitioned table: its table, name, district ('DEFAULT' for
    the default one), rows, and for a DEFAULT partition the districts its rows are of."""
    out = []
    for table in partitioned_tables(conn):
        for bound, name in sorted(partitions(conn, table).items(), key=lambda item: (item[0] == DEFAULT, item[0])):
            counts: dict[str, int] = dict(conn.exec_driver_sql(f'SELECT {KEY}, count(*) FROM "{name}" GROUP BY {KEY} ORDER BY {KEY}').all())
            entry: dict[str, Any] = {"table": table, "partition": name, "district": bound, "rows": sum(counts.values())}
            if bound == DEFAULT:
                entry["districts"] = counts
            out.append(entry)
    return out


def stored_columns(conn: Connection, table: str) -> list[str]:
    """The columns a row is written with (generated ones are computed by the database)."""
    rows = conn.exec_driver_sql(
        "SELECT attname FROM pg_attribute WHERE attrelid = %(table)s::regclass AND attnum > 0 AND NOT attisdropped "
        "AND attgenerated = '' ORDER BY attnum",
        {"table": table},
    )
    return [name for (name,) in rows]


def _create_partition(conn: Connection, table: str, code: str | None) -> None:
    bound = f"FOR VALUES IN ('{checked(code)}')" if code else DEFAULT
    conn.exec_driver_sql(f'CREATE TABLE "{partition_name(table, code)}" PARTITION OF "{table}" {bound}')


def _drop_keys_and_indexes(conn: Connection, table: str) -> None:
    keys = conn.exec_driver_sql(
        "SELECT conname FROM pg_constraint WHERE conrelid = %(table)s::regclass AND contype IN ('p', 'u', 'x')", {"table": table}
    ).all()
    for (name,) in keys:
        conn.exec_driver_sql(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    indexes = conn.exec_driver_sql("SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = %(table)s::regclass", {"table": table})
    for (name,) in indexes.all():
        conn.exec_driver_sql(f"DROP INDEX {name}")


def _default_holds(conn: Connection, table: str, code: str) -> bool:
    default = partitions(conn, table)[DEFAULT]
    return bool(conn.exec_driver_sql(f'SELECT EXISTS (SELECT 1 FROM "{default}" WHERE {KEY} = %(code)s)', {"code": code}).scalar())


def _move_out_of_default(conn: Connection, table: str, code: str) -> None:
    default, new = partitions(conn, table)[DEFAULT], partition_name(table, code)
    conn.exec_driver_sql(f'CREATE TABLE "{new}" (LIKE "{table}" INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING CONSTRAINTS)')
    columns = ", ".join(f'"{c}"' for c in stored_columns(conn, table))
    conn.exec_driver_sql(f'INSERT INTO "{new}" ({columns}) SELECT {columns} FROM "{default}" WHERE {KEY} = %(code)s', {"code": code})
    conn.exec_driver_sql(f'DELETE FROM "{default}" WHERE {KEY} = %(code)s', {"code": code})
    conn.exec_driver_sql(f'ALTER TABLE "{table}" ATTACH PARTITION "{new}" FOR VALUES IN (\'{code}\')')


def _drop_references(conn: Connection, tables: Iterable[str]) -> list[tuple[str, str, str]]:
    """Drop the foreign keys that refer to ``tables``; (table, name, definition) of each, to make them again."""
    tables = list(tables)
    if not tables:
        return []
    rows = conn.exec_driver_sql(
        "SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND conparentid = 0 AND confrelid = ANY (%(tables)s::regclass[])",
        {"tables": tables},
    ).all()
    for relation, name, _definition in rows:
        conn.exec_driver_sql(f"ALTER TABLE {relation} DROP CONSTRAINT {name}")
    return [(r, n, d) for r, n, d in rows]


# --- for the command line: a store in, plain data out --------------------------------------


def store_partitions(store) -> list[dict[str, Any]]:
    """``describe`` of a store's database; empty on SQLite, which has no partitions."""
    if store.dialect != "postgresql":
        return []
    with store.engine.connect() as conn:
        return describe(conn)


def add_store_district(store, code: str) -> list[str]:
    """``add_district`` in one transaction of a store's database (refused on SQLite)."""
    if store.dialect != "postgresql":
        raise InvalidInput(
            "SQLite 数据库不分区：所有区县的门牌和地名都在同一张表中",
            "An SQLite database has no partitions: door plates and names of every district share one table",
        )
    try:
        checked(code)
    except ValueError as exc:
        raise InvalidInput(*str(exc).split(" / ", 1), details={"district": code}) from None
    with store.engine.begin() as conn:
        return add_district(conn, code)
