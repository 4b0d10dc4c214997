"""``diming import``, ``diming export``, ``diming layers`` and ``diming demo``."""

from __future__ import annotations

import getpass
import json

import click

from gis import transfer
from gis.layers import LayerRegistry


def registry() -> LayerRegistry:
    from boundaries.layers import layers as boundary_layers
    from placenames.layers import layers as placename_layers

    return LayerRegistry(boundary_layers() + placename_layers())


def _actor(actor: str | None) -> str:
    return actor or f"cli:{getpass.getuser()}"


@click.command("layers")
def list_layers() -> None:
    """List the layers that can be imported and exported."""
    for name in registry().names():
        layer = registry().get(name)
        click.echo(f"{name:14} {layer.title_zh} {layer.title_en}")


@click.command("import")
@click.argument("layer")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--source-layer", help="Layer inside a GeoPackage, or shapefile inside a zip.")
@click.option("--encoding", help="Attribute encoding of a shapefile or CSV (e.g. GBK); default: .cpg, else UTF-8, else GBK.")
@click.option("--crs", help="CRS of a source that declares none (EPSG:4326, EPSG:4490, GCJ-02, BD-09, ...).")
@click.option("--skip-invalid", is_flag=True, help="Leave out invalid features instead of refusing the file.")
@click.option("--make-valid", is_flag=True, help="Repair invalid geometries before checking.")
@click.option("--actor", help="Who imports (recorded in the audit log); default cli:<user>.")
@click.option("--reason", help="Why (recorded in the audit log).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def import_command(obj, layer, path, source_layer, encoding, crs, skip_invalid, make_valid, actor, reason, as_json) -> None:
    """Import PATH (GeoPackage, Shapefile, GeoJSON or CSV) into LAYER, all or nothing."""
    result = transfer.import_file(
        obj.store,
        registry().get(layer),
        path,
        actor=_actor(actor),
        reason=reason,
        source_layer=source_layer,
        encoding=encoding,
        crs=crs,
        skip_invalid=skip_invalid,
        make_valid=make_valid,
    )
    obj.store.checkpoint()
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2, default=str))
        return
    click.echo(f"imported {result.inserted} features into {layer}")
    for problem in result.report.problems:
        click.echo(f"  row {problem.row}: {problem.action}: {problem.message_zh} / {problem.message_en}")


@click.command("export")
@click.argument("layer")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--crs", default="EPSG:4490", show_default=True, help="Target CRS (EPSG:4490, EPSG:4543, CRS84, GCJ-02, BD-09, ...).")
@click.option("--encoding", default="UTF-8", show_default=True, help="Attribute encoding for shapefiles and CSV.")
@click.option("--date", "on", help="Units layers: the versions in force on this date (YYYY-MM-DD) instead of today's.")
@click.pass_obj
def export_command(obj, layer, path, crs, encoding, on) -> None:
    """Export LAYER to PATH; the format follows the extension (.gpkg .shp .geojson .csv)."""
    import datetime as dt

    from gis.errors import InvalidInput

    try:
        date = dt.date.fromisoformat(on) if on else None
    except ValueError:
        raise InvalidInput("日期应为 YYYY-MM-DD", "The date must be YYYY-MM-DD") from None
    count = transfer.export_file(obj.store, registry().get(layer), path, crs=crs, encoding=encoding, date=date)
    click.echo(f"exported {count} features of {layer} to {path}")


@click.command("demo")
@click.option("--seed", type=int, help="Random seed of the synthetic data (default: the demo's own, see docs/demo-data.md).")
@click.option(
    "--scale",
    default=1.0,
    show_default=True,
    type=float,
    help="Share of the full synthetic volume (1.0 = ~900,000 households); above 1 (up to 200): "
    "the full district with SCALE times its door plates.",
)
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already holds data.")
@click.pass_obj
def demo(obj, seed: int, scale: float, if_empty: bool) -> None:
    """Build the demo dataset (synthetic data on a real district outline) into the database."""
    from data.loader import database_is_empty, load_demo
    from gis.storage import migrate
    from placenames.search import index_upkeep

    migrate.upgrade(obj.store)
    index_upkeep.ensure_current(obj.store)
    if if_empty and not database_is_empty(obj.store):
        click.echo("database already holds data; demo not rebuilt")
        return
    counts = load_demo(obj.store, registry(), scale=scale) if seed is None else load_demo(obj.store, registry(), seed=seed, scale=scale)
    obj.store.checkpoint()
    click.echo("demo built: " + ", ".join(f"{name} {count}" for name, count in counts.items()))


COMMANDS = [list_layers, import_command, export_command, demo]
