"""Mixed public traffic against a real gunicorn server, on loopback only, bounded in time.

Run:  .venv/bin/python benchmarks/load.py --db var/diming.gpkg [--clients 50] [--seconds 60] [--workers 4]
                                            [--writes 5]

It starts `diming serve` on a free loopback port over the given database (build the
demo into it first), sends a mix of public requests from N concurrent clients for
the given time, stops the server, and prints throughput, error rate and latency
percentiles per kind of request and overall. Errors are any non-2xx answer or a
failed connection. Each client reuses one keep-alive connection. Searches ask for
roads and addresses of the register (read from the database first).

With ``--writes S`` a writer commits, every S seconds, alternately a new door plate on
a registered road and a new road, as an officer's session would (audited, in one
transaction each), and then asks the server's search for it every 20 ms until the
answer has it: the script prints the delay from commit to searchable (the requests
land on any of the workers). The written rows stay in the database: use a copy.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

HOST = "127.0.0.1"  # loopback only: this script never sends traffic elsewhere

OGC_REQUESTS = [
    ("ogc-items-page", "/ogc/collections/roads/items?f=json&limit=20"),
    ("ogc-items-bbox", "/ogc/collections/addresses/items?f=json&limit=50&bbox={bbox}"),
    ("ogc-items-q", "/ogc/collections/communities/items?f=json&limit=5&q=%E5%85%B3%E4%B8%8A"),
    ("ogc-item", "/ogc/collections/buildings/items/{building}?f=json"),
]
SEARCH_REQUESTS = [
    ("search", "/api/v1/search?q={road}"),
    ("autocomplete", "/api/v1/autocomplete?q={prefix}"),
    ("reverse", "/api/v1/reverse?lon={lon}&lat={lat}"),
]
ROADS = ["环城东路", "子君路", "锦西路", "官城路", "福居路", "安和路", "昌宏西路", "民航路"]  # replaced by the register's
ADDRESSES: list[str] = []


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def fill(path: str, rng: random.Random) -> str:
    lon, lat = rng.uniform(102.70, 102.80), rng.uniform(24.97, 25.07)
    road = rng.choice(ROADS)
    query = rng.choice(ADDRESSES) if ADDRESSES and rng.random() < 0.5 else road
    return path.format(
        bbox=f"{lon:.5f},{lat:.5f},{lon + 0.005:.5f},{lat + 0.005:.5f}",
        building=rng.randint(1, 40000),
        road=urllib.parse.quote(query),
        prefix=urllib.parse.quote(road[:2]),
        lon=f"{lon:.6f}",
        lat=f"{lat:.6f}",
    )


def start_server(db: str, port: int, workers: int) -> subprocess.Popen:
    # Every simulated client comes from 127.0.0.1: lift the per-address anonymous geocoding budget.
    env = {**os.environ, "DIMING_PUBLIC_URL": f"http://{HOST}:{port}", "DIMING_PUBLIC_GEOCODE_BUDGET": "1000000000"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from cli import main; main()",
            "--db",
            db,
            "serve",
            "--host",
            HOST,
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=5):
                return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("server did not start")


def probe(port: int, path: str) -> bool:
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=10) as response:
            return response.status == 200
    except OSError:
        return False


def client(port: int, mix, stop_at: float, seed: int, results: list) -> None:
    rng = random.Random(seed)
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    while time.monotonic() < stop_at:
        kind, template = rng.choice(mix)
        path = fill(template, rng)
        start = time.perf_counter()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            ok = 200 <= response.status < 300 or (kind == "ogc-item" and response.status == 404)
        except (OSError, http.client.HTTPException):
            ok = False
            connection.close()
            connection = http.client.HTTPConnection(HOST, port, timeout=30)
        results.append((kind, time.perf_counter() - start, ok))
    connection.close()


def register_sample(db: str, rng: random.Random) -> None:
    """Road names and addresses of the register, for the searches to ask."""
    from sqlalchemy import select

    from gis.basemap import Road
    from gis.storage import Store
    from placenames.models import DoorPlate

    store = Store(db)
    with store.read() as session:
        roads = list(session.scalars(select(Road.name).distinct()))
        plates = session.execute(select(Road.name, DoorPlate.number_text).join(Road).where(DoorPlate.status == "current")).all()
    store.dispose()
    if roads:
        ROADS[:] = rng.sample(roads, min(200, len(roads)))
    ADDRESSES[:] = [f"{road}{number}号" for road, number in rng.sample(plates, min(500, len(plates)))]


def found(port: int, query: str, check) -> bool:
    path = "/api/v1/search?q=" + urllib.parse.quote(query)
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=10) as response:
            features = json.load(response)["features"]
    except OSError:
        return False
    return bool(features) and check(features[0]["properties"]["geocoding"])


def writer(db: str, port: int, every: float, stop_at: float, delays: list) -> None:
    """Commit a new plate or a new road every ``every`` seconds; time until search finds it."""
    import shapely
    from sqlalchemy import select

    from gis.basemap import Road
    from gis.storage import Store
    from placenames.models import DoorPlate

    store = Store(db)
    rng = random.Random(99)
    k = 0
    while time.monotonic() + every < stop_at:
        time.sleep(every)
        k += 1
        with store.transaction(actor="load-writer", reason="load benchmark") as session:
            road = session.scalars(select(Road).where(Road.name == rng.choice(ROADS)).limit(1)).one()
            if k % 2:
                number = 90000 + k
                point = shapely.line_interpolate_point(road.geom, 0.5, normalized=True)
                session.add(
                    DoorPlate(
                        road_id=road.id,
                        number=number,
                        suffix="",
                        number_text=str(number),
                        side="left",
                        address=f"{road.name}{number}号",
                        geom=point,
                        admin_code=road.admin_code,
                    )
                )
                kind, query, check = "plate", f"{road.name}{number}号", lambda g, n=str(number): g.get("housenumber") == n
            else:
                name = f"压测{'甲乙丙丁戊己庚辛壬癸'[k % 10]}{'子丑寅卯辰巳午未申酉戌亥'[k // 10 % 12]}路"
                session.add(Road(name=name, road_class="local", admin_code=road.admin_code, geom=road.geom))
                kind, query, check = "road", name, lambda g, n=name: g.get("name") == n
        committed = time.perf_counter()
        while not found(port, query, check):
            if time.perf_counter() - committed > 30:
                break
            time.sleep(0.02)
        delays.append((kind, time.perf_counter() - committed))
    store.dispose()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--writes", type=float, default=0.0, help="commit a plate or a road every WRITES seconds (0: none)")
    args = parser.parse_args()
    if args.seconds > 600 or args.clients > 500:
        raise SystemExit("bounded: at most 600 s and 500 clients")

    port = free_port()
    register_sample(args.db, random.Random(1))
    server = start_server(args.db, port, args.workers)
    delays: list = []
    try:
        rng = random.Random(0)
        mix = list(OGC_REQUESTS)
        included = [kind for kind, path in SEARCH_REQUESTS if probe(port, fill(path, rng))]
        mix += [r for r in SEARCH_REQUESTS if r[0] in included]
        print(f"server: gunicorn, {args.workers} workers, http://{HOST}:{port}; clients {args.clients}; {args.seconds:.0f} s")
        print(f"request kinds: {', '.join(kind for kind, _ in mix)}")
        results: list = []
        stop_at = time.monotonic() + args.seconds
        threads = [threading.Thread(target=client, args=(port, mix, stop_at, i, results)) for i in range(args.clients)]
        if args.writes > 0:
            threads.append(threading.Thread(target=writer, args=(args.db, port, args.writes, stop_at, delays)))
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(f"\n{'kind':16} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    kinds = sorted({k for k, _, _ in results})
    for kind in [*kinds, "ALL"]:
        rows = [r for r in results if kind == "ALL" or r[0] == kind]
        times = [t for _, t, _ in rows]
        errors = sum(1 for _, _, ok in rows if not ok)
        print(
            f"{kind:16} {len(rows):9d} {errors:7d} {percentile(times, 50):8.1f} {percentile(times, 95):8.1f} {percentile(times, 99):8.1f}"
        )
    for kind in ("plate", "road"):
        waited = sorted(d for k, d in delays if k == kind)
        if waited:
            print(
                f"commit -> searchable, new {kind}: {len(waited)} writes, median {waited[len(waited) // 2] * 1000:.0f} ms, "
                f"max {waited[-1] * 1000:.0f} ms (polled every 20 ms)"
            )
    total_errors = sum(1 for _, _, ok in results if not ok)
    print(f"\nthroughput {len(results) / elapsed:.1f} requests/s; error rate {total_errors / max(len(results), 1):.3%}")
    print(json.dumps({"requests": len(results), "errors": total_errors, "seconds": round(elapsed, 1)}))


if __name__ == "__main__":
    main()
