"""``diming boundaries build|check|markers`` and ``diming inspections report``."""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import click

from gis.errors import InvalidInput


def _actor(actor: str | None) -> str:
    return actor or f"cli:{getpass.getuser()}"


@click.group()
def boundaries() -> None:
    """Boundary lines (界线), markers (界桩) and topology checks."""


@boundaries.command("build")
@click.option(
    "--from",
    "source",
    type=click.Path(exists=True, dir_okay=False),
    help="Polygon file whose features carry adcode and name (default: the database's units).",
)
@click.option(
    "--out", type=click.Path(dir_okay=False), help="Write the lines to this file (.geojson, .gpkg, .shp ...); with --from, required."
)
@click.option("--level", default="subdistrict", show_default=True, help="Level of the stored units to build lines between.")
@click.option("--crs", help="CRS of the --from file when it declares none or is GCJ-02/BD-09 web-map data (e.g. GCJ-02).")
@click.option("--tolerance", "tolerance_m", default=25.0, show_default=True, type=float, help="Matching tolerance in metres.")
@click.option("--save/--no-save", default=None, help="Store the lines in the register (default: yes when building from the database).")
@click.option("--report", "report_path", type=click.Path(dir_okay=False), help="Write the disagreement report (JSON) here.")
@click.option("--actor")
@click.option("--reason")
@click.pass_obj
def build(obj, source, out, level, crs, tolerance_m, save, report_path, actor, reason) -> None:
    """Build one clean line per pair of neighbouring units, with left/right unit and length."""
    from boundaries.lines.builder import BuildOptions, build_lines
    from boundaries.lines.service import lines_frame, save_lines, units_from_file, units_from_store
    from gis.io.write import write_layer

    options = BuildOptions(tolerance_m=tolerance_m)
    if source:
        if save:
            raise InvalidInput("从文件生成的界线不入库；请先导入区划", "Lines built from a file are not stored; import the units first")
        if not out:
            raise InvalidInput("从文件生成界线时须给出 --out", "Give --out when building from a file")
        units = units_from_file(source, crs=crs)
    else:
        units = units_from_store(obj.store, level)
    if len(units) < 2:
        raise InvalidInput("至少需要两个带面几何的单元", "At least two units with polygons are needed")
    lines = build_lines(units, options)
    for line in lines:
        report = line.disagreement
        click.echo(
            f"{line.left_code} {line.left_name} | {line.right_code} {line.right_name}  {line.length_m / 1000:.2f} km  parts={line.parts}  "
            f"max_diff={report.get('max_m')} m  overlap={report.get('overlap_m2')} m²  gap={report.get('gap_m2')} m²"
        )
    if out:
        write_layer(lines_frame(lines), out)
        click.echo(f"{len(lines)} lines written to {out}")
    if report_path:
        body = [
            {
                "left_code": line.left_code,
                "right_code": line.right_code,
                "length_m": line.length_m,
                "parts": line.parts,
                "disagreement": line.disagreement,
            }
            for line in lines
        ]
        Path(report_path).write_text(json.dumps(body, ensure_ascii=False, indent=2), encoding="utf-8")
    if not source and save is not False:
        counts = save_lines(obj.store, lines, level, actor=_actor(actor), reason=reason or "由区划面生成界线 build lines")
        obj.store.checkpoint()
        click.echo(f"register: {counts['added']} added, {counts['updated']} updated, {counts['retired']} retired")


@boundaries.command("check")
@click.option("--date", "on", help="Check the map of this date (YYYY-MM-DD; default today).")
@click.option(
    "--from",
    "source",
    type=click.Path(exists=True, dir_okay=False),
    help="Check this polygon file (GeoJSON, GeoPackage, shapefile; any CRS) instead of the database; nothing is stored.",
)
@click.option("--layer", help="Layer of a GeoPackage --from file.")
@click.option("--crs", help="CRS of the --from file when it declares none, or GCJ-02/BD-09 web-map outlines.")
@click.option("--code-column", help="Column with the unit codes (default: adcode, else code).")
@click.option("--name-column", default="name", show_default=True)
@click.option(
    "--parent-column", help="Column with the parent's code: parents in the file (or --parents) are checked for coverage/crossing."
)
@click.option("--parents", "parents_path", type=click.Path(exists=True, dir_okay=False), help="Polygon file of the parent units.")
@click.option("--out", type=click.Path(dir_okay=False), help="Write the findings as GeoJSON here.")
@click.option(
    "--gap-width", default=25.0, show_default=True, type=float, help="Gaps narrower than this (m) between neighbours are findings."
)
@click.option("--json", "as_json", is_flag=True, help="Print the whole report as JSON.")
@click.pass_obj
def check(obj, on, source, layer, crs, code_column, name_column, parent_column, parents_path, out, gap_width, as_json) -> None:
    """Topology checks of the stored units (or of a --from file); exit code 1 when an error is found (slivers are warnings)."""
    import datetime as dt
    import sys

    from boundaries.topology import CheckOptions

    options = CheckOptions(gap_width_m=gap_width)
    if source:
        from boundaries.topology.files import check_file

        if on:
            raise InvalidInput("--date 只适用于数据库中的区划", "--date applies to the database's units only")
        report = check_file(
            source,
            crs=crs,
            layer=layer,
            code_column=code_column,
            name_column=name_column,
            parent_column=parent_column,
            parents_path=parents_path,
            options=options,
        )
    else:
        from boundaries.topology.stored import check_stored

        if parent_column or parents_path or layer or crs or code_column:
            raise InvalidInput("这些选项只适用于 --from 文件", "These options apply to a --from file only")
        try:
            date = dt.date.fromisoformat(on) if on else None
        except ValueError:
            raise InvalidInput("日期应为 YYYY-MM-DD", "The date must be YYYY-MM-DD") from None
        report = check_stored(obj.store, date=date, options=options)
    if out:
        Path(out).write_text(json.dumps(report.geojson(), ensure_ascii=False), encoding="utf-8")
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        for row in report.summary():
            click.echo(f"{row['rule']:30} {row['severity']:8} {row['count']:5}  {row['area_m2']:>12} m²  largest {row['largest_m2']} m²")
        for finding in report.findings[:50]:
            click.echo(f"  [{finding.rule}] {finding.message_zh} / {finding.message_en} @ {finding.location()}")
    if report.errors:
        sys.exit(1)


class _MarkersGroup(click.Group):
    """``markers synthetic|export``; the older ``markers [LINE] --synthetic`` still means ``markers synthetic``."""

    def parse_args(self, ctx, args):
        if "--synthetic" in args:
            args = ["synthetic", *[a for a in args if a != "--synthetic"]]
        return super().parse_args(ctx, args)


@boundaries.group("markers", cls=_MarkersGroup)
def markers() -> None:
    """Markers (界桩): synthetic demo sets and the marker register (界桩成果表)."""


@markers.command("synthetic")
@click.argument("line_code", required=False)
@click.option("--level", help="Instead of one line: every current line of this level that has no markers yet.")
@click.option("--spacing-km", default=1.0, show_default=True, type=float)
@click.option(
    "--pair-width",
    "pair_width_m",
    default=20.0,
    show_default=True,
    type=float,
    help="Rivers and roads at least this wide (m, nominal by class) get paired markers.",
)
@click.option("--actor")
@click.pass_obj
def synthetic(obj, line_code, level, spacing_km, pair_width_m, actor) -> None:
    """Give LINE_CODE (e.g. 530102-530103), or every line of --level, a synthetic demo marker set (labelled synthetic-demo)."""
    from collections import Counter

    from boundaries.lines.service import line_id_of
    from boundaries.markers import add_synthetic_markers, unmarked_line_ids

    if bool(line_code) == bool(level):
        raise InvalidInput("请给出一条界线编号或 --level（二选一）", "Give either one line code or --level")
    ids = [line_id_of(obj.store, line_code)] if line_code else unmarked_line_ids(obj.store, level)
    for line_id in ids:
        placed = add_synthetic_markers(obj.store, line_id, actor=_actor(actor), spacing_km=spacing_km, pair_width_m=pair_width_m)
        types = Counter(m.marker_type for m in placed)
        click.echo(
            f"{len(placed)} synthetic markers ({', '.join(f'{k} {v}' for k, v in sorted(types.items()))}): "
            f"{placed[0].code} … {placed[-1].code}"
        )


@markers.command("export")
@click.argument("line_code")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="File to write: .csv, .gpkg or .html (printable).")
@click.pass_obj
def export(obj, line_code, out) -> None:
    """Write the marker register (界桩成果表) of LINE_CODE: code, type, CGCS2000 lon/lat and Gauss-Krüger X/Y, reference objects..."""
    from boundaries.lines.service import line_id_of
    from boundaries.marker_table import export as write

    path = write(obj.store, line_id_of(obj.store, line_code), out)
    click.echo(f"marker register of {line_code} written to {path}")


@markers.command("import")
@click.argument("line_code")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--actor", help="Who (recorded in the audit log); default cli:<user>.")
@click.option("--reason", help="Why (recorded in the audit log).")
@click.pass_obj
def import_markers(obj, line_code, path, actor, reason) -> None:
    """Register the surveyed markers of PATH (界桩成果表, .csv or .xlsx, the columns of `markers export`) on LINE_CODE, all or nothing."""
    from boundaries.lines.service import line_id_of
    from boundaries.marker_import import import_table

    source = Path(path)
    added = import_table(obj.store, line_id_of(obj.store, line_code), source.read_bytes(), source.name, actor=_actor(actor), reason=reason)
    obj.store.checkpoint()
    click.echo(f"{len(added)} markers registered on {line_code}: {added[0].code} … {added[-1].code}")


@click.group()
def inspections() -> None:
    """Joint inspections (界线联检) of boundary lines."""


@inspections.command("report")
@click.argument("campaign")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Folder for the report (default: ./inspection-<CAMPAIGN>).")
@click.pass_obj
def report(obj, campaign, out_dir) -> None:
    """Write the report of CAMPAIGN (its code or id): JSON, CSV, PNG map and GeoPackage."""
    from boundaries.inspection_report import write_report
    from boundaries.inspections import campaign_id_of

    paths = write_report(obj.store, campaign_id_of(obj.store, campaign), out_dir or f"inspection-{campaign}")
    for kind, path in paths.items():
        click.echo(f"{kind:12} {path}")


COMMANDS = [boundaries, inspections]
