"""Issue 11, item 9: faults a client meets (or causes) end in clear answers, never a wedge.

- A POST that is not JSON (a cross-site "simple request") runs nothing: 415.
- A database outage answers 503 SERVICE_UNAVAILABLE with Retry-After, over HTTP and WebSocket.
- `/readyz` answers 503 at once when every pool connection is stuck.
- SIGTERM stops the server within its grace period, sockets and stalled requests open.
- `setMentorAvailability(declineOpenRequests: true)` declines all or none.
- Emails with line breaks in names are delivered; a failing email stops after its attempts.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
from tortoise import connections
from websockets.exceptions import ConnectionClosed

from devkit.factories import make_mentor, make_request, make_user
from devkit.live_server import ROOT, LiveServer
from mentorgraph.bus.postgres import listener_dsn
from mentorgraph.email_setup import outbox_worker
from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User
from mentorgraph.models.directory.availability_changes import AvailabilityChange
from mentorgraph.models.notifications.outbox import Email, OutboxEmail, enqueue_email
from mentorgraph.models.requests.requests import MentorshipRequest, RequestStatus
from mentorgraph.security import TokenService
from mentorgraph.settings import Settings
from tests.conftest import StartServer
from tests.utils.admin import SET_AVAILABILITY
from tests.utils.lifecycle import user_gid
from tests.utils.raw_ws import init, open_socket, receive, send, subscribe
from tests.utils.smtp import SmtpServer
from tests.utils.subscriptions import EVENTS, FROM_START
from tests.utils.waiting import until_found

on_postgres = pytest.mark.skipif(
    os.environ.get("TEST_DB") != "postgres",
    reason="needs a database server to lose, and a pool to exhaust",
)

UPDATE = "mutation($bio: String!) { updateProfile(input: {bio: $bio}) { userErrors { code } } }"
VIEWER = "{ viewer { name bio } }"
# A hang guard for answers that must come (not a speed assertion).
PATIENCE = 10.0


def _token(settings: Settings, user: User) -> str:
    return TokenService(settings.resolved_jwt_secret, timedelta(hours=1)).issue(user)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _code(body: dict[str, object]) -> str:
    return body["errors"][0]["extensions"]["code"]  # type: ignore[index]


# --- 415: no mutation from a cross-site simple request ------------------------------------------


async def test_a_post_that_is_not_json_runs_nothing(
    live_server: LiveServer, settings: Settings
) -> None:
    user = await make_user(bio="as it was")
    body = json.dumps({"query": UPDATE, "variables": {"bio": "forged"}})
    headers = _bearer(_token(settings, user))
    async with httpx.AsyncClient(base_url=live_server.url, timeout=PATIENCE) as http:
        for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
            sent = {**headers, **({"Content-Type": content_type} if content_type else {})}
            response = await http.post("/graphql", content=body, headers=sent)
            assert response.status_code == 415, (content_type, response.text)
            assert _code(response.json()) == "UNSUPPORTED_MEDIA_TYPE"
        multipart = await http.post("/graphql", files={"query": ("q", body)}, headers=headers)
        assert multipart.status_code == 415
        assert (await User.get(id=user.id)).bio == "as it was"

        sent = {**headers, "Content-Type": "application/json; charset=utf-8"}
        accepted = await http.post("/graphql", content=body, headers=sent)
        assert accepted.status_code == 200, accepted.text
    assert (await User.get(id=user.id)).bio == "forged"


# --- setMentorAvailability: all or none ---------------------------------------------------------


def _fault_on_declining(request_id: int, *, postgres: bool) -> tuple[str, str]:
    """DDL for a trigger that fails the decline of one request (a crash half-way), and its undo."""
    if postgres:
        return (
            "CREATE FUNCTION injected_fault() RETURNS trigger LANGUAGE plpgsql AS"
            " $$ BEGIN RAISE EXCEPTION 'injected fault'; END $$;"
            " CREATE TRIGGER injected_fault BEFORE UPDATE ON mentorship_requests FOR EACH ROW"
            f" WHEN (NEW.id = {request_id} AND NEW.status = 'DECLINED')"
            " EXECUTE FUNCTION injected_fault();",
            "DROP TRIGGER injected_fault ON mentorship_requests; DROP FUNCTION injected_fault();",
        )
    return (
        "CREATE TRIGGER injected_fault BEFORE UPDATE ON mentorship_requests"
        f" WHEN NEW.id = {request_id} AND NEW.status = 'DECLINED'"
        " BEGIN SELECT RAISE(ABORT, 'injected fault'); END;",
        "DROP TRIGGER injected_fault;",
    )


async def test_declining_open_requests_is_all_or_none(
    live_server: LiveServer, settings: Settings, database_url: str
) -> None:
    admin, mentor = await make_user(admin=True), await make_mentor(capacity=20)
    requests = [await make_request(mentee=await make_user(), mentor=mentor) for _ in range(12)]
    variables = {"mentorId": user_gid(mentor.id), "available": False, "decline": True}
    create, drop = _fault_on_declining(requests[9].id, postgres=database_url.startswith("postgres"))
    sql = connections.get("default")
    async with httpx.AsyncClient(base_url=live_server.url, timeout=PATIENCE) as http:
        await sql.execute_script(create)
        try:
            failed = await http.post(
                "/graphql",
                json={"query": SET_AVAILABILITY, "variables": variables},
                headers=_bearer(_token(settings, admin)),
            )
        finally:
            await sql.execute_script(drop)
        assert _code(failed.json()) == "INTERNAL_SERVER_ERROR"
        statuses = await MentorshipRequest.filter(mentor_id=mentor.id).values_list(
            "status", flat=True
        )
        # not 9 declined and 3 open
        assert statuses == [RequestStatus.NEW] * 12  # type: ignore[comparison-overlap]
        assert (await User.get(id=mentor.id)).available
        assert await AvailabilityChange.filter(mentor_id=mentor.id).count() == 0

        done = await http.post(
            "/graphql",
            json={"query": SET_AVAILABILITY, "variables": variables},
            headers=_bearer(_token(settings, admin)),
        )
    payload = done.json()["data"]["setMentorAvailability"]
    assert payload["userErrors"] == []
    assert len(payload["requests"]) == 12
    statuses = await MentorshipRequest.filter(mentor_id=mentor.id).values_list("status", flat=True)
    assert statuses == [RequestStatus.DECLINED] * 12  # type: ignore[comparison-overlap]
    assert not (await User.get(id=mentor.id)).available


# --- The outbox: header-safe, and a bounded number of attempts -----------------------------------


def _smtp_settings(settings: Settings, smtp: SmtpServer, **more: object) -> Settings:
    return settings.model_copy(update={"email_backend": "smtp", "smtp_port": smtp.port, **more})


async def test_a_name_with_line_breaks_is_delivered_on_one_line(
    db: None, settings: Settings, smtp: SmtpServer
) -> None:
    await enqueue_email(
        Email(
            kind="request_new",
            to="mentor@example.org",
            subject="Eve\r\nBcc: victim@example.org\u2028 asks you for mentorship",
            text="Hi",
            html="<p>Hi</p>",
        )
    )
    report = await outbox_worker(_smtp_settings(settings, smtp)).deliver_due()
    assert (report.sent, report.failed) == (1, 0)
    [message] = smtp.messages
    assert message["Subject"] == "Eve Bcc: victim@example.org asks you for mentorship"
    assert message["Bcc"] is None


async def test_an_email_that_keeps_failing_stops_after_its_attempts(
    db: None, settings: Settings
) -> None:
    down = SmtpServer()  # not started: every attempt is refused
    worker = outbox_worker(_smtp_settings(settings, down, outbox_max_attempts=3))
    row = await enqueue_email(
        Email(kind="test", to="someone@example.org", subject="Hello", text="x", html="x")
    )
    failures = 0
    for _ in range(6):
        failures += (await worker.deliver_due()).failed
        clock.advance(timedelta(hours=2))  # past any back-off
    assert failures == 3
    await row.refresh_from_db()
    assert (row.attempts, row.sent_at) == (3, None)
    assert row.last_error
    down.start()  # the server is back: a failed email stays failed
    try:
        assert (await worker.deliver_due()).sent == 0
        assert down.messages == []
    finally:
        down.stop()
    assert await OutboxEmail.filter(sent_at=None).count() == 1


# --- SIGTERM: out within the grace period, whatever is open ------------------------------------


async def _stalled_upload(url: str) -> asyncio.StreamWriter:
    """A POST that promises a body and never finishes sending it: a request in flight."""
    host, port = urlsplit(url).hostname, urlsplit(url).port
    _, writer = await asyncio.open_connection(host, port)
    writer.write(
        b"POST /graphql HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        b'Content-Length: 1000\r\n\r\n{"query": "{ viewer'
    )
    await writer.drain()
    return writer


async def test_sigterm_stops_the_server_within_its_grace_period(
    settings: Settings, db: None
) -> None:
    grace = 2
    server = LiveServer(settings, SHUTDOWN_GRACE_SECONDS=str(grace))
    server.start()
    try:
        user = await make_user()
        socket = await open_socket(server.url)
        await init(socket, _token(settings, user))
        assert (await receive(socket))["type"] == "connection_ack"
        await subscribe(socket, EVENTS, {"after": FROM_START})
        upload = await _stalled_upload(server.url)
        await asyncio.sleep(0.2)  # let the server take the request in (sequencing only)
        assert server.process is not None
        server.process.send_signal(signal.SIGTERM)
        try:
            # Hang guard: the grace period plus a margin for closing the database.
            code = await asyncio.to_thread(server.process.wait, grace + 10)
        except subprocess.TimeoutExpired:
            pytest.fail(f"SIGTERM did not stop the server:\n{server.read_log()[-2000:]}")
        # uvicorn re-raises the signal once it has shut down cleanly.
        assert code in (0, -signal.SIGTERM), server.read_log()[-2000:]
        assert "Application shutdown complete" in server.read_log()
        upload.close()
        await socket.close()
    finally:
        server.stop()


# --- PostgreSQL: an outage, and a pool whose every connection is stuck -------------------------


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture
async def admin_sql(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(listener_dsn(database_url))
    yield connection
    await connection.close()


@pytest.fixture
def outage_database(database_url: str) -> Iterator[str]:
    """A throw-away database (migrated, with one user) that the test may make unreachable;
    the shared PostgreSQL cluster keeps running."""
    name = f"{urlsplit(database_url).path.strip('/')}_outage"
    url = _with_database(listener_dsn(database_url), name)
    maintenance = listener_dsn(database_url)

    async def run(statement: str) -> None:
        connection = await asyncpg.connect(maintenance)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": url}
    for command, stdin in (
        (["migrate"], ""),
        (["create-user", "--email", "o@example.org", "--password-stdin", "--name", "O"],
         "s3cret-enough!\n"),
    ):  # fmt: skip
        subprocess.run(
            [sys.executable, "-m", "mentorgraph", *command],
            env=env,
            check=True,
            input=stdin.encode(),
        )
    try:
        yield url
    finally:
        asyncio.run(run(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _cut_off(sql: asyncpg.Connection, url: str, *, allow: bool) -> None:
    name = urlsplit(url).path.strip("/")
    await sql.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allow).lower()}')
    if not allow:
        await sql.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name
        )


@on_postgres
async def test_an_outage_answers_503_with_retry_after(
    settings: Settings, outage_database: str, admin_sql: asyncpg.Connection
) -> None:
    server = LiveServer(
        settings.model_copy(update={"database_url": outage_database}),
        DB_ACQUIRE_TIMEOUT_SECONDS="2",
    )
    server.start()
    token = TokenService(settings.resolved_jwt_secret, timedelta(hours=1)).issue(User(id=1))
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=PATIENCE) as http:
            assert (
                await http.post("/graphql", json={"query": VIEWER}, headers=_bearer(token))
            ).status_code == 200
            socket = await open_socket(server.url)
            await init(socket, token)
            assert (await receive(socket))["type"] == "connection_ack"

            await _cut_off(admin_sql, outage_database, allow=False)
            for document in (VIEWER, UPDATE):
                response = await http.post(
                    "/graphql",
                    json={"query": document, "variables": {"bio": "x"}},
                    headers=_bearer(token),
                )
                assert response.status_code == 503, response.text
                assert response.headers["retry-after"] == "5"
                assert _code(response.json()) == "SERVICE_UNAVAILABLE"
                assert "asyncpg" not in response.text and "Traceback" not in response.text
            assert (await http.get("/readyz")).status_code == 503

            # Over a socket opened before: the operation's answer carries the code.
            await send(
                socket,
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": UPDATE, "variables": {"bio": "y"}},
                },
            )
            answer = await asyncio.wait_for(receive(socket), PATIENCE)
            # Refused before it runs (`error`), or failed while running (`next` with errors).
            errors = answer["payload"] if answer["type"] == "error" else answer["payload"]["errors"]
            assert errors[0]["extensions"]["code"] == "SERVICE_UNAVAILABLE", answer
            await socket.close()
            # A socket opened during the outage: closed with "try again later".
            late = await open_socket(server.url)
            await init(late, token)
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(receive(late), PATIENCE)
            assert late.close_code == 1013
            assert late.close_reason == "SERVICE_UNAVAILABLE"

            await _cut_off(admin_sql, outage_database, allow=True)

            async def served() -> bool:
                answer = await http.post("/graphql", json={"query": VIEWER}, headers=_bearer(token))
                return answer.status_code == 200

            await until_found(served, "the server did not recover after the outage")
    finally:
        server.stop()


@on_postgres
async def test_readyz_answers_at_once_when_every_pool_connection_is_stuck(
    settings: Settings, db: None, admin_sql: asyncpg.Connection
) -> None:
    url = settings.resolved_database_url
    separator = "&" if "?" in url else "?"
    pooled = f"{url}{separator}minsize=1&maxsize=2&application_name=mentorgraph-readyz-test"
    server = LiveServer(
        settings.model_copy(update={"database_url": pooled}), DB_ACQUIRE_TIMEOUT_SECONDS="60"
    )
    server.start()
    user = await make_user()
    token = _token(settings, user)
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
            lock = await asyncpg.connect(listener_dsn(url))
            transaction = lock.transaction()
            await transaction.start()
            await lock.execute("SELECT 1 FROM users WHERE id = $1 FOR UPDATE", user.id)
            writes = [
                asyncio.create_task(
                    http.post(
                        "/graphql",
                        json={"query": UPDATE, "variables": {"bio": f"w{n}"}},
                        headers=_bearer(token),
                    )
                )
                for n in range(3)
            ]

            async def both_connections_waiting() -> bool:
                waiting = await admin_sql.fetchval(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name ="
                    " 'mentorgraph-readyz-test' AND wait_event_type = 'Lock'"
                )
                return bool(waiting == 2)

            await until_found(both_connections_waiting, "the pool's connections never waited")
            ready = await http.get("/readyz", timeout=PATIENCE)  # a hang guard, not a timing
            assert ready.status_code == 503
            await transaction.rollback()
            await lock.close()
            answers = await asyncio.gather(*writes)
            assert [a.status_code for a in answers] == [200, 200, 200]
            assert (await http.get("/readyz")).status_code == 200
    finally:
        server.stop()


@pytest.mark.skipif(
    os.environ.get("TEST_DB", "sqlite") != "sqlite", reason="SQLite's one connection and its lock"
)
async def test_readyz_answers_at_once_when_sqlite_is_wedged(serve: StartServer) -> None:
    url = await serve()  # in this process, on the test's own connection
    lock = connections.get("default")._lock
    async with httpx.AsyncClient(base_url=url, timeout=PATIENCE) as http:
        assert (await http.get("/readyz")).status_code == 200
        await lock.acquire()  # what a transaction that never ends would hold
        try:
            ready = await http.get("/readyz")  # a hang guard, not a timing
        finally:
            lock.release()
        assert ready.status_code == 503
        assert (await http.get("/readyz")).status_code == 200
