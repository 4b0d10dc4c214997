"""Redistricting jobs: queued in the database, run one at a time per process by a background worker.

The state lives in ``redistricting_jobs`` rather than in memory so any web worker
can answer "how far is job 7?", a cancel request reaches the running thread
through the database, and a restart turns a job that was running into a failed
one (``recover_interrupted``) instead of losing it.

A job is not run by the request that submits it: it waits ``queued`` until a
process's worker thread claims it (the row's version number makes the claim
atomic, so two processes never run one job). Each process runs one job at a
time, so a burst of submissions queues instead of starving the web workers of
CPU, and a queued job outlives a restart: the next process to start takes it.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
import time
from typing import Any

from sqlalchemy import func, select

from boundaries.redistricting.adjust import adjust
from boundaries.redistricting.checks import catalogue_of_input, catalogue_of_store, check_request, totals
from boundaries.redistricting.generate import Cancelled, propose
from boundaries.redistricting.graph import build_graph
from boundaries.redistricting.inputs import RedistrictingInput, from_store, map_of, subdistrict_names
from boundaries.redistricting.models import FINISHED_STATES, RedistrictingJob, RedistrictingPlan
from boundaries.redistricting.proposals import save_proposal
from boundaries.redistricting.rules import Rules
from gis.errors import Conflict, DimingError, InvalidInput, NotFound, VersionConflict
from gis.storage import Store, utcnow

#: Write progress to the database, and look for a cancel request, at most this often (seconds).
PROGRESS_INTERVAL = 1.0
#: Progress (0-1) when the blocks are loaded and their graph built, and when every plan is made.
GRAPH_BUILT, PLANS_MADE = 0.1, 0.95
MAX_ALTERNATIVES = 10
#: adjust: keep today's communities unless a rule or target needs a change (boundaries.redistricting.adjust);
#: redraw: divide each subdistrict afresh (boundaries.redistricting.generate).
MODES = ("adjust", "redraw")
MAX_NAME = 90  # the stored name is at most 100, with ' #10' for alternatives


def parse_parameters(body: dict) -> dict:
    """Check a job request and return it normalised (so a bad request fails before a job exists)."""
    if not isinstance(body, dict):
        raise InvalidInput("请求体应为 JSON 对象", "The request body must be a JSON object")
    known = {
        "subdistricts",
        "min",
        "max",
        "dense_max",
        "targets",
        "new",
        "seed",
        "alternatives",
        "locked_blocks",
        "locked_communities",
        "name",
        "mode",
        "merge_undersized",
        "as_of",
    }
    unknown = sorted(set(body) - known)
    if unknown:
        raise InvalidInput(f"未知参数：{', '.join(unknown)}", f"Unknown parameters: {', '.join(unknown)}")
    try:
        params: dict[str, Any] = {
            "subdistricts": [str(s) for s in body.get("subdistricts") or []],
            "min": int(body.get("min", 5000)),
            "max": int(body.get("max", 10000)),
            "dense_max": int(body.get("dense_max", 20000)),
            "targets": _counts(body.get("targets")),
            "new": _counts(body.get("new")),
            "seed": int(body.get("seed", 0)),
            "alternatives": int(body.get("alternatives", 1)),
            "locked_blocks": [str(b) for b in body.get("locked_blocks") or []],
            "locked_communities": [str(c) for c in body.get("locked_communities") or []],
            "name": str(body.get("name") or "proposal"),
            "mode": str(body.get("mode") or "adjust"),
            "merge_undersized": _boolean(body.get("merge_undersized", False)),
            "as_of": _date(body.get("as_of")),
        }
    except (TypeError, ValueError, IndexError, AttributeError) as exc:
        raise InvalidInput(f"参数格式错误：{exc}", f"Malformed parameters: {exc}") from exc
    if params["mode"] not in MODES:
        raise InvalidInput(
            f"mode 须为 {' 或 '.join(MODES)}：{params['mode']}", f"mode must be {' or '.join(MODES)}, not {params['mode']!r}"
        )
    if len(params["name"]) > MAX_NAME:
        raise InvalidInput(f"方案名称最长 {MAX_NAME} 字", f"The name is longer than {MAX_NAME} characters")
    if not 1 <= params["alternatives"] <= MAX_ALTERNATIVES:
        raise InvalidInput(f"备选方案数须为 1-{MAX_ALTERNATIVES}", f"alternatives must be 1-{MAX_ALTERNATIVES}")
    for subdistrict, (low, high) in params["new"].items():
        if not 0 <= low <= high:
            raise InvalidInput(
                f"街道 {subdistrict} 的新增社区数无效：{low}-{high}", f"Invalid number of new communities for {subdistrict}: {low}-{high}"
            )
    rules_of(params)  # validates the bounds and targets
    return params


def _boolean(value) -> bool:
    if isinstance(value, bool):
        return value
    raise TypeError(f"merge_undersized must be true or false, not {value!r}")


def _date(value) -> str | None:
    """``as_of`` as an ISO date string (kept as text: the parameters are stored as JSON)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return dt.date.fromisoformat(str(value)).isoformat()


def as_of(params: dict) -> dt.date | None:
    """The date whose map the run starts from (None: today's)."""
    return dt.date.fromisoformat(params["as_of"]) if params.get("as_of") else None


def _counts(value) -> dict[str, list[int]]:
    """``{"关上街道": [5, 8]}``, ``{"关上街道": 6}`` or ``{"关上街道": "5-8"}`` → ``{"关上街道": [5, 8]}``."""
    counts = {}
    for key, bounds in (value or {}).items():
        if isinstance(bounds, str):
            low, _, high = bounds.partition("-")
            bounds = [int(low), int(high or low)]
        elif isinstance(bounds, int) and not isinstance(bounds, bool):
            bounds = [bounds, bounds]
        if isinstance(bounds, tuple):
            bounds = list(bounds)
        if not isinstance(bounds, list) or not 1 <= len(bounds) <= 2 or any(isinstance(b, bool) for b in bounds):
            raise TypeError(f"{key}: {bounds!r}")
        counts[str(key)] = [int(bounds[0]), int(bounds[-1])]
    return counts


def rules_of(params: dict) -> Rules:
    return Rules(
        params["min"],
        params["max"],
        params["dense_max"],
        {k: tuple(v) for k, v in params["targets"].items()},
        frozenset(params["locked_blocks"]),
        frozenset(params["locked_communities"]),
    )


def select_blocks(everything: RedistrictingInput, names: dict[str, str], params: dict) -> tuple[RedistrictingInput, Rules]:
    """The blocks of the requested subdistricts and the rules, every name checked against the blocks
    (``checks.check_request``). One place for the job and the ``diming redistrict`` command (which may
    read its blocks from a file)."""
    catalogue = catalogue_of_input(everything, names)
    params = check_request(params, catalogue)
    return everything.only(params["subdistricts"] or None), rules_of({**params, "targets": totals(params, catalogue)})


def make_plan(graph, rules: Rules, params: dict, *, seed: int, progress=None, should_stop=None):
    """One plan in the request's mode; the same for the job and ``diming redistrict``."""
    if params.get("mode", "adjust") == "adjust":
        return adjust(
            graph, rules, seed=seed, merge_undersized=params.get("merge_undersized", False), progress=progress, should_stop=should_stop
        )
    return propose(graph, rules, seed=seed, progress=progress, should_stop=should_stop)


def seeds(params: dict) -> range:
    """The seed of each alternative plan: seed, seed + 1, ..."""
    return range(params["seed"], params["seed"] + params["alternatives"])


def submit(store: Store, body: dict, *, actor: str, start: bool = True) -> int:
    """Record a queued job and (unless ``start`` is false) wake this process's worker to run it.

    The request is checked against the stored blocks first, so a job that could not run is never queued."""
    params = check_request(parse_parameters(body), catalogue_of_store(store))
    day = as_of(params)
    if day is not None:
        map_of(store, day)  # a date before every unit version is refused before a job exists
    with store.transaction(actor=actor, reason="submit redistricting job") as session:
        job = RedistrictingJob(
            status="queued", progress=0.0, parameters=params, cancel_requested=False, worker=None, created_by=actor, updated_by=actor
        )
        session.add(job)
        session.flush()
        job_id = job.id
    if start:
        wake(store)
    return job_id


class _Worker:
    """One background thread per process and database: claims queued jobs, oldest first, until none is left."""

    def __init__(self, store: Store):
        self.store = store
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.again = False

    def wake(self) -> None:
        with self.lock:
            if self.thread is not None:
                self.again = True  # the running thread looks once more before it stops
                return
            self.thread = threading.Thread(target=self._drain, name="redistricting-worker", daemon=True)
            self.thread.start()

    def _drain(self) -> None:
        try:
            while True:
                job_id = next_queued(self.store)
                if job_id is not None:
                    run(self.store, job_id)
                    continue
                with self.lock:
                    if not self.again:
                        self.thread = None
                        return
                    self.again = False
        finally:  # e.g. the database went away: the next wake starts a new thread
            with self.lock:
                if self.thread is threading.current_thread():
                    self.thread = None


_workers: dict[int, _Worker] = {}
_workers_lock = threading.Lock()


def wake(store: Store) -> None:
    """Make sure this process's worker for ``store`` looks for queued jobs."""
    with _workers_lock:
        worker = _workers.setdefault(id(store), _Worker(store))
    worker.wake()


def next_queued(store: Store) -> int | None:
    with store.read() as session:
        return session.scalar(select(RedistrictingJob.id).where(RedistrictingJob.status == "queued").order_by(RedistrictingJob.id).limit(1))


def status(store: Store, job_id: int) -> dict:
    with store.read() as session:
        job = session.get(RedistrictingJob, job_id)
        if job is None:
            raise NotFound(f"任务不存在：{job_id}", f"No such redistricting job: {job_id}")
        plans = session.scalars(select(RedistrictingPlan.id).where(RedistrictingPlan.job_id == job_id).order_by(RedistrictingPlan.id)).all()
        return _state(job, list(plans))


def list_jobs(store: Store, *, limit: int | None = None, offset: int = 0) -> tuple[int, list[dict]]:
    """(how many jobs there are, the newest first from ``offset``, at most ``limit``)."""
    with store.read() as session:
        total = session.scalar(select(func.count()).select_from(RedistrictingJob)) or 0
        query = select(RedistrictingJob).order_by(RedistrictingJob.id.desc()).offset(offset)
        found = session.scalars(query.limit(limit) if limit is not None else query).all()
        plans: dict[int | None, list[int]] = {job.id: [] for job in found}  # keyed by job_id (a nullable column)
        if found:
            rows = session.execute(
                select(RedistrictingPlan.job_id, RedistrictingPlan.id)
                .where(RedistrictingPlan.job_id.in_(list(plans)))
                .order_by(RedistrictingPlan.id)
            )
            for job_id, plan_id in rows:
                plans[job_id].append(plan_id)
        return total, [_state(job, plans[job.id]) for job in found]


def _state(job: RedistrictingJob, plans: list[int]) -> dict:
    return {
        "id": job.id,
        "status": job.status,
        "progress": job.progress,
        "message": job.message,
        "parameters": job.parameters,
        "error": job.error,
        "plans": plans,
        "created_by": job.created_by,
        "cancel_requested": bool(job.cancel_requested),
        "created_at": job.created_at.isoformat(),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


def cancel(store: Store, job_id: int, *, actor: str) -> None:
    """Ask a queued or running job to stop; a finished job cannot be cancelled (409)."""

    def ask() -> None:
        with store.transaction(actor=actor, reason="cancel redistricting job") as session:
            job = session.get(RedistrictingJob, job_id)
            if job is None:
                raise NotFound(f"任务不存在：{job_id}", f"No such redistricting job: {job_id}")
            if job.status in FINISHED_STATES:
                raise Conflict(f"任务 {job_id} 已结束（{job.status}），不能取消", f"Job {job_id} has already ended ({job.status})")
            job.cancel_requested = True
            if job.status == "queued":
                job.status, job.finished_at, job.message = "cancelled", utcnow(), "cancelled before it started"

    _again_on_conflict(ask)


def _again_on_conflict(write):
    """Run ``write``, again if the job row changed under it (the worker's progress and a
    cancel request may write the same row at the same moment: a version conflict)."""
    for attempt in range(5):
        try:
            return write()
        except VersionConflict:
            if attempt == 4:
                raise
            time.sleep(0.05)


def this_worker() -> str:
    return f"{socket.gethostname()[:50]}:{os.getpid()}"


def _worker_gone(worker: str | None) -> bool:
    """Is the process that ran a job gone? Only knowable on this host; other hosts' jobs are left alone."""
    if not worker:
        return True
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname()[:50] or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def recover_interrupted(store: Store) -> int:
    """Mark running jobs whose process has stopped (a server restart) as failed; returns how many.

    Called when the web application starts. Jobs of live processes (another
    worker of the same server) are left running; queued jobs stay queued for a
    worker to take.
    """
    with store.transaction(actor="system", reason="server restart: interrupted redistricting jobs") as session:
        jobs = session.scalars(select(RedistrictingJob).where(RedistrictingJob.status == "running")).all()
        jobs = [job for job in jobs if _worker_gone(job.worker)]
        for job in jobs:
            job.status, job.finished_at = "failed", utcnow()
            job.error = {
                "code": "interrupted",
                "message": {"zh": "服务重启，任务中断", "en": "The server restarted while the job was running"},
            }
        return len(jobs)


def _cancel_requested(store: Store, job_id: int) -> bool:
    with store.read() as session:
        return bool(session.scalar(select(RedistrictingJob.cancel_requested).where(RedistrictingJob.id == job_id)))


def _update(store: Store, job_id: int, actor: str, **values) -> bool:
    """Write job fields; returns whether a cancel was requested."""

    def write() -> bool:
        with store.transaction(actor=actor, reason="redistricting job progress") as session:
            job = session.get(RedistrictingJob, job_id)
            assert job is not None  # jobs are never deleted
            for key, value in values.items():
                setattr(job, key, value)
            return bool(job.cancel_requested)

    return _again_on_conflict(write)


def _claim(store: Store, job_id: int) -> tuple[dict, str] | None:
    """Take a queued job for this process: (parameters, submitter), or None if it is not (or no longer) queued."""
    try:
        with store.transaction(actor="system", reason="redistricting job started") as session:
            job = session.get(RedistrictingJob, job_id)
            if job is None or job.status != "queued":
                return None
            job.status, job.started_at, job.worker, job.message = "running", utcnow(), this_worker(), "loading blocks"
            return job.parameters, job.created_by
    except VersionConflict:  # another process claimed it (or it was cancelled) at the same moment
        return None


def run(store: Store, job_id: int, actor: str | None = None) -> None:
    """Run a queued job to its end; every outcome (success, error, cancel) is written to the job row.

    ``actor`` (default: who submitted the job) is the audit actor of its writes.
    """
    claimed = _claim(store, job_id)
    if claimed is None:
        return
    params, submitter = claimed
    actor = actor or submitter
    state = {"written": 0.0, "checked": time.monotonic(), "cancel": False}

    def should_stop() -> bool:
        """Has a cancel been asked for? Read from the database at most every PROGRESS_INTERVAL."""
        now = time.monotonic()
        if not state["cancel"] and now - state["checked"] >= PROGRESS_INTERVAL:
            state["checked"] = now
            state["cancel"] = _cancel_requested(store, job_id)
        return bool(state["cancel"])

    try:
        data, rules = select_blocks(from_store(store, as_of(params)), subdistrict_names(store), params)
        if _update(store, job_id, actor, message=f"building the block graph ({len(data.blocks)} blocks)"):
            raise Cancelled()
        graph = build_graph(data)
        count = params["alternatives"]
        if _update(store, job_id, actor, progress=GRAPH_BUILT, message=f"plan 1/{count}"):
            raise Cancelled()
        proposals = []
        for index, seed in enumerate(seeds(params)):

            def progress(fraction, what, index=index):
                now = time.monotonic()
                if now - state["written"] >= PROGRESS_INTERVAL:
                    state["written"] = state["checked"] = now
                    done = GRAPH_BUILT + (PLANS_MADE - GRAPH_BUILT) * (index + fraction) / count
                    state["cancel"] = _update(store, job_id, actor, progress=round(done, 4), message=f"plan {index + 1}/{count}: {what}")

            if should_stop():
                raise Cancelled()
            proposals.append(make_plan(graph, rules, params, seed=seed, progress=progress, should_stop=should_stop))
        if _update(store, job_id, actor, progress=PLANS_MADE, message=f"storing {count} plan(s)"):
            raise Cancelled()
        with store.transaction(actor=actor, reason=f"redistricting job {job_id}") as session:
            job = session.get(RedistrictingJob, job_id)
            assert job is not None  # jobs are never deleted
            if job.cancel_requested:  # asked while the last plan was being finished: store nothing
                raise Cancelled()
            for index, proposal in enumerate(proposals):
                name = params["name"] if count == 1 else f"{params['name']} #{index + 1}"
                save_proposal(store, proposal, name=name, actor=actor, job_id=job_id, session=session)
            job.status, job.progress, job.finished_at = "succeeded", 1.0, utcnow()
            job.message = f"{count} plan(s), {sum(p.valid for p in proposals)} valid"
    except Cancelled:
        _update(store, job_id, actor, status="cancelled", finished_at=utcnow(), message="cancelled")
    except VersionConflict as exc:  # the row changed under the final write: a cancel, or a lost race
        if _cancel_requested(store, job_id):
            _update(store, job_id, actor, status="cancelled", finished_at=utcnow(), message="cancelled")
        else:
            _update(store, job_id, actor, status="failed", finished_at=utcnow(), error=exc.to_dict())
    except DimingError as exc:
        _update(store, job_id, actor, status="failed", finished_at=utcnow(), error=exc.to_dict())
    except Exception as exc:  # noqa: BLE001 — a job must end in a state, whatever went wrong
        _update(
            store,
            job_id,
            actor,
            status="failed",
            finished_at=utcnow(),
            error={"code": "internal-error", "message": {"zh": "任务内部错误", "en": f"{type(exc).__name__}: {exc}"}},
        )
