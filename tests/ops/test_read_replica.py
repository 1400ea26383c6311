"""Compiled reads on a real streaming replica (`DATABASE_READ_URL`), with read-your-writes.

The suite makes its own primary and hot standby (`devkit/replication.py`: initdb and
`pg_basebackup -R`) and runs `mentorgraph serve` on them. Which cluster answered is proven by
the data itself: with the replica's replay paused, a write on the primary is invisible there.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from devkit.live_server import ROOT, LiveServer
from devkit.replication import ReplicatedPostgres
from mentorgraph.read_replica import ReadReplica
from mentorgraph.resolvers.fast_reads.replica import Answered
from mentorgraph.settings import Settings

pytestmark = pytest.mark.skipif(
    os.environ.get("TEST_DB", "sqlite") != "postgres",
    reason="streaming replication is PostgreSQL's; on SQLite there is no fast read path",
)

VIEWER_BIO = "query { viewer { bio } }"
MENTOR_BIOS = "query { mentors(first: 5) { edges { node { name bio } } } }"
UPDATE_BIO = "mutation($bio: String!) { updateProfile(input: {bio: $bio}) { userErrors { code } } }"


@pytest.fixture(scope="module")
def clusters() -> Iterator[ReplicatedPostgres]:
    clusters = ReplicatedPostgres()
    try:
        clusters.start()
        subprocess.run(
            [sys.executable, "-m", "mentorgraph", "migrate"],
            env={**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": clusters.primary_url},
            check=True,
            capture_output=True,
        )
        yield clusters
    finally:
        clusters.stop()


@pytest.fixture
def server(clusters: ReplicatedPostgres, tmp_path: Path) -> Iterator[LiveServer]:
    settings = Settings(database_url=clusters.primary_url, data_dir=tmp_path, jwt_secret="x" * 48)
    live = LiveServer(
        settings,
        DATABASE_READ_URL=clusters.replica_url,
        READ_REPLICA_RETRY_SECONDS="0.5",
        BACKGROUND_JOBS="false",
    )
    live.start()
    try:
        yield live
    finally:
        live.stop()


def post(
    server: LiveServer, query: str, variables: dict[str, Any] | None = None, **headers: str
) -> httpx.Response:
    response = httpx.post(
        f"{server.url}/graphql",
        json={"query": query, "variables": variables or {}},
        headers=headers,
        timeout=10,
    )
    assert response.status_code == 200, response.text
    assert "errors" not in response.json(), response.text
    return response


async def sql(url: str, statement: str, *args: Any) -> Any:
    connection = await asyncpg.connect(url)
    try:
        return await connection.fetchval(statement, *args)
    finally:
        await connection.close()


async def wait_for_replay(clusters: ReplicatedPostgres) -> None:
    """Until the replica has replayed everything the primary has written."""
    target = await sql(clusters.primary_url, "SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + 10
    while not await sql(
        clusters.replica_url, "SELECT pg_last_wal_replay_lsn() >= $1::text::pg_lsn", target
    ):
        assert time.monotonic() < deadline, "the replica did not catch up"
        await asyncio.sleep(0.05)


async def mentor(server: LiveServer, clusters: ReplicatedPostgres, email: str) -> str:
    """A mentor in the anonymous directory, with bio "before"; returns their token."""
    signed_up = post(
        server,
        'mutation($e: String!) { signUp(input: {email: $e, name: "Ada", password: '
        '"long enough password"}) { token } }',
        {"e": email},
    )
    token = signed_up.json()["data"]["signUp"]["token"]
    await sql(clusters.primary_url, "UPDATE users SET is_mentor = true WHERE email = $1", email)
    post(server, UPDATE_BIO, {"bio": "before"}, Authorization=f"Bearer {token}")
    await wait_for_replay(clusters)
    return str(token)


async def test_reads_come_from_the_replica_and_a_writer_reads_its_write(
    server: LiveServer, clusters: ReplicatedPostgres
) -> None:
    token = await mentor(server, clusters, "ada@example.org")
    auth = f"Bearer {token}"
    await sql(clusters.replica_url, "SELECT pg_wal_replay_pause()")
    try:
        written = post(server, UPDATE_BIO, {"bio": "after"}, Authorization=auth)
        read_after = written.headers["X-Read-After"]
        assert await sql(
            clusters.primary_url, "SELECT $1::text::pg_lsn <= pg_current_wal_lsn()", read_after
        )

        # The replica answers reads without a position: it has not replayed the write.
        def bios(**headers: str) -> list[str]:
            edges = post(server, MENTOR_BIOS, **headers).json()["data"]["mentors"]["edges"]  # type: ignore[arg-type]
            return [edge["node"]["bio"] for edge in edges]

        assert bios() == ["before"]  # anonymous
        assert post(server, VIEWER_BIO, Authorization=auth).json()["data"] == {
            "viewer": {"bio": "before"}
        }
        # The writer sends its position back: the replica is behind it, the primary answers.
        fresh = {"Authorization": auth, "X-Read-After": read_after}
        assert post(server, VIEWER_BIO, **fresh).json()["data"] == {"viewer": {"bio": "after"}}  # type: ignore[arg-type]
        assert bios(**{"X-Read-After": read_after}) == ["after"]
        # A position the replica has already replayed: the replica answers.
        old = await sql(clusters.replica_url, "SELECT pg_last_wal_replay_lsn()::text")
        assert bios(**{"X-Read-After": old}) == ["before"]
        # Not an LSN: the primary answers (always correct), no error.
        assert bios(**{"X-Read-After": "yesterday"}) == ["after"]
    finally:
        await sql(clusters.replica_url, "SELECT pg_wal_replay_resume()")
    await wait_for_replay(clusters)
    assert post(server, VIEWER_BIO, Authorization=auth).json()["data"] == {
        "viewer": {"bio": "after"}
    }


async def test_replica_connections_are_read_only(clusters: ReplicatedPostgres) -> None:
    """Even a URL naming a primary by mistake reads only: each connection starts with
    `default_transaction_read_only=on`, and a write fails there (the primary would answer)."""
    replica = ReadReplica(clusters.primary_url, Settings(jwt_secret="x" * 48))
    await replica.start()
    try:
        shown = await replica.fetchval("SHOW default_transaction_read_only", [], None)
        assert shown == Answered("on")
        written = await replica.fetchval("CREATE TABLE written_on_replica (x int)", [], None)
        assert written is None
        assert not await sql(clusters.primary_url, "SELECT to_regclass('written_on_replica')")
    finally:
        await replica.stop()


async def test_the_primary_answers_while_the_replica_is_away(
    server: LiveServer, clusters: ReplicatedPostgres
) -> None:
    token = await mentor(server, clusters, "grace@example.org")
    clusters.stop_replica()
    try:
        post(server, UPDATE_BIO, {"bio": "while away"}, Authorization=f"Bearer {token}")
        data = post(server, VIEWER_BIO, Authorization=f"Bearer {token}").json()["data"]
        assert data == {"viewer": {"bio": "while away"}}
        assert "read replica unreachable" in server.read_log()
    finally:
        clusters.start_replica()
    await wait_for_replay(clusters)
    # Back: after the retry interval the replica answers again (pause it to prove it).
    await asyncio.sleep(0.6)
    await sql(clusters.replica_url, "SELECT pg_wal_replay_pause()")
    try:
        post(server, UPDATE_BIO, {"bio": "back"}, Authorization=f"Bearer {token}")
        data = post(server, VIEWER_BIO, Authorization=f"Bearer {token}").json()["data"]
        assert data == {"viewer": {"bio": "while away"}}
    finally:
        await sql(clusters.replica_url, "SELECT pg_wal_replay_resume()")
