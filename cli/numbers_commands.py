"""``diming numbers``: door-number assignment, retirement and renumbering."""

from __future__ import annotations

import getpass
import json
from dataclasses import replace

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
@click.option("--address", help="Retire the current plate of this address, e.g. 子君路88号 (or the full standard address).")
@click.option("--reason", required=True)
@click.option("--actor")
@click.pass_obj
def retire(obj, plate_ids, building_id, address, reason, actor) -> None:
    """Retire door numbers; they stay blocked for reuse."""
    from placenames.numbering import lifecycle

    rows = lifecycle.retire(
        obj.store, plate_ids=list(plate_ids) or None, building_id=building_id, address=address, actor=_actor(actor), reason=reason
    )
    for row in rows:
        click.echo(f"retired {row['address']}")


@numbers.command("address")
@click.argument("address_id", type=int)
@click.option("--building", help="幢 (building) number, e.g. 3.")
@click.option("--unit", help="单元 (unit) number, e.g. 2.")
@click.option("--room", help="室 (room) number, e.g. 501.")
@click.option("--json", "as_json", is_flag=True, help="The parts, texts and kind as JSON.")
@click.pass_obj
def address(obj, address_id, building, unit, room, as_json) -> None:
    """The full standard address of door plate ADDRESS_ID, down to 幢/单元/室; a secondary address says so."""
    from placenames.numbering import lookup

    view = lookup.describe(obj.store, address_id, building=building, unit=unit, room=room)
    if as_json:
        click.echo(json.dumps(view, ensure_ascii=False, indent=1))
        return
    click.echo(view["full_text"])
    if view["secondary"]:
        click.echo(f"（次要地址 secondary address；主地址 main address: {view['main_address'] or '—'}）")
    if view["status"] != "current":
        click.echo(f"（已注销 {view['status']}）")


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


@numbers.group("compound")
def compound() -> None:
    """Compounds (小区/大院): one door number for the area, 楼栋号 for its buildings."""


def _lonlat(value: str, option: str):
    import shapely

    try:
        lon, lat = (float(part) for part in value.split(","))
    except ValueError:
        raise InvalidInput(f"{option} 应为“经度,纬度”：{value}", f"{option} must be 'lon,lat': {value}") from None
    return shapely.Point(lon, lat)


def _print_compound(view: dict) -> None:
    click.echo(f"{view['id']}\t{view['name']}\t{view['address']}")
    for building in view.get("buildings", []):
        click.echo(f"  {building['text'] or '（未编号 unnumbered）'}\t{building['code']}")


@compound.command("add")
@click.argument("name")
@click.option("--road", required=True, help="The road its main gate opens onto, e.g. 子君路.")
@click.option("--entrance", required=True, help="Main gate as lon,lat (CGCS2000).")
@click.option("--side-entrance", "side_entrances", multiple=True, help="Another gate as lon,lat (repeat).")
@click.option("--wkt", help="Outline as a WKT polygon (CGCS2000 lon/lat).")
@click.option("--around", help="Or: the outline around these buildings (codes, comma-separated).")
@click.option("--order", type=click.Choice(["entrance", "s_order"]), default="entrance", show_default=True, help="楼栋号 order.")
@click.option("--no-numbers", is_flag=True, help="Register only; number the buildings later.")
@click.option("--retire-street-numbers", is_flag=True, help="Retire the street numbers the buildings inside already have.")
@click.option("--json", "as_json", is_flag=True)
@click.option("--actor")
@click.option("--reason")
@click.pass_obj
def compound_add(obj, name, road, entrance, side_entrances, wkt, around, order, no_numbers, retire_street_numbers, as_json, actor, reason):
    """Register compound NAME: it gets one door number on --road, its buildings their 楼栋号."""
    from placenames.numbering import compounds

    if bool(wkt) == bool(around):
        raise InvalidInput("请给出 --wkt 或 --around（二者之一）", "Give --wkt or --around (one of them)")
    polygon = wkt if wkt else compounds.outline_around(obj.store, [c.strip() for c in around.split(",") if c.strip()])
    view = compounds.register(
        obj.store,
        name=name,
        polygon=polygon,
        road=road,
        entrance=_lonlat(entrance, "--entrance"),
        side_entrances=[(_lonlat(v, "--side-entrance"), None) for v in side_entrances],
        order=order,
        number=not no_numbers,
        retire_street_numbers=retire_street_numbers,
        actor=_actor(actor),
        reason=reason,
    )
    if as_json:
        click.echo(json.dumps(view, ensure_ascii=False, indent=1))
        return
    _print_compound(view)
    for row in view["street_numbered"]:
        click.echo(f"still numbered on the street (retire with --retire-street-numbers): {row['address']}", err=True)


@compound.command("list")
@click.option("--road", help="Only this road's compounds.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def compound_list(obj, road, as_json) -> None:
    """Every compound with its address and how many of its buildings are numbered."""
    from placenames.numbering import compounds

    rows = compounds.list_compounds(obj.store, road=road)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for row in rows:
        click.echo(f"{row['id']}\t{row['name']}\t{row['address']}\t{row['numbered']}/{row['buildings']} 幢")


@compound.command("number-buildings")
@click.argument("compound_key")
@click.option("--order", type=click.Choice(["entrance", "s_order"]), help="楼栋号 order (default: the compound's).")
@click.option("--json", "as_json", is_flag=True)
@click.option("--actor")
@click.option("--reason")
@click.pass_obj
def compound_number(obj, compound_key, order, as_json, actor, reason) -> None:
    """Give the unnumbered buildings of COMPOUND (id or name) their 楼栋号; numbers given stay."""
    from placenames.numbering import compounds

    view = compounds.number(obj.store, compound_key, order=order, actor=_actor(actor), reason=reason)
    if as_json:
        click.echo(json.dumps(view, ensure_ascii=False, indent=1))
        return
    _print_compound(view)


@compound.command("address")
@click.argument("compound_key")
@click.option("--building", help="楼栋号, e.g. 3 (3幢 and 3栋 are read the same).")
@click.option("--unit", help="单元, e.g. 2.")
@click.option("--room", help="室, e.g. 501.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def compound_address(obj, compound_key, building, unit, room, as_json) -> None:
    """The full standard address in COMPOUND (id or name), down to 幢/单元/室."""
    from placenames.numbering import compounds, lookup

    plate = compounds.describe(obj.store, compound_key)["door_plate"]
    view = lookup.describe(obj.store, plate, building=building, unit=unit, room=room)
    if as_json:
        click.echo(json.dumps(view, ensure_ascii=False, indent=1))
        return
    click.echo(view["full_text"])


@click.group()
def signs() -> None:
    """Road signs and door plates: inventory and inspections (检查验收)."""


REPORT_WORDS = {
    "zh": {
        "by_subdistrict": "按街道统计（以每件最近一次巡查结果计）",
        "row": "  {name}\t{items} 件\t已巡查 {inspected}\t合格 {passed}\t不合格 {failed}\t合格率 {rate}",
        "total": "合计：{items} 件，已巡查 {inspected}，合格 {passed}，不合格 {failed}，合格率 {rate}",
        "counts": "待巡查 {due} 件；文字与登记不符 {mismatch} 件",
        "mismatch": "  {kind} {id}（{road}）：“{text}” 应为 “{expected}”",
        "more": "  还有 {more} 条（--limit 调整显示条数，--json 输出为 JSON）",
        "road_sign": "路牌",
        "plate": "门牌类",
    },
    "en": {
        "by_subdistrict": "By subdistrict (each item's latest inspection counts)",
        "row": "  {name}\t{items} items\t{inspected} inspected\t{passed} passed\t{failed} failed\tpass rate {rate}",
        "total": "total: {items} items, {inspected} inspected, {passed} passed, {failed} failed, pass rate {rate}",
        "counts": "due for inspection: {due}; text no longer matching the register: {mismatch}",
        "mismatch": "  {kind} {id} on {road}: '{text}' should read '{expected}'",
        "more": "  and {more} more (--limit shows more, --json writes JSON)",
        "road_sign": "road sign",
        "plate": "plate",
    },
}


@signs.command("report")
@click.option("--json", "as_json", is_flag=True, help="The counts and the listed items as JSON.")
@click.option(
    "--due-days", default=365, show_default=True, type=click.IntRange(1, 3650), help="An item is due when not inspected for this many days."
)
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="Report as of this date (default: today).")
@click.option("--road", help="Only the items of this road.")
@click.option("--subdistrict", help="Only the items in this subdistrict (name or code).")
@click.option("--status", help="Only items of this status: planned, in_service, damaged, faded, missing, removed.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 500), help="List at most this many out-of-date texts.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Language of the text output.")
@click.pass_obj
def report(obj, as_json, due_days, today, road, subdistrict, status, limit, lang) -> None:
    """Counts and pass rates by subdistrict, items due, and the signs and plates whose text
    no longer matches the register (the first --limit, then how many more)."""
    from placenames.signs import listing

    filters = listing.Filters(subdistrict=subdistrict, road=road, status=status)
    day = today.date() if today else None
    counts = listing.summary(obj.store, filters, today=day, due_after_days=due_days)
    stale = listing.item_page(obj.store, replace(filters, mismatch=True), limit=limit, today=day, due_after_days=due_days)
    if as_json:
        click.echo(json.dumps({**counts, "text_mismatch": stale}, ensure_ascii=False, indent=1))
        return
    words = REPORT_WORDS[lang]

    def rate(t: dict) -> str:
        return f"{t['pass_rate']:.1%}" if t["pass_rate"] is not None else "-"

    click.echo(words["by_subdistrict"])
    for name, t in counts["by_subdistrict"].items():
        click.echo(words["row"].format(**t, name=name, rate=rate(t)))
    click.echo(words["total"].format(**counts["totals"], rate=rate(counts["totals"])))
    click.echo(words["counts"].format(due=counts["due"], mismatch=counts["mismatch"]))
    for item in stale["items"]:
        click.echo(words["mismatch"].format(**{**item, "kind": words[item["kind"]]}))
    if stale["total"] > len(stale["items"]):
        click.echo(words["more"].format(more=stale["total"] - len(stale["items"])))


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
