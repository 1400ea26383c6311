"""The `mentorgraph` command as a new user runs it: real processes on a fresh SQLite database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from mentorgraph.demo.people import ADMIN_EMAIL, DEMO_PASSWORD
from tests.utils.live_server import ROOT, free_port

# Settings the developer's shell may hold, which must not leak into these processes.
SETTINGS = ("DATABASE_URL", "DATA_DIR", "JWT_SECRET", "HOST", "PORT", "WORKERS")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """No JWT_SECRET: the commands share the development secret generated in DATA_DIR."""
    clean = {k: v for k, v in os.environ.items() if k.upper() not in SETTINGS}
    return {
        **clean,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"sqlite://{tmp_path / 'cli.sqlite3'}",
        "DATA_DIR": str(tmp_path / "data"),
    }


def mentorgraph(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mentorgraph", *args],
        env=env,
        cwd=cwd,  # away from the repository's own .env and data/
        capture_output=True,
        text=True,
        timeout=60,
    )


@contextmanager
def serving(env: dict[str, str], cwd: Path) -> Iterator[str]:
    """`mentorgraph serve` with HOST and PORT from the environment only, as `make serve` runs it."""
    port = free_port()
    log = cwd / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "mentorgraph", "serve"],
            env={**env, "HOST": "127.0.0.1", "PORT": str(port)},
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                try:
                    if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)


def viewer(url: str, token: str) -> dict[str, object]:
    response = httpx.post(
        f"{url}/graphql",
        json={"query": "{ viewer { email roles } }"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    return dict(response.json()["data"]["viewer"])


def test_migrate_create_user_token_and_seed_demo(env: dict[str, str], tmp_path: Path) -> None:
    done = mentorgraph(env, tmp_path, "migrate")
    assert done.returncode == 0, done.stderr

    done = mentorgraph(
        env, tmp_path, "create-user", "--email", "Ada@example.org", "--password",
        "a long passphrase 1", "--name", "Ada", "--mentor",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "<ada@example.org>" in done.stdout
    again = mentorgraph(
        env, tmp_path, "create-user", "--email", "ada@example.org", "--password", "x", "--name", "A"
    )
    assert again.returncode == 1
    assert "Not created" in again.stderr

    # A database with users is not seeded by `--if-empty`, the way `make serve` calls it ...
    skipped = mentorgraph(env, tmp_path, "seed-demo", "--mentors", "5", "--if-empty")
    assert skipped.returncode == 0, skipped.stderr
    assert "not loaded" in skipped.stderr
    # ... but an explicit seed-demo adds the demo next to them.
    seeded = mentorgraph(env, tmp_path, "seed-demo", "--mentors", "5")
    assert seeded.returncode == 0, seeded.stderr
    assert "5/5 mentors" in seeded.stderr
    assert DEMO_PASSWORD in seeded.stdout
    assert f"mentorgraph token --email {ADMIN_EMAIL}" in seeded.stdout

    ada = mentorgraph(env, tmp_path, "token", "--email", "ada@example.org")
    admin = mentorgraph(env, tmp_path, "token", "--email", ADMIN_EMAIL)
    assert ada.returncode == admin.returncode == 0
    missing = mentorgraph(env, tmp_path, "token", "--email", "nobody@example.org")
    assert missing.returncode == 1

    tokens = {"ada": ada.stdout.strip(), "admin": admin.stdout.strip()}
    assert (tmp_path / "data" / "jwt-secret").exists()
    with serving(env, tmp_path) as url:
        assert viewer(url, tokens["ada"]) == {
            "email": "ada@example.org",
            "roles": ["MEMBER", "MENTOR"],
        }
        assert viewer(url, tokens["admin"]) == {"email": ADMIN_EMAIL, "roles": ["MEMBER", "ADMIN"]}
