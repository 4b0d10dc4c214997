"""``diming units list|history|reorganise``: administrative units through time from the shell."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import sys
from pathlib import Path

import click

from gis.errors import InvalidInput


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("日期应为 YYYY-MM-DD", "The date must be YYYY-MM-DD") from None


def _row(unit) -> dict:
    return {
        "code": unit.code,
        "name": unit.name,
        "level": unit.level,
        "parent_code": unit.parent_code,
        "valid_from": unit.valid_from.isoformat(),
        "valid_to": unit.valid_to.isoformat() if unit.valid_to else None,
    }


@click.group()
def units() -> None:
    """Administrative units (区划) through time: the map of a date, a unit's history, reorganisations."""


@units.command("list")
@click.option("--level", help="Only this level (district, subdistrict, community, ...).")
@click.option("--parent", "parent_code", help="Only the units whose parent has this code.")
@click.option("--date", "on", help="The map of this date (YYYY-MM-DD; default today).")
@click.option("--json", "as_json", is_flag=True, help="Print the units as JSON.")
@click.pass_obj
def list_units(obj, level, parent_code, on, as_json) -> None:
    """The unit versions in force on a date, by level and code."""
    from boundaries.units import units_at

    date = _date(on) or dt.date.today()
    found = [u for u in units_at(obj.store, date, level) if parent_code is None or u.parent_code == parent_code]
    if as_json:
        click.echo(json.dumps({"date": date.isoformat(), "units": [_row(u) for u in found]}, ensure_ascii=False, indent=2))
        return
    for unit in found:
        click.echo(f"{unit.code:20} {unit.level:12} {unit.name}  (since {unit.valid_from}, parent {unit.parent_code or '—'})")
    click.echo(f"{len(found)} units in force on {date}")


@units.command("history")
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help="Print the history as JSON.")
@click.pass_obj
def unit_history(obj, code, as_json) -> None:
    """Every version of unit CODE, oldest first, and the reorganisations that touched it."""
    from boundaries.units import history

    record = history(obj.store, code)
    changes = [
        {"kind": c.kind, "effective": c.effective.isoformat(), "closed": c.closed_codes, "added": c.added_codes, "document": c.document}
        for c in record["changes"]
    ]
    if as_json:
        body = {"code": code, "versions": [_row(v) for v in record["versions"]], "changes": changes}
        click.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    for version in record["versions"]:
        click.echo(f"{version.valid_from} – {version.valid_to or '(in force)'}  {version.name}  parent {version.parent_code or '—'}")
    for change in changes:
        closed, added = ", ".join(change["closed"]) or "—", ", ".join(change["added"]) or "—"
        click.echo(f"{change['effective']} {change['kind']}: closed {closed}; added {added}")


def _print_findings(result: dict) -> None:
    for title, key in (("new (blocking)", "blocking"), ("new", "new"), ("existing before", "existing")):
        rows = result[key] if key != "new" else [r for r in result["new"] if r not in result["blocking"]]
        click.echo(f"{title}: {len(rows)}")
        for row in rows[:50]:
            click.echo(f"  [{row['rule']}] {row['message_zh']} / {row['message_en']} @ {row['location']}")


@units.command("reorganise")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--preview", is_flag=True, help="Only show the topology findings before and after; save nothing (exit 1 if it would be refused)."
)
@click.option("--json", "as_json", is_flag=True, help="With --preview: print the findings as JSON.")
@click.option("--actor", help="Who (recorded in the audit log); default cli:<user>.")
@click.option("--reason", help="Why (recorded in the audit log); default the file's reason.")
@click.pass_obj
def reorganise_units(obj, path, preview, as_json, actor, reason) -> None:
    """Apply the reorganisation in PATH (the JSON of POST /api/v1/units/reorganisations).

    Refused, nothing written, when it introduces gaps, overlaps or units outside their
    parent (the rules of `diming boundaries check`); findings that were there before do
    not block."""
    from boundaries.reorganisation_file import parse_reorganisation
    from boundaries.units import preview as check
    from boundaries.units import reorganise

    try:
        body = json.loads(Path(path).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"{path} 不是 UTF-8 JSON：{exc}", f"{path} is not UTF-8 JSON: {exc}") from None
    request = parse_reorganisation(body)
    if preview:
        result = check(obj.store, **request.change()).to_dict()
        if as_json:
            click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            _print_findings(result)
        if not result["ok"]:
            sys.exit(1)
        return
    change = reorganise(
        obj.store,
        **request.change(),
        actor=actor or f"cli:{getpass.getuser()}",
        reason=reason or request.reason or "区划调整 reorganisation",
        document=request.document,
    )
    obj.store.checkpoint()
    click.echo(f"reorganisation {change.id} ({change.kind}, {change.effective}): closed {change.closed_codes}, added {change.added_codes}")


COMMANDS = [units]
