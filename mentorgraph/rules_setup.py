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
            login_pair_failures=settings.login_pair_failures,
            login_account_failures=settings.login_account_failures,
            login_address_failures=settings.login_address_failures,
            login_backoff_base_seconds=settings.login_backoff_base_seconds,
            login_backoff_max_seconds=settings.login_backoff_max_seconds,
            login_forget_seconds=settings.login_forget_seconds,
            signup_max_per_address=settings.signup_max_per_address,
            signup_window_seconds=settings.signup_window_seconds,
            password_hash_concurrency=settings.password_hash_concurrency,
            first_reminder_days=settings.first_reminder_days,
            second_reminder_days=settings.second_reminder_days,
            expire_after_days=settings.expire_after_days,
            inactive_expiries=settings.inactive_expiries,
            inactive_window_days=settings.inactive_window_days,
            app_url=settings.app_url,
        )
    )
