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
# Installing from the lockfile on a fresh machine (network), then any one client run.
INSTALL_SECONDS = 300
RUN_SECONDS = 120


def installed(name: str) -> Path:
    """tests/clients/<name> with its pinned packages installed (`npm ci` when missing)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail(f"the {name} client tests need Node.js 20+ and npm (.ci/run installs them)")
    folder = CLIENTS_DIR / name
    if not (folder / "node_modules" / ".package-lock.json").is_file():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"],
            cwd=folder,
            check=True,
            timeout=INSTALL_SECONDS,
            stdout=subprocess.DEVNULL,
        )
    return folder


async def run_client(folder: Path, script: str, **env: str) -> Any:
    """Run `node <script>` in `folder` with `env`; its last line of output, as JSON.

    A script that exits non-zero fails the test with what it printed."""
    process = await asyncio.create_subprocess_exec(
        "node",
        script,
        cwd=folder,
        env={"PATH": str(Path(shutil.which("node") or "node").parent), **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), RUN_SECONDS)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    lines = out.decode().strip().splitlines()
    if process.returncode != 0 or not lines:
        pytest.fail(
            f"node {script} exited with {process.returncode}:\n{out.decode()}\n{err.decode()}"
        )
    return json.loads(lines[-1])
