"""A throw-away PostGIS database for one benchmark run (created, then dropped)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

import sqlalchemy as sa


@contextlib.contextmanager
def scratch_database(admin_url: str) -> Iterator[str]:
    """Yield the URL of a new, empty database on the server of ``admin_url``."""
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"diming_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()
