"""A primary and its streaming replica of the test's own, made with `initdb` and
`pg_basebackup -R`.

Never the machine's shared cluster (its pg_hba allows no replication connections, and it is
not ours to reconfigure): both clusters live in one temporary directory, on free ports, with
their sockets there, and are stopped and deleted at the end. initdb refuses to run as root, so
as root the clusters belong to the `postgres` user (`runuser`).
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path

from bench.clusters import AS_ROOT, pg_binary, run_as_owner
from devkit.live_server import free_port

__all__ = ["ReplicatedPostgres"]


class ReplicatedPostgres:
    DATABASE = "mg_replica"

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="mg-replica-pg-"))
        self.primary_port = free_port()
        self.replica_port = free_port()

    @property
    def primary_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.primary_port}/{self.DATABASE}"

    @property
    def replica_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.replica_port}/{self.DATABASE}"

    def _pg_ctl(self, data: str, port: int, action: str) -> None:
        options = f"-p {port} -k {self.dir} -c max_connections=100 -c fsync=off"
        log = str(self.dir / f"{data}.log")
        mode = ["-m", "immediate"] if action == "stop" else []
        run_as_owner(
            pg_binary("pg_ctl"),
            "-D",
            str(self.dir / data),
            "-l",
            log,
            "-o",
            options,
            "-w",
            action,
            *mode,
        )

    def start(self) -> None:
        """initdb's defaults suffice: wal_level=replica, max_wal_senders=10, and its pg_hba
        trusts local replication connections (`--auth=trust`)."""
        if AS_ROOT:
            shutil.chown(self.dir, "postgres", "postgres")
        run_as_owner(
            pg_binary("initdb"),
            "-D",
            str(self.dir / "primary"),
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",  # a throw-away cluster: seconds saved, nothing at stake
        )
        self._pg_ctl("primary", self.primary_port, "start")
        run_as_owner(
            pg_binary("createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.primary_port),
            "-U",
            "postgres",
            self.DATABASE,
        )
        # -R: standby.signal and primary_conninfo, so it starts as a streaming hot standby.
        run_as_owner(
            pg_binary("pg_basebackup"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.primary_port),
            "-U",
            "postgres",
            "-D",
            str(self.dir / "replica"),
            "-R",
            "-X",
            "stream",
            "--checkpoint=fast",
            "--no-sync",
        )
        self.start_replica()

    def start_replica(self) -> None:
        self._pg_ctl("replica", self.replica_port, "start")

    def stop_replica(self) -> None:
        self._pg_ctl("replica", self.replica_port, "stop")

    def stop(self) -> None:
        for data, port in (("replica", self.replica_port), ("primary", self.primary_port)):
            with contextlib.suppress(RuntimeError):  # already stopped (by a test)
                self._pg_ctl(data, port, "stop")
        shutil.rmtree(self.dir, ignore_errors=True)
