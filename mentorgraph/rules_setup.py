"""Hands the rule settings to `models/` (which reads no environment of its own)."""

from __future__ import annotations

from mentorgraph.settings import Settings
from models.limits import Limits, configure

__all__ = ["configure_rules"]


def configure_rules(settings: Settings) -> None:
    configure(
        Limits(
            max_open_requests_per_mentee=settings.max_open_requests_per_mentee,
            default_mentor_capacity=settings.default_mentor_capacity,
            login_max_failures=settings.login_max_failures,
            login_window_seconds=settings.login_window_seconds,
            first_reminder_days=settings.first_reminder_days,
            second_reminder_days=settings.second_reminder_days,
            expire_after_days=settings.expire_after_days,
            inactive_expiries=settings.inactive_expiries,
            inactive_window_days=settings.inactive_window_days,
            app_url=settings.app_url,
        )
    )
