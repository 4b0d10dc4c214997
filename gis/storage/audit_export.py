"""Export of the audit log for archiving: JSON Lines or CSV, oldest first, streamed.

Secret columns are masked on the way out, also in entries written before secrets
were kept out of the log (the log itself is append-only and is not rewritten).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

from sqlalchemy import select

from gis.errors import UnsupportedFormat

from .audit import AuditEntry, conceal, to_jsonable
from .store import Store

FIELDS = ("id", "occurred_at", "actor", "action", "table_name", "record_id", "version", "reason", "before", "after")


def entries(store: Store, *, since: dt.datetime | None = None, table: str | None = None, batch: int = 5000):
    """Audit entries as dicts, oldest first, read in batches (the log can be large)."""
    last_id = 0
    while True:
        query = select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)
        if since is not None:
            query = query.where(AuditEntry.occurred_at >= since)
        if table is not None:
            query = query.where(AuditEntry.table_name == table)
        with store.read() as session:
            rows = session.scalars(query).all()
        if not rows:
            return
        for row in rows:
            entry = {name: to_jsonable(getattr(row, name)) for name in FIELDS}
            entry["before"], entry["after"] = conceal(row.table_name, entry["before"]), conceal(row.table_name, entry["after"])
            yield entry
        last_id = rows[-1].id


def export(store: Store, path: str | Path, *, since: dt.datetime | None = None, table: str | None = None) -> int:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".jsonl", ".csv"):
        raise UnsupportedFormat("审计日志只能导出为 .jsonl 或 .csv", "The audit log exports to .jsonl or .csv only")
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=FIELDS) if suffix == ".csv" else None
        if writer:
            writer.writeheader()
        for entry in entries(store, since=since, table=table):
            if writer:
                writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v for k, v in entry.items()})
            else:
                out.write(json.dumps(entry, ensure_ascii=False) + "\n")
            count += 1
    return count
