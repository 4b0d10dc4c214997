"""The register of standard names: spelling a name, reading entries for officers
and for the public, and searching current and former names.

Whatever writes a name (an import, an announcement) takes its spelling from
``spelling`` so the 专名/通名 split, romanization and homophone key never disagree.
What a sign prints or the public is served is ``spelling_of`` an entry: the officer's
override when set, else the rules' spelling; the stored ``romanization`` column is
written from it (and ``respell`` rewrites it when the rules change), so search and the
OGC layer, which read the column, agree with signs and census files.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from gis.errors import NotFound

from . import categories
from .models import PlaceName
from .registry_models import NameAlias
from .romanization import analyse, pinyin_key, romanize
from .romanization.syllables import check as check_override

PUBLIC_FIELDS = (
    "name",
    "romanization",
    "category_code",
    "category_label",
    "admin_code",
    "status",
    "location_description",
    "approving_body",
    "approved_on",
    "announced_on",
)
CENSUS_FIELDS = (
    "name_code",
    "specific_part",
    "generic_part",
    "generic_romanization",
    "romanization_override",
    "pinyin_key",
    "entity_code",
    "cross_admin_codes",
    "map_name",
    "map_sheet",
    "map_scale",
    "pronunciation_audio",
    "minority_script",
    "language",
    "named_on",
    "established_year",
    "abolished_year",
    "sign_count",
    "elevation_m",
    "measurement_method",
    "meaning",
    "origin",
    "history",
    "entity_description",
    "multimedia",
    "data_source",
    "remarks",
    "registered_on",
    "registrar",
    "registering_unit",
    "classification",
    "approval_document",
    "filed_on",
    "retired_on",
    "description",
)


def spelling_of(record: Any) -> str:
    """The romanization of a register entry (or any row with ``name``,
    ``category_code`` and ``romanization_override``) as signs print it and the public
    is served it: the officer's override when set, else the rules' spelling of the
    name in its category. The one place for that rule."""
    override = getattr(record, "romanization_override", None)
    if override:
        return override
    code = getattr(record, "category_code", None)
    if code not in categories.categories():
        return romanize(record.name)
    return romanize(record.name, category=code, generic=getattr(record, "generic_part", None))


def respell(store, *, actor: str) -> int:
    """Rewrite the stored spelling of every entry whose rules' spelling changed (a new
    rule, a corrected reading); overrides stay. Audited; returns how many changed."""
    with store.transaction(actor=actor, reason="罗马字母拼写按现行规则重算 romanization re-spelled by the current rules") as session:
        changed = 0
        for entry in session.scalars(select(PlaceName).order_by(PlaceName.id)):
            columns = {"romanization": spelling_of(entry)}
            if entry.category_code in categories.categories() and not entry.romanization_override:
                fresh = spelling(entry.name, entry.category_code)
                columns.update({k: fresh[k] for k in ("specific_part", "generic_part", "generic_romanization", "romanization")})
            differing = {k: v for k, v in columns.items() if getattr(entry, k) != v}
            for key, value in differing.items():
                setattr(entry, key, value)
            changed += bool(differing)
        return changed


def spelling(name: str, category_code: str, *, override: str | None = None, generic: str | None = None) -> dict[str, Any]:
    """The columns of a name that follow from its characters and category; an
    override is checked as Hanyu Pinyin first (InvalidInput when it is not)."""
    category = categories.get(category_code)
    override = check_override(override) if override else None
    parts = analyse(name, category=category.code, generic=generic)
    generic_text = parts.generic
    return {
        "name": name,
        "category_code": category.code,
        "category_label": category.label_zh,
        "specific_part": parts.specific + ("" if parts.ordinal is None else name[len(parts.specific) : len(name) - len(generic_text)]),
        "generic_part": generic_text or None,
        "romanization": override or romanize(name, category=category.code, generic=generic),
        "generic_romanization": romanize(generic_text, generic="") if generic_text else None,
        "romanization_override": override or None,
        "pinyin_key": pinyin_key(name),
    }


def get_name(session, name_id: int) -> PlaceName:
    entry = session.get(PlaceName, name_id)
    if entry is None:
        raise NotFound(f"地名 {name_id} 不存在", f"Place name {name_id} does not exist")
    return entry


def aliases(session, name_id: int) -> list[NameAlias]:
    return list(session.scalars(select(NameAlias).where(NameAlias.place_name_id == name_id).order_by(NameAlias.id)))


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def public_dict(entry: PlaceName, former: list[NameAlias] | None = None) -> dict[str, Any]:
    """What anyone may see: no census-only, classified or audit data."""
    body = {"id": entry.id, **{f: _plain(getattr(entry, f)) for f in PUBLIC_FIELDS}}
    body["romanization"] = spelling_of(entry)
    if former is not None:
        body["former_names"] = [
            {"name": a.alias, "valid_from": _plain(a.valid_from), "valid_to": _plain(a.valid_to)} for a in former if a.kind == "former"
        ]
    return body


def officer_dict(session, entry: PlaceName) -> dict[str, Any]:
    body = public_dict(entry)
    body.update({f: _plain(getattr(entry, f)) for f in CENSUS_FIELDS})
    body["version"] = entry.version
    body["geometry"] = entry.geom.__geo_interface__ if entry.geom is not None else None
    body["aliases"] = [
        {"alias": a.alias, "kind": a.kind, "valid_from": _plain(a.valid_from), "valid_to": _plain(a.valid_to), "note": a.note}
        for a in aliases(session, entry.id)
    ]
    return body


def search(session, text: str, *, limit: int = 50) -> list[dict[str, Any]]:
    """Public search over current names, retired (cancelled) names marked as such, and
    the former names of current or retired names, each saying whose former name it is."""
    pattern = f"%{text}%"
    results: list[dict[str, Any]] = []
    current = session.scalars(
        select(PlaceName)
        .where(
            PlaceName.status == "current",
            PlaceName.classification == "public",
            or_(PlaceName.name.like(pattern), PlaceName.romanization.ilike(pattern)),
        )
        .order_by(PlaceName.name)
        .limit(limit)
    )
    results += [{**public_dict(entry), "match": "current"} for entry in current]
    retired = session.scalars(
        select(PlaceName)
        .where(PlaceName.status == "retired", PlaceName.classification == "public", PlaceName.name.like(pattern))
        .order_by(PlaceName.name)
        .limit(limit)
    )
    for entry in retired:
        results.append(
            {
                **public_dict(entry),
                "match": "retired",
                "retired_on": _plain(entry.retired_on),
                "description": {
                    "zh": f"已销名的历史地名（{_plain(entry.retired_on) or '日期不详'}）",
                    "en": f"cancelled name, retired on {_plain(entry.retired_on) or 'unknown date'}",
                },
            }
        )
    former = session.execute(
        select(NameAlias, PlaceName)
        .join(PlaceName, PlaceName.id == NameAlias.place_name_id)
        .where(
            NameAlias.kind == "former",
            NameAlias.alias.like(pattern),
            PlaceName.status.in_(("current", "retired")),
            PlaceName.classification == "public",
        )
        .order_by(NameAlias.alias)
        .limit(limit)
    ).all()
    for alias, entry in former:
        results.append(
            {
                "name": alias.alias,
                "match": "former",
                "valid_from": _plain(alias.valid_from),
                "valid_to": _plain(alias.valid_to),
                "former_name_of": public_dict(entry),
                "description": {"zh": f"“{entry.name}”的曾用名", "en": f"former name of '{entry.name}'"},
            }
        )
    return results


def check_name(store, name: str, category: str, admin_code: str | None = None):
    """Run every check on ``name`` (category by code or label, and the administrative
    area when given) against the register."""
    from .checks import Candidate, run_checks

    category_code = categories.find(category).code
    with store.read() as session:
        return run_checks(session, Candidate(name.strip(), category_code, admin_code=admin_code))


def fill_spelling(session, frame):
    """Layer import hook: give each imported name its parts, romanization (unless the
    file brings one) and homophone key, so imported names take part in the checks."""
    frame = frame.copy()
    known = categories.categories()
    refuse_rule_breaks(session, frame)
    parts = [
        spelling(name, code) if code in known else {"pinyin_key": pinyin_key(name)}
        for name, code in zip(frame["name"], frame["category_code"], strict=True)
    ]
    for column in ("specific_part", "generic_part", "pinyin_key"):
        frame[column] = [p.get(column) for p in parts]
    given = frame["romanization"] if "romanization" in frame.columns else [None] * len(frame)
    overrides = [
        override if override != p.get("romanization") else None
        for override, p in zip((check_override(g) if isinstance(g, str) and g.strip() else None for g in given), parts, strict=True)
    ]
    frame["romanization_override"] = overrides  # a file's spelling that differs from the rules is kept as an override
    frame["romanization"] = [o or p.get("romanization") or romanize(n) for o, p, n in zip(overrides, parts, frame["name"], strict=True)]
    return frame


def refuse_rule_breaks(session, frame) -> None:
    """The naming rules on every row of a place-name layer (the demo loads through here
    too), all rows or none, by row number like the census import."""
    from gis.errors import InvalidInput

    from .checks import Candidate
    from .checks.runner import import_problem

    rows = frame["_row"].tolist() if "_row" in frame.columns else list(range(1, len(frame) + 1))
    codes = frame["admin_code"].tolist() if "admin_code" in frame.columns else [None] * len(frame)
    states = frame["status"].tolist() if "status" in frame.columns else ["current"] * len(frame)
    known = categories.categories()
    problems = []
    for row, name, code, admin, state in zip(rows, frame["name"], frame["category_code"], codes, states, strict=True):
        if code not in known:
            continue  # categories outside the table are the layer spec's concern
        admin = admin if isinstance(admin, str) and admin else None
        problem = import_problem(
            session, Candidate(str(name), code, admin_code=admin), current=not isinstance(state, str) or state == "current"
        )
        if problem:
            problems.append({"row": int(row), "problem": problem})
    if problems:
        raise InvalidInput(
            f"地名图层有 {len(problems)} 行不符合地名规则，未导入任何记录",
            f"{len(problems)} rows of the place-name layer break the naming rules; nothing was imported",
            details=problems,
        )


# Fields an officer may correct directly; the name, its category and its status change
# only through the procedure (applications / transitions); the 地名代码 never (name_codes).
EDITABLE = (
    "romanization_override",
    "map_name",
    "map_sheet",
    "map_scale",
    "pronunciation_audio",
    "minority_script",
    "language",
    "named_on",
    "established_year",
    "abolished_year",
    "sign_count",
    "elevation_m",
    "measurement_method",
    "meaning",
    "origin",
    "history",
    "entity_description",
    "location_description",
    "multimedia",
    "data_source",
    "remarks",
    "registrar",
    "registering_unit",
    "classification",
    "cross_admin_codes",
    "description",
)


def update_name(store, name_id: int, changes: dict[str, Any], *, actor: str, reason: str, version: int | None) -> None:
    """Correct register fields under optimistic locking; a new override re-spells the name."""
    from gis.errors import InvalidInput, VersionConflict

    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InvalidInput(
            f"这些字段不能直接修改：{'、'.join(unknown)}（名称、类别、状态须经命名程序）",
            f"These fields cannot be edited directly: {', '.join(unknown)} (name, category and status change only through the procedure)",
            details={"fields": unknown, "editable": list(EDITABLE)},
        )
    if not isinstance(version, int) or isinstance(version, bool):
        raise InvalidInput("须给出当前版本号 version", "Give the current 'version' of the record")
    if "romanization_override" in changes:
        given = changes["romanization_override"]
        if given is not None and not isinstance(given, str):
            raise InvalidInput("罗马字母拼写应为文字或 null", "romanization_override must be text or null")
        changes = {**changes, "romanization_override": check_override(given) if given and given.strip() else None}
    with store.transaction(actor=actor, reason=reason) as session:
        entry = get_name(session, name_id)
        if entry.version != version:
            raise VersionConflict(details={"expected": version, "current": entry.version})
        for key, value in changes.items():
            setattr(entry, key, value)
        if "romanization_override" in changes:
            entry.romanization = spelling_of(entry)


def list_names(
    session, *, status: str | None = None, category: str | None = None, limit: int = 200, offset: int = 0
) -> list[dict[str, Any]]:
    query = select(PlaceName).order_by(PlaceName.id).limit(limit).offset(offset)
    if status:
        query = query.where(PlaceName.status == status)
    if category:
        query = query.where(PlaceName.category_code == category)
    return [{**public_dict(e), "classification": e.classification, "version": e.version} for e in session.scalars(query)]
