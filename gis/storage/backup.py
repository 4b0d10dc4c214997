"""Backup and restore of a whole database, with the backend's own tools.

PostgreSQL: ``pg_dump`` in custom format and ``pg_restore --clean`` (the dump is
consistent even while the service writes). SQLite: SQLite's online backup API into
a new GeoPackage file, and a restore that copies it back the same way, so readers
never see a half-written file.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

from gis.errors import BadRequest, DimingError

from .store import Store


def _pg_args(store: Store) -> tuple[list[str], dict[str, str]]:
    url = make_url(store.url)
    args = ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres"]
    env = {"PGPASSWORD": url.password} if url.password else {}
    return args, env


def _database(store: Store) -> str:
    """The database name (PostgreSQL) or file (SQLite) of the store's URL; an in-memory database has none to copy."""
    database = make_url(store.url).database
    if not database:
        raise BadRequest("内存数据库不能备份或恢复", "An in-memory database cannot be backed up or restored")
    return database


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise DimingError(f"找不到 {name}，请安装 PostgreSQL 客户端", f"{name} not found; install the PostgreSQL client tools")
    return path


def _run(command: list[str], env: dict[str, str]) -> None:
    import os

    result = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True)
    if result.returncode != 0:
        raise DimingError(
            f"{Path(command[0]).name} 失败：{result.stderr.strip()}", f"{Path(command[0]).name} failed: {result.stderr.strip()}"
        )


def backup(store: Store, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if store.dialect == "postgresql":
        args, env = _pg_args(store)
        _run([_tool("pg_dump"), *args, "-Fc", "-f", str(path), _database(store)], env)
        return path
    store.checkpoint()
    source = sqlite3.connect(_database(store))
    target = sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    return path


_ATTACHED = re.compile(r"^\d+; \d+ \d+ TABLE ATTACH \S+ (\S+) ")
_KEY = re.compile(r"^\d+; \d+ \d+ CONSTRAINT \S+ (\S+) ")


def partitions_dropped_whole(listing: str) -> str:
    """The archive's table of contents (``pg_restore --list``) in an order ``--clean`` can drop.

    ``--clean`` drops in the reverse order of the list. pg_dump lists a partitioned
    table's primary key and unique constraints before those of its partitions, so the
    partitions' come first in the drop, and PostgreSQL refuses to drop a constraint a
    partition inherits: the restore of a database with partitioned door plates and
    names failed. Listed before the others, the partitions' constraints are dropped
    last, after their table's took them along (``IF EXISTS`` then passes them), and are
    made first, on the partitions alone, before their table's constraint adopts them.
    """
    lines = listing.splitlines()
    partitions = {m.group(1) for line in lines if (m := _ATTACHED.match(line))}

    def of_partition(line: str) -> bool:
        found = _KEY.match(line)
        return found is not None and found.group(1) in partitions

    moved = [line for line in lines if of_partition(line)]
    rest = [line for line in lines if not of_partition(line)]
    first = next((k for k, line in enumerate(rest) if _KEY.match(line)), len(rest))
    return "\n".join(rest[:first] + moved + rest[first:]) + "\n"


def restore(store: Store, path: str | Path) -> None:
    """Replace the database's contents with the backup at ``path``."""
    path = Path(path)
    if not path.is_file():
        raise BadRequest(f"备份文件不存在：{path}", f"Backup file not found: {path}")
    store.dispose()
    if store.dialect == "postgresql":
        with path.open("rb") as head:
            magic = head.read(5)
        listing = subprocess.run([_tool("pg_restore"), "--list", str(path)], capture_output=True, text=True) if magic == b"PGDMP" else None
        if listing is None or listing.returncode != 0:  # pg_restore --list reads the whole table of contents, touching no database
            raise BadRequest(f"{path} 不是 pg_dump 备份", f"{path} is not a pg_dump backup")
        args, env = _pg_args(store)
        database = _database(store)
        with tempfile.TemporaryDirectory() as work:
            order = Path(work) / "restore.list"
            order.write_text(partitions_dropped_whole(listing.stdout), encoding="utf-8")
            restore_args = ["--clean", "--if-exists", "--single-transaction", "--no-owner", "--use-list", str(order)]
            _run([_tool("pg_restore"), *args, *restore_args, "-d", database, str(path)], env)
        return
    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        try:
            is_backup = source.execute("SELECT count(*) FROM sqlite_master WHERE name = 'alembic_version'").fetchone()[0] > 0
        except sqlite3.DatabaseError:  # "file is not a database": a text file, a pg_dump, anything else
            is_backup = False
        if not is_backup:
            raise BadRequest(
                f"{path} 不是 diming 的备份（不是 GeoPackage 数据库）", f"{path} is not a diming backup (not a GeoPackage database)"
            )
        target = sqlite3.connect(_database(store))
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
