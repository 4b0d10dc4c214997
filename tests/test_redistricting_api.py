"""The redistricting job API and its stored proposals, on both backends (real database, real thread)."""

from __future__ import annotations

import time

import pytest
from apitools import bearer
from redistricting_grids import store_grid_blocks

from boundaries.redistricting import jobs
from boundaries.redistricting.models import RedistrictingJob
from gis.settings import Settings
from server import create_app


def seed_blocks(store):
    """Two subdistricts of 8 blocks with 50 households each; current communities by column."""
    store_grid_blocks(store, [[50] * 4] * 4, subdistricts=[["W", "W", "E", "E"]] * 4, communities=[["W1", "W2", "E1", "E2"]] * 4)


@pytest.fixture
def client(store, tmp_path):
    seed_blocks(store)
    app = create_app(Settings(database_url=store.url, work_dir=str(tmp_path / "run")))
    return app.test_client()


token = bearer


def wait(client, headers, job_id, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(f"/api/v1/redistricting/jobs/{job_id}", headers=headers).get_json()
        if body["status"] in ("succeeded", "failed", "cancelled"):
            return body
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish: {body}")


def test_a_planner_submits_a_job_and_reads_the_stored_proposals(client, store):
    planner = token(store, "li", ["planner"])
    response = client.post(
        "/api/v1/redistricting/jobs",
        headers=planner,
        json={"min": 100, "max": 200, "targets": {"W": [2, 2], "E": [2, 2]}, "alternatives": 2, "seed": 3},
    )
    assert response.status_code == 202
    job = wait(client, planner, response.get_json()["id"])
    assert job["status"] == "succeeded" and job["progress"] == 1.0, job
    assert len(job["plans"]) == 2
    plan = client.get(f"/api/v1/redistricting/plans/{job['plans'][0]}", headers=planner).get_json()
    assert plan["valid"] and plan["violations"] == []
    features = plan["communities"]["features"]
    assert sorted(f["properties"]["households"] for f in features) == [200, 200, 200, 200]
    assert all(f["properties"]["premises_required_m2"] == 400 for f in features)
    assert len(plan["assignment"]) == 16
    listed = client.get("/api/v1/redistricting/plans", headers=planner).get_json()["plans"]
    assert [p["id"] for p in listed] == job["plans"]
    against_current = client.get(f"/api/v1/redistricting/plans/{job['plans'][0]}/compare", headers=planner).get_json()
    assert against_current["first"]["communities"] == 4 and against_current["second"]["communities"] == 4
    between = client.get(f"/api/v1/redistricting/plans/{job['plans'][0]}/compare?with={job['plans'][1]}", headers=planner)
    assert between.status_code == 200 and "households_changing_community" in between.get_json()


def test_proposals_are_for_planners_only(client, store):
    officer = token(store, "wang", ["placename_officer"])
    assert client.get("/api/v1/redistricting/plans").status_code == 401
    assert client.get("/api/v1/redistricting/plans", headers=officer).status_code == 403
    assert client.post("/api/v1/redistricting/jobs", headers=officer, json={}).status_code == 403


def test_bad_parameters_are_refused_and_no_job_is_created(client, store):
    planner = token(store, "li", ["planner"])
    for body in ({"min": 300, "max": 200}, {"alternatives": 0}, {"colour": "red"}, {"targets": {"W": "x"}}):
        response = client.post("/api/v1/redistricting/jobs", headers=planner, json=body)
        assert response.status_code == 400, body
        assert set(response.get_json()["message"]) == {"zh", "en"}
    with store.read() as session:
        assert session.query(RedistrictingJob).count() == 0


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"subdistricts": ["Z"]}, "'Z'"),
        ({"subdistricts": ["W"], "targets": {"E": [1, 2]}}, "'E' is not in this run"),
        ({"targets": {"Q": [1, 2]}}, "'Q'"),
        ({"locked_communities": ["999"]}, "Unknown locked communities: 999"),
        ({"subdistricts": ["W"], "locked_communities": ["E1"]}, "Locked communities outside this run: E1"),
        ({"locked_blocks": ["no-such-block"]}, "Unknown locked blocks: no-such-block"),
    ],
)
def test_a_request_naming_what_the_blocks_do_not_have_is_refused_before_a_job_exists(client, store, body, named):
    planner = token(store, "li", ["planner"])
    response = client.post("/api/v1/redistricting/jobs", headers=planner, json=body)
    assert response.status_code == 400
    message = response.get_json()["message"]
    assert named in message["en"] and message["zh"]
    details = response.get_json()["details"]  # bilingual findings (gis.findings): zh/en and message, rule, subject
    assert all(d["message"] == {"zh": d["zh"], "en": d["en"]} and d["rule"] and d["severity"] == "error" for d in details)
    assert any(named in d["en"] for d in details)
    with store.read() as session:
        assert session.query(RedistrictingJob).count() == 0


def test_every_problem_of_a_request_is_listed_at_once(client, store):
    planner = token(store, "li", ["planner"])
    body = {"subdistricts": ["Z", "W"], "targets": {"E": [1, 2]}, "locked_communities": ["999"]}
    details = client.post("/api/v1/redistricting/jobs", headers=planner, json=body).get_json()["details"]
    assert len(details) == 3


def test_subdistricts_and_targets_are_stored_as_the_blocks_codes(client, store):
    import datetime as dt

    from gis.basemap import AdminUnit

    with store.transaction(actor="test", reason="names") as session:
        session.add(AdminUnit(code="W", name="西街道", level="subdistrict", parent_code=None, valid_from=dt.date(2020, 1, 1)))
    job_id = jobs.submit(store, {"subdistricts": ["西"], "targets": {"西街道": [1, 2]}}, actor="li", start=False)
    with store.read() as session:
        params = session.get(RedistrictingJob, job_id).parameters
    assert params["subdistricts"] == ["W"] and params["targets"] == {"W": [1, 2]}


def test_a_job_whose_blocks_went_away_before_it_ran_fails_with_its_reason(client, store):
    from sqlalchemy import delete

    from gis.basemap import Block

    planner = token(store, "li", ["planner"])
    job_id = jobs.submit(store, {"subdistricts": ["W"], "min": 100, "max": 200}, actor="li", start=False)
    with store.transaction(actor="test", reason="blocks re-surveyed") as session:
        session.execute(delete(Block).where(Block.subdistrict_code == "W"))
    jobs.run(store, job_id, "li")
    job = client.get(f"/api/v1/redistricting/jobs/{job_id}", headers=planner).get_json()
    assert job["status"] == "failed" and job["error"]["code"] == "invalid-input" and "'W'" in job["error"]["message"]["en"]
    assert client.post(f"/api/v1/redistricting/jobs/{job_id}/cancel", headers=planner).status_code == 409


def test_a_queued_job_can_be_cancelled_and_then_never_runs(store):
    seed_blocks(store)
    job_id = jobs.submit(store, {"min": 100, "max": 200}, actor="li", start=False)
    jobs.cancel(store, job_id, actor="li")
    jobs.run(store, job_id, "li")
    state = jobs.status(store, job_id)
    assert state["status"] == "cancelled" and state["plans"] == []


def test_a_restart_fails_jobs_of_a_dead_process_but_not_of_a_live_one(store):
    seed_blocks(store)
    dead = jobs.submit(store, {}, actor="li", start=False)
    live = jobs.submit(store, {}, actor="li", start=False)
    with store.transaction(actor="test") as session:
        job = session.get(RedistrictingJob, dead)
        job.status, job.worker = "running", jobs.this_worker().rsplit(":", 1)[0] + ":999999999"
        job = session.get(RedistrictingJob, live)
        job.status, job.worker = "running", jobs.this_worker()
    assert jobs.recover_interrupted(store) == 1
    assert jobs.status(store, dead)["status"] == "failed"
    assert jobs.status(store, dead)["error"]["code"] == "interrupted"
    assert jobs.status(store, live)["status"] == "running"


def test_unknown_job_and_plan_are_404(client, store):
    planner = token(store, "li", ["planner"])
    assert client.get("/api/v1/redistricting/jobs/999", headers=planner).status_code == 404
    assert client.get("/api/v1/redistricting/plans/999", headers=planner).status_code == 404


def test_a_stored_plan_is_exported_as_geopackage_geojson_and_csv(client, store, tmp_path):
    import io

    import geopandas as gpd
    import pandas as pd
    import pyogrio

    planner = token(store, "li", ["planner"])
    job_id = client.post(
        "/api/v1/redistricting/jobs", headers=planner, json={"min": 100, "max": 200, "targets": {"W": [1, 1], "E": [2, 2]}}
    ).get_json()["id"]
    job = wait(client, planner, job_id)
    plan_id = job["plans"][0]
    stored = client.get(f"/api/v1/redistricting/plans/{plan_id}", headers=planner).get_json()
    assert not stored["valid"]  # W's 400 households cannot make 1 community of at most 200

    response = client.get(f"/api/v1/redistricting/plans/{plan_id}/export?format=gpkg", headers=planner)
    assert response.status_code == 200 and response.mimetype == "application/geopackage+sqlite3"
    assert f'filename="plan-{plan_id}.gpkg"' in response.headers["Content-Disposition"]
    path = tmp_path / "download.gpkg"
    path.write_bytes(response.get_data())
    assert [name for name, _ in pyogrio.list_layers(path)] == ["communities", "blocks", "violations"]
    communities = gpd.read_file(path, layer="communities")
    assert sorted(communities["community"]) == sorted(f["id"] for f in stored["communities"]["features"])
    assert communities["households"].sum() == 800 and (communities["premises_required_m2"] == 400).all()
    assert list(communities.columns[:3]) == ["community", "subdistrict", "households"]
    blocks = gpd.read_file(path, layer="blocks")
    assert dict(zip(blocks["code"], blocks["community"], strict=False)) == stored["assignment"]
    assert set(blocks["previous"]) == {"W1", "W2", "E1", "E2"}
    violations = gpd.read_file(path, layer="violations")
    assert "target-count" in set(violations["rule"]) and set(violations["kind"]) >= {"violation", "finding"}

    geojson = client.get(f"/api/v1/redistricting/plans/{plan_id}/export?format=geojson", headers=planner)
    assert geojson.status_code == 200 and geojson.mimetype == "application/geo+json"
    assert len(geojson.get_json()["features"]) == len(communities)
    csv = client.get(f"/api/v1/redistricting/plans/{plan_id}/export?format=csv", headers=planner)
    table = pd.read_csv(io.BytesIO(csv.get_data()))
    assert (
        list(table.columns) == ["block", "community"]
        and dict(zip(table["block"], table["community"], strict=False)) == stored["assignment"]
    )

    assert client.get(f"/api/v1/redistricting/plans/{plan_id}/export?format=kml", headers=planner).status_code == 400
    assert client.get(f"/api/v1/redistricting/plans/{plan_id}/export").status_code == 401
    assert client.get("/api/v1/redistricting/plans/999/export", headers=planner).status_code == 404


def test_a_cancel_that_arrives_while_a_plan_is_made_stops_the_job_and_stores_nothing(store, monkeypatch):
    """The cancel is sent from inside the run (after the first subdistrict), as a planner's request would arrive."""
    seed_blocks(store)
    real_propose = jobs.propose
    monkeypatch.setattr(jobs, "PROGRESS_INTERVAL", 0.0)
    job_id = jobs.submit(store, {"min": 100, "max": 200, "alternatives": 2, "mode": "redraw"}, actor="li", start=False)
    subdistricts_done = []

    def propose_and_cancel_midway(graph, rules, *, progress, should_stop, **kwargs):
        def report(fraction, what):
            progress(fraction, what)
            subdistricts_done.append(what)
            if len(subdistricts_done) == 1:
                jobs.cancel(store, job_id, actor="li")

        return real_propose(graph, rules, progress=report, should_stop=should_stop, **kwargs)

    monkeypatch.setattr(jobs, "propose", propose_and_cancel_midway)
    jobs.run(store, job_id, "li")
    state = jobs.status(store, job_id)
    assert state["status"] == "cancelled" and state["message"] == "cancelled", state
    assert subdistricts_done == ["E"]  # the second subdistrict (W) and the second plan were never made
    assert state["plans"] == [] and 0.1 <= state["progress"] < 0.95


def test_jobs_wait_in_the_queue_and_each_process_runs_one_at_a_time(client, store):
    import datetime as dt

    planner = token(store, "li", ["planner"])
    ids = [
        client.post("/api/v1/redistricting/jobs", headers=planner, json={"min": 100, "max": 200, "seed": seed}).get_json()["id"]
        for seed in range(2)
    ]
    done = [wait(client, planner, job_id) for job_id in ids]
    assert [job["status"] for job in done] == ["succeeded"] * 2
    for earlier, later in zip(done, done[1:], strict=False):
        assert dt.datetime.fromisoformat(later["started_at"]) >= dt.datetime.fromisoformat(earlier["finished_at"])
    with store.read() as session:
        assert {session.get(RedistrictingJob, i).worker for i in ids} == {jobs.this_worker()}


def test_a_job_still_queued_when_the_server_stopped_runs_when_it_starts_again(store, tmp_path):
    seed_blocks(store)
    job_id = jobs.submit(store, {"min": 100, "max": 200}, actor="li", start=False)
    restarted = create_app(Settings(database_url=store.url, work_dir=str(tmp_path / "run"))).test_client()
    job = wait(restarted, token(store, "li", ["planner"]), job_id)
    assert job["status"] == "succeeded" and len(job["plans"]) == 1


def test_new_communities_are_counted_from_todays_and_stored_as_totals(client, store):
    planner = token(store, "li", ["planner"])
    subdistricts = client.get("/api/v1/redistricting/subdistricts", headers=planner).get_json()["subdistricts"]
    assert [(s["code"], s["blocks"], s["households"], s["communities"]) for s in subdistricts] == [("E", 8, 400, 2), ("W", 8, 400, 2)]
    job_id = jobs.submit(store, {"new": {"W": [1, 2], "E": "0-1"}, "min": 100, "max": 200}, actor="li", start=False)
    with store.read() as session:
        params = session.get(RedistrictingJob, job_id).parameters
    assert params["targets"] == {} and params["new"] == {"W": [1, 2], "E": [0, 1]}
    jobs.run(store, job_id, "li")
    state = jobs.status(store, job_id)
    assert state["status"] == "succeeded"
    plan = client.get(f"/api/v1/redistricting/plans/{state['plans'][0]}", headers=planner).get_json()
    assert plan["rules"]["targets"] == {"W": [3, 4], "E": [2, 3]}  # today's two each, plus the range


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"new": {"W": [1, 2]}, "targets": {"W": [3, 3]}}, "both a total target and a new count"),
        ({"new": {"W": [-1, 2]}}, "Invalid number of new communities"),
        ({"new": {"Q": [1, 2]}}, "unknown subdistrict 'Q'"),
        ({"subdistricts": ["E"], "new": {"W": 1}}, "not in this run"),
        ({"new": {"W": "x"}}, "Malformed"),
    ],
)
def test_bad_new_counts_are_refused(client, store, body, named):
    planner = token(store, "li", ["planner"])
    response = client.post("/api/v1/redistricting/jobs", headers=planner, json=body)
    assert response.status_code == 400 and named in response.get_json()["message"]["en"]


def test_the_overview_is_for_planners_only(client, store):
    assert client.get("/api/v1/redistricting/subdistricts").status_code == 401
    assert client.get("/api/v1/redistricting/subdistricts", headers=token(store, "wu", ["placename_officer"])).status_code == 403
