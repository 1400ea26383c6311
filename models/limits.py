"""The configurable numbers of the rules, set once by the server from its settings."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Limits", "configure", "limits"]


@dataclass
class Limits:
    max_open_requests_per_mentee: int = 5
    default_mentor_capacity: int = 3
    # LogIn and signUp throttling (see `mentorgraph/settings.py`).
    login_pair_failures: int = 5
    login_account_failures: int = 20
    login_address_failures: int = 50
    login_backoff_base_seconds: float = 1
    login_backoff_max_seconds: float = 15 * 60
    login_forget_seconds: float = 60 * 60
    signup_max_per_address: int = 10
    signup_window_seconds: float = 60 * 60
    password_hash_concurrency: int = 2
    # Sessions (`models/sessions.py`): a session unused (not refreshed) this long ends.
    token_ttl_minutes: int = 60 * 24 * 7
    # Password resets (`models/password_reset.py`): how long an emailed token is valid, and
    # how many may be asked for per email and per client address within the window.
    password_reset_ttl_minutes: int = 60
    password_reset_max_per_email: int = 3
    password_reset_max_per_address: int = 10
    password_reset_window_seconds: float = 60 * 60
    # Email verification (`models/email_verification.py`): whether new addresses must be
    # confirmed before their owner sends requests or is listed as a mentor, how long an
    # emailed link works, and how many verification emails an account may ask for per window
    # (`password_reset_window_seconds`).
    require_email_verification: bool = True
    email_verification_ttl_hours: float = 48
    verification_emails_per_window: int = 3
    # Leaving (`models/account_deletion.py`): the days between `deleteAccount` and the
    # anonymisation, during which the member can undo it; and how many data exports
    # (`exportMyData`, `emailMyDataExport`) a member may ask for per hour.
    account_deletion_grace_days: float = 14
    data_exports_per_hour: int = 5
    # The ladder for unanswered (NEW or VIEWED) requests, in days since the request was made.
    first_reminder_days: float = 5
    second_reminder_days: float = 10
    expire_after_days: float = 14
    # This many expiries within the window (days) set a mentor unavailable.
    inactive_expiries: int = 2
    inactive_window_days: float = 60
    # Where links in emails point: the web app people use (its pages /requests/<id>,
    # /mentors, /profile), and this server's own address as the outside world reaches it (the
    # one-click answer page of the new-request email, `mentorgraph/email_answers.py`).
    public_web_url: str = "http://127.0.0.1:3000"
    public_api_url: str = "http://127.0.0.1:8000"
    # How long the approve / decline links of a new-request email work (days since it was sent).
    email_link_days: float = 14
    # The message thread of a request (`models.request_messages`): the longest message, the
    # most messages one request holds, and an author's flood ceiling (messages per window,
    # over all their requests).
    max_message_length: int = 2000
    max_messages_per_request: int = 50
    message_burst: int = 10
    message_burst_window_seconds: float = 60
    # The silent-mentor rule (`models/silent_mentors.py`): a mentor with no activity (no view
    # or answer of any request) for `silent_idle_days`, counted from their latest activity or
    # return to availability, is set unavailable once `silent_signals` signs of silence add up
    # since then: each expiry, each request withdrawn unviewed after waiting at least
    # `silent_withdrawn_after_days`, each reminder left without activity for
    # `silent_reminder_grace_days`, and each request left unviewed for `silent_idle_days`.
    silent_signals: int = 2
    silent_idle_days: float = 7
    silent_reminder_grace_days: float = 2
    silent_withdrawn_after_days: float = 2
    # The longest pause a mentor may set (`unavailableUntil`), in days from now.
    max_pause_days: float = 365


_current = Limits()


def limits() -> Limits:
    return _current


def configure(new: Limits) -> None:
    global _current
    _current = new
