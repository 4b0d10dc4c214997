"""Every stored table is audited by construction: each ORM model is a ``Registered``
record (so the session hooks write an audit row for every insert, update and
delete), and no code path writes around the session except ``Store.bulk_insert``,
which writes its own audit rows. The one exception is a table derived from audited
records (``gis.storage.changes``: the search keys of names), declared so and rewritten
only by the storage layer, in the transaction that changes its sources."""

from __future__ import annotations

import pathlib
import re

import accounts.models  # noqa: F401  (register every model on the metadata)
import boundaries.line_models  # noqa: F401
import boundaries.redistricting.models  # noqa: F401
import gis.basemap  # noqa: F401
import placenames.models  # noqa: F401
import placenames.numbering.models  # noqa: F401
import placenames.registry_models  # noqa: F401
import placenames.search.key_table  # noqa: F401
import placenames.signs.models  # noqa: F401
from gis.storage import Base, Registered
from gis.storage.audit import AuditEntry

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_every_model_is_an_audited_record():
    models = [mapper.class_ for mapper in Base.registry.mappers]
    assert len(models) > 20
    derived = {m.__name__ for m in models if m.__table__.info.get("derived")}
    assert derived == {"SearchKey", "SearchIndexState"}  # made from audited records, never edited on their own
    unaudited = [m.__name__ for m in models if m is not AuditEntry and not issubclass(m, Registered) and m.__name__ not in derived]
    assert unaudited == []


def test_no_domain_code_writes_around_the_audited_session():
    """Core INSERT/UPDATE/DELETE statements bypass the audit hooks; outside the storage
    layer (and migrations) none may exist."""
    pattern = re.compile(
        r"\b(sa\.)?(insert|update|delete)\((?!\s*\))[A-Z]\w*(\.__table__)?\)|__table__\.(insert|update|delete)\("
        r"|(UPDATE|INSERT INTO|DELETE FROM) "
    )
    offenders = []
    for path in ROOT.glob("**/*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith((".venv", "tests/", "migrations/", "gis/storage/", "benchmarks/")):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line) and "select" not in line:
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []
