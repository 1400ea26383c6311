"""Every knob of the server, read once from the environment (and `.env`), validated at start-up.

The rules' numbers (limits, the reminder ladder, throttles, links in emails) are declared once,
with their defaults, meanings and the checks between them, in `models/limits.py`: `Settings`
inherits them, so each is a setting of the same name. Reading a setting has no side effect: the
embedded database's folder and the development secret are created by `provision()`, which the
commands and the app's start-up call explicitly.
"""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from mentorgraph.models.limits import Limits

__all__ = ["Settings", "describe_invalid", "get_settings"]


class Settings(BaseSettings, Limits):
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
    # How long an access token (`token` of logIn, signUp, refreshSession) is valid. Short: a
    # client gets new ones with its refresh token (`refreshSession`), and an ended session's
    # tokens are refused at once anyway (`models/accounts/sessions.py`). Fractions are accepted (0.1
    # is six seconds): the browser test watches GraphiQL refresh a session without waiting minutes.
    access_token_ttl_minutes: float = Field(default=15, gt=0)

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
        return f"sqlite://{(self.data_dir / 'mentorgraph.sqlite3').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")

    @property
    def _secret_path(self) -> Path:
        return self.data_dir / "jwt-secret"

    @property
    def resolved_jwt_secret(self) -> str:
        if self.jwt_secret:
            return self.jwt_secret
        try:
            secret = self._secret_path.read_text().strip()
        except FileNotFoundError:
            secret = ""
        if not secret:
            raise RuntimeError(
                f"No JWT_SECRET and no {self._secret_path}: run a mentorgraph command (or set"
                " JWT_SECRET) so the server provisions one"
            )
        return secret

    def provision(self) -> None:
        """Create what the settings point at and nothing provides: the folder of the embedded
        database, and (without JWT_SECRET) a development secret in it. Idempotent, and safe
        when several processes start at once: the secret is written whole to a file of this
        process's own, then linked into place, which fails if another process got there first;
        nobody ever reads a half-written secret."""
        if not self.database_url or not self.jwt_secret:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.jwt_secret or self._secret_path.exists():
            return
        draft = self.data_dir / f".jwt-secret.{os.getpid()}"
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(48))
        try:
            os.link(draft, self._secret_path)
        except FileExistsError:
            pass  # another process provisioned it first: theirs is the secret
        finally:
            draft.unlink()


def describe_invalid(error: ValidationError) -> str:
    """A start-up refusal people can act on: each setting at fault and why, no traceback."""
    lines = ["The settings are invalid:"]
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"]).upper() or "settings"
        lines.append(f"  {where}: {problem['msg'].removeprefix('Value error, ')}")
    return "\n".join(lines)


@lru_cache
def get_settings() -> Settings:
    return Settings()
