"""Alembic, driven from code: upgrade, downgrade and current revision of a Store.

The migration scripts live in ``migrations/`` at the top of the project; the
connection is handed to Alembic directly, so no ini file or environment variable
is read.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from .store import Store

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def _config(store: Store, connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", store.url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def upgrade(store: Store, revision: str = "heads") -> None:
    with store.engine.begin() as connection:
        command.upgrade(_config(store, connection), revision)
    store.checkpoint()


def downgrade(store: Store, revision: str) -> None:
    with store.engine.begin() as connection:
        command.downgrade(_config(store, connection), revision)


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
