"""/api/v1/redistricting: planners submit redistricting jobs and read the stored proposals.

Everything here needs the planner role: proposals are working documents, not public.
Thin: parse, call ``boundaries.redistricting``, return JSON.
"""

from __future__ import annotations

import tempfile

from flask import Blueprint, Response, jsonify, request, url_for

from accounts.roles import PLANNER
from api import auth
from api.inputs import Body, Text, current_store, read_body, required_date, takes
from api.web.health import STORE_KEY
from gis.errors import BadRequest, UnsupportedFormat

blueprint = Blueprint("redistricting", __name__)


@blueprint.record_once
def _recover(state) -> None:
    """A job that was running when the server stopped is failed, not left 'running' for ever;
    jobs still queued are taken up by this process's worker."""
    from boundaries.redistricting import jobs

    store = state.app.extensions.get(STORE_KEY)
    if store is not None:
        try:
            jobs.recover_interrupted(store)
            if jobs.next_queued(store) is not None:
                jobs.wake(store)
        except Exception as exc:  # noqa: BLE001 — an unmigrated database must not stop the server; /healthz reports it
            state.app.logger.warning("redistricting: could not check for interrupted jobs: %s", exc)


def _job_links(job_id: int) -> list[dict]:
    return [
        {"rel": "self", "href": url_for("redistricting.job", job_id=job_id)},
        {"rel": "cancel", "href": url_for("redistricting.cancel_job", job_id=job_id)},
    ]


@blueprint.post("/redistricting/jobs")
@auth.requires(PLANNER)
def submit_job():
    from boundaries.redistricting import jobs

    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest("请求体应为 JSON 对象", "The request body must be a JSON object")
    job_id = jobs.submit(current_store(), body, actor=auth.actor())
    response = jsonify(id=job_id, status="queued", links=_job_links(job_id))
    response.status_code = 202
    response.headers["Location"] = url_for("redistricting.job", job_id=job_id)
    return response


@blueprint.get("/redistricting/jobs/<int:job_id>")
@auth.requires(PLANNER)
def job(job_id: int):
    from boundaries.redistricting import jobs

    return jsonify(**jobs.status(current_store(), job_id), links=_job_links(job_id))


@blueprint.post("/redistricting/jobs/<int:job_id>/cancel")
@auth.requires(PLANNER)
def cancel_job(job_id: int):
    from boundaries.redistricting import jobs

    jobs.cancel(current_store(), job_id, actor=auth.actor())
    response = jsonify(jobs.status(current_store(), job_id))
    response.status_code = 202
    return response


@blueprint.get("/redistricting/subdistricts")
@auth.requires(PLANNER)
def subdistricts():
    """Each subdistrict's blocks, households and today's communities: where a plan starts from."""
    from boundaries.redistricting import overview

    return jsonify(subdistricts=overview.subdistricts(current_store()))


@blueprint.get("/redistricting/plans")
@auth.requires(PLANNER)
def plans():
    from boundaries.redistricting import proposals

    return jsonify(plans=proposals.list_plans(current_store()))


@blueprint.get("/redistricting/plans/<int:plan_id>")
@auth.requires(PLANNER)
def plan(plan_id: int):
    """A stored proposal; its new communities carry proposed names checked by the naming rules."""
    from boundaries.redistricting import proposals

    body = proposals.get_plan(current_store(), plan_id)
    from api.redistricting_adoption import proposed_names

    names = proposed_names(current_store(), plan_id, {f["id"]: f["properties"]["subdistrict"] for f in body["communities"]["features"]})
    for feature in body["communities"]["features"]:
        if feature["id"] in names:
            feature["properties"]["proposed_name"] = names[feature["id"]]["name"]
    body["proposed_names"] = names
    return jsonify(body)


class AdoptBody(Body):
    """Adopt a stored plan: the effective date (YYYY-MM-DD), why, and optionally names of new communities."""

    date: Text
    reason: Text
    names: dict[str, Text] | None = None


@blueprint.post("/redistricting/plans/<int:plan_id>/adopt")
@auth.requires(PLANNER)
@takes(AdoptBody)
def adopt(plan_id: int):
    """Write a finished plan as one dated reorganisation; door plates, community lines and search follow.

    400 for a plan that breaks a rule, proposes an empty community or lacks a name, or a bad
    date; 409 when the plan was adopted already or is stale."""
    from api.redistricting_adoption import adopt as adopt_plan

    body = read_body(AdoptBody)
    result = adopt_plan(
        current_store(),
        plan_id,
        effective=required_date(body.date, "date"),
        actor=auth.actor(),
        reason=body.reason,
        names=body.names,
    )
    response = jsonify(result)
    response.status_code = 201
    return response


@blueprint.get("/redistricting/plans/<int:plan_id>/compare")
@auth.requires(PLANNER)
def compare(plan_id: int):
    """``?with=<other plan id>``, or without it: the current communities against this plan."""
    from boundaries.redistricting import proposals

    other = request.args.get("with")
    if other is not None and not other.isdigit():
        raise BadRequest("参数 with 应为方案编号", "Parameter 'with' must be a plan id")
    return jsonify(proposals.compare_stored(current_store(), plan_id, int(other) if other else None))


EXPORT_TYPES = {"gpkg": "application/geopackage+sqlite3", "geojson": "application/geo+json", "csv": "text/csv; charset=utf-8"}


@blueprint.get("/redistricting/plans/<int:plan_id>/export")
@auth.requires(PLANNER)
def export(plan_id: int):
    """A stored proposal as a file download: ``?format=gpkg|geojson|csv`` (default gpkg)."""
    from boundaries.redistricting import proposals

    fmt = request.args.get("format", "gpkg").lower()
    if fmt not in EXPORT_TYPES:
        raise UnsupportedFormat(
            f"导出格式应为 {'、'.join(EXPORT_TYPES)}：{fmt}", f"format must be one of {', '.join(EXPORT_TYPES)}, not {fmt!r}"
        )
    with tempfile.TemporaryDirectory(prefix="diming-plan-") as directory:
        path = proposals.export_plan(current_store(), plan_id, directory, fmt)
        data = path.read_bytes()
    response = Response(data, mimetype=EXPORT_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{path.name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
