"""What every throw-away PostgreSQL cluster of ours needs (the soak's, the replica tests' and
`bench/scaling.py`'s): the server's programs, run as the cluster's owner.

initdb refuses to run as root, so as root the clusters belong to the `postgres` user
(`runuser`).
"""

from __future__ import annotations

import glob
import os
import subprocess

__all__ = ["AS_ROOT", "pg_binary", "run_as_owner"]

AS_ROOT = os.geteuid() == 0


def pg_binary(name: str) -> str:
    """The newest installed PostgreSQL's `name` (initdb, pg_ctl, createdb, pg_basebackup)."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(
            f"{name} not found under /usr/lib/postgresql/*/bin: install the Debian package "
            "postgresql (throw-away clusters are made with it)"
        )
    return found[-1]


def run_as_owner(*command: str) -> None:
    """`command` as the clusters' owner; a failure raises with what the program said."""
    prefix = ["runuser", "-u", "postgres", "--"] if AS_ROOT else []
    done = subprocess.run([*prefix, *command], capture_output=True, cwd="/", check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {done.stderr.decode(errors='replace')}")
