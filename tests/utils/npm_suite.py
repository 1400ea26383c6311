"""A client suite's npm packages (tests/clients/<name>/), installed from its lockfile."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

__all__ = ["CLIENTS_DIR", "installed"]

CLIENTS_DIR = Path(__file__).resolve().parent.parent / "clients"


def installed(name: str, *packages: str) -> Path:
    """tests/clients/`name` with its pinned packages installed (`npm ci`, when one of
    `packages` is missing); a clear failure, never a skip, without Node.js and npm."""
    folder = CLIENTS_DIR / name
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise pytest.UsageError(f"the {name} client tests need Node.js 20+ and npm")
    if not all((folder / "node_modules" / package).is_dir() for package in packages):
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"], cwd=folder, check=True, timeout=600
        )
    return folder
