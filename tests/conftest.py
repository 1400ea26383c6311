"""One way to get a database, an app and a client, for SQLite and (TEST_DB=postgres) PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from devkit.database import empty_database, reset_postgres_schema
from devkit.live_server import LiveServer
from mentorgraph.app import create_app
from mentorgraph.db import close_db, init_db, migrate_db
from mentorgraph.models import clock
from mentorgraph.security import TokenService
from mentorgraph.settings import Settings
from tests.utils.client import GraphQLClient
from tests.utils.inprocess_server import InProcessServer
from tests.utils.smtp import SmtpServer


def _backend() -> str:
    backend = os.environ.get("TEST_DB", "sqlite")
    if backend not in ("sqlite", "postgres"):
        raise pytest.UsageError("TEST_DB must be 'sqlite' or 'postgres'")
    return backend


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A freshly migrated database for this test session."""
    if _backend() == "postgres":
        url = os.environ.get("TEST_DATABASE_URL")
        if not url:
            raise pytest.UsageError("TEST_DB=postgres needs TEST_DATABASE_URL")
        asyncio.run(reset_postgres_schema(url))
    else:
        url = f"sqlite://{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    asyncio.run(migrate_db(url))
    return url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=tmp_path,
        jwt_secret="test-secret-test-secret-test-secret",
    )


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[None]:
    """An empty database: every table truncated before the test."""
    await init_db(database_url)
    await empty_database(database_url)
    clock.reset()
    yield
    clock.reset()
    await close_db()


@pytest.fixture
def app(settings: Settings, db: None) -> Starlette:
    return create_app(settings, manage_db=False)


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[GraphQLClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield GraphQLClient(http, app.state.tokens)


@pytest.fixture
async def ordinary_client(settings: Settings, db: None) -> AsyncIterator[GraphQLClient]:
    """A client of the server with the fast read path off: every query runs through Strawberry's
    executor (on SQLite, where that path is off anyway, the same as `client`)."""
    app = create_app(settings.model_copy(update={"fast_reads": False}), manage_db=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield GraphQLClient(http, app.state.tokens)


@pytest.fixture
async def live_clients(settings: Settings, db: None) -> AsyncIterator[list[GraphQLClient]]:
    """Clients of real server processes on the test database: two on PostgreSQL (so rules must
    hold across processes), one on SQLite (which serves one process only)."""
    servers = [LiveServer(settings) for _ in range(2 if _backend() == "postgres" else 1)]
    tokens = TokenService(settings.resolved_jwt_secret, timedelta(hours=1))
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with contextlib.AsyncExitStack() as stack:
        clients = []
        for server in servers:
            server.start()
            stack.callback(server.stop)
            http = httpx.AsyncClient(base_url=server.url, timeout=60, limits=limits)
            await stack.enter_async_context(http)
            clients.append(GraphQLClient(http, tokens))
        yield clients


@pytest.fixture
def live_server(settings: Settings, db: None) -> Iterator[LiveServer]:
    """The real server in its own process on a loopback port, on the test database."""
    server = LiveServer(settings)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server on loopback that records every message it accepts."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


StartServer = Callable[..., Awaitable[str]]


@pytest.fixture
async def serve(settings: Settings, db: None) -> AsyncIterator[StartServer]:
    """Start real servers on loopback ports (settings overridable); each call returns a URL.

    PostgreSQL: `mentorgraph serve` subprocesses, which learn of the test's own status changes
    through NOTIFY like any other process. SQLite: the app in this process (its in-process bus
    hears only local commits).
    """
    live: list[LiveServer] = []
    local: list[InProcessServer] = []

    async def start(**overrides: object) -> str:
        if settings.is_sqlite:
            server = InProcessServer(settings.model_copy(update=overrides))
            await server.start()
            local.append(server)
            return server.url
        env = {
            name.upper(): value if isinstance(value, str) else json.dumps(value)
            for name, value in overrides.items()
        }
        process = LiveServer(settings, **env)  # type: ignore[arg-type]
        process.start()
        live.append(process)
        return process.url

    yield start
    for server in local:
        await server.stop()
    for process in live:
        process.stop()
