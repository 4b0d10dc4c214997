"""``diming numbers``: door-number assignment, retirement and renumbering."""

from __future__ import annotations

import getpass
import json

import click

from gis.errors import InvalidInput


@click.group()
def numbers() -> None:
    """Door numbers (门牌号): assign along roads, retire, renumber."""


def _actor(actor: str | None) -> str:
    return actor or f"cli:{getpass.getuser()}"


@numbers.command("assign")
@click.argument("roads", nargs=-1)
@click.option("--all", "all_roads", is_flag=True, help="Every road with a current standard name.")
@click.option("--dry-run", is_flag=True, help="Show the numbers and their reasons; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="A JSON array, one object per building.")
@click.option("--allow-retired", is_flag=True, help="Let new buildings take retired numbers (an officer's explicit decision).")
@click.option("--actor")
@click.option("--reason")
@click.pass_obj
def assign(obj, roads, all_roads, dry_run, as_json, allow_retired, actor, reason) -> None:
    """Number the unnumbered buildings fronting ROADS (or --all roads)."""
    from placenames.numbering import service

    if bool(roads) == all_roads:
        raise InvalidInput("请给出道路名称，或使用 --all", "Give road names, or --all")
    names = list(roads) if roads else None
    if dry_run:
        plan = service.preview(obj.store, names, allow_retired=allow_retired)
    else:
        plan = service.commit(obj.store, names, actor=_actor(actor), reason=reason, allow_retired=allow_retired)
    rows = plan.rows()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for row in rows:
        where = f"{row['road']}\t{row['number']}\t{row['side']}\t{row['chainage']:.1f} m"
        click.echo(f"{where}\tbuilding {row['building']}\t{row['kind']}\t{row['reason']['zh']}")
    summary = plan.summary()
    verb = "would assign" if dry_run else "assigned"
    counts = (
        f"{summary['numbers']} numbers on {summary['roads']} roads ({summary['suffixed']} with suffix, {summary['secondary']} secondary)"
    )
    click.echo(f"{verb} {counts}", err=True)
    if summary["skipped_roads"]:
        click.echo(f"skipped (no current standard name): {', '.join(summary['skipped_roads'])}", err=True)


@numbers.command("retire")
@click.option("--plate", "plate_ids", type=int, multiple=True, help="Door plate id (repeat).")
@click.option("--building", "building_id", type=int, help="Retire every current plate of this (demolished) building.")
@click.option("--reason", required=True)
@click.option("--actor")
@click.pass_obj
def retire(obj, plate_ids, building_id, reason, actor) -> None:
    """Retire door numbers; they stay blocked for reuse."""
    from placenames.numbering import lifecycle

    for row in lifecycle.retire(obj.store, plate_ids=list(plate_ids) or None, building_id=building_id, actor=_actor(actor), reason=reason):
        click.echo(f"retired {row['address']}")


@numbers.command("renumber")
@click.argument("road")
@click.option("--reason", required=True, help="e.g. the rename or realignment notice.")
@click.option("--actor")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def renumber(obj, road, reason, actor, as_json) -> None:
    """Renumber a whole road, recording old -> new for every address."""
    from placenames.numbering import lifecycle

    changes = lifecycle.renumber(obj.store, road, actor=_actor(actor), reason=reason)
    if as_json:
        click.echo(json.dumps(changes, ensure_ascii=False, indent=1))
        return
    for change in changes:
        click.echo(f"{change['old_address']} -> {change['new_address']}")


@numbers.command("entrance")
@click.argument("building")
@click.option("--lon", type=float, help="Longitude of the main entrance (CGCS2000).")
@click.option("--lat", type=float, help="Latitude of the main entrance (CGCS2000).")
@click.option("--description", help="e.g. 正门, 东侧入口.")
@click.option("--clear", is_flag=True, help="Forget the recorded entrance.")
@click.option("--actor")
@click.option("--reason")
@click.pass_obj
def entrance(obj, building, lon, lat, description, clear, actor, reason) -> None:
    """Record (or --clear) the main entrance of BUILDING (its code, or id); numbering then uses it."""
    import shapely

    from placenames.numbering import entrances

    key = int(building) if building.isdigit() else building
    if clear:
        entrances.clear_entrance(obj.store, key, actor=_actor(actor), reason=reason)
        click.echo(f"entrance of {building} removed")
        return
    if lon is None or lat is None:
        raise InvalidInput("请给出 --lon 和 --lat，或使用 --clear", "Give --lon and --lat, or --clear")
    row = entrances.set_entrance(obj.store, key, shapely.Point(lon, lat), actor=_actor(actor), reason=reason, description=description)
    click.echo(f"entrance of {row['code']} at {row['lon']:.7f}, {row['lat']:.7f}")


@click.group()
def signs() -> None:
    """Road signs and door plates: inventory and inspections (检查验收)."""


@signs.command("report")
@click.option("--json", "as_json", is_flag=True, help="The whole report as JSON.")
@click.option(
    "--due-days", default=365, show_default=True, type=click.IntRange(1, 3650), help="An item is due when not inspected for this many days."
)
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="Report as of this date (default: today).")
@click.pass_obj
def report(obj, as_json, due_days, today) -> None:
    """Counts and pass rates by road and subdistrict, items due, text out of date."""
    from placenames.signs import reports

    result = reports.report(obj.store, today=today.date() if today else None, due_after_days=due_days)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
        return
    for title, key in (("按街道 by subdistrict", "by_subdistrict"), ("按道路 by road", "by_road")):
        click.echo(title)
        for name, t in result[key].items():
            rate = f"{t['pass_rate']:.1%}" if t["pass_rate"] is not None else "-"
            click.echo(f"  {name}\t{t['items']} items\t{t['inspected']} inspected\t{t['passed']} passed\t{t['failed']} failed\t{rate}")
    totals = result["totals"]
    rate = totals["pass_rate"] if totals["pass_rate"] is not None else "-"
    click.echo(f"total: {totals['items']} items, {totals['inspected']} inspected, pass rate {rate}")
    click.echo(f"due for inspection: {len(result['due'])}; text no longer matching the register: {len(result['text_mismatch'])}")
    for item in result["text_mismatch"][:50]:
        click.echo(f"  {item['kind']} {item['id']} on {item['road']}: '{item['text']}' should read '{item['expected']}'")


@signs.command("export")
@click.option("--out", "path", required=True, type=click.Path(dir_okay=False), help="File to write: .csv, .gpkg, .geojson, .shp ...")
@click.option("--plates", is_flag=True, help="The plates (门牌/楼牌/单元牌/户牌) instead of the road signs.")
@click.option("--crs", default="EPSG:4490", show_default=True, help="Output CRS (also GCJ-02, BD-09).")
@click.option("--encoding", default="UTF-8", show_default=True, help="Text encoding of CSV/shapefile output, e.g. GBK.")
@click.option(
    "--headers",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="Column names and status values: zh for field teams (所属道路, 在用), en for machine exchange.",
)
@click.pass_obj
def export_inventory(obj, path, plates, crs, encoding, headers) -> None:
    """Write the road signs (or --plates) with their inspection state to a file."""
    from placenames.signs import exchange

    export = exchange.export_plates if plates else exchange.export_signs
    count = export(obj.store, path, crs=crs, encoding=encoding, headers=headers)
    click.echo(f"wrote {count} {'plates' if plates else 'road signs'} to {path}")


@signs.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--plates", is_flag=True, help="The file holds plates instead of road signs.")
@click.option("--crs", help="CRS of a file that declares none (CSV): EPSG:4490, EPSG:4326, GCJ-02 ...")
@click.option("--encoding", help="Text encoding (default: UTF-8, else GBK).")
@click.option("--layer", help="Layer of a GeoPackage holding several.")
@click.option("--json", "as_json", is_flag=True)
@click.option("--actor")
@click.option("--reason")
@click.pass_obj
def import_inventory(obj, path, plates, crs, encoding, layer, as_json, actor, reason) -> None:
    """Add or update road signs (or --plates) from a file, all or nothing; rows with an id update that item."""
    from placenames.signs import exchange

    load = exchange.import_plates if plates else exchange.import_signs
    summary = load(obj.store, path, actor=_actor(actor), reason=reason, encoding=encoding, crs=crs, layer=layer).to_dict()
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
        return
    click.echo(f"{summary['rows']} rows: {summary['inserted']} added, {summary['updated']} updated, {summary['unchanged']} unchanged")
