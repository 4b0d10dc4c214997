"""``diming redistrict``: propose communities within household bounds, from a file or the database;
``diming redistrict adopt``: write a stored plan as one dated reorganisation."""

from __future__ import annotations

import getpass
import json
import sys

import click


@click.group("redistrict", invoke_without_command=True)
@click.option(
    "--blocks",
    "blocks_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Blocks file (GeoPackage with layer 'blocks' and optional 'roads', Shapefile, GeoJSON); default: the database.",
)
@click.option("--roads", "roads_path", type=click.Path(exists=True, dir_okay=False), help="Roads/rivers file with a 'class' column.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), help="Output .gpkg, .geojson or .csv (required without a subcommand).")
@click.option("--subdistrict", "subdistricts", multiple=True, help="Subdistrict code or name (repeatable); default: all.")
@click.option("--min", "min_households", type=int, default=5000, show_default=True)
@click.option("--max", "max_households", type=int, default=10000, show_default=True)
@click.option("--dense-max", type=int, default=20000, show_default=True, help="Maximum in designated dense areas.")
@click.option("--targets", "targets", multiple=True, help="Wanted total community count, e.g. 关上街道=12-15 (repeatable).")
@click.option(
    "--new",
    "new",
    multiple=True,
    help="Communities to add to today's, as the plan writes them, e.g. 关上街道=5-8 (repeatable; not with --targets for one subdistrict).",
)
@click.option(
    "--mode",
    type=click.Choice(["adjust", "redraw"]),
    default="adjust",
    show_default=True,
    help="adjust: keep today's communities unless a rule or target needs a change; redraw: divide afresh.",
)
@click.option("--merge-undersized", is_flag=True, help="adjust mode: merge communities below the minimum into a neighbour with room.")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Start from the stored communities in force on this date (e.g. 2015-06-30); default today's.",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--alternatives",
    type=click.IntRange(1, 10),
    default=1,
    show_default=True,
    help="Several plans (seeds seed, seed+1, ...): out.gpkg, out-2.gpkg, ...",
)
@click.option("--lock-block", "locked_blocks", multiple=True, help="Block that keeps its current community (repeatable).")
@click.option("--lock-community", "locked_communities", multiple=True, help="Current community kept as it is (repeatable).")
@click.option("--id-column", default="code", show_default=True, help="Column of the blocks file holding the block id.")
@click.option("--households-column", default="households", show_default=True)
@click.option("--subdistrict-column", default="subdistrict", show_default=True)
@click.option("--dense-column", default="dense", show_default=True)
@click.option("--community-column", default="community", show_default=True)
@click.option("--class-column", default="class", show_default=True, help="Column of the roads layer holding the class.")
@click.option("--save", is_flag=True, help="Also store the plan(s) in the database as proposals.")
@click.option("--json", "as_json", is_flag=True, help="Print metrics, violations and findings as JSON.")
@click.pass_context
def redistrict(
    ctx,
    blocks_path,
    roads_path,
    out_path,
    subdistricts,
    min_households,
    max_households,
    dense_max,
    targets,
    new,
    mode,
    merge_undersized,
    as_of,
    seed,
    alternatives,
    locked_blocks,
    locked_communities,
    id_column,
    households_column,
    subdistrict_column,
    dense_column,
    community_column,
    class_column,
    save,
    as_json,
) -> None:
    """Propose communities made of whole blocks; exits 3 when a plan breaks a rule (it is still written).

    `diming redistrict adopt PLAN_ID --date YYYY-MM-DD --reason ...` adopts a stored plan."""
    if ctx.invoked_subcommand is not None:
        return
    if not out_path:
        raise click.UsageError("Missing option '--out'.", ctx)
    obj = ctx.obj
    from boundaries import redistricting as rd
    from boundaries.redistricting import jobs
    from boundaries.redistricting.export import alternative_path, write_plan
    from gis.io.progress import progress

    params = jobs.parse_parameters(
        {
            "subdistricts": list(subdistricts),
            "min": min_households,
            "max": max_households,
            "dense_max": dense_max,
            "targets": dict(rd.parse_target(text) for text in targets),
            "new": dict(rd.parse_target(text, least=0) for text in new),
            "mode": mode,
            "merge_undersized": merge_undersized,
            "as_of": as_of.date() if as_of else None,
            "seed": seed,
            "alternatives": alternatives,
            "locked_blocks": list(locked_blocks),
            "locked_communities": list(locked_communities),
        }
    )
    if blocks_path and as_of:
        raise click.UsageError("--as-of reads the stored map of that date; it does not apply to --blocks files")
    if blocks_path:
        columns = rd.ColumnMap(id_column, subdistrict_column, households_column, dense_column, community_column)
        everything = rd.from_file(blocks_path, columns=columns, roads_path=roads_path, class_column=class_column)
    else:
        everything = rd.from_store(obj.store, jobs.as_of(params))
    data, rules = jobs.select_blocks(everything, _names(obj, bool(subdistricts or targets or new), blocks_path), params)
    graph = rd.build_graph(data)
    all_valid = True
    report = []
    for index, plan_seed in enumerate(jobs.seeds(params)):
        with progress(1000, f"方案 plan {index + 1}/{alternatives}") as bar:

            def advance(fraction, _what, bar=bar):
                bar.update(int(fraction * 1000) - bar.done)

            proposal = jobs.make_plan(graph, rules, params, seed=plan_seed, progress=advance)
        path = write_plan(proposal, alternative_path(out_path, index, alternatives))
        plan_id = None
        if save:
            from boundaries.redistricting.proposals import save_proposal

            plan_id = save_proposal(obj.store, proposal, name=f"{path.stem} (seed {plan_seed})", actor=f"cli:{getpass.getuser()}")
        all_valid &= proposal.valid
        report.append(_describe(proposal, path, plan_id))
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    else:
        for item in report:
            _echo(item)
    if not all_valid:
        sys.exit(3)


def _names(obj, needed: bool, from_file: bool) -> dict[str, str]:
    if not needed:
        return {}
    try:
        from boundaries.redistricting.inputs import subdistrict_names

        return subdistrict_names(obj.store)
    except Exception:  # noqa: BLE001 — a blocks file may be used without any database
        if from_file:
            return {}
        raise


def _describe(proposal, path, plan_id) -> dict:
    return {
        "file": str(path),
        "plan_id": plan_id,
        "seed": proposal.seed,
        "valid": proposal.valid,
        "metrics": proposal.metrics(),
        "violations": [v.to_dict() for v in proposal.violations],
        "findings": [f.to_dict() for f in proposal.findings],
        "mode": proposal.mode,
        "changes": proposal.changes,
    }


def _echo(item: dict) -> None:
    m = item["metrics"]
    state = "valid 有效" if item["valid"] else "INVALID 无效"
    click.echo(
        f"{item['file']}: seed {item['seed']}, {state}, {m['communities']} communities, "
        f"households {m['households_min']}-{m['households_max']}, Polsby-Popper mean {m['polsby_popper_mean']:.2f} "
        f"worst {m['polsby_popper_worst']:.2f}, boundary on major roads/rivers {m['boundary_major_share']:.0%} "
        f"({m['major_lines_used']:.0%} of them used), "
        f"straightness {m['straightness']:.2f}, households moved {m['households_moved']}"
    )
    for change in item["changes"]:
        splits = "; ".join(f"{old} → {'+'.join(new)}" for old, new in change["split"].items())
        click.echo(
            f"  {change['subdistrict']}: kept 保留 {len(change['kept'])}, split 拆分 {len(change['split'])}"
            f"{f' ({splits})' if splits else ''}, merged 合并 {sum(map(len, change['merged'].values()))}, "
            f"detached pieces moved 零星地块并入 {sum(map(len, change['fragments'].values()))}, "
            f"created 新建 {len(change['created'])}, below minimum kept 低于下限保留 {len(change['below_minimum_kept'])}, "
            f"households moved 迁移户数 {change['households_moved']}"
        )
    if item["plan_id"] is not None:
        click.echo(f"  stored as proposal {item['plan_id']}")
    for finding in item["findings"]:
        click.echo(f"  why 原因: {finding['zh']} / {finding['en']}")
    for violation in item["violations"]:
        click.echo(f"  violation 违规: {violation['zh']} / {violation['en']}")


@redistrict.command("adopt")
@click.argument("plan_id", type=int)
@click.option("--date", "effective", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), help="Effective date YYYY-MM-DD.")
@click.option("--reason", required=True, help="Why (recorded with the reorganisation and in the audit log).")
@click.option("--name", "names", multiple=True, help="Name of a new community, CODE=NAME (repeatable); default: the plan's proposed name.")
@click.option("--actor", help="Who (recorded in the audit log); default cli:<user>.")
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
@click.pass_obj
def adopt(obj, plan_id, effective, reason, names, actor, as_json) -> None:
    """Adopt stored plan PLAN_ID: one dated reorganisation of its communities; blocks, buildings,
    door plates and stored community lines follow, all or nothing.

    Refused (exit 2, nothing written) when the plan breaks a rule, proposes a community
    without households, a new community has no name, the date is not after the versions it
    closes, the plan was adopted already or is stale."""
    from api.redistricting_adoption import adopt as adopt_plan
    from gis.errors import InvalidInput

    given = {}
    for text in names:
        code, sep, name = text.partition("=")
        if not sep or not code.strip() or not name.strip():
            raise InvalidInput(f"名称格式应为“代码=名称”：{text}", f"A name reads CODE=NAME, got: {text}")
        given[code.strip()] = name.strip()
    result = adopt_plan(
        obj.store,
        plan_id,
        effective=effective.date(),
        actor=actor or f"cli:{getpass.getuser()}",
        reason=reason,
        names=given or None,
    )
    obj.store.checkpoint()
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2, default=str))
        return
    created = "、".join(f"{code} {name}" for code, name in result["created"].items()) or "-"
    click.echo(
        f"plan {plan_id} adopted 已采纳: reorganisation {result['change_id']} ({result['kind']}, effective {result['effective']}); "
        f"kept 保留 {len(result['kept'])}, changed 调整 {', '.join(result['changed']) or '-'}, new 新建 {created}, "
        f"retired 撤销 {', '.join(result['retired']) or '-'}; blocks 街区 {result['blocks_moved']}, "
        f"buildings 建筑 {result['buildings_moved']}, door plates 门牌 {result['followed']['plates']['plates']}"
    )
