"""Fuzz the service's OpenAPI documents with schemathesis: the goal is zero 5xx.

Run:  make check-api            (creates .venv-check with schemathesis, then runs this)
 or:  .venv/bin/python benchmarks/check_openapi.py --schemathesis .venv-check/bin/schemathesis

It builds a small demo database in a temporary folder, starts `diming serve` on a
free loopback port, downloads each OpenAPI document (pygeoapi's at /ogc/openapi and
diming's own at /api/v1/openapi.json when present), replaces references to remote
schemas (schemas.opengis.net cannot be reached offline) by open schemas, runs
schemathesis with the `not_a_server_error` check, stops the server and prints the
number of server errors per document. Exit code 1 if any 5xx was found.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HOST = "127.0.0.1"
DOCUMENTS = [("/ogc/openapi?f=json", "/ogc"), ("/api/v1/openapi.json", "/api/v1")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def without_remote_refs(node):
    """Drop $ref values that point outside the document (they cannot be fetched here)."""
    if isinstance(node, dict):
        return {k: without_remote_refs(v) for k, v in node.items() if not (k == "$ref" and str(v).startswith("http"))}
    if isinstance(node, list):
        return [without_remote_refs(v) for v in node]
    return node


def diming(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "from cli import main; main()", *args], **kw)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schemathesis", default=shutil.which("schemathesis") or "schemathesis")
    parser.add_argument("--examples", type=int, default=25, help="examples per operation")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="diming-check-"))
    db = str(work / "check.gpkg")
    if diming("--db", db, "demo", "--scale", "0.02").wait() != 0:
        raise SystemExit("demo build failed")
    port = free_port()
    server = diming(
        "--db", db, "serve", "--host", HOST, "--port", str(port), "--workers", "2", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://{HOST}:{port}"
    failures = 0
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=5)
                break
            except OSError:
                time.sleep(0.5)
        for path, prefix in DOCUMENTS:
            try:
                with urllib.request.urlopen(base + path, timeout=30) as response:
                    document = json.load(response)
            except OSError:
                print(f"{path}: not served, skipped")
                continue
            local = work / (re.sub(r"\W+", "_", path) + ".json")
            local.write_text(json.dumps(without_remote_refs(document)), encoding="utf-8")
            run = subprocess.run(
                [
                    args.schemathesis,
                    "run",
                    str(local),
                    "--url",
                    base + prefix,
                    "-c",
                    "not_a_server_error",
                    "-n",
                    str(args.examples),
                    "--phases",
                    "examples,fuzzing",
                    "--no-color",
                ],
                capture_output=True,
                text=True,
            )
            found = re.search(r"Server error: (\d+)", run.stdout)
            count = int(found.group(1)) if found else 0
            failures += count
            summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr.strip()[-300:]
            print(f"{path}: {count} server errors ({summary})")
            if count:
                for line in run.stdout.splitlines():
                    if line.strip().startswith("curl "):
                        print("   ", line.strip())
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
