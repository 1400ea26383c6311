"""The ASGI application: routes, start-up and shut-down."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send
from tortoise import connections

from mentorgraph import metrics, tracing
from mentorgraph.background import Job, JobRunner
from mentorgraph.bus import create_bus
from mentorgraph.db import close_db, init_db
from mentorgraph.email_answers import ANSWER_PATH, EmailAnswerPage
from mentorgraph.email_setup import outbox_worker
from mentorgraph.graphiql import ASSETS_PATH, GraphiQLAssets, GraphiQLPage
from mentorgraph.graphql_http import GraphQLEndpoint
from mentorgraph.graphql_ws import SubscriptionEndpoint
from mentorgraph.metrics import MetricsEndpoint
from mentorgraph.models.accounts.login_guard import THROTTLE_LISTENERS
from mentorgraph.models.sweep import sweep
from mentorgraph.origins import cors_middleware, normalized_origins
from mentorgraph.persisted_queries import PersistedQueries
from mentorgraph.read_replica import ReadReplica
from mentorgraph.request_log import RecordOperation, RequestIds, note_compiled_payload
from mentorgraph.resolvers.fast_reads import FastReads
from mentorgraph.rules_setup import configure_rules
from mentorgraph.schema import build_schema
from mentorgraph.security import TokenService
from mentorgraph.settings import Settings, get_settings
from mentorgraph.tracing_graphql import TracedRootFields, traced_compiled_payload
from mentorgraph.unsubscribe_page import UNSUBSCRIBE_PATH, UnsubscribePage

__all__ = ["create_app"]

logger = logging.getLogger("mentorgraph")


async def healthz(_: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def readiness_check(timeout: float) -> Callable[[Request], Awaitable[JSONResponse]]:
    """`/readyz`: 200 when the database answers `SELECT 1` within `timeout`, else 503 (also when
    every pool connection is busy or the SQLite lock held: a load balancer must hear at once)."""

    async def readyz(_: Request) -> JSONResponse:
        try:
            await asyncio.wait_for(connections.get("default").execute_query("SELECT 1"), timeout)
        except Exception:  # any failure means "not ready"; the reason belongs in the log
            logger.warning("readiness check failed", exc_info=True)
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    return readyz


def read_replica(settings: Settings) -> ReadReplica | None:
    """The streaming replica compiled reads run on, when `DATABASE_READ_URL` names one (only
    with PostgreSQL and the fast read path: nothing else reads there)."""
    if not settings.database_read_url:
        return None
    if settings.is_sqlite or not settings.fast_reads:
        logger.warning("DATABASE_READ_URL is ignored: only PostgreSQL's fast read path uses it")
        return None
    return ReadReplica(settings.database_read_url, settings)


def _payload_compiled() -> None:
    """A mutation's payload was read compiled: its log line, metric and span say so."""
    note_compiled_payload()
    traced_compiled_payload()


SOCKET_PATH = "/graphql"


class _App(Starlette):
    """Starlette, with `/graphql`'s WebSockets handed straight to their endpoint.

    A socket's ASGI call lasts as long as the socket: every layer on the way keeps its frame
    (and what it holds) alive that long, ~5 KB per open socket through Starlette's middleware
    stack and router (`docs/benchmarks.md`, round six), at 10,000 sockets 50 MB. None of those
    layers does anything for these sockets (the error and CORS middlewares pass WebSockets
    through, and the endpoint checks origins itself), except `RequestIds`, which is kept.
    """

    def __init__(self, *args: Any, sockets: ASGIApp, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sockets = RequestIds(sockets)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and _route_path(scope) == SOCKET_PATH:
            scope["app"] = self
            await self._sockets(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def _route_path(scope: Scope) -> str:
    path: str = scope["path"]
    root_path: str = scope.get("root_path", "")
    return path[len(root_path) :] if root_path and path.startswith(root_path) else path


def create_app(settings: Settings | None = None, *, manage_db: bool = True) -> Starlette:
    """The server. With `manage_db=False` the caller opens and closes the database (tests)."""
    settings = settings or get_settings()
    # What the settings point at and nothing provides (the data folder, a development secret),
    # made here, before anything reads it: the app is where a server process starts.
    settings.provision()
    configure_rules(settings)
    # Per process: uvicorn's workers each import the app afresh (`mentorgraph.asgi`).
    traced = tracing.setup()
    schema = build_schema(
        max_depth=settings.max_query_depth,
        max_aliases=settings.max_aliases,
        max_tokens=settings.max_tokens,
        max_fields=settings.max_document_fields,
        max_merge_work=settings.max_field_merge_work,
        max_cost=settings.max_query_cost,
        extra_extensions=[TracedRootFields] if traced else (),
    )
    # Each operation's type and name, for its log line (`request_log`).
    schema.extensions = (*schema.extensions, RecordOperation)
    tokens = TokenService.from_settings(settings)
    replica = read_replica(settings)
    fast_reads = (
        FastReads(
            schema._schema,
            schema.extra_rules,
            max_tokens=settings.max_tokens,
            cost_refusal=schema.cost.refusal if schema.cost else None,
            span=tracing.span,
            replica=replica,
            cache_size=settings.compiled_statements_cached,
            payload_served=_payload_compiled,
        )
        if settings.fast_reads and not settings.is_sqlite
        else None
    )
    graphiql = GraphiQLAssets()
    email_answers = EmailAnswerPage()
    unsubscribe = UnsubscribePage()
    endpoint = GraphQLEndpoint(
        schema,
        tokens,
        settings.max_body_bytes,
        fast_reads,
        retry_after_seconds=settings.unavailable_retry_after_seconds,
        graphiql=GraphiQLPage(graphiql),
        persisted=PersistedQueries(
            settings.persisted_queries,
            max_stored=settings.persisted_queries_max_stored,
            cache_entries=settings.persisted_queries_cache_entries,
            max_document_bytes=settings.max_body_bytes,
        ),
        read_positions=replica is not None,
    )
    bus = create_bus(settings)
    subscriptions = SubscriptionEndpoint(
        schema,
        tokens,
        bus,
        settings,
        payload_reads=None if fast_reads is None else fast_reads.payloads,
    )

    jobs = JobRunner(
        [
            Job("outbox", settings.outbox_interval_seconds, outbox_worker(settings).deliver_due),
            Job("sweep", settings.sweep_interval_seconds, metrics.timed_sweep(sweep)),
        ]
    )
    metrics.configure(settings.metrics_max_operation_names)
    if metrics.login_throttled not in THROTTLE_LISTENERS:
        THROTTLE_LISTENERS.append(metrics.login_throttled)
    metrics_endpoint = MetricsEndpoint(
        enabled=settings.metrics_enabled,
        allow_ips=settings.metrics_allow_ips,
        outbox_max_attempts=settings.outbox_max_attempts,
        db_timeout=settings.metrics_db_timeout_seconds,
    )

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        if manage_db:
            await init_db(settings.resolved_database_url, settings)
        if replica is not None:
            await replica.start()
        if settings.background_jobs:
            jobs.start()
        try:
            await bus.start()
            subscriptions.sockets.start()
            try:
                async with metrics.running(settings.metrics_enabled):
                    yield
            finally:
                await subscriptions.sockets.stop()
                await bus.stop()
        finally:
            await jobs.stop()
            if replica is not None:
                await replica.stop()
            if manage_db:
                await close_db()
            tracing.shutdown()

    app = _App(
        sockets=subscriptions,
        routes=[
            Route("/graphql", endpoint.handle, methods=["GET", "POST"]),
            WebSocketRoute(SOCKET_PATH, subscriptions),  # served by `_App` directly
            Route(ASSETS_PATH, graphiql.serve),
            # The approve / decline links of the new-request email: GET shows, POST decides.
            Route(ANSWER_PATH, email_answers.show, methods=["GET"]),
            Route(ANSWER_PATH, email_answers.answer, methods=["POST"]),
            Route(UNSUBSCRIBE_PATH, unsubscribe.show, methods=["GET"]),
            Route(UNSUBSCRIBE_PATH, unsubscribe.apply, methods=["POST"]),
            Route("/healthz", healthz),
            Route("/readyz", readiness_check(settings.readiness_timeout_seconds)),
            Route("/metrics", metrics_endpoint.handle),
        ],
        # Browser pages on other origins: the same list guards the WebSocket handshake.
        middleware=[
            # Outermost: every answer carries the request id, CORS refusals too.
            Middleware(RequestIds),
            cors_middleware(normalized_origins(settings.allowed_origins)),
        ],
        lifespan=lifespan,
    )
    app.state.schema = schema
    app.state.tokens = tokens
    app.state.fast_reads = fast_reads
    app.state.read_replica = replica
    app.state.bus = bus
    app.state.settings = settings
    return app
