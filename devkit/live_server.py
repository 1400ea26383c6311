"""Runs `mentorgraph serve` in a subprocess on a free loopback port, for tests that need real
concurrency across connections (and, later, several processes)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from mentorgraph.settings import Settings

__all__ = ["ROOT", "LiveServer", "free_port"]

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    def __init__(self, settings: Settings, *, workers: int = 1, **env: str) -> None:
        self.settings = settings
        self.port = free_port()
        self.workers = workers
        self.extra_env = env
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": self.settings.resolved_database_url,
            "DATA_DIR": str(self.settings.data_dir),
            "JWT_SECRET": self.settings.resolved_jwt_secret,
            **self.extra_env,
        }
        self.log = open(self.settings.data_dir / f"server-{self.port}.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mentorgraph",
                "serve",
                "--port",
                str(self.port),
                "--workers",
                str(self.workers),
            ],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120  # imports alone take 20 s on a loaded machine
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.read_log()}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        log = self.read_log()
        self.stop()  # never leave a half-started server behind (it would hold its port and CPU)
        raise RuntimeError(f"server did not become ready: {log}")

    def wait_for_log(self, text: str, times: int = 1, timeout: float = 30) -> None:
        """Until `text` appears `times` times in the server's log (e.g. every worker started)."""
        deadline = time.monotonic() + timeout
        while self.read_log().count(text) < times:
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} not seen {times} times: {self.read_log()}")
            time.sleep(0.1)

    def read_log(self) -> str:
        return (self.settings.data_dir / f"server-{self.port}.log").read_text(errors="replace")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()
