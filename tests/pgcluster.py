"""Private PostgreSQL clusters for tests that stop servers or build replicas.

Each cluster lives in its own temporary folder on its own port, so stopping it
cannot disturb the shared server the other tests use.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile

import pytest


def bindir() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(found[-1]) if found else None


def require_bindir() -> str:
    found = bindir()
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL server binaries are mandatory under CI")
        pytest.skip("no PostgreSQL server binaries")
    return found


def as_postgres(*command: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateCluster:
    """A PostgreSQL cluster of its own: ``initdb`` (or a base backup of a primary)."""

    def __init__(self, bin_dir: str, *, replica_of: PrivateCluster | None = None):
        self.bindir = bin_dir
        self.root = tempfile.mkdtemp(prefix="diming-pg-")
        self.data = os.path.join(self.root, "data")
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        if replica_of is None:
            self._run(f"{bin_dir}/initdb", "-D", self.data, "-U", "postgres", "--auth=trust")
        else:
            self._run(
                f"{bin_dir}/pg_basebackup",
                "-h",
                "127.0.0.1",
                "-p",
                str(replica_of.port),
                "-U",
                "postgres",
                "-D",
                self.data,
                "-R",
                "-X",
                "stream",
            )

    def _run(self, *command: str) -> None:
        subprocess.run(as_postgres(*command), check=True, capture_output=True)

    def pg_ctl(self, *args: str) -> None:
        self._run(f"{self.bindir}/pg_ctl", "-D", self.data, "-l", os.path.join(self.root, "log"), "-w", *args)

    def start(self) -> None:
        self.pg_ctl("-o", f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1", "start")

    def stop(self) -> None:
        self.pg_ctl("-m", "fast", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/{database}"

    def destroy(self) -> None:
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.root, ignore_errors=True)
