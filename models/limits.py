"""The configurable numbers of the rules: declared once here, with their defaults, meaning and
the checks between them.

`mentorgraph.settings.Settings` inherits every field (so each is also a setting of the same
name, read from the environment), and the server hands its validated settings to `configure` at
start-up; `models/` reads them through `limits()` and reads no environment of its own. A value
that breaks a check (a reminder after the expiry, say) stops the server at start-up with the
reason, rather than producing a ladder that never fires.
"""

from __future__ import annotations

import os

from pydantic import BaseModel, Field, model_validator

__all__ = ["Limits", "configure", "limits"]


class Limits(BaseModel):
    # --- The request lifecycle (`models/requests/request_rules.py`,
    # `models/requests/request_guards.py`) --- Open (NEW or VIEWED) requests one mentee may have at
    # once.
    max_open_requests_per_mentee: int = Field(default=5, ge=1)
    # Active mentees a mentor takes unless they set their own capacity.
    default_mentor_capacity: int = Field(default=3, ge=1)
    # The ladder for unanswered requests (days since the request was made): two reminders to
    # the mentor, then the request expires. Each below the next.
    first_reminder_days: float = 5
    second_reminder_days: float = 10
    expire_after_days: float = 14
    # A mentor is set unavailable when this many of their requests expired within the window
    # (days).
    inactive_expiries: int = Field(default=2, ge=1)
    inactive_window_days: float = Field(default=60, gt=0)
    # The silent-mentor rule (`models/requests/silent_mentors.py`): a mentor not seen (no sign-in or
    # session used, message, view or answer: `models/directory/presence.py`) for `silent_idle_days`,
    # counted from when they were last seen or back to availability, is set unavailable once
    # `silent_signals` signs of silence add up since then: each expiry, each request withdrawn
    # unviewed after waiting at least `silent_withdrawn_after_days`, each reminder left
    # `silent_reminder_grace_days` while they stay unseen, and each request left unviewed for
    # `silent_idle_days`. Chosen from `mentorgraph simulate` runs (docs/outcomes-settings.md):
    # being seen protects slow mentors, so one sign is enough; a lone request gets its first
    # reminder (day 5) and a day's grace before it counts.
    silent_signals: int = Field(default=1, ge=1)
    silent_idle_days: float = Field(default=6, gt=0)
    silent_reminder_grace_days: float = Field(default=1, ge=0)
    silent_withdrawn_after_days: float = Field(default=0, ge=0)
    # Notifications (`models/notifications/inbox.py`): read ones older than this (days) are purged
    # by the sweep; a daily-digest member's pending notifications are emailed together once the
    # oldest has waited `digest_after_hours`; unsubscribe links work this many days.
    notification_retention_days: float = Field(default=90, gt=0)
    digest_after_hours: float = Field(default=24, gt=0)
    unsubscribe_link_days: float = Field(default=365, gt=0)
    # The longest pause a mentor may set (`unavailableUntil`), in days from now.
    max_pause_days: float = Field(default=365, gt=0)
    # The message thread of a request (`models/requests/request_messages.py`): the longest message
    # (characters), the most messages a request holds, and at most `message_burst` messages per
    # author within `message_burst_window_seconds` (a further one gets TOO_SOON and
    # retryAfterSeconds).
    max_message_length: int = Field(default=2000, ge=1)
    max_messages_per_request: int = Field(default=50, ge=1)
    message_burst: int = Field(default=10, ge=1)
    message_burst_window_seconds: float = Field(default=60, gt=0)

    # --- LogIn and signUp throttling, password hashing (`models/accounts/accounts.py`) ---
    # Failed logIns are counted per (account, client address) pair, per account and per
    # address. The failure that reaches a ceiling makes the next check wait
    # `login_backoff_base_seconds`, and each further one twice the previous wait, up to
    # `login_backoff_max_seconds`; a refused attempt gets LOGIN_THROTTLED and retryAfterSeconds.
    # From an address the user has signed in from before, only the pair's ceiling applies:
    # strangers guessing elsewhere slow an account down but never lock its owner out.
    login_pair_failures: int = Field(default=5, ge=1)
    # All addresses together, for one account (guessing from many addresses).
    login_account_failures: int = Field(default=20, ge=1)
    # One address, all accounts together (credential stuffing).
    login_address_failures: int = Field(default=50, ge=1)
    login_backoff_base_seconds: float = Field(default=1, gt=0)
    login_backoff_max_seconds: float = Field(default=15 * 60, gt=0)
    # A counter with no failure for this long starts over (above the longest wait, or waiting
    # it out would reset the count).
    login_forget_seconds: float = 60 * 60
    # Accounts one client address may create; past that, SIGN_UP_THROTTLED for
    # `signup_window_seconds` (the count starts over after that long without a sign-up).
    signup_max_per_address: int = Field(default=10, ge=1)
    signup_window_seconds: float = Field(default=60 * 60, gt=0)
    # Password hashes or checks computed at once (each ~0.1 s of one core and 64 MiB; on
    # worker threads, off the event loop); more wait in line. Default: the number of cores.
    password_hash_concurrency: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)

    # --- Sessions and password resets (`models/accounts/sessions.py`,
    # `models/accounts/password_reset.py`) --- How long a session lasts without being used
    # (refreshed): its refresh token's lifetime, moved on by every refresh; also the lifetime of
    # `mentorgraph token`'s tokens (a week).
    token_ttl_minutes: int = Field(default=60 * 24 * 7, gt=0)
    # How long an emailed reset token is valid (single use).
    password_reset_ttl_minutes: int = Field(default=60, gt=0)
    # Resets one email address may be sent, and one client address may ask for (any emails),
    # within the window; past that, PASSWORD_RESET_THROTTLED (the same for unknown emails).
    password_reset_max_per_email: int = Field(default=3, ge=1)
    password_reset_max_per_address: int = Field(default=10, ge=1)
    password_reset_window_seconds: float = Field(default=60 * 60, gt=0)

    # --- Email verification and leaving (`models/accounts/email_verification.py`, docs/accounts.md)
    # --- Whether members confirm their address (an emailed single-use link) before they may send
    # requests or be listed as mentors; false for communities that don't want it (sign-ups and
    # email changes then count as verified at once).
    require_email_verification: bool = True
    # How long a verification link works, and how many verification emails one account may
    # ask for within `password_reset_window_seconds` (past that, VERIFICATION_THROTTLED).
    email_verification_ttl_hours: float = Field(default=48, gt=0)
    verification_emails_per_window: int = Field(default=3, ge=1)
    # Days between `deleteAccount` and the anonymisation by the sweep (undo meanwhile).
    account_deletion_grace_days: float = Field(default=14, gt=0)
    # Data exports (`exportMyData`, `emailMyDataExport`) one member may ask for per hour.
    data_exports_per_hour: int = Field(default=5, ge=1)
    # The largest attachment one outbox email carries (bytes): the emailed data export is one.
    # Stored with the outbox row until sent, so bounded; most mail servers accept 10 MB.
    # A larger export is refused (EXPORT_TOO_LARGE) and read through `exportMyData` instead.
    email_attachment_max_bytes: int = Field(default=5_000_000, ge=1024, le=25_000_000)
    # Days a sent email stays in the outbox (its record, and the words it was sent with: a
    # member's name in another member's email) before the sweep deletes it; an email never
    # sent (failed for good) is deleted as long after it was written.
    sent_email_retention_days: float = Field(default=30, gt=0)

    # --- Links in emails (`models/requests/email_links.py`, `mentorgraph/email_answers.py`) ---
    # Links in emails point at the web app people use (pages /requests/<id>, /mentors,
    # /profile), no trailing slash needed.
    public_web_url: str = "http://127.0.0.1:3000"
    # This server as the outside world reaches it (behind a proxy: the proxy's https address):
    # the approve / decline links of the new-request email lead to its page /email/answer.
    public_api_url: str = "http://127.0.0.1:8000"
    # Days those links work after the email was queued (each works once).
    email_link_days: float = Field(default=14, gt=0)

    # --- The compiled read path (`resolvers/fast_reads/`) ---
    # Compiled statements one server process keeps, least recently used out first: the fast
    # read path's per (document, operation, variables), and the mutation payloads' per
    # (document, root field, the variables their selection reads, payload shape). Each of these
    # caches (and of the prepared documents behind them) holds at most this many entries.
    compiled_statements_cached: int = Field(
        default=512,
        ge=1,
        description="Compiled statements kept per cache and process (LRU): the fast read"
        " path's and the mutation payloads'.",
    )

    # --- WebSocket keep-alive (`mentorgraph serve`, uvicorn) ---
    # Seconds between the server's pings on each open WebSocket. Every ping is a frame written
    # to every socket (at 10,000 sockets and 20 s, uvicorn's default, 500 a second); 30 s
    # still keeps a quiet socket under the 60 s idle timeout of common proxies (nginx's
    # `proxy_read_timeout`, cloud load balancers).
    ws_ping_interval_seconds: float = Field(
        default=30, gt=0, description="Seconds between keep-alive pings on each WebSocket."
    )
    # A client that does not answer a ping within this many seconds is disconnected.
    ws_ping_timeout_seconds: float = Field(
        default=20, gt=0, description="Seconds a client has to answer a ping."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Limits:
        """The checks between numbers: each names the settings at fault."""
        problems = [
            message
            for broken, message in (
                (
                    not 0 < self.first_reminder_days < self.second_reminder_days,
                    "FIRST_REMINDER_DAYS must be above 0 and below SECOND_REMINDER_DAYS",
                ),
                (
                    not self.second_reminder_days < self.expire_after_days,
                    "SECOND_REMINDER_DAYS must be below EXPIRE_AFTER_DAYS (a reminder after"
                    " the expiry is never sent)",
                ),
                (
                    self.login_backoff_base_seconds > self.login_backoff_max_seconds,
                    "LOGIN_BACKOFF_BASE_SECONDS must not exceed LOGIN_BACKOFF_MAX_SECONDS",
                ),
                (
                    self.login_forget_seconds <= self.login_backoff_max_seconds,
                    "LOGIN_FORGET_SECONDS must exceed LOGIN_BACKOFF_MAX_SECONDS (or waiting out"
                    " the longest back-off would reset the count)",
                ),
                (
                    self.silent_reminder_grace_days >= self.silent_idle_days,
                    "SILENT_REMINDER_GRACE_DAYS must be below SILENT_IDLE_DAYS",
                ),
                (
                    self.inactive_window_days < self.expire_after_days,
                    "INACTIVE_WINDOW_DAYS must be at least EXPIRE_AFTER_DAYS",
                ),
            )
            if broken
        ]
        if problems:
            raise ValueError("; ".join(problems))
        return self


_current = Limits()


def limits() -> Limits:
    return _current


def configure(new: Limits) -> None:
    global _current
    _current = new
