"""What a deployment is built from: the lock file, .env.example, the compose file and the
Dockerfile. `docker compose config` (or Debian's docker-compose) validates the compose file: it
parses only, no Docker engine needed."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from devkit.live_server import ROOT
from mentorgraph.settings import Settings

sys.path.insert(0, str(ROOT / "scripts"))
import env_example


def test_env_example_lists_every_setting_with_its_default() -> None:
    text = (ROOT / ".env.example").read_text()
    assert text == env_example.render(), "stale .env.example: run `make env-example`"
    listed = re.findall(r"^# ([A-Z0-9_]+)=", text, flags=re.MULTILINE)
    assert listed == [name.upper() for name in Settings.model_fields]
    assert "# SHUTDOWN_GRACE_SECONDS=10\n" in text
    assert "# FORWARDED_ALLOW_IPS=\n" in text


def lock_pins() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            assert canonicalize_name(name) not in pins
            pins[canonicalize_name(name)] = version
    return pins


def test_the_lock_file_pins_what_pyproject_asks_for() -> None:
    """Every run-time dependency is locked at a version its range allows (`make lock` after
    changing pyproject.toml's dependencies)."""
    pins = lock_pins()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for dependency in map(Requirement, project["dependencies"]):
        name = canonicalize_name(dependency.name)  # prometheus_client is prometheus-client
        assert name in pins, f"{name} is not in requirements.lock: run `make lock`"
        assert dependency.specifier.contains(pins[name]), f"{name}=={pins[name]}: run `make lock`"
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --no-cache-dir --no-deps -r requirements.lock" in dockerfile


def compose_command() -> list[str]:
    if subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    pytest.fail("neither `docker compose` nor docker-compose: `make compose` installs it")


def compose_config(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*compose_command(), "-f", str(path), "config"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=path.parent,
    )


def seconds(duration: str) -> float:
    match = re.fullmatch(r"(\d+)s", duration)
    assert match, duration
    return float(match.group(1))


def test_compose_migrates_once_then_serves(tmp_path: Path) -> None:
    checked = compose_config(ROOT / "docker-compose.yml")
    assert checked.returncode == 0, checked.stderr
    services: dict[str, Any] = yaml.safe_load(checked.stdout)["services"]

    migrate, api = services["migrate"], services["api"]
    assert migrate["command"] == ["mentorgraph", "migrate"]
    assert migrate.get("restart", "no") == "no"
    assert api["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert "command" not in api  # the image's CMD: serve only
    cmd = re.search(r"^CMD (.*)$", (ROOT / "Dockerfile").read_text(), re.MULTILINE)
    assert cmd and cmd.group(1) == '["mentorgraph", "serve"]'

    # Docker's SIGKILL comes after the server's own deadline.
    grace = int(api["environment"]["SHUTDOWN_GRACE_SECONDS"])
    assert grace == Settings.model_fields["shutdown_grace_seconds"].default
    assert seconds(api["stop_grace_period"]) > grace
    assert "FORWARDED_ALLOW_IPS" in api["environment"]

    # The validator does validate: a condition compose does not know is refused.
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(
        (ROOT / "docker-compose.yml")
        .read_text()
        .replace("service_completed_successfully", "service_finished")
    )
    refused = compose_config(broken)
    assert refused.returncode != 0
    assert "service_finished" in refused.stderr
