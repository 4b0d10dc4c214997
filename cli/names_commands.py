"""``diming names``: romanize, check, census import/export, the real divisions, and the
naming procedure (apply, step, show, list; in ``cli.names_procedure``)."""

from __future__ import annotations

import getpass
import json
import sys

import click

from cli import names_procedure


def _actor(actor: str | None) -> str:
    return actor or f"cli:{getpass.getuser()}"


@click.group()
def names() -> None:
    """Standard place names: spelling, checks, census files, the naming procedure."""


for _command in names_procedure.COMMANDS:
    names.add_command(_command)


@names.command("romanize")
@click.argument("text")
@click.option("--sign", is_flag=True, help="Upper-case sign form (GB 17733 practice).")
@click.option("--tones", is_flag=True, help="With tone marks.")
@click.option("--category", help="Category code or label (decides the 通名 and the ordinal rule).")
def romanize(text, sign, tones, category) -> None:
    """Print the romanization of TEXT (1984 rules / GB/T 16159)."""
    from placenames.romanization import romanize as spell

    click.echo(spell(text, category=category, sign=sign, tones=tones and not sign))


@names.command("check")
@click.argument("name")
@click.option("--category", required=True, help="Category code (e.g. 23510) or label (e.g. 街、路、巷).")
@click.option("--admin-code", help="12-digit code of the administrative unit the named feature lies in.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def check(obj, name, category, admin_code, as_json) -> None:
    """Print every finding on NAME; exit 1 when any finding is an error."""
    from placenames import register

    report = register.check_name(obj.store, name, category, admin_code)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        for finding in report.findings:
            click.echo(f"{finding.severity:7} {finding.rule:15} {finding.zh} / {finding.en}")
        if not report.findings:
            click.echo("ok      no findings / 未发现问题")
        click.echo("statistics: " + ", ".join(f"{k}={v}" for k, v in report.statistics.items()))
    sys.exit(1 if report.has_errors else 0)


@names.command("categories")
def list_categories() -> None:
    """List the category table (codes marked likely / inferred / unconfirmed)."""
    from placenames.categories import categories

    for c in categories().values():
        click.echo(f"{c.code}  {c.code_status:11} {c.label_zh} / {c.label_en}")


@names.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--encoding", help="Text encoding of a CSV (default: UTF-8, else GBK).")
@click.option("--actor")
@click.option("--reason")
@click.pass_obj
def import_census(obj, path, encoding, actor, reason) -> None:
    """Import census registration records (.xlsx, .csv or .gpkg with census headers), all or nothing."""
    from placenames import census

    counts = census.import_file(obj.store, path, actor=_actor(actor), reason=reason, encoding=encoding)
    obj.store.checkpoint()
    click.echo(f"imported {counts['added']} place names, {counts['unchanged']} already registered unchanged")


@names.command("export")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--status", type=click.Choice(["proposed", "in_procedure", "current", "retired", "rejected", "withdrawn"]))
@click.option("--encoding", help="Text encoding of a CSV (default GBK; UTF-8 is written with a BOM).")
@click.pass_obj
def export_census(obj, path, status, encoding) -> None:
    """Export the register with census headers to PATH (.xlsx, .csv or .gpkg); gives missing 地名代码."""
    from placenames import census

    count = census.export_census(obj.store, path, status=status, encoding=encoding, actor=_actor(None))
    click.echo(f"exported {count} place names to {path}")


@names.command("import-divisions")
@click.option(
    "--file",
    "path",
    type=click.Path(exists=True, dir_okay=False),
    help="Division-code CSV (default: the divisions_file of the deployment profile).",
)
@click.option("--actor")
@click.pass_obj
def import_divisions(obj, path, actor) -> None:
    """Register the real subdistricts and communities as current names; a second run adds nothing."""
    from placenames import divisions

    counts = divisions.import_divisions(obj.store, path or divisions.default_file(obj.profile), actor=_actor(actor))
    obj.store.checkpoint()
    click.echo(
        f"added {counts['added']}, unchanged {counts['unchanged']}, changed {counts['changed']} (unit code filled in), "
        f"differs {counts['differs']} (registered under another name, left alone)"
    )


@names.command("respell")
@click.option("--actor")
@click.pass_obj
def respell(obj, actor) -> None:
    """Re-spell every stored name by the current romanization rules (overrides stay); run after an upgrade that changed them."""
    from placenames.register import respell as respell_register

    changed = respell_register(obj.store, actor=_actor(actor))
    obj.store.checkpoint()
    click.echo(f"re-spelled 重新拼写 {changed} name(s)")
