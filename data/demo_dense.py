"""Demo step for ``--scale`` above 1: a denser address stock on the stored roads.

Why a step on the stored district: the demo's door plates come from the numbering
engine, which reads the stored roads, their settings and the plates already numbered;
millions of plates through the engine (one candidate at a time) would take hours, so the
dense stock is generated in bulk (``data.demo.dense``) by the same rule and written fast.

What it records: every plate is an ordinary current ``door_plates`` row (road, number,
suffix, number_text, side L/R, standard address text, point, chainage, community code,
its road's district (the partition key, named here since COPY fills no default),
``source = synthetic-demo-dense``) with its created_by/updated_by. The audit log gets
**one row per written batch**, not one per plate (action ``bulk_insert``, record_id 0,
``after`` = the batch's first and last id, count, seed and reason): the per-record audit
of ``Store.bulk_insert`` writes as much again as the plates themselves and is what made
millions of rows slow. Those plates have no per-plate history and no sign inventory
items. On PostgreSQL the rows go in with COPY; on SQLite with executemany.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import func, insert, select

from data.demo.dense import allocate, dense_plates
from data.demo.randomness import stream
from gis.basemap import AdminUnit, Road
from gis.storage import Store
from gis.storage.audit import AuditEntry
from gis.storage.geometry import STORAGE_SRID
from gis.storage.model import table_of, utcnow
from placenames.models import DoorPlate
from placenames.numbering import geometry
from placenames.numbering.address import AdminNames
from placenames.numbering.context import district_settings, road_settings
from placenames.numbering.models import RoadNumbering
from placenames.numbering.service import stored_address
from placenames.numbering.settings import SUFFIX_STYLES

ACTOR = "demo-builder"
SOURCE = "synthetic-demo-dense"
CHUNK = 250_000  # plates generated and written at a time (bounds memory at millions)


def add_dense_plates(store: Store, *, seed: int, count: int, reason: str | None = None) -> dict[str, int]:
    """Add ``count`` door plates over the stored roads, in one transaction."""
    reason = reason or f"demo dense address stock, seed {seed}, {count} plates"
    with store.transaction(actor=ACTOR, reason=reason) as session:
        roads = _roads(session)
        if not roads["ids"].size or count <= 0:
            return {"dense_plates": 0}
        units, unit_codes = _units(session)
        names = AdminNames(session)
        per_road = allocate(shapely.length(roads["lines"]), roads["plates_now"], count, seed)
        written, chunk_no = 0, 0
        bounds = _chunks(per_road, CHUNK)
        for start, stop in bounds:
            taken = _taken(session, roads["ids"][start:stop])
            plates = dense_plates(
                roads["lines"][start:stop],
                roads["odd_left"][start:stop],
                roads["spacing"][start:stop],
                per_road[start:stop],
                taken,
                stream(seed, f"dense-plates-{chunk_no}"),
            )
            if len(plates.road):
                rows = _rows(plates, start, roads, units, unit_codes, names)
                written += _write(session, rows, seed=seed, reason=reason)
            chunk_no += 1
    store.analyze(table_of(DoorPlate).name)  # a bulk load: fresh statistics, pages marked for index-only reads
    return {"dense_plates": written}


def _chunks(per_road: np.ndarray, size: int) -> list[tuple[int, int]]:
    """Consecutive road ranges holding about ``size`` new plates each."""
    bounds, start, total = [], 0, 0
    for k, n in enumerate(per_road):
        total += int(n)
        if total >= size:
            bounds.append((start, k + 1))
            start, total = k + 1, 0
    if start < len(per_road):
        bounds.append((start, len(per_road)))
    return bounds


def _roads(session) -> dict[str, np.ndarray]:
    district = district_settings(session)
    overrides = {row.road_id: row for row in session.scalars(select(RoadNumbering))}
    rows = session.execute(select(Road.id, Road.name, Road.geom, Road.district_code).order_by(Road.id)).all()
    counts = dict(session.execute(select(DoorPlate.road_id, func.count()).group_by(DoorPlate.road_id)).all())
    metric = geometry.to_metric(np.array([r[2] for r in rows], dtype=object)) if rows else []
    lines, odd_left, spacing, styles = [], [], [], []
    for (road_id, *_), line in zip(rows, metric, strict=True):
        settings = road_settings(district, overrides.get(road_id))
        lines.append(geometry.orient(geometry.merge_centreline(line), settings.direction))
        odd_left.append(settings.odd_side == "L")
        spacing.append(settings.spacing_m)
        styles.append(SUFFIX_STYLES[settings.suffix_style].split("}", 1)[1].split("{", 1)[0])  # "-", "附", "之"
    return {
        "ids": np.array([r[0] for r in rows], dtype=np.int64),
        "names": np.array([r[1] for r in rows], dtype=object),
        "districts": np.array([r[3] for r in rows], dtype=object),
        "lines": np.array(lines, dtype=object),
        "odd_left": np.array(odd_left, dtype=bool),
        "spacing": np.array(spacing, dtype=float),
        "separator": np.array(styles, dtype=object),
        "plates_now": np.array([counts.get(r[0], 0) for r in rows], dtype=np.int64),
    }


def _units(session) -> tuple[shapely.STRtree, np.ndarray]:
    """The units a plate's address derives from: communities in force, and subdistricts
    in force without communities (as the engine's ``admin_code``), in metres."""
    rows = session.execute(
        select(AdminUnit.code, AdminUnit.level, AdminUnit.parent_code, AdminUnit.geom).where(
            AdminUnit.valid_to.is_(None), AdminUnit.level.in_(("community", "subdistrict"))
        )
    ).all()
    parents = {parent for _, level, parent, _ in rows if level == "community"}
    chosen = [(code, geom) for code, level, _, geom in rows if level == "community" or code not in parents]
    polygons = geometry.to_metric(np.array([g for _, g in chosen], dtype=object))
    return shapely.STRtree(polygons), np.array([c for c, _ in chosen], dtype=object)


def _taken(session, road_ids: np.ndarray) -> dict[tuple[int, int], int]:
    """(road position in ``road_ids``, number) -> highest infill ordinal held, any status."""
    position = {int(r): k for k, r in enumerate(road_ids)}
    rows = session.execute(select(DoorPlate.road_id, DoorPlate.number, DoorPlate.suffix).where(DoorPlate.road_id.in_(list(position))))
    taken: dict[tuple[int, int], int] = {}
    for road_id, number, suffix in rows:
        digits = "".join(ch for ch in (suffix or "") if ch.isdigit())
        key = (position[road_id], number)
        taken[key] = max(taken.get(key, 0), int(digits) if digits else 0)
    return taken


def _rows(plates, start: int, roads, units: shapely.STRtree, unit_codes: np.ndarray, names: AdminNames) -> pd.DataFrame:
    road = plates.road + start
    inside, hit = units.query(plates.point, predicate="intersects")
    unit = np.full(len(road), -1, dtype=np.int64)
    unit[inside[::-1]] = hit[::-1]  # the first unit found, where a point is on a shared edge
    lost = np.flatnonzero(unit < 0)  # just beyond the district's edge: the nearest unit
    if len(lost):
        near = units.query_nearest(plates.point[lost], all_matches=False)
        unit[lost[near[0]]] = near[1]
    admin = unit_codes[unit]
    number = pd.Series(plates.number).astype(str)
    ordinal = pd.Series(plates.ordinal)
    suffix = ordinal.astype(str).where(ordinal > 0, "")
    number_text = number.where(ordinal == 0, number + pd.Series(roads["separator"][road]) + suffix)
    road_names = roads["names"][road]
    # The standard address of (unit, road) with the number in its place, once per pair.
    pairs = pd.DataFrame({"admin": admin, "road": road_names})
    heads = {}
    for a, r in pairs.drop_duplicates().itertuples(index=False):
        heads[(a, r)] = stored_address(names, a, r, "\x00").split("\x00")
    head = pd.Series([heads[key][0] for key in zip(admin, road_names, strict=True)])
    tail = pd.Series([heads[key][1] for key in zip(admin, road_names, strict=True)])
    storage = geometry.to_storage(plates.point)
    return pd.DataFrame(
        {
            "road_id": roads["ids"][road],
            "number": plates.number,
            "suffix": suffix,
            "number_text": number_text,
            "side": plates.side,
            "address": head + number_text + tail,
            "status": "current",
            "geom": storage,
            "chainage_m": np.round(plates.chainage, 2),
            "kind": "main",
            "admin_code": admin,
            "district_code": roads["districts"][road],
        }
    )


def _write(session, rows: pd.DataFrame, *, seed: int, reason: str | None) -> int:
    """Write the plates, then one audit row for the batch."""
    table = table_of(DoorPlate)
    now = utcnow()
    before = session.scalar(select(func.coalesce(func.max(DoorPlate.id), 0)))
    stamps: dict[str, object] = {
        "version": 1,
        "source": SOURCE,
        "created_at": now,
        "created_by": ACTOR,
        "updated_at": now,
        "updated_by": ACTOR,
    }
    if session.get_bind().dialect.name == "postgresql":
        frame = rows.assign(
            geom=shapely.to_wkb(shapely.set_srid(rows["geom"].to_numpy(), STORAGE_SRID), hex=True, include_srid=True),
            **(stamps | {"created_at": now.isoformat(), "updated_at": now.isoformat()}),
        )
        buffer = io.StringIO()
        frame.to_csv(buffer, sep="\t", header=False, index=False, na_rep="\\N")
        buffer.seek(0)
        columns = ", ".join(frame.columns)
        cursor = session.connection().connection.dbapi_connection.cursor()
        cursor.copy_expert(f"COPY {table.name} ({columns}) FROM STDIN", buffer)
    else:
        records = rows.to_dict("records")
        for start in range(0, len(records), 5000):
            session.execute(insert(table), [{**stamps, **record} for record in records[start : start + 5000]])
    first, last, written = session.execute(
        select(func.min(DoorPlate.id), func.max(DoorPlate.id), func.count()).where(DoorPlate.id > before)
    ).one()
    session.execute(
        insert(table_of(AuditEntry)).values(
            occurred_at=now,
            actor=ACTOR,
            action="bulk_insert",
            table_name=table.name,
            record_id=0,
            version=1,
            reason=reason,
            before=None,
            after={"first_id": first, "last_id": last, "count": written, "source": SOURCE, "seed": seed},
        )
    )
    return int(written)
