"""The `mentorgraph` command as a new user runs it: real processes on a fresh SQLite database."""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import sqlite3
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from devkit.live_server import ROOT, free_port
from mentorgraph.demo.people import ADMIN_EMAIL, DEMO_PASSWORD

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


def mentorgraph(
    env: dict[str, str], cwd: Path, *args: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mentorgraph", *args],
        env=env,
        cwd=cwd,  # away from the repository's own .env and data/
        input=stdin,  # never a terminal: create-user must be told --password-stdin
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
            deadline = time.monotonic() + 120  # a loaded machine starts slowly
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
    assert "Applied models.0001_initial" in done.stdout
    assert "Nothing to apply" not in done.stdout
    again_migrated = mentorgraph(env, tmp_path, "migrate")
    assert again_migrated.returncode == 0, again_migrated.stderr
    assert "Applied" not in again_migrated.stdout
    assert "Nothing to apply." in again_migrated.stdout

    done = mentorgraph(
        env, tmp_path, "create-user", "--email", "Ada@example.org", "--password-stdin",
        "--name", "Ada", "--mentor", stdin="a long passphrase 1\n",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "<ada@example.org>" in done.stdout
    again = mentorgraph(
        env, tmp_path, "create-user", "--email", "ada@example.org", "--password-stdin",
        "--name", "A", stdin="x\n",
    )  # fmt: skip
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


def test_passwords_never_come_from_the_command_line(env: dict[str, str], tmp_path: Path) -> None:
    """`--password` is gone (argv is visible in `ps` and shell history); without a terminal and
    without --password-stdin nothing is created."""
    assert mentorgraph(env, tmp_path, "migrate").returncode == 0
    on_argv = mentorgraph(
        env, tmp_path, "create-user", "--email", "a@example.org", "--password", "pw", "--name", "A"
    )
    assert on_argv.returncode == 2
    assert "unrecognized arguments: --password" in on_argv.stderr
    no_terminal = mentorgraph(
        env, tmp_path, "create-user", "--email", "a@example.org", "--name", "A"
    )
    assert no_terminal.returncode == 1
    assert "--password-stdin" in no_terminal.stderr
    empty = mentorgraph(
        env, tmp_path, "create-user", "--email", "a@example.org", "--name", "A",
        "--password-stdin", stdin="\n",
    )  # fmt: skip
    assert empty.returncode == 1
    assert "empty" in empty.stderr


def test_version_and_help_on_every_command_and_option(env: dict[str, str], tmp_path: Path) -> None:
    from importlib.metadata import version

    from mentorgraph.cli import build_parser

    shown = mentorgraph(env, tmp_path, "--version")
    assert shown.returncode == 0
    assert shown.stdout.strip() == f"mentorgraph {version('mentorgraph')}"

    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    undocumented = [
        f"{name} {option.option_strings or option.dest}"
        for name, command in commands.choices.items()
        for option in command._actions
        if not option.help
    ]
    assert undocumented == []
    assert all(choice.help for choice in commands._choices_actions)
    for name in commands.choices:
        helped = mentorgraph(env, tmp_path, name, "--help")
        assert helped.returncode == 0, helped.stderr
        assert "usage: mentorgraph" in helped.stdout


def test_create_user_asks_for_the_password_at_a_terminal(
    env: dict[str, str], tmp_path: Path
) -> None:
    """On a terminal (a pseudo-terminal here) the password is typed twice, unechoed."""
    assert mentorgraph(env, tmp_path, "migrate").returncode == 0
    master, terminal = pty.openpty()

    def own_terminal() -> None:  # the child's controlling terminal, which getpass opens
        os.setsid()
        fcntl.ioctl(terminal, termios.TIOCSCTTY, 0)

    process = subprocess.Popen(
        [sys.executable, "-m", "mentorgraph", "create-user", "--email", "t@example.org",
         "--name", "T"],
        env=env, cwd=tmp_path, stdin=terminal, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        preexec_fn=own_terminal,
    )  # fmt: skip
    os.close(terminal)
    seen = b""
    try:
        for prompt in (b"Password: ", b"Password again: "):
            while prompt not in seen:
                seen += os.read(master, 1024)
            seen = seen.split(prompt, 1)[1]
            os.write(master, b"typed at a terminal 7\n")
        out, err = process.communicate(timeout=60)
    finally:
        os.close(master)
    assert process.returncode == 0, err
    assert b"<t@example.org>" in out
    assert b"typed at a terminal" not in out + err + seen  # never echoed
    token = mentorgraph(env, tmp_path, "token", "--email", "t@example.org")
    assert token.returncode == 0


def test_settings_that_contradict_each_other_stop_every_command_with_the_reason(
    env: dict[str, str], tmp_path: Path
) -> None:
    contradicting = {**env, "SECOND_REMINDER_DAYS": "20", "EXPIRE_AFTER_DAYS": "14"}
    out_of_range = {**env, "LOGIN_PAIR_FAILURES": "0"}
    for bad, reason in (
        (contradicting, "SECOND_REMINDER_DAYS must be below EXPIRE_AFTER_DAYS"),
        (out_of_range, "LOGIN_PAIR_FAILURES: Input should be greater than or equal to 1"),
    ):
        for command in (("migrate",), ("sweep",)):
            result = mentorgraph(bad, tmp_path, *command)
            assert result.returncode != 0
            assert reason in result.stderr
            assert "Traceback" not in result.stderr
    # Nothing was provisioned or migrated on the way out.
    assert not (tmp_path / "data").exists() and not (tmp_path / "cli.sqlite3").exists()


def test_token_is_refused_for_members_who_may_not_use_one(
    env: dict[str, str], tmp_path: Path
) -> None:
    """Suspended, banned and deleted members get no token (each request would refuse it):
    the reason on stderr, nothing on stdout, exit 1, no session started."""
    assert mentorgraph(env, tmp_path, "migrate").returncode == 0
    for name in ("sue", "bob", "del", "pat"):
        made = mentorgraph(
            env, tmp_path, "create-user", "--email", f"{name}@example.org", "--password-stdin",
            "--name", name, stdin="a long passphrase 1\n",
        )  # fmt: skip
        assert made.returncode == 0, made.stderr
    now = datetime.now(UTC)
    with sqlite3.connect(tmp_path / "cli.sqlite3") as db:
        update = "UPDATE users SET {} = ? WHERE email = ?"
        db.execute(update.format("suspended_until"), (now + timedelta(days=1), "sue@example.org"))
        db.execute(update.format("banned_at"), (now, "bob@example.org"))
        db.execute(update.format("deleted_at"), (now, "del@example.org"))
        # Leaving, in the grace period: may sign in, so may have a token.
        db.execute(update.format("deletion_due_at"), (now + timedelta(days=3), "pat@example.org"))

    for name, reason in (("sue", "suspended until"), ("bob", "banned"), ("del", "deleted")):
        refused = mentorgraph(env, tmp_path, "token", "--email", f"{name}@example.org")
        assert refused.returncode == 1, name
        assert refused.stdout == ""
        assert f"No token for {name}@example.org" in refused.stderr and reason in refused.stderr
    leaving = mentorgraph(env, tmp_path, "token", "--email", "pat@example.org")
    assert leaving.returncode == 0 and leaving.stdout.strip()
    with sqlite3.connect(tmp_path / "cli.sqlite3") as db:
        [(sessions,)] = db.execute("SELECT count(*) FROM sessions").fetchall()
    assert sessions == 1
