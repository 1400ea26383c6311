"""JavaScript client suites under tests/clients/<name>/: each its own package.json and committed
package-lock.json, installed here with `npm ci` (exact versions) when node_modules is missing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

CLIENTS_DIR = Path(__file__).resolve().parents[1] / "clients"


def installed_suite(name: str, probe: str) -> Path:
    """tests/clients/`name` with its packages installed (`probe`: a package it must have)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise pytest.UsageError(f"the {name} client tests need Node.js 20+ and npm")
    folder = CLIENTS_DIR / name
    if not (folder / "node_modules" / probe).is_dir():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"], cwd=folder, check=True, timeout=300
        )
    return folder
