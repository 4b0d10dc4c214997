"""``diming names apply|step|show|list``: the naming procedure from the command line.

The same service functions as POST/GET /api/v1/applications (``placenames.applications``,
``placenames.transitions``), so the name rules, the state machine, the four-eyes rule
and the audit log apply exactly as on the web; this module only reads options and
files and prints. Times are shown in the district's time zone (Beijing time).
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Any

import click

from gis.errors import DimingError, InvalidGeometry, InvalidInput

# The kinds as officers say them on the command line, and the engine's own names.
KIND_NAMES = {"naming": "name", "renaming": "rename", "cancellation": "cancel", "name": "name", "rename": "rename", "cancel": "cancel"}


def _actor(actor: str | None) -> str:
    return actor or f"cli:{getpass.getuser()}"


def _echo_json(body: Any) -> None:
    click.echo(json.dumps(body, ensure_ascii=False, indent=2, default=str))


# --- reading the options --------------------------------------------------------------------


def _kind(value: str) -> str:
    kind = KIND_NAMES.get(value.strip().lower())
    if kind is None:
        raise InvalidInput(
            f"申报类型应为 naming（命名）、renaming（更名）或 cancellation（销名），而不是“{value}”",
            f"--kind must be naming, renaming or cancellation, not '{value}'",
        )
    return kind


def _geometry_file(path: str) -> dict:
    """The geometry of a GeoJSON file: a geometry, a Feature, or a FeatureCollection of one."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidGeometry(f"无法读取 GeoJSON 文件 {path}：{exc}", f"Cannot read the GeoJSON file {path}: {exc}") from None
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        features = data.get("features") or []
        if len(features) != 1:
            raise InvalidGeometry(
                f"GeoJSON 文件应只含一个要素，实有 {len(features)} 个", f"The GeoJSON file must hold one feature, it holds {len(features)}"
            )
        data = features[0]
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = data.get("geometry")
    if not isinstance(data, dict):
        raise InvalidGeometry("GeoJSON 文件中没有几何", "The GeoJSON file holds no geometry")
    return data


def _geometry_wkt(text: str) -> dict:
    import shapely
    import shapely.geometry

    try:
        return shapely.geometry.mapping(shapely.from_wkt(text))
    except (shapely.errors.ShapelyError, ValueError, TypeError) as exc:
        raise InvalidGeometry(f"不是有效的 WKT 几何：{exc}", f"Not a valid WKT geometry: {exc}") from None


def _attachments(values: tuple[str, ...], max_bytes: int) -> list:
    """``[KIND=]FILE`` options as checked documents (kind ``other`` when not given)."""
    from placenames import attachments
    from placenames.registry_models import ATTACHMENT_KINDS

    prepared = []
    for value in values:
        kind, _, rest = value.partition("=")
        if rest and kind in ATTACHMENT_KINDS:
            path = Path(rest)
        else:
            kind, path = "other", Path(value)
        if not path.is_file():
            raise InvalidInput(f"附件文件不存在：{path}", f"The attachment file does not exist: {path}", details={"file": str(path)})
        if path.stat().st_size > max_bytes:
            raise InvalidInput(
                f"附件 {path.name} 超过 {max_bytes} 字节的上限", f"The attachment {path.name} is larger than {max_bytes} bytes"
            )
        prepared.append(attachments.prepare(kind=kind, filename=path.name, content=path.read_bytes(), max_bytes=max_bytes))
    return prepared


# --- printing --------------------------------------------------------------------------------


def _local(moment: str | None) -> str:
    """An ISO time from the service as Beijing time (the profile's zone)."""
    if not moment:
        return "—"
    import datetime as dt

    from gis.localtime import local_text
    from gis.profile import current_profile

    return local_text(dt.datetime.fromisoformat(moment), current_profile().zone)


def _label(pair: dict[str, str] | None) -> str:
    return f"{pair['zh']} / {pair['en']}" if pair else "—"


def geometry_summary(geometry: dict | None) -> str:
    """``线 LineString，2 个点，长约 1.1 km`` style: what the geometry is and how large."""
    if geometry is None:
        return "无 / none"
    import shapely
    import shapely.geometry

    from gis.crs import area_m2, length_m

    geom = shapely.geometry.shape(geometry)
    points = shapely.get_num_coordinates(geom)
    west, south, east, north = geom.bounds
    text = f"{geom.geom_type}，{points} 个点 / points，范围 bounds {west:.5f},{south:.5f} – {east:.5f},{north:.5f}"
    if geom.geom_type in ("LineString", "MultiLineString"):
        text += f"，长约 length ≈ {length_m(geom):,.0f} m"
    elif geom.geom_type in ("Polygon", "MultiPolygon"):
        text += f"，面积约 area ≈ {area_m2(geom):,.0f} m²"
    return text


def _print_view(view: dict) -> None:
    area = view.get("administrative_area") or {}
    entry = view["register_entry"]
    rows = [
        ("申报 Application", f"{view['id']}（版本 version {view['version']}）"),
        ("名称 Name", view.get("proposed_name") or "—"),
        ("罗马字母拼写 Romanization", view.get("romanization") or "—"),
        ("类型 Kind", _label(view["kind_label"])),
        ("环节 State", _label(view["state_label"])),
        ("类别 Category", _label(view["category_label"])),
        ("行政区 Area", f"{area.get('full_name') or area.get('name') or '—'}（{area.get('code') or '—'}）"),
        ("位置 Location", view.get("location_description") or "—"),
        ("几何 Geometry", geometry_summary(view.get("geometry"))),
        ("登记地名 Register entry", f"{entry['id']} {entry['name']}（{entry['status']}）"),
        ("申报人 Applicant", view.get("applicant_name") or "—"),
        ("公示截止 Notice ends", _local(view.get("notice_ends_at"))),
    ]
    for key in ("approving_body", "approval_document", "approved_on", "filed_with", "filed_on", "announced_on"):
        if view.get(key):
            rows.append((key, str(view[key])))
    for label, value in rows:
        click.echo(f"{label}: {value}")
    if view.get("justification"):
        click.echo(f"使用理由 Justification: {view['justification']}")
    click.echo("办理记录 Steps:")
    for step in view["transitions"]:
        click.echo(f"  {_local(step['at'])}  {_label(step['action_label'])}  {step['actor']}  {step['reason']}")
    if view["attachments"]:
        click.echo("附件 Attachments:")
        for item in view["attachments"]:
            click.echo(f"  {item['id']} {_label(item['kind_label'])} {item['filename']} ({item['size_bytes']} B)")
    click.echo("可办理 Next: " + (_actions(view["next_actions"]) or "无（办理已结束）/ none (the application is closed)"))


def _actions(actions: list[str]) -> str:
    from placenames import procedure

    return "、".join(f"{a}（{procedure.ACTION_LABELS[a][0]}）" for a in actions)


# --- commands --------------------------------------------------------------------------------


@click.command("apply")
@click.option("--kind", "kind_text", required=True, help="naming（命名）| renaming（更名）| cancellation（销名）.")
@click.option("--name", "proposed_name", help="The proposed name (拟用名称); a cancellation takes the current name.")
@click.option("--category", "category_code", help="Category code of a new name, e.g. 23510 (see `diming names categories`).")
@click.option("--admin-code", help="12-digit code of the administrative unit the feature lies in.")
@click.option("--geometry", "geometry_file", type=click.Path(dir_okay=False), help="GeoJSON file: a geometry or one feature (lon/lat).")
@click.option("--wkt", help="The geometry as WKT (lon/lat), instead of --geometry.")
@click.option("--target-id", "place_name_id", type=int, help="Register id of the current name to rename or cancel.")
@click.option("--justification", help="Why a name the rules warn about should still be used (使用理由).")
@click.option(
    "--attachment",
    "attachment_files",
    multiple=True,
    help="[KIND=]FILE filed with it (repeatable); KIND: assessment, expert_opinion, public_consultation, other.",
)
@click.option("--applicant", "applicant_name", help="Applicant (申报人 / unit), required.")
@click.option("--organisation", "applicant_organisation", help="Applicant's organisation.")
@click.option("--contact", "applicant_contact", help="Applicant's contact (never public).")
@click.option("--location", "location_description", help="Where the feature is (位置描述), e.g. 东起…西至….")
@click.option("--notice-days", type=int, help="Days of public notice (公示), 1-90; default 7.")
@click.option("--generic", help="The generic part (通名) when it cannot be read from the name.")
@click.option("--meaning", help="地名含义.")
@click.option("--origin", help="地名来历.")
@click.option("--history", help="历史沿革.")
@click.option("--entity-description", help="地理实体描述.")
@click.option("--assessment-report", help="综合评估报告 text.")
@click.option("--expert-report", help="专家论证报告 text.")
@click.option("--consultation-report", help="征求意见报告 text.")
@click.option("--actor", help="Officer filing it (recorded; the approver must be someone else).")
@click.option("--reason", "reasons", required=True, help="The application's reasons (申报理由).")
@click.option("--json", "as_json", is_flag=True, help="Print the application as JSON (as GET /api/v1/applications/ID).")
@click.pass_obj
def apply_command(obj, kind_text, geometry_file, wkt, attachment_files, actor, as_json, **fields) -> None:
    """File an application to name, rename or cancel (申报), checked by the name rules; all or nothing."""
    from placenames import applications

    if geometry_file and wkt:
        raise InvalidInput("--geometry 与 --wkt 只能给一个", "Give --geometry or --wkt, not both")
    data: dict[str, Any] = {key: value for key, value in fields.items() if value is not None}
    data["kind"] = _kind(kind_text)
    if geometry_file or wkt:
        data["geometry"] = _geometry_file(geometry_file) if geometry_file else _geometry_wkt(wkt)
    documents = _attachments(attachment_files, obj.settings.max_body_mb * 1024 * 1024)
    application_id = applications.create_application(obj.store, data, actor=_actor(actor), attachments=documents)
    obj.store.checkpoint()
    view = applications.officer_view(obj.store, application_id)
    if as_json:
        _echo_json(view)
    else:
        click.echo(f"已申报 filed: application {application_id}")
        _print_view(view)
        _precheck(obj.store, view)


def _precheck(store, view: dict) -> None:
    """Filing checks the form of the text; the naming rules decide at review. Say now
    what review will find, so the officer is not surprised."""
    from placenames import register

    if view["kind"] == "cancel" or not view.get("proposed_name"):
        return
    report = register.check_name(store, view["proposed_name"], view["category_code"], view.get("admin_code"))
    for finding in report.findings:
        click.echo(f"审核预检 pre-check: {finding.severity} {finding.rule}: {finding.zh} / {finding.en}")


@click.command("step")
@click.argument("application_id", type=int)
@click.argument("action")
@click.option("--reason", help="Why (recorded with the step); required.")
@click.option("--opinion", "officer_opinion", help="Review opinion (审核意见), needed by review.")
@click.option("--justification", help="Why a name the rules warn about should still be used.")
@click.option("--approving-body", help="批准机关 (approve).")
@click.option("--approval-document", help="批准文号 (approve).")
@click.option("--approved-on", help="Approval date YYYY-MM-DD (approve; default today).")
@click.option("--filed-with", help="备案机关 (file).")
@click.option("--filed-on", help="Filing date YYYY-MM-DD (file; default today).")
@click.option("--announced-on", help="Announcement date YYYY-MM-DD (announce; default today).")
@click.option("--version", type=int, help="Refuse if the application changed since this version.")
@click.option("--actor", help="Officer doing the step (recorded; four-eyes rule on approve).")
@click.option("--json", "as_json", is_flag=True, help="Print the application after the step as JSON.")
@click.pass_obj
def step_command(obj, application_id, action, version, actor, as_json, **fields) -> None:
    """Do one step ACTION of the procedure on application APPLICATION_ID.

    ACTION: accept（受理）, review（审核通过）, start_notice（开始公示）, approve（批准）,
    reject（不予批准）, withdraw（撤回申报）, file（备案）, announce（公告）."""
    from placenames import applications, transitions

    data = {key: value for key, value in fields.items() if value is not None}
    action = action.strip().replace("-", "_")
    try:
        transitions.apply_action(obj.store, application_id, action, data, actor=_actor(actor), version=version)
    except DimingError as exc:
        if exc.http_status != 404:
            _explain_refusal(obj.store, application_id)
        raise
    obj.store.checkpoint()
    view = applications.officer_view(obj.store, application_id)
    if as_json:
        _echo_json(view)
    else:
        click.echo(f"已办理 done: {action}（{view['state_label']['zh']} / {view['state_label']['en']}）")
        click.echo("可办理 Next: " + (_actions(view["next_actions"]) or "无（办理已结束）/ none (the application is closed)"))


def _explain_refusal(store, application_id: int) -> None:
    """On a refused step: where the application stands and the steps allowed from there."""
    from placenames import applications

    try:
        view = applications.officer_view(store, application_id)
    except DimingError:
        return
    state = view["state_label"]
    allowed = _actions(view["next_actions"]) or "无（办理已结束）/ none (the application is closed)"
    click.echo(f"申报 {application_id} 当前环节 state: {state['zh']} / {state['en']}；可办理 allowed: {allowed}", err=True)


@click.command("show")
@click.argument("application_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON (as GET /api/v1/applications/ID).")
@click.pass_obj
def show_command(obj, application_id, as_json) -> None:
    """Show one application: name, kind, state, category, area, geometry and its steps."""
    from placenames import applications

    view = applications.officer_view(obj.store, application_id)
    if as_json:
        _echo_json(view)
    else:
        _print_view(view)


@click.command("list")
@click.option("--state", help="Only applications in this state (applied, accepted, reviewed, in_notice, approved, filed, announced, ...).")
@click.option("--kind", "kind_text", help="Only naming | renaming | cancellation.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON (as GET /api/v1/applications).")
@click.pass_obj
def list_command(obj, state, kind_text, as_json) -> None:
    """List the applications with their kind, state and category in Chinese and English."""
    from placenames import applications

    rows = applications.list_applications(obj.store, state, _kind(kind_text) if kind_text else None)
    if as_json:
        _echo_json(rows)
        return
    for row in rows:
        category = row["category_label"]["zh"] if row["category_label"] else "—"
        click.echo(
            f"{row['id']:>5}  {row['kind_label']['zh']}  {row['state_label']['zh']:<4}  {row['proposed_name'] or '—'}  "
            f"{category}  {row['admin_code'] or '—'}  更新 updated {_local(row['updated_at'])}"
        )
    click.echo(f"共 {len(rows)} 件 / {len(rows)} applications")


COMMANDS = [apply_command, step_command, show_command, list_command]
