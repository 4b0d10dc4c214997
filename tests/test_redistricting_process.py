"""The OGC API – Processes face of redistricting (/ogc/processes/redistrict, /ogc/jobs), on both backends.

Real app, real database, real worker thread: a job executed here is a row of
``redistricting_jobs`` like one submitted to the JSON API.
"""

from __future__ import annotations

import time

import pytest
from apitools import bearer
from redistricting_grids import store_grid_blocks

from accounts import service
from boundaries.redistricting import jobs
from boundaries.redistricting.models import RedistrictingJob
from gis.settings import Settings
from server import create_app

EXECUTE = "/ogc/processes/redistrict/execution"
ASYNC = {"Prefer": "respond-async"}
#: 4 communities of 200 households are the only valid plan of the world below.
INPUTS = {"min": 100, "max": 200, "targets": {"W": [2, 2], "E": [2, 2]}, "seed": 5, "name": "ogc draft"}


def seed_world(store) -> None:
    """Two subdistricts (W, E) of 8 blocks, 50 households each."""
    store_grid_blocks(store, [[50] * 4] * 4, subdistricts=[["W", "W", "E", "E"]] * 4, communities=[["W1", "W2", "E1", "E2"]] * 4)


@pytest.fixture
def client(store, tmp_path):
    seed_world(store)
    app = create_app(Settings(database_url=store.url, work_dir=str(tmp_path / "run")))
    return app.test_client()


user = bearer


def job_path(response) -> str:
    location = response.headers["Location"]
    return location[location.index("/ogc/jobs/") :]


def poll(client, headers, path, timeout=30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(path, headers=headers).get_json()
        if body["status"] not in ("accepted", "running"):
            return body
        time.sleep(0.05)
    raise AssertionError(f"{path} did not finish: {body}")


def job_count(store) -> int:
    with store.read() as session:
        return session.query(RedistrictingJob).count()


def test_a_planner_executes_asynchronously_polls_progress_and_reads_the_stored_proposals(client, store, monkeypatch):
    monkeypatch.setattr(jobs, "PROGRESS_INTERVAL", 0.0)  # write every progress step, so the history shows them
    planner = user(store, "li", ["planner"])
    response = client.post(EXECUTE, headers={**planner, **ASYNC}, json={"inputs": {**INPUTS, "alternatives": 2}})
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.headers["Preference-Applied"] == "respond-async"
    accepted = response.get_json()
    assert accepted["status"] == "accepted"
    path = job_path(response)
    assert path == f"/ogc/jobs/{accepted['jobID']}"

    status = poll(client, planner, path)
    assert status["status"] == "successful" and status["progress"] == 100, status
    assert status["processID"] == "redistrict" and status["message"] == "2 plan(s), 2 valid"
    assert status["parameters"]["seed"] == 5
    # Progress was reported on the way: the job row went through fractions with a message.
    history = store.history("redistricting_jobs", int(accepted["jobID"]))
    steps = [(e.after["progress"], e.after["message"]) for e in history if e.after]
    assert any(0 < progress < 1 and message.startswith("plan ") for progress, message in steps), steps
    assert client.get(path, headers=planner).headers["Cache-Control"] == "private, no-store"

    results = client.get(f"{path}/results", headers=planner)
    assert results.status_code == 200
    plans = results.get_json()["plans"]
    assert [p["name"] for p in plans] == ["ogc draft #1", "ogc draft #2"]
    assert [p["seed"] for p in plans] == [5, 6]
    assert all(p["valid"] and p["violations"] == [] and p["metrics"]["communities"] == 4 for p in plans)
    links = {link["title"]: link["href"] for link in plans[0]["links"]}
    assert links["proposal"].endswith(f"/api/v1/redistricting/plans/{plans[0]['id']}")
    stored = client.get(links["proposal"][links["proposal"].index("/api/") :], headers=planner).get_json()
    assert sorted(f["properties"]["households"] for f in stored["communities"]["features"]) == [200] * 4
    assert "export (gpkg)" in links

    # The same job, seen through the JSON API and in the OGC job list.
    same = client.get(f"/api/v1/redistricting/jobs/{accepted['jobID']}", headers=planner).get_json()
    assert same["status"] == "succeeded" and same["plans"] == [p["id"] for p in plans]
    listed = client.get("/ogc/jobs?f=json", headers=planner).get_json()["jobs"]
    assert [j["jobID"] for j in listed] == [accepted["jobID"]]


def test_the_description_is_public_execution_and_jobs_are_for_planners_only(client, store):
    listed = client.get("/ogc/processes?f=json").get_json()["processes"]
    assert [p["id"] for p in listed] == ["redistrict"]
    response = client.get("/ogc/processes/redistrict?f=json", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    described = response.get_json()
    assert described["title"] == "Redistricting"
    assert set(described["inputs"]) == {
        "subdistricts",
        "min",
        "max",
        "dense_max",
        "targets",
        "new",
        "mode",
        "merge_undersized",
        "as_of",
        "seed",
        "alternatives",
        "locked_blocks",
        "locked_communities",
        "name",
    }
    assert described["inputs"]["min"]["schema"]["default"] == 5000
    assert set(described["outputs"]) == {"plans"}
    assert described["jobControlOptions"] == ["async-execute"]
    assert any(link["rel"].endswith("/execute") for link in described["links"])

    officer = user(store, "wang", ["placename_officer"])
    job_id = jobs.submit(store, INPUTS, actor="li", start=False)
    for headers, expected in (({}, 401), (officer, 403)):
        response = client.post(EXECUTE, headers={**headers, **ASYNC}, json={"inputs": INPUTS})
        assert response.status_code == expected
        assert set(response.get_json()["message"]) == {"zh", "en"}
        assert client.get("/ogc/jobs", headers=headers).status_code == expected
        assert client.get(f"/ogc/jobs/{job_id}", headers=headers).status_code == expected
        assert client.get(f"/ogc/jobs/{job_id}/results", headers=headers).status_code == expected
        assert client.delete(f"/ogc/jobs/{job_id}", headers=headers).status_code == expected
    assert job_count(store) == 1
    assert jobs.status(store, job_id)["status"] == "queued" and not jobs.status(store, job_id)["cancel_requested"]

    planner = user(store, "li", ["planner"])
    for path in ("/ogc/jobs/999", "/ogc/jobs/abc", "/ogc/jobs/99999999999", "/ogc/jobs/999/results"):
        response = client.get(path, headers=planner)
        assert response.status_code == 404, path
        assert set(response.get_json()["message"]) == {"zh", "en"}
    assert client.delete("/ogc/jobs/999", headers=planner).status_code == 404

    # A signed-in planner's page may execute too, with its CSRF token.
    service.add_user(store, "zhao", ["planner"], password="long enough secret", actor="admin")
    signed_in = client.post("/api/v1/session", json={"username": "zhao", "password": "long enough secret"}).get_json()
    assert client.post(EXECUTE, headers=ASYNC, json={"inputs": INPUTS}).status_code == 403  # no CSRF token
    assert job_count(store) == 1
    response = client.post(EXECUTE, headers={**ASYNC, "X-CSRF-Token": signed_in["csrf_token"]}, json={"inputs": INPUTS})
    assert response.status_code == 201
    assert poll(client, {}, job_path(response))["status"] == "successful"


def test_bad_inputs_are_refused_in_both_languages_before_a_job_exists(client, store):
    planner = user(store, "li", ["planner"])
    for inputs in (
        {"min": 300, "max": 200},
        {"alternatives": 0},
        {"colour": "red"},
        {"targets": {"W": "x"}},
        {"seed": "abc"},
        {"name": "x" * 200},
        {"subdistricts": ["北京街道"]},
        {"locked_communities": ["999"]},
    ):
        response = client.post(EXECUTE, headers={**planner, **ASYNC}, json={"inputs": inputs})
        assert response.status_code == 400, inputs
        message = response.get_json()["message"]
        assert message["zh"] and message["en"], inputs
    assert job_count(store) == 0
    unknown = client.post(EXECUTE, headers={**planner, **ASYNC}, json={"inputs": {"subdistricts": ["北京街道"]}}).get_json()
    assert "北京街道" in unknown["message"]["zh"] and "Unknown subdistrict '北京街道'" in unknown["message"]["en"]


def test_dismissing_a_job_cancels_it_and_keeps_it_listed_as_dismissed(client, store):
    planner = user(store, "li", ["planner"])
    job_id = jobs.submit(store, INPUTS, actor="li", start=False)  # still queued when dismissed
    response = client.delete(f"/ogc/jobs/{job_id}", headers=planner)
    assert response.status_code == 200
    assert response.get_json()["status"] == "dismissed"
    jobs.run(store, job_id, "li")  # a worker that picks it up now does nothing
    status = client.get(f"/ogc/jobs/{job_id}", headers=planner).get_json()
    assert status["status"] == "dismissed"
    assert jobs.status(store, job_id)["plans"] == []
    results = client.get(f"/ogc/jobs/{job_id}/results", headers=planner)
    assert results.status_code == 404 and set(results.get_json()["message"]) == {"zh", "en"}
    again = client.delete(f"/ogc/jobs/{job_id}", headers=planner)
    assert again.status_code == 409 and set(again.get_json()["message"]) == {"zh", "en"}
