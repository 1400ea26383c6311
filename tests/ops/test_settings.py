"""The settings: one declaration per rule number, checked together, read without side effects."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from mentorgraph.models.limits import Limits
from mentorgraph.settings import Settings, describe_invalid


def test_every_rule_number_is_a_setting_declared_once() -> None:
    assert set(Limits.model_fields) <= set(Settings.model_fields)
    # Settings inherits them: not one is declared again in settings.py.
    assert not set(Limits.model_fields) & set(Settings.__annotations__)


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"first_reminder_days": 12}, "FIRST_REMINDER_DAYS must be above 0 and below"),
        ({"second_reminder_days": 15}, "SECOND_REMINDER_DAYS must be below EXPIRE_AFTER_DAYS"),
        ({"login_backoff_base_seconds": 5000}, "must not exceed LOGIN_BACKOFF_MAX_SECONDS"),
        ({"login_forget_seconds": 60}, "LOGIN_FORGET_SECONDS must exceed"),
        ({"silent_reminder_grace_days": 9}, "SILENT_REMINDER_GRACE_DAYS must be below"),
        ({"inactive_window_days": 3}, "INACTIVE_WINDOW_DAYS must be at least EXPIRE_AFTER_DAYS"),
        ({"max_open_requests_per_mentee": 0}, "MAX_OPEN_REQUESTS_PER_MENTEE"),
    ],
)
def test_contradicting_numbers_are_refused_with_the_settings_named(
    tmp_path: Path, values: dict[str, float], reason: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(data_dir=tmp_path, **values)  # type: ignore[arg-type]
    assert reason in describe_invalid(refused.value)


def test_reading_the_settings_creates_nothing_until_provisioned(tmp_path: Path) -> None:
    data = tmp_path / "data"
    settings = Settings(data_dir=data, database_url="", jwt_secret="")
    assert settings.resolved_database_url.endswith("mentorgraph.sqlite3")
    assert settings.is_sqlite
    with pytest.raises(RuntimeError, match="provisions one"):
        settings.resolved_jwt_secret  # noqa: B018
    assert not data.exists()
    settings.provision()
    secret = settings.resolved_jwt_secret
    assert len(secret) >= 48 and (data / "jwt-secret").stat().st_mode & 0o777 == 0o600
    settings.provision()  # idempotent: the same secret
    assert settings.resolved_jwt_secret == secret


def test_processes_starting_at_once_share_one_whole_secret(tmp_path: Path) -> None:
    data = tmp_path / "data"
    script = (
        "from mentorgraph.settings import Settings\n"
        f"s = Settings(data_dir={str(data)!r}, database_url='', jwt_secret='')\n"
        "s.provision()\n"
        "print(s.resolved_jwt_secret)\n"
    )
    root = Path(__file__).resolve().parents[2]
    starting = [
        subprocess.Popen(
            [sys.executable, "-c", script], cwd=root, stdout=subprocess.PIPE, text=True
        )
        for _ in range(6)
    ]
    secrets = {process.communicate(timeout=120)[0].strip() for process in starting}
    assert len(secrets) == 1 and len(secrets.pop()) >= 48
    assert sorted(p.name for p in data.iterdir()) == ["jwt-secret"]  # no drafts left
