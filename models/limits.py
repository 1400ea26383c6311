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
    # The silent-mentor rule (`models/silent_mentors.py`): a mentor not seen (no sign-in or
    # session used, message, view or answer: `models/presence.py`) for `silent_idle_days`,
    # counted from when they were last seen or back to availability, is set unavailable once
    # `silent_signals` signs of silence add up since then: each expiry, each request withdrawn
    # unviewed after waiting at least `silent_withdrawn_after_days`, each reminder left
    # `silent_reminder_grace_days` while they stay unseen, and each request left unviewed for
    # `silent_idle_days`. Chosen from `mentorgraph simulate` runs (docs/outcomes-settings.md):
    # being seen protects slow mentors, so one sign is enough; a lone request gets its first
    # reminder (day 5) and a day's grace before it counts.
    silent_signals: int = 1
    silent_idle_days: float = 6
    silent_reminder_grace_days: float = 1
    silent_withdrawn_after_days: float = 0
    # The longest pause a mentor may set (`unavailableUntil`), in days from now.
    max_pause_days: float = 365


_current = Limits()


def limits() -> Limits:
    return _current


def configure(new: Limits) -> None:
    global _current
    _current = new
