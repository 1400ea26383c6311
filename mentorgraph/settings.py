"""Every knob of the server, read once from the environment (and `.env`)."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from models.limits import Limits

__all__ = ["Settings", "get_settings"]

# The rules' numbers are declared once, in `models/limits.py`; their settings default to them.
RULES = Limits()


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # Where the embedded database and the generated development secret live.
    data_dir: Path = Path("data")
    # Empty means the embedded SQLite database in `data_dir`.
    database_url: str = ""
    # Where `mentorgraph serve` listens, and its server processes (SQLite: always 1).
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1

    # Empty means: generate one and keep it in `data_dir` (development only).
    jwt_secret: str = ""
    # How long a session lasts without being used (refreshed): its refresh token's lifetime,
    # moved on by every refresh; also the lifetime of `mentorgraph token`'s tokens (a week).
    token_ttl_minutes: int = RULES.token_ttl_minutes
    # How long an access token (`token` of logIn, signUp, refreshSession) is valid. Short: a
    # client gets new ones with its refresh token (`refreshSession`), and an ended session's
    # tokens are refused at once anyway (`models/sessions.py`). Fractions are accepted (0.1 is
    # six seconds): the browser test watches GraphiQL refresh a session without waiting minutes.
    access_token_ttl_minutes: float = Field(default=15, gt=0)

    # The rules of the request lifecycle.
    max_open_requests_per_mentee: int = RULES.max_open_requests_per_mentee
    default_mentor_capacity: int = RULES.default_mentor_capacity

    # The ladder for unanswered requests (days since the request was made), and when a mentor
    # is set unavailable: this many expired requests within the window (days).
    first_reminder_days: float = RULES.first_reminder_days
    second_reminder_days: float = RULES.second_reminder_days
    expire_after_days: float = RULES.expire_after_days
    inactive_expiries: int = RULES.inactive_expiries
    inactive_window_days: float = RULES.inactive_window_days
    # The message thread of a request: the longest message (characters), the most messages a
    # request holds, and at most `message_burst` messages per author within
    # `message_burst_window_seconds` (a further one gets TOO_SOON and retryAfterSeconds).
    max_message_length: int = RULES.max_message_length
    max_messages_per_request: int = RULES.max_messages_per_request
    message_burst: int = RULES.message_burst
    message_burst_window_seconds: float = RULES.message_burst_window_seconds
    # The silent-mentor rule (signs of silence since a mentor's latest activity; see
    # `models/limits.py`) and the longest pause a mentor may set.
    silent_signals: int = RULES.silent_signals
    silent_idle_days: float = RULES.silent_idle_days
    silent_reminder_grace_days: float = RULES.silent_reminder_grace_days
    silent_withdrawn_after_days: float = RULES.silent_withdrawn_after_days
    max_pause_days: float = RULES.max_pause_days

    # --- LogIn and signUp throttling, password hashing (issue 11; `models/accounts.py`) ---
    # Failed logIns are counted per (account, client address) pair, per account and per
    # address. The failure that reaches a ceiling makes the next check wait
    # `login_backoff_base_seconds`, and each further one twice the previous wait, up to
    # `login_backoff_max_seconds`; a refused attempt gets LOGIN_THROTTLED and retryAfterSeconds.
    # From an address the user has signed in from before, only the pair's ceiling applies:
    # strangers guessing elsewhere slow an account down but never lock its owner out.
    login_pair_failures: int = RULES.login_pair_failures
    # All addresses together, for one account (guessing from many addresses).
    login_account_failures: int = RULES.login_account_failures
    # One address, all accounts together (credential stuffing).
    login_address_failures: int = RULES.login_address_failures
    login_backoff_base_seconds: float = RULES.login_backoff_base_seconds
    login_backoff_max_seconds: float = RULES.login_backoff_max_seconds
    # A counter with no failure for this long starts over (keep it above the longest wait,
    # or waiting it out would reset the count).
    login_forget_seconds: float = RULES.login_forget_seconds
    # Accounts one client address may create; past that, SIGN_UP_THROTTLED for
    # `signup_window_seconds` (the count starts over after that long without a sign-up).
    signup_max_per_address: int = RULES.signup_max_per_address
    signup_window_seconds: float = RULES.signup_window_seconds
    # Password hashes or checks computed at once (each ~0.1 s of one core and 64 MiB; on
    # worker threads, off the event loop); more wait in line. Default: the number of cores.
    password_hash_concurrency: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)

    # --- Password reset (issue 16; `models/password_reset.py`) ---
    # How long an emailed reset token is valid (single use).
    password_reset_ttl_minutes: int = RULES.password_reset_ttl_minutes
    # Resets one email address may be sent, and one client address may ask for (any emails),
    # within the window; past that, PASSWORD_RESET_THROTTLED (the same for unknown emails).
    password_reset_max_per_email: int = RULES.password_reset_max_per_email
    password_reset_max_per_address: int = RULES.password_reset_max_per_address
    password_reset_window_seconds: float = RULES.password_reset_window_seconds

    # --- Email verification and leaving (issue 16; `docs/accounts.md`) ---
    # Whether members confirm their address (an emailed single-use link) before they may send
    # requests or be listed as mentors; false for communities that don't want it (sign-ups and
    # email changes then count as verified at once).
    require_email_verification: bool = RULES.require_email_verification
    # How long a verification link works, and how many verification emails one account may
    # ask for within `password_reset_window_seconds` (past that, VERIFICATION_THROTTLED).
    email_verification_ttl_hours: float = RULES.email_verification_ttl_hours
    verification_emails_per_window: int = RULES.verification_emails_per_window
    # Days between `deleteAccount` and the anonymisation by the sweep (undo meanwhile).
    account_deletion_grace_days: float = RULES.account_deletion_grace_days
    # Data exports (`exportMyData`, `emailMyDataExport`) one member may ask for per hour.
    data_exports_per_hour: int = RULES.data_exports_per_hour

    # Guard rails against expensive or abusive documents.
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 5000
    max_body_bytes: int = 100_000
    # What a document may ask for (issue 11; `schema/fragment_limits.py`, `schema/cost.py`):
    # fields selected with every fragment spread expanded, and the most objects an operation
    # may return (nested pages multiply; the heavy benchmark page costs 10,101).
    max_document_fields: int = 5000
    max_query_cost: int = 25_000
    # Work graphql-core's OverlappingFieldsCanBeMerged may do on one document (its complexity
    # budget, units of field comparisons): quadratic in fields sharing a response key, so its
    # own default (500,000) let a 20 KB document take ~2 s; our tests' queries use < 2,000.
    max_field_merge_work: int = 10_000
    # Queries the fast read path supports are answered by one PostgreSQL statement that builds
    # the JSON (`resolvers/fast_reads/`); off, or on SQLite, the ordinary executor answers all.
    fast_reads: bool = True
    # Browser pages on other origins that may use /graphql, over HTTP (CORS, credentials
    # allowed) and WebSockets (the handshake's Origin): origins like "https://app.example.org",
    # or "*" for any. Empty: same-origin pages only (`mentorgraph.origins`).
    allowed_origins: list[str] = Field(default_factory=list)

    # Persisted queries (`mentorgraph/persisted_queries.py`): Apollo's automatic persisted
    # queries (APQ) over POST and GET. "automatic": a client may send a sha256 hash instead of
    # the document, registering new documents on a miss; "registered-only": only the documents
    # registered ahead of time (`mentorgraph persist-operations FILE`) run, whether sent by hash
    # or in full, and APQ registers nothing; "off": the `persistedQuery` extension is refused
    # with PERSISTED_QUERY_NOT_SUPPORTED (Apollo's link then sends full documents).
    persisted_queries: Literal["off", "automatic", "registered-only"] = "automatic"
    # Documents APQ may register, all clients together (the oldest beyond are deleted; a client
    # whose hash was evicted resends the document). Each is at most `max_body_bytes` and must
    # validate, so the table holds at most this times `max_body_bytes` of APQ documents (200 MB
    # by default) whatever a hostile client sends. Registered operations are not counted.
    persisted_queries_max_stored: int = 2000
    # Documents each server process keeps in memory in front of the table (least recently
    # used evicted first).
    persisted_queries_cache_entries: int = 500

    # Email: "console" logs messages (development); "smtp" sends them.
    email_backend: Literal["console", "smtp"] = "console"
    email_from: str = "mentorgraph <noreply@localhost>"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    # Links in emails point at the web app people use (pages /requests/<id>, /mentors,
    # /profile), no trailing slash needed.
    public_web_url: str = RULES.public_web_url
    # This server as the outside world reaches it (behind a proxy: the proxy's https address):
    # the approve / decline links of the new-request email lead to its page /email/answer.
    public_api_url: str = RULES.public_api_url
    # Days those links work after the email was queued (each works once).
    email_link_days: float = Field(default=RULES.email_link_days, gt=0)

    # Periodic work inside each server process (also available as CLI commands for cron).
    background_jobs: bool = True
    outbox_interval_seconds: float = 5.0
    sweep_interval_seconds: float = 60.0

    # Live updates. The legacy `graphql-ws` subprotocol only when asked for (it has had
    # auth-bypass bugs); `graphql-transport-ws` always.
    graphql_ws_legacy: bool = False
    # Events one subscription may have waiting; a client that falls further behind is
    # closed with SUBSCRIBER_TOO_SLOW and resumes with `after`.
    subscription_queue_size: int = 256
    # permessage-deflate on WebSockets. Off: events are a few hundred bytes, and compressing
    # each one for each subscriber cost 40% of a 5,000-subscriber fan-out and ~40 KB of
    # memory per socket (docs/benchmarks.md).
    websocket_compression: bool = False

    # WebSocket limits (`mentorgraph.socket_limits`, `mentorgraph.ws_transport`). Counted per
    # server process: with WORKERS processes a client may hold up to WORKERS times as many.
    # Open sockets per client address (beyond: HTTP 429 on the upgrade). Behind a reverse proxy
    # set FORWARDED_ALLOW_IPS, or every client has the proxy's address.
    ws_max_sockets_per_address: int = 50
    # Open sockets per signed-in account (beyond: closed with 4429 at `connection_init`).
    ws_max_sockets_per_user: int = 10
    # Operations (queries, mutations, subscriptions) in flight on one socket; a `subscribe`
    # beyond gets an `error` message with TOO_MANY_OPERATIONS, and the socket stays open.
    ws_max_operations_per_socket: int = 10
    # Bytes of answers the server holds for a socket whose client does not read them; beyond,
    # it is closed with 4008 (its live subscriptions resume with `after`).
    ws_max_queued_bytes: int = 4_000_000
    # How often each process checks that the accounts of its open sockets still exist (one
    # query for all of them); a deleted account's sockets are closed with 4403.
    ws_account_check_seconds: float = 30.0

    # Faults: the database slow, away or exhausted, the process told to stop.
    # Seconds a request waits for a PostgreSQL pool connection before it is answered 503
    # SERVICE_UNAVAILABLE (also the connect timeout, and the bound on a connection's reset).
    db_acquire_timeout_seconds: float = 5.0
    # PostgreSQL `statement_timeout` of the pool's connections: no statement runs longer (0: off).
    db_statement_timeout_seconds: float = 30.0
    # PostgreSQL `idle_in_transaction_session_timeout`: the server ends a session that holds a
    # transaction open without a statement this long (0: off); a backstop, nothing should.
    db_idle_in_transaction_timeout_seconds: float = 60.0
    # `Retry-After` (seconds) of a 503 answered while the database is unavailable.
    unavailable_retry_after_seconds: int = 5
    # `/readyz` answers 503 when the database has not answered `SELECT 1` within this.
    readiness_timeout_seconds: float = 0.5
    # On SIGTERM: seconds open requests and WebSockets get to finish before they are cut.
    shutdown_grace_seconds: int = 10
    # Delivery attempts of one email before it is marked failed and no longer retried.
    outbox_max_attempts: int = 8

    # --- Reads on a streaming replica (issue 14; `mentorgraph/read_replica.py`) ---
    # A PostgreSQL hot standby of `database_url`: the fast read path's statements run there
    # (read-only connections); everything else uses the primary. Empty: the primary reads too.
    # Read-your-writes: mutations answer `X-Read-After: <LSN>`; a read sending it back is
    # answered by the primary while the replica has not replayed that far.
    database_read_url: str = ""
    # After the replica could not be reached, reads use the primary this long before the
    # replica is tried again.
    read_replica_retry_seconds: float = 5.0

    # --- Metrics (issue 14; `mentorgraph/metrics.py`) ---
    # Serve Prometheus metrics at `/metrics` (404 when false).
    metrics_enabled: bool = True
    # Comma-separated addresses or networks (CIDR) allowed to read `/metrics`; empty: everyone.
    # Behind a proxy this is the proxy's view of the client (see the proxy settings).
    metrics_allow_ips: str = ""
    # Distinct `operationName` labels per process; more are counted under "other".
    metrics_max_operation_names: int = 200
    # Seconds a scrape waits for the outbox figures from the database before answering without.
    metrics_db_timeout_seconds: float = 1.0

    # --- Operations (issue 14): logs and proxies ---
    # Log lines: "text" (readable in a terminal) or "json" (one JSON object a line: time, level,
    # logger, message, request_id and, per GraphQL operation, its name, type, viewer_id,
    # read_path, duration_ms, error_codes, variable names; never values, tokens or passwords).
    log_format: Literal["text", "json"] = "text"
    # The least level written: DEBUG, INFO, WARNING, ERROR (database drivers stay at INFO:
    # their DEBUG lines carry statement parameters).
    log_level: str = "INFO"
    # Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed: comma-separated IPs or
    # networks ("10.0.0.0/8"), or "*" for any. Empty: none, the client is the TCP peer. Behind
    # a proxy set it, or every client shares the proxy's address (login throttling, socket
    # limits per address). Read by uvicorn when `mentorgraph serve` starts.
    forwarded_allow_ips: str = ""

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite://{(self.data_dir / 'mentorgraph.sqlite3').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")

    @property
    def resolved_jwt_secret(self) -> str:
        if self.jwt_secret:
            return self.jwt_secret
        path = self.data_dir / "jwt-secret"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()


@lru_cache
def get_settings() -> Settings:
    return Settings()
