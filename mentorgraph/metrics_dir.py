"""Where the worker processes of `mentorgraph serve` keep their metrics (prometheus-client's
multiprocess mode), prepared by the parent before any worker starts.

prometheus-client picks its storage when it is first imported, from `PROMETHEUS_MULTIPROC_DIR`:
so this module imports nothing of it, and `prepare` runs before uvicorn imports the app. Every
process (1 worker or many) then writes its values to memory-mapped files in the directory and
`/metrics` adds them up; a process that exits takes its live gauges with it (`mark_process_dead`
in the app's shut-down). Files of an earlier run would count twice: the directory is emptied.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["ENV", "prepare"]

ENV = "PROMETHEUS_MULTIPROC_DIR"


def prepare() -> Path:
    """The operator's `PROMETHEUS_MULTIPROC_DIR`, emptied, or a new temporary directory."""
    given = os.environ.get(ENV)
    if given:
        path = Path(given)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()
    else:
        path = Path(tempfile.mkdtemp(prefix="mentorgraph-metrics-"))
    os.environ[ENV] = str(path)
    return path
