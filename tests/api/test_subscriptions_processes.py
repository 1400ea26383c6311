"""Live events across server processes (PostgreSQL), a lost LISTEN connection, `--workers`."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import asyncpg
import pytest

from devkit.factories import make_mentor, make_request, make_user
from devkit.live_server import LiveServer
from devkit.status import change_status
from mentorgraph.bus.postgres import APPLICATION_NAME, listener_dsn
from mentorgraph.models.requests.requests import RequestStatus
from mentorgraph.resolvers.ids import encode_global_id
from mentorgraph.settings import Settings
from tests.conftest import StartServer
from tests.utils.client import GraphQLClient
from tests.utils.subscriptions import FROM_START, subscribed
from tests.utils.waiting import until_found

on_postgres = pytest.mark.skipif(
    os.environ.get("TEST_DB") != "postgres", reason="several processes need PostgreSQL"
)
on_sqlite = pytest.mark.skipif(
    os.environ.get("TEST_DB", "sqlite") != "sqlite", reason="the SQLite refusal"
)


def global_ids(events: list[object]) -> list[str]:
    return [encode_global_id("RequestEvent", e.id) for e in events]  # type: ignore[attr-defined]


@pytest.fixture
async def sql(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(listener_dsn(database_url))
    yield connection
    await connection.close()


@on_postgres
async def test_two_processes_on_one_database(serve: StartServer, client: GraphQLClient) -> None:
    first, second = await serve(), await serve()
    mentor, mentee = await make_mentor(), await make_user()
    request = await make_request(mentee=mentee, mentor=mentor)
    viewed = await change_status(request, RequestStatus.VIEWED, actor=mentor)
    async with (
        subscribed(first, client.tokens.issue(mentor), FROM_START) as on_first,
        subscribed(second, client.tokens.issue(mentee), FROM_START) as on_second,
    ):
        for events in (on_first, on_second):
            assert (await events.next())["id"] == global_ids([viewed])[0]
        await change_status(request, RequestStatus.APPROVED, actor=mentor, roll_back=True)
        declined = await change_status(request, RequestStatus.DECLINED, actor=mentor)
        for events in (on_first, on_second):
            received = await events.next()
            assert received["id"] == global_ids([declined])[0]
            assert received["fromStatus"] == "VIEWED"


async def listener_pid(sql: asyncpg.Connection, not_pid: int | None) -> int:
    """The server's LISTEN connection, once it is (back) up with a pid other than `not_pid`."""
    pid = await until_found(
        lambda: sql.fetchval(
            "SELECT pid FROM pg_stat_activity"
            " WHERE application_name = $1 AND datname = current_database() AND pid <> $2",
            APPLICATION_NAME,
            not_pid or 0,
        ),
        "the LISTEN connection did not come back",
    )
    return int(pid)


@on_postgres
async def test_every_event_arrives_once_while_the_listener_is_killed(
    serve: StartServer, client: GraphQLClient, sql: asyncpg.Connection
) -> None:
    url = await serve()
    mentor, mentee = await make_mentor(), await make_user()
    request = await make_request(mentee=mentee, mentor=mentor)
    async with subscribed(url, client.tokens.issue(mentee), FROM_START) as events:
        first = await change_status(request, RequestStatus.VIEWED)
        assert (await events.next())["id"] == global_ids([first])[0]  # live from here on
        changes, pid = [], None
        for round_ in range(5):
            pid = await listener_pid(sql, pid)
            assert await sql.fetchval("SELECT pg_terminate_backend($1)", pid)
            # Changed at once: these NOTIFYs find nobody listening, and the last round has
            # no later NOTIFY to ring the bell; only the read after reconnecting finds them.
            for status in (RequestStatus.NEW, RequestStatus.VIEWED):
                changes.append(await change_status(request, status, note=f"round {round_}"))
        received = await events.take(len(changes))
        assert [e["id"] for e in received] == global_ids(changes)  # type: ignore[arg-type]
        # Nothing twice: the next event after all of them is the next change.
        last = await change_status(request, RequestStatus.EXPIRED)
        assert (await events.next())["id"] == global_ids([last])[0]


@on_postgres
async def test_workers_serve_subscriptions_in_every_process(
    settings: Settings, db: None, client: GraphQLClient
) -> None:
    server = LiveServer(settings, workers=2)
    server.start()
    try:
        # Ready means one worker answers; wait for the second, so connections can reach both.
        server.wait_for_log("Application startup complete", times=2)
        mentor, mentee = await make_mentor(), await make_user()
        request = await make_request(mentee=mentee, mentor=mentor)
        token = client.tokens.issue(mentee)
        # Connections spread over the workers; each one must hear the change.
        readers = [subscribed(server.url, token, FROM_START) for _ in range(6)]
        opened = [await reader.__aenter__() for reader in readers]
        try:
            approved = await change_status(request, RequestStatus.APPROVED, actor=mentor)
            for events in opened:
                assert (await events.next())["id"] == global_ids([approved])[0]
        finally:
            for reader in readers:
                await reader.__aexit__(None, None, None)
        assert server.read_log().count("Started server process") == 2
    finally:
        server.stop()


@on_sqlite
def test_sqlite_serves_one_worker_and_says_so(settings: Settings, db: None) -> None:
    server = LiveServer(settings, workers=3)
    server.start()
    try:
        assert "SQLite serves one process only" in server.read_log()
    finally:
        server.stop()
