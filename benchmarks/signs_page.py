"""First load of /officer/signs on the demo district (issue 17): the paged API beside the old
whole report, and the page in headless Chromium.

Run:  .venv/bin/python benchmarks/signs_page.py [--db var/bench/demo.gpkg] [--repeat 5] [--no-browser]

Without --db it builds the full demo (seed 530111, scale 1.0) into a temporary GeoPackage.
It serves the app on a loopback port (werkzeug, threaded) and prints, for each request, the
first time and the median of --repeat more, with the size of the answer:
  1. GET /api/v1/signs?limit=50 (page 1, what the page asks first), its summary, and page 1
     filtered by subdistrict, by road, mismatch only and due only;
  2. GET /api/v1/signs/report (what the page asked before: every item);
  3. in headless Chromium, signed in: from navigation to page 1's rows shown ("第 1–50 条"),
     and to the summary shown; the number of table rows drawn.
Target: page 1 (API and page) under 1 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # browser.py: Chromium and the live server

PASSWORD = "bench-officer-1"


def build_demo(path: Path):
    from cli.data_commands import registry
    from data.loader import load_demo
    from gis.storage import Store, migrate

    store = Store(str(path))
    migrate.upgrade(store)
    started = time.perf_counter()
    load_demo(store, registry(), seed=530111, scale=1.0)
    print(f"demo built in {time.perf_counter() - started:.1f} s -> {path}")
    return store


def fetch(url: str, headers: dict) -> tuple[float, int]:
    request = urllib.request.Request(url, headers=headers)
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as answer:
        size = len(answer.read())
    return time.perf_counter() - started, size


def measure(base: str, path: str, headers: dict, repeat: int) -> None:
    first, size = fetch(base + path, headers)
    rest = [fetch(base + path, headers)[0] for _ in range(repeat)]
    median = statistics.median(rest) if rest else first
    print(f"  {urllib.parse.unquote(path):<48} first {first * 1000:7.0f} ms   median {median * 1000:7.0f} ms   {size / 1024:9.1f} KiB")


def browser_load(base: str, repeat: int) -> None:
    from browser import chromium, close, wait
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    b = chromium()
    try:
        b.get(base + "/officer/signs")
        form = wait(b, EC.visibility_of_element_located((By.ID, "signin-form")))
        form.find_element(By.ID, "signin-user").send_keys("bench")
        form.find_element(By.ID, "signin-password").send_keys(PASSWORD)
        form.find_element(By.ID, "signin-button").click()
        wait(b, EC.visibility_of_element_located((By.ID, "signed-in")))
        for run in range(1 + repeat):
            started = time.perf_counter()
            b.get(base + "/officer/signs")
            wait(b, EC.text_to_be_present_in_element((By.ID, "page-info"), "第 1–50 条"), timeout=120)
            rows = time.perf_counter() - started
            wait(b, EC.text_to_be_present_in_element((By.ID, "report-counts"), "符合条件"), timeout=120)
            counts = time.perf_counter() - started
            drawn = len(b.find_elements(By.CSS_SELECTOR, "#items tbody tr"))
            label = "first" if run == 0 else f"again {run}"
            shown = f"rows shown {rows * 1000:6.0f} ms   summary shown {counts * 1000:6.0f} ms"
            print(f"  /officer/signs {label:<8} {shown}   {drawn} rows drawn")
    finally:
        close(b)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="A demo database to use (GeoPackage path or URL); default: build one.")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()

    from browser import LiveServer

    from accounts import service
    from gis.settings import Settings
    from gis.storage import Store
    from server import create_app

    tmp = tempfile.mkdtemp(prefix="diming-signs-bench-")
    store = Store(args.db) if args.db else build_demo(Path(tmp) / "demo.gpkg")
    service.add_user(store, f"bench-{os.getpid()}", ["placename_officer"], actor="bench")
    token, _ = service.issue_token(store, f"bench-{os.getpid()}", actor="bench")
    try:
        service.add_user(store, "bench", ["placename_officer"], password=PASSWORD, actor="bench")
    except Exception:  # noqa: BLE001  (kept from an earlier run on the same database)
        pass
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    machine = f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}"
    print(f"machine: {machine}; python {platform.python_version()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    app = create_app(Settings(database_url=store.url, work_dir=str(Path(tmp) / "run")))
    with LiveServer(app) as server:
        road = urllib.parse.quote("春城路")
        subdistrict = urllib.parse.quote("关上街道")
        print("API (one client, werkzeug threaded server, loopback):")
        for path in (
            "/api/v1/signs?limit=50&offset=0",
            "/api/v1/signs/summary",
            f"/api/v1/signs?limit=50&subdistrict={subdistrict}",
            f"/api/v1/signs?limit=50&road={road}",
            "/api/v1/signs?limit=50&mismatch=true",
            "/api/v1/signs?limit=50&due=true",
            "/api/v1/signs?limit=50&offset=45000",
            "/api/v1/signs/report",
        ):
            measure(server.url, path, headers, args.repeat)
        if not args.no_browser:
            print("Page in headless Chromium (signed in):")
            browser_load(server.url, min(args.repeat, 3))


if __name__ == "__main__":
    main()
