"""A throw-away PostgreSQL cluster of the soak's own, which it may restart at will.

Never the machine's shared cluster: `initdb` into a temporary directory, a free port, the
socket in that directory, stopped and deleted at the end. initdb refuses to run as root, so as
root the cluster belongs to the `postgres` user (`runuser`).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from bench.clusters import AS_ROOT, pg_binary, run_as_owner
from bench.servers import free_port
from bench.soak.server import children

__all__ = ["ThrowawayPostgres"]


class ThrowawayPostgres:
    def __init__(self) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="mg-soak-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/mg_soak"

    @property
    def admin_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        if AS_ROOT:
            shutil.chown(self.dir, "postgres", "postgres")
        run_as_owner(pg_binary("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust")
        self._pg_ctl("start")
        run_as_owner(
            pg_binary("createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "mg_soak",
        )

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.dir} -c max_connections=200"
        run_as_owner(
            pg_binary("pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            action,
            *extra,
        )

    def processes(self) -> list[int]:
        """The postmaster and its children (backends, background workers)."""
        try:
            postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return []
        return [postmaster, *children(postmaster)]

    def restart(self) -> None:
        """Stop (fast: every connection is cut) and start again."""
        self._pg_ctl("restart", "-m", "fast")

    def stop(self) -> None:
        try:
            self._pg_ctl("stop", "-m", "immediate")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
