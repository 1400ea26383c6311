"""The ASGI application: routes, start-up and shut-down."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from tortoise import connections

from mentorgraph import tracing
from mentorgraph.background import Job, JobRunner
from mentorgraph.bus import create_bus
from mentorgraph.db import close_db, init_db
from mentorgraph.email_setup import outbox_worker
from mentorgraph.graphiql import ASSETS_PATH, GraphiQLAssets, GraphiQLPage
from mentorgraph.graphql_http import GraphQLEndpoint
from mentorgraph.graphql_ws import SubscriptionEndpoint
from mentorgraph.origins import cors_middleware, normalized_origins
from mentorgraph.persisted_queries import PersistedQueries
from mentorgraph.rules_setup import configure_rules
from mentorgraph.security import TokenService
from mentorgraph.settings import Settings, get_settings
from mentorgraph.tracing_graphql import TracedRootFields
from models.sweep import sweep
from resolvers.fast_reads import FastReads
from schema import build_schema

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


def create_app(settings: Settings | None = None, *, manage_db: bool = True) -> Starlette:
    """The server. With `manage_db=False` the caller opens and closes the database (tests)."""
    settings = settings or get_settings()
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
    tokens = TokenService.from_settings(settings)
    fast_reads = (
        FastReads(
            schema._schema,
            schema.extra_rules,
            max_tokens=settings.max_tokens,
            cost_refusal=schema.cost.refusal if schema.cost else None,
            span=tracing.span,
        )
        if settings.fast_reads and not settings.is_sqlite
        else None
    )
    graphiql = GraphiQLAssets()
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
    )
    bus = create_bus(settings)
    subscriptions = SubscriptionEndpoint(schema, tokens, bus, settings)

    jobs = JobRunner(
        [
            Job("outbox", settings.outbox_interval_seconds, outbox_worker(settings).deliver_due),
            Job("sweep", settings.sweep_interval_seconds, sweep),
        ]
    )

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        if manage_db:
            await init_db(settings.resolved_database_url, settings)
        if settings.background_jobs:
            jobs.start()
        try:
            await bus.start()
            subscriptions.sockets.start()
            try:
                yield
            finally:
                await subscriptions.sockets.stop()
                await bus.stop()
        finally:
            await jobs.stop()
            if manage_db:
                await close_db()
            tracing.shutdown()

    app = Starlette(
        routes=[
            Route("/graphql", endpoint.handle, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", subscriptions),
            Route(ASSETS_PATH, graphiql.serve),
            Route("/healthz", healthz),
            Route("/readyz", readiness_check(settings.readiness_timeout_seconds)),
        ],
        # Browser pages on other origins: the same list guards the WebSocket handshake.
        middleware=[cors_middleware(normalized_origins(settings.allowed_origins))],
        lifespan=lifespan,
    )
    app.state.schema = schema
    app.state.tokens = tokens
    app.state.fast_reads = fast_reads
    app.state.bus = bus
    app.state.settings = settings
    return app
