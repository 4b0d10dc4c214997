"""``diming profile``: show or check a deployment profile, draft one from an outline."""

from __future__ import annotations

import json
from dataclasses import asdict

import click


@click.group()
def profile() -> None:
    """The district's deployment profile (DIMING_PROFILE; see docs/deployment.md)."""


def _as_json(p) -> str:
    data = asdict(p) | {"divisions_file": str(p.divisions_file) if p.divisions_file else None}
    return json.dumps(data, ensure_ascii=False, indent=2)


@profile.command("show")
@click.pass_obj
def show(obj) -> None:
    """Print the profile in use (checked), as JSON."""
    click.echo(_as_json(obj.profile))


@profile.command("check")
@click.argument("path", type=click.Path(dir_okay=False))
def check(path) -> None:
    """Check the profile in PATH; print it as JSON, or the problem (exit 2)."""
    from gis import profile as district_profile

    click.echo(_as_json(district_profile.from_file(path)))


@profile.command("draft")
@click.option("--outline", "outline_path", required=True, type=click.Path(exists=True, dir_okay=False), help="File of district outlines.")
@click.option("--outline-crs", help="CRS of the outline file if it is not declared or is GCJ-02/BD-09 (e.g. GCJ-02).")
@click.option("--code", required=True, help="6-digit district code (GB/T 2260), e.g. 530103.")
@click.option("--name", "name", required=True, nargs=2, help="District name in Chinese and English: 盘龙区 'Panlong District'.")
@click.option("--province", required=True, nargs=2, help="Province in Chinese and English.")
@click.option("--city", required=True, nargs=2, help="City in Chinese and English.")
def draft(outline_path, outline_crs, code, name, province, city) -> None:
    """Print a first profile (YAML) for the district: extent, start view and zone computed from its outline."""
    from gis import profile_draft

    geom = profile_draft.outline(outline_path, code, crs=outline_crs)
    click.echo(profile_draft.to_yaml(profile_draft.draft(geom, code=code, name=name, province=province, city=city)), nl=False)


COMMANDS = [profile]
