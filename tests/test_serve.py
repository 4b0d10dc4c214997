"""`diming serve` runs the app under gunicorn (a production WSGI server) with several workers."""

from __future__ import annotations

import json
import socket
import sys
import time
import urllib.request

import pytest
from live_server import free_port, serving
from ogc_seed import seed


def get(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


@pytest.fixture
def served(store, tmp_path):
    seed(store)
    port = free_port()
    command = [sys.executable, "-c", "from cli import main; main()", "--db", store.url, "serve", "--port", str(port), "--workers", "2"]
    with serving(command, port, tmp_path / "server.log", env={"DIMING_WORK_DIR": str(tmp_path / "run")}) as base:
        yield base


def test_serve_answers_health_and_ogc_items_under_gunicorn(served, store):
    status, headers, body = get(served + "/healthz")
    health = json.loads(body)
    assert status == 200 and headers["Server"].startswith("gunicorn")
    assert health["status"] == "ok" and health["database"]["backend"] == store.dialect
    status, _, body = get(served + "/ogc/collections/roads/items?f=json")
    names = {f["properties"]["name"] for f in json.loads(body)["features"]}
    assert status == 200 and names == {"春城路", "北京路"}
    # links point at the address the server was started on
    status, _, body = get(served + "/ogc/collections?f=json")
    assert any(link["href"].startswith(served + "/ogc") for link in json.loads(body)["links"])


def test_a_redistricting_job_executed_through_ogc_runs_under_gunicorn_and_any_worker_answers_for_it(served, store):
    """pygeoapi loads diming's job manager by dotted path in each forked worker; jobs live in the database."""
    from apitools import bearer
    from redistricting_grids import store_grid_blocks

    store_grid_blocks(store, [[50] * 4] * 4, subdistricts=[["W", "W", "E", "E"]] * 4)
    headers = {**bearer(store, "li", "planner"), "Content-Type": "application/json", "Prefer": "respond-async"}

    def call(method, path, body=None):
        request = urllib.request.Request(
            served + path, method=method, headers=headers, data=json.dumps(body).encode() if body is not None else None
        )
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, dict(response.headers), json.loads(response.read())

    inputs = {"subdistricts": ["W", "E"], "min": 100, "max": 200, "targets": {"W": [2, 2], "E": [2, 2]}}
    status, response_headers, accepted = call("POST", "/ogc/processes/redistrict/execution", {"inputs": inputs})
    assert status == 201 and response_headers["Location"] == f"{served}/ogc/jobs/{accepted['jobID']}"
    deadline = time.monotonic() + 60
    while (job := call("GET", f"/ogc/jobs/{accepted['jobID']}")[2])["status"] in ("accepted", "running"):
        assert time.monotonic() < deadline, job
        time.sleep(0.1)
    assert job["status"] == "successful" and job["progress"] == 100
    assert {call("GET", f"/ogc/jobs/{accepted['jobID']}")[2]["status"] for _ in range(10)} == {"successful"}
    plans = call("GET", f"/ogc/jobs/{accepted['jobID']}/results")[2]["plans"]
    assert len(plans) == 1 and plans[0]["valid"]


def raw_request(base: str, target: bytes) -> tuple[int, dict, bytes]:
    """Send ``GET target`` byte for byte (as curl does with an unencoded Chinese URL)."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: " + host.encode() + b"\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body


def test_requests_gunicorn_refuses_itself_get_the_apps_bilingual_json(served):
    status, headers, body = raw_request(served, "/api/v1/search?q=子君路12号".encode())
    refusal = json.loads(body)
    assert status == 400 and headers["Content-Type"].startswith("application/json")
    assert refusal["code"] == "bad-request" and "百分号编码" in refusal["message"]["zh"] and "percent-encoded" in refusal["message"]["en"]
    status, headers, body = raw_request(served, b"/api/v1/search?q=" + b"a" * 9000)
    refusal = json.loads(body)
    assert status == 414 and refusal["code"] == "uri-too-long" and refusal["message"]["zh"]
    status, _, body = raw_request(served, b"/api/v1/search?q=%E5%AD%90%E5%90%9B%E8%B7%AF")
    assert status == 200  # the same query percent-encoded is answered by the app


def test_a_worker_keeps_what_it_built_at_start_out_of_the_garbage_collectors_walks(store, tmp_path):
    import gc

    from cli.serve_command import worker_app
    from gis.settings import Settings

    seed(store)
    gc.unfreeze()
    try:
        app = worker_app(Settings(database_url=store.url, work_dir=str(tmp_path / "run")))
        frozen = gc.get_freeze_count()
        assert app.test_client().get("/healthz").status_code == 200
    finally:
        gc.unfreeze()
    assert frozen > 10_000  # the modules, the app and its configuration, not a handful of objects
