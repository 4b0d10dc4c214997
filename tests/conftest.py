"""Fixtures giving every storage test a real, freshly migrated database on both backends.

SQLite: a new GeoPackage file per test. PostgreSQL: the schema is migrated once into
a template database, and each test gets its own copy (CREATE DATABASE ... TEMPLATE),
so tests never see each other's data and the append-only audit log stays append-only.
When PostgreSQL/PostGIS cannot be reached the PostGIS tests are skipped locally but
fail under CI=true: they are mandatory there.
"""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

from gis.storage import Store, migrate

PG_ADMIN_URL = os.environ.get("DIMING_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
BACKENDS = ["sqlite", "postgresql"]
# GDAL's HTTP reads (the OAPIF driver in the OGC client tests) give up instead of waiting forever.
os.environ.setdefault("GDAL_HTTP_TIMEOUT", "60")


def _pg_admin_engine():
    return sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})


def _pg_url(database: str) -> str:
    return sa.engine.make_url(PG_ADMIN_URL).set(database=database).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_template():
    """Name of a migrated template database, or a skip (a failure under CI)."""
    name = f"diming_tmpl_{uuid.uuid4().hex[:8]}"
    admin = _pg_admin_engine()
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
    except sa.exc.OperationalError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is mandatory under CI but unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    store = Store(_pg_url(name))
    try:
        migrate.upgrade(store)
    except sa.exc.SQLAlchemyError as exc:
        store.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostGIS is mandatory under CI but could not be set up: {exc}")
        pytest.skip(f"PostGIS not available: {exc}")
    store.dispose()
    yield name
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


def make_store(request, backend: str, tmp_path, *, migrated: bool = True) -> Store:
    """A fresh store on ``backend``; dropped when the test ends."""
    if backend == "sqlite":
        store = Store(str(tmp_path / f"test-{uuid.uuid4().hex[:6]}.gpkg"))
        if migrated:
            migrate.upgrade(store)
        request.addfinalizer(store.dispose)
        return store
    template = request.getfixturevalue("pg_template")
    name = f"diming_t_{uuid.uuid4().hex[:10]}"
    admin = _pg_admin_engine()
    with admin.connect() as conn:
        if migrated:
            conn.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE {template}")
        else:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
    store = Store(_pg_url(name))

    def drop():
        store.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()

    request.addfinalizer(drop)
    return store


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def store(request, backend, tmp_path) -> Store:
    """A freshly migrated, empty store on each backend."""
    return make_store(request, backend, tmp_path)


@pytest.fixture
def empty_store(request, backend, tmp_path) -> Store:
    """A store on each backend with no schema at all (for migration tests)."""
    return make_store(request, backend, tmp_path, migrated=False)


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module (see tests/browser.py)."""
    from browser import chromium, close

    b = chromium()
    yield b
    close(b)
