"""The three servers under test, each started alone as one process on a loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import httpx

__all__ = [
    "JWT_SECRET",
    "SERVERS",
    "Running",
    "ServerKind",
    "free_port",
    "peak_rss_mb",
    "rss_mb",
    "start",
]

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
POSTGRAPHILE = BENCH / "postgraphile"
# The benchmark signs its own viewers' tokens with this (never a real deployment's secret).
JWT_SECRET = "bench-secret-bench-secret-bench-secret"


@dataclass(frozen=True)
class ServerKind:
    name: str
    path: str
    # Which of a shape's operations it is sent: ours, PostGraphile's, or the bare endpoint's.
    speaks: Literal["mentorgraph", "postgraphile", "bare"]
    env: dict[str, str] = field(default_factory=dict)

    def command(self, port: int) -> list[str]:
        if self.speaks == "mentorgraph":
            return [
                sys.executable,
                "-m",
                "uvicorn",
                "mentorgraph.asgi:app",
                "--host=127.0.0.1",
                f"--port={port}",
                "--no-access-log",
                "--log-level=warning",
            ]
        if self.speaks == "postgraphile":
            node = POSTGRAPHILE / "node_modules" / "node" / "bin" / "node"
            cli = POSTGRAPHILE / "node_modules" / "postgraphile" / "dist" / "cli-run.js"
            return [str(node), str(cli), "-C", str(POSTGRAPHILE / "graphile.config.mjs")]
        return [sys.executable, "-m", "bench.bare"]


SERVERS = [
    # As deployed: queries the fast read path supports are answered by one statement.
    ServerKind("mentorgraph", "/graphql", "mentorgraph"),
    # Every query through Strawberry's executor (the fast read path off).
    ServerKind("mentorgraph-ordinary", "/graphql", "mentorgraph", {"FAST_READS": "false"}),
    ServerKind("postgraphile", "/graphql", "postgraphile"),
    ServerKind("bare", "/bare/{shape}", "bare"),
]


@dataclass
class Running:
    kind: ServerKind
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """A memory figure of the process from `/proc/<pid>/status`, in MiB (resident now by
    default)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb(pid: int) -> float:
    """The process's resident-memory high-water mark (VmHWM), in MiB."""
    return rss_mb(pid, "VmHWM")


def _wait_ready(running: Running, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if running.process.poll() is not None:
            raise RuntimeError(f"{running.kind.name} exited: {log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", running.port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{running.kind.name} did not start within {timeout}s")


@contextmanager
def start(kind: ServerKind, database_url: str, logs: Path) -> Iterator[Running]:
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "JWT_SECRET": JWT_SECRET,
        "DATA_DIR": str(logs),
        # Measure answering queries only, not the outbox timer.
        "BACKGROUND_JOBS": "false",
        "NODE_ENV": "production",
        **kind.env,
    }
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"{kind.name}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            kind.command(port), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
        running = Running(kind, port, process)
        try:
            _wait_ready(running, log)
            yield running
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def post(running: Running, path: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(
        running.url + path,
        content=body,
        headers={"content-type": "application/json", **headers},
        timeout=30,
    )
