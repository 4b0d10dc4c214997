"""``diming boundaries district-lines`` and ``diming inspections agreement``.

Kept apart from ``boundaries_commands`` (one module per group of acts); ``attach``
hangs them on the ``boundaries`` and ``inspections`` groups.
"""

from __future__ import annotations

import getpass

import click


@click.command("district-lines")
@click.option(
    "--neighbours",
    "neighbours_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Polygon file of the neighbouring districts (features with adcode and name, e.g. the city's district outlines).",
)
@click.option("--crs", help="CRS of the file when it declares none, or GCJ-02/BD-09 web-map outlines (e.g. GCJ-02).")
@click.option("--tolerance", "tolerance_m", default=25.0, show_default=True, type=float, help="Matching tolerance in metres.")
@click.option("--actor")
@click.option("--reason")
@click.pass_obj
def district_lines(obj, neighbours_path, crs, tolerance_m, actor, reason) -> None:
    """Build and register the lines between the stored district and each neighbour (level district).

    The neighbours are read from the file only: they are not stored as units.
    """
    from boundaries.lines.builder import BuildOptions
    from boundaries.lines.neighbours import register_district_lines

    lines, counts = register_district_lines(
        obj.store,
        neighbours_path,
        crs=crs,
        options=BuildOptions(tolerance_m=tolerance_m),
        actor=actor or f"cli:{getpass.getuser()}",
        reason=reason or "由相邻区县轮廓生成县级界线 district lines from the neighbours' outlines",
    )
    obj.store.checkpoint()
    for line in lines:
        click.echo(f"{line.left_code} {line.left_name} | {line.right_code} {line.right_name}  {line.length_m / 1000:.2f} km")
    click.echo(f"register: {counts['added']} added, {counts['updated']} updated, {counts['retired']} retired")


@click.command("agreement")
@click.argument("campaign")
@click.option("--format", "kind", type=click.Choice(["html", "docx"]), help="Default: from the suffix of --out.")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="File to write (.html printable, .docx Word).")
@click.pass_obj
def agreement(obj, campaign, kind, out) -> None:
    """Write the 联检协议书 (agreement) of CAMPAIGN (code or id), signed by both parties."""
    from boundaries.agreement import export
    from boundaries.inspections import campaign_id_of

    path = export(obj.store, campaign_id_of(obj.store, campaign), out, kind)
    click.echo(f"agreement of {campaign} written to {path}")


def attach(boundaries: click.Group, inspections: click.Group) -> None:
    boundaries.add_command(district_lines)
    inspections.add_command(agreement)
