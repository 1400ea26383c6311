"""`mentorgraph serve --workers N` (uvicorn's multiprocess supervisor) for the soak: its worker
processes, their memory, and a SIGKILL for one of them.

uvicorn 0.54's supervisor checks its workers every half second (`keep_subprocess_alive`) and
starts a new one in place of a worker that died, so a killed worker should come back.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bench.servers import ROOT, free_port, rss_mb

__all__ = ["SoakServer", "children", "cpu_seconds"]


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """CPU seconds (user and system) each process has used so far, by pid (gone ones left out)."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in pids:
        with contextlib.suppress(OSError):  # gone meanwhile
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            used[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return used


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return sorted(found)


class SoakServer:
    def __init__(self, database_url: str, jwt_secret: str, data_dir: Path, workers: int) -> None:
        self.port = free_port()
        self.workers = workers
        self.data_dir = data_dir
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": database_url,
            "JWT_SECRET": jwt_secret,
            "DATA_DIR": str(data_dir),
            # Every soak client connects from 127.0.0.1, as if behind one proxy: the limits per
            # address (sign-ups, sockets) are for a crowd of addresses, so they are lifted here;
            # per account, per socket and per pair of account and address they stay as shipped.
            "SIGNUP_MAX_PER_ADDRESS": "100000",
            "WS_MAX_SOCKETS_PER_ADDRESS": "100000",
        }
        self.log_path = data_dir / "server.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.log = open(self.log_path, "wb")  # noqa: SIM115
        command = [sys.executable, "-m", "mentorgraph", "serve", "--port", str(self.port),
                   "--workers", str(self.workers)]  # fmt: skip
        self.process = subprocess.Popen(
            command, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, cwd=ROOT
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-2000:]}")
            if len(self.worker_pids()) == self.workers and self._ready():
                return
            time.sleep(0.2)
        raise RuntimeError(f"server did not start: {self.log_path.read_text()[-2000:]}")

    def _ready(self) -> bool:
        try:
            return httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def worker_pids(self) -> list[int]:
        """The serving processes (uvicorn's workers; multiprocessing's resource tracker, a
        child too, has no socket and is told apart by its command line)."""
        assert self.process is not None
        return [
            pid for pid in children(self.process.pid) if "resource_tracker" not in _cmdline(pid)
        ]

    def workers_rss_mb(self) -> float:
        total = 0.0
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):  # gone meanwhile
                total += rss_mb(pid)
        return total

    def workers_cpu_seconds(self) -> dict[int, float]:
        """CPU seconds (user and system) each worker has used so far, by pid."""
        return cpu_seconds(self.worker_pids())

    def kill_one_worker(self) -> int:
        pid = self.worker_pids()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def stop(self) -> float:
        """SIGTERM; the seconds it took to exit (killed after 30)."""
        assert self.process is not None
        started = time.monotonic()
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        return time.monotonic() - started


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""
