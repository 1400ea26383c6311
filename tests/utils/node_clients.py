"""The JavaScript client suites under tests/clients/<name>/: installed from their own lockfile
(`npm ci`, once per machine), run with Node.js against a live server, answering one JSON line.

A missing Node.js or npm fails the test with a message (`make test` installs them via `.ci/run`):
nothing is skipped silently.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

CLIENTS_DIR = Path(__file__).resolve().parents[1] / "clients"
# Installing from the lockfile on a fresh machine (network); a hang guard for one client's step.
INSTALL_SECONDS = 300
RUN_SECONDS = 60


def installed(name: str) -> Path:
    """tests/clients/<name> with its pinned packages installed (`npm ci` when missing or older
    than the lockfile; `make clients` does the same)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail(f"the {name} client tests need Node.js 20+ and npm (.ci/run installs them)")
    folder = CLIENTS_DIR / name
    lock, installed_lock = folder / "package-lock.json", folder / "node_modules/.package-lock.json"
    if not installed_lock.is_file() or installed_lock.stat().st_mtime < lock.stat().st_mtime:
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"],
            cwd=folder,
            check=True,
            timeout=INSTALL_SECONDS,
            stdout=subprocess.DEVNULL,
        )
    return folder


class NodeClient:
    """A running `node <script>`: read its JSON lines as it prints them."""

    def __init__(self, process: asyncio.subprocess.Process, script: str) -> None:
        self.process = process
        self.script = script

    async def line(self) -> Any:
        """Its next line of output, as JSON (fails the test with its errors if it ended)."""
        assert self.process.stdout is not None
        try:
            line = await asyncio.wait_for(self.process.stdout.readline(), RUN_SECONDS)
        except TimeoutError:
            await self.stop()
            pytest.fail(f"node {self.script} printed nothing for {RUN_SECONDS} s")
        if not line:
            await self._failed()
        return json.loads(line)

    async def finish(self) -> None:
        """Wait for it to end; fails the test with its errors unless it exits 0."""
        await asyncio.wait_for(self.process.wait(), RUN_SECONDS)
        if self.process.returncode != 0:
            await self._failed()

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
            await self.process.wait()

    async def _failed(self) -> None:
        await asyncio.wait_for(self.process.wait(), RUN_SECONDS)
        assert self.process.stderr is not None
        errors = (await self.process.stderr.read()).decode()
        pytest.fail(f"node {self.script} exited with {self.process.returncode}:\n{errors}")


async def start_client(folder: Path, script: str, **env: str) -> NodeClient:
    """Start `node <script>` in `folder` with only `env` (and PATH to node)."""
    process = await asyncio.create_subprocess_exec(
        "node",
        script,
        cwd=folder,
        env={"PATH": str(Path(shutil.which("node") or "node").parent), **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        limit=16 * 1024 * 1024,  # one line holds a whole audit
    )
    return NodeClient(process, script)


async def run_client(folder: Path, script: str, **env: str) -> Any:
    """Run `node <script>` in `folder` with `env` to its end; its last line, as JSON."""
    client = await start_client(folder, script, **env)
    try:
        answer = await client.line()
        await client.finish()
    finally:
        await client.stop()
    return answer
