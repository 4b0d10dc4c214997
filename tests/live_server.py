"""The app served by another process over real HTTP, for clients that cannot share our process.

GDAL holds the GIL while it reads, so a server thread in the test process would never answer;
hence a child process. Its output goes to a file, never to an unread pipe: a server that logs
every request fills a 64 KB pipe after a few hundred requests and then blocks on its next log
line, and the client waits for it forever (this hung a CI run at the OGC client tests).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(command: list[str], port: int, log: Path, *, env: dict | None = None, start_within: float = 60) -> Iterator[str]:
    """Run ``command`` (a server listening on ``port``), wait for its /healthz, yield its base URL,
    and stop it afterwards; a server that exits or does not answer in time fails the test with its log."""
    base = f"http://127.0.0.1:{port}"
    with open(log, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
        try:
            deadline = time.monotonic() + start_within
            while True:
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=5).close()
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"server did not start in {start_within:.0f} s:\n" + log.read_text(errors="replace")[-4000:])
                    time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
