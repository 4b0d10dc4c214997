"""Alembic, driven from code: upgrade, downgrade and current revision of a Store.

The migration scripts live in ``migrations/`` at the top of the project; the
connection is handed to Alembic directly, so no ini file or environment variable
is read.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, text
from sqlalchemy.exc import SQLAlchemyError

from .store import Store

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def _config(store: Store, connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", store.url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def upgrade(store: Store, revision: str = "heads") -> None:
    with _one_transaction(store) as connection:
        command.upgrade(_config(store, connection), revision)
    store.checkpoint()


def downgrade(store: Store, revision: str) -> None:
    with _one_transaction(store) as connection:
        command.downgrade(_config(store, connection), revision)


@contextmanager
def _one_transaction(store: Store):
    """A connection whose whole migration run commits or rolls back as one, on both backends.

    PostgreSQL's DDL is transactional as it is. Python's sqlite3 driver, left to
    itself, runs CREATE/ALTER outside any transaction until the first data write
    opens one: a migration refused half way through an upgrade left earlier
    scripts' columns behind with the version not recorded, and the next upgrade
    failed on them. So for SQLite the driver's own transaction handling is switched
    off for this connection and the run is wrapped in an explicit BEGIN IMMEDIATE.
    """
    with store.engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            with connection.begin():
                yield connection
            return
        driver = connection.connection.dbapi_connection
        assert driver is not None  # the connection is open
        saved = driver.isolation_level
        driver.isolation_level = None  # the driver opens no transaction of its own

        def begin_immediately(conn) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        event.listen(connection, "begin", begin_immediately)
        try:
            with connection.begin():
                yield connection
        finally:
            event.remove(connection, "begin", begin_immediately)
            driver.isolation_level = saved


def current(store: Store) -> str | None:
    """The applied revision(s), comma-separated when independent branches are applied."""
    with store.engine.connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
    return ",".join(sorted(heads)) or None


def heads() -> list[str]:
    """The newest revision of every branch (what ``upgrade`` goes to)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return sorted(ScriptDirectory.from_config(config).get_heads())


def require_current(store: Store) -> None:
    """Refuse to serve a database whose schema is behind the code (it would fail
    request by request with missing columns instead)."""
    from gis.errors import Unavailable

    applied = set((current(store) or "").split(",")) - {""}
    wanted = set(heads())
    if applied != wanted:
        raise Unavailable(
            "数据库结构不是最新版本，请先运行 diming db upgrade",
            "The database schema is not up to date; run 'diming db upgrade' first",
            details={"applied": sorted(applied), "expected": sorted(wanted)},
        )


def database_health(store: Store) -> dict:
    """Is the database reachable (one cheap ``SELECT 1``), at which revision, and is that the newest?

    ``reachable`` False carries the error's class name; ``schema_current`` is only
    known when the database answered. The health check of the web face reports this.
    """
    state: dict = {"backend": store.dialect, "reachable": True, "revision": None}
    try:
        with store.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        state["revision"] = current(store)
    except SQLAlchemyError as exc:
        state["reachable"] = False
        state["error"] = type(exc).__name__
        return state
    state["schema_current"] = set((state["revision"] or "").split(",")) == set(heads())
    return state
