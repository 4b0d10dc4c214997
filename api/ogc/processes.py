"""The OGC API – Processes face of redistricting: process ``redistrict`` under /ogc.

pygeoapi serves the routes (/ogc/processes, /ogc/jobs/...) and asks a job
*manager* for everything about jobs. Its own managers keep jobs in TinyDB or its
own PostgreSQL schema and run them in a thread of the request; this manager hands
every call to ``boundaries.redistricting.jobs`` instead, so a job submitted here
is the same row in ``redistricting_jobs`` as one submitted to the JSON API: any
web worker can answer for it, a cancel reaches the worker thread through the
database, and a restart marks it failed.

Only the process description is public. Executing, listing jobs, reading a job,
its results, or dismissing it needs the planner role (bearer token or signed-in
page, as for /api/v1/redistricting); errors are diming's bilingual JSON.

pygeoapi loads both classes by dotted path (``server.py`` names them in the
configuration), so they must build from their plugin definition alone; they find
the store of the app handling the request.
"""

from __future__ import annotations

import copy
import json

from flask import Flask, current_app, request
from pygeoapi.process.base import BaseProcessor
from pygeoapi.process.manager.base import BaseManager
from pygeoapi.util import JobStatus

from accounts.roles import PLANNER
from api import auth
from api.inputs import current_store
from gis.errors import NotFound

PROCESS_ID = "redistrict"
PROCESSOR = "api.ogc.processes.RedistrictProcessor"
MANAGER = "api.ogc.processes.RedistrictingJobManager"


def is_protected(path: str, method: str) -> bool:
    """Whether an operation of the OGC API document needs the planner's token (see ``install``)."""
    return path == "/jobs" or path.startswith("/jobs/") or (method == "POST" and path.endswith("/execution"))


#: diming's job states → OGC API – Processes status codes.
OGC_STATUS = {"queued": "accepted", "running": "running", "succeeded": "successful", "failed": "failed", "cancelled": "dismissed"}


def _input(title: tuple[str, str], description: tuple[str, str], schema: dict) -> dict:
    return {
        "title": {"zh": title[0], "en": title[1]},
        "description": {"zh": description[0], "en": description[1]},
        "schema": schema,
        "minOccurs": 0,
        "maxOccurs": 1,
    }


_STRINGS = {"type": "array", "items": {"type": "string"}}
_COUNT = {"type": "integer", "minimum": 0}

PROCESS_METADATA = {
    "version": "1.0.0",
    "id": PROCESS_ID,
    "title": {"zh": "社区重划", "en": "Redistricting"},
    "description": {
        "zh": "把街道划分为由整街区组成、户数在上下限之内、连片且不跨街道的社区；结果作为方案保存，仅规划人员可见。",
        "en": "Divide subdistricts into communities of whole blocks within household bounds, contiguous and "
        "nested in their subdistrict; the plans are stored as proposals visible to planners only.",
    },
    "jobControlOptions": ["async-execute"],
    "keywords": ["redistricting", "社区", "communities"],
    "inputs": {
        "subdistricts": _input(
            ("街道", "Subdistricts"),
            ("要重划的街道（代码或名称）；省略则为全部", "Subdistricts to divide (codes or names); all when omitted"),
            _STRINGS,
        ),
        "min": _input(
            ("户数下限", "Minimum households"),
            ("每个社区的最少户数（默认 5000）", "Least households per community (default 5000)"),
            {**_COUNT, "default": 5000},
        ),
        "max": _input(
            ("户数上限", "Maximum households"),
            ("每个社区的最多户数（默认 10000）", "Most households per community (default 10000)"),
            {**_COUNT, "default": 10000},
        ),
        "dense_max": _input(
            ("密集区上限", "Dense-area maximum"),
            ("全部街区在密集区的社区的最多户数（默认 20000）", "Most households of a community wholly in a dense area (default 20000)"),
            {**_COUNT, "default": 20000},
        ),
        "targets": _input(
            ("社区数目标", "Community-count targets"),
            ("街道 → [最少, 最多] 个社区", "Subdistrict → [least, most] communities"),
            {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "integer", "minimum": 1}, "minItems": 1, "maxItems": 2},
            },
        ),
        "new": _input(
            ("新增社区数", "New communities"),
            (
                "街道 → [最少, 最多] 个新增社区（在现有社区数之上，按规划的写法；与同一街道的社区数目标二选一）",
                "Subdistrict → [least, most] communities to add to today's (as the plan writes it; not with a target for the same one)",
            ),
            {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 1, "maxItems": 2},
            },
        ),
        "mode": _input(
            ("方式", "Mode"),
            (
                "adjust：保留符合规则的现有社区，只拆分、合并或新建所需的社区（默认）；redraw：整体重新划分",
                "adjust: keep today's communities that meet the rules and change only what a rule or target needs (default); "
                "redraw: divide each subdistrict afresh",
            ),
            {"type": "string", "enum": ["adjust", "redraw"], "default": "adjust"},
        ),
        "merge_undersized": _input(
            ("合并过小社区", "Merge undersized"),
            ("adjust 方式下把低于下限的社区并入有余量的相邻社区", "In adjust mode, merge communities below the minimum into a neighbour"),
            {"type": "boolean", "default": False},
        ),
        "as_of": _input(
            ("起始日期", "As of"),
            (
                "以该日有效的社区区划为起点（如 2015-06-30，规划的起点）；默认今日",
                "Start from the communities in force on this date (e.g. 2015-06-30, the plan's starting point); default today's",
            ),
            {"type": "string", "format": "date"},
        ),
        "seed": _input(
            ("随机种子", "Seed"),
            ("同一输入与种子得到同一方案", "The same input and seed give the same plan"),
            {"type": "integer", "default": 0},
        ),
        "alternatives": _input(
            ("备选方案数", "Alternatives"),
            ("方案个数，种子依次加一", "How many plans, with seeds seed, seed+1, ..."),
            {"type": "integer", "minimum": 1, "maximum": 10, "default": 1},
        ),
        "locked_blocks": _input(
            ("锁定街区", "Locked blocks"), ("保持在现社区的街区代码", "Codes of blocks that keep their current community"), _STRINGS
        ),
        "locked_communities": _input(
            ("锁定社区", "Locked communities"), ("保持原样的现社区代码", "Codes of current communities kept exactly as they are"), _STRINGS
        ),
        "name": _input(("方案名称", "Name"), ("保存的方案名称", "Name of the stored proposal(s)"), {"type": "string", "maxLength": 90}),
    },
    "outputs": {
        "plans": {
            "title": {"zh": "方案", "en": "Proposals"},
            "description": {
                "zh": "保存的方案：编号、是否合规、指标与违规，并附 JSON 与导出链接",
                "en": "The stored proposals: id, validity, metrics and violations, with links to the JSON API and exports",
            },
            "schema": {"type": "array", "items": {"type": "object"}, "contentMediaType": "application/json"},
        },
    },
    "example": {
        "inputs": {
            "subdistricts": ["110101001000"],  # any subdistrict code of the district
            "min": 5000,
            "max": 10000,
            "targets": {"110101001000": [7, 10]},
            "seed": 0,
            "alternatives": 2,
            "name": "2026 draft",
        }
    },
}


class RedistrictProcessor(BaseProcessor):
    """Describes ``redistrict``; the manager runs it as a diming job, never through ``execute``."""

    def __init__(self, processor_def: dict):
        super().__init__(processor_def, copy.deepcopy(PROCESS_METADATA))  # pygeoapi edits what it is given

    def execute(self, data: dict, outputs=None):  # pragma: no cover - the manager never calls it
        raise NotImplementedError("redistrict runs as a diming job (api.ogc.processes.RedistrictingJobManager)")


@auth.requires(PLANNER)
def _check_planner() -> None:
    """401 for the anonymous, 403 without the role: the same guard as /api/v1/redistricting."""


def _job_id(text: str) -> int:
    """A job id of the URL; anything that is not one is a job that does not exist."""
    if not str(text).isdigit() or int(text) >= 2**31:
        raise NotFound(f"任务不存在：{text}", f"No such redistricting job: {text}")
    return int(text)


def _public_url(path: str) -> str:
    return current_app.extensions["diming.settings"].public_url.rstrip("/") + path


def _ogc_job(state: dict) -> dict:
    """diming's job status as the record pygeoapi serialises (progress in percent)."""
    message = state["message"]
    if state["status"] == "running" and state.get("cancel_requested"):
        message = "cancelling"
    if state["error"]:
        message = f"{state['error']['message']['en']} / {state['error']['message']['zh']}"
    return {
        "type": "process",
        "process_id": PROCESS_ID,
        "identifier": str(state["id"]),
        "status": OGC_STATUS[state["status"]],
        "message": message or "",
        "progress": int(round(100 * state["progress"])),
        "parameters": state["parameters"],
        "created": state["created_at"],
        "started": state["started_at"] or state["created_at"],
        "finished": state["finished_at"],
        "updated": state["finished_at"] or state["started_at"] or state["created_at"],
        "mimetype": "application/json",
    }


def plan_links(plan_id: int) -> list[dict]:
    """Where a stored proposal is read and downloaded (JSON API, planners only)."""
    base = f"/api/v1/redistricting/plans/{plan_id}"
    links = [{"rel": "alternate", "type": "application/json", "title": "proposal", "href": _public_url(base)}]
    for fmt, media in (("gpkg", "application/geopackage+sqlite3"), ("geojson", "application/geo+json"), ("csv", "text/csv")):
        links.append({"rel": "enclosure", "type": media, "title": f"export ({fmt})", "href": _public_url(f"{base}/export?format={fmt}")})
    return links


class RedistrictingJobManager(BaseManager):
    """pygeoapi's job manager interface over ``boundaries.redistricting.jobs``."""

    def __init__(self, manager_def: dict):
        super().__init__(manager_def)
        self.is_async = True
        self.supports_subscribing = False

    def execute_process(
        self, process_id, data_dict, execution_mode=None, requested_outputs=None, subscriber=None, requested_response="raw"
    ):
        """Queue a job and return at once (always asynchronous: a run can take minutes)."""
        from boundaries.redistricting import jobs

        _check_planner()
        self.get_processor(process_id)  # UnknownProcessError for anything but a configured process
        job_id = jobs.submit(current_store(), data_dict if isinstance(data_dict, dict) else None, actor=auth.actor())  # type: ignore[arg-type]  # None is refused there
        return str(job_id), "application/json", None, JobStatus.accepted, {"Preference-Applied": "respond-async"}

    def get_jobs(self, status=None, limit=None, offset=None) -> dict:
        from boundaries.redistricting import jobs

        _check_planner()
        total, states = jobs.list_jobs(current_store(), limit=limit, offset=offset or 0)
        return {"jobs": [_ogc_job(s) for s in states], "numberMatched": total}

    def get_job(self, job_id: str) -> dict:
        from boundaries.redistricting import jobs

        _check_planner()
        return _ogc_job(jobs.status(current_store(), _job_id(job_id)))

    def get_job_result(self, job_id: str):
        """The stored proposals of a successful job, each with its links."""
        from boundaries.redistricting import jobs, proposals

        _check_planner()
        state = jobs.status(current_store(), _job_id(job_id))
        if state["status"] != "succeeded":
            raise NotFound(f"任务 {job_id} 没有结果（{state['status']}）", f"Job {job_id} has no results ({state['status']})")
        plans = [{**summary, "links": plan_links(summary["id"])} for summary in proposals.list_plans(current_store(), job_id=int(job_id))]
        # Serialised here with a charset in the media type: pygeoapi renders a plain
        # "application/json" result as HTML unless the client sent f=json.
        return "application/json; charset=utf-8", json.dumps({"plans": plans}, ensure_ascii=False)

    def delete_job(self, job_id: str) -> bool:
        """Dismiss = cancel: a queued job never runs, a running one stops; stored proposals are never deleted."""
        from boundaries.redistricting import jobs

        _check_planner()
        jobs.cancel(current_store(), _job_id(job_id), actor=auth.actor())
        return True

    def add_job(self, job_metadata: dict) -> str:  # pragma: no cover - jobs are added by execute_process
        raise NotImplementedError("jobs are created by boundaries.redistricting.jobs.submit")

    def update_job(self, job_id: str, update_dict: dict) -> bool:  # pragma: no cover
        raise NotImplementedError("jobs are updated by their worker")


def processes() -> dict[str, str]:
    """The processes of this service, for ``gis.ogc.config.build_config``."""
    return {PROCESS_ID: PROCESSOR}


def install(app: Flask, mount_path: str) -> None:
    """Job responses are private: never stored by a shared cache (the OGC GET cache is public)."""
    prefix = mount_path + "/jobs"

    def private(response):
        if request.path == prefix or request.path.startswith(prefix + "/"):
            response.headers["Cache-Control"] = "private, no-store"
            response.headers["Vary"] = "Authorization, Cookie"
            if request.method == "DELETE" and response.status_code == 200:  # pygeoapi sends its JSON as text/html
                response.headers["Content-Type"] = "application/json"
        return response

    # after_request hooks run last-registered first; this one must run after the
    # public caching hook, whatever the order of installation.
    app.after_request_funcs.setdefault(None, []).insert(0, private)
