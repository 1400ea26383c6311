"""Which path read a mutation's payload, over HTTP and over a WebSocket (issue 12): a mutation
sent over graphql-transport-ws has its payload read compiled as over HTTP, answering what the
executor answers; the operation's log line, metric and span say `compiled-payload`."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import pytest

from bench.shapes import SHAPES
from devkit.factories import make_mentor, make_request, make_user
from mentorgraph import metrics
from mentorgraph.models.accounts.users import User
from mentorgraph.models.requests.requests import RequestStatus
from mentorgraph.request_log import COMPILED_PAYLOAD
from mentorgraph.settings import Settings
from tests.utils import raw_ws
from tests.utils.app_pair import app_pair
from tests.utils.inprocess_server import InProcessServer
from tests.utils.lifecycle import request_gid
from tests.utils.sql_counter import count_statements
from tests.utils.subscriptions import PATIENCE

# Bench shape 9: marking a VIEWED request viewed again changes nothing, so the same mutation
# can be sent to each server on one state and the answers compared.
VIEWED = SHAPES[9].ours.query
# Mutations are answered, and their payloads read, compiled on PostgreSQL only.
compiled_only = pytest.mark.skipif(
    os.environ.get("TEST_DB", "sqlite") != "postgres",
    reason="mutations and their payloads are compiled on PostgreSQL only",
)


class OperationLines(logging.Handler):
    """The fields of each operation's log line (`mentorgraph.request_log`)."""

    def __init__(self) -> None:
        super().__init__(level=logging.INFO)
        self.lines: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.fields)  # type: ignore[attr-defined]


@contextmanager
def operation_lines() -> Iterator[OperationLines]:
    logger = logging.getLogger("mentorgraph.operation")
    handler = OperationLines()
    previous = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


def _reads(statements: list[str]) -> list[str]:
    """The payloads' compiled reads (`payload_reads.py`: `SELECT (json_build_object(...`)."""
    return [s for s in statements if s.lstrip().upper().startswith("SELECT (JSON_BUILD_OBJECT")]


def _mutations(path: str) -> float:
    """How many mutations the operations metric counts on `path` (any name, any outcome)."""
    return sum(
        sample.value
        for family in metrics.OPERATIONS.collect()
        for sample in family.samples
        if sample.name.endswith("_total")
        and sample.labels.get("type") == "mutation"
        and sample.labels.get("path") == path
    )


@asynccontextmanager
async def _server(settings: Settings, **overrides: object) -> AsyncIterator[InProcessServer]:
    """The app under uvicorn in this process (its statements are counted here)."""
    server = InProcessServer(settings.model_copy(update={"background_jobs": False, **overrides}))
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def _over_socket(
    server: InProcessServer, viewer: User, query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    """The answer to one operation sent over graphql-transport-ws as `viewer`."""
    ws = await raw_ws.open_socket(server.url)
    try:
        await raw_ws.init(ws, server.app.state.tokens.issue(viewer))
        assert (await asyncio.wait_for(raw_ws.receive(ws), PATIENCE))["type"] == "connection_ack"
        await raw_ws.subscribe(ws, query, variables)
        answer = await asyncio.wait_for(raw_ws.receive(ws), PATIENCE)
        assert answer["type"] == "next", answer
        assert (await asyncio.wait_for(raw_ws.receive(ws), PATIENCE))["type"] == "complete"
        return answer["payload"]
    finally:
        await ws.close()


async def test_a_mutation_over_a_websocket_reads_its_payload_compiled(
    settings: Settings, db: None
) -> None:
    """The same mutation over a socket, to a server with the fast read path off (the executor
    completes the payload) and to one with it on: the same answer; on PostgreSQL the second is
    one compiled read, and its log line says so. SQLite has no compiled path: both ordinary."""
    postgres = not settings.is_sqlite
    mentor = await make_mentor(name="Mentor")
    request = await make_request(mentee=await make_user(name="Mentee"), mentor=mentor)
    variables = {"id": request_gid(request.id)}
    async with (
        _server(settings, fast_reads=False) as ordinary,
        _server(settings, fast_reads=True) as fast,
    ):
        first = await _over_socket(ordinary, mentor, VIEWED, variables)  # NEW -> VIEWED
        payload = first["data"]["markMentorshipRequestViewed"]
        assert payload["request"]["status"] == RequestStatus.VIEWED.value
        with operation_lines() as lines, count_statements() as ordinary_statements:
            reference = await _over_socket(ordinary, mentor, VIEWED, variables)
        with operation_lines() as fast_lines, count_statements() as fast_statements:
            answer = await _over_socket(fast, mentor, VIEWED, variables)
        assert "errors" not in answer
        assert answer == reference
        assert [line["read_path"] for line in lines.lines] == ["ordinary"]
        [line] = fast_lines.lines
        assert (line["transport"], line["operation_type"]) == ("ws", "mutation")
        served = fast.app.state.fast_reads.payloads.served if postgres else 0
        if postgres:
            assert line["read_path"] == COMPILED_PAYLOAD
            assert served == 1 and fast.app.state.fast_reads.payloads.failed == 0
            assert len(_reads(fast_statements.statements)) == 1
            # The executor reads the partners, the history and the actors level by level.
            assert len(fast_statements) < len(ordinary_statements)
        else:
            assert line["read_path"] == "ordinary"
            assert fast.app.state.fast_reads is None
        assert _reads(ordinary_statements.statements) == []


@compiled_only
async def test_an_http_mutation_read_compiled_is_labelled_so(settings: Settings, db: None) -> None:
    """The log line and the operations metric of an HTTP mutation whose payload the compiler
    read say `compiled-payload`; the same mutation on the executor says `ordinary`, and so does
    one whose payload holds nothing to read (only userErrors: declined, completed by Python)."""
    mentor = await make_mentor(name="Mentor")
    # Each NEW: a VIEWED one would be answered as unchanged (`test_compiled_unchanged.py`).
    requests = [await make_request(mentee=await make_user(), mentor=mentor) for _ in range(3)]
    lean = "mutation Lean($id: ID!) { markMentorshipRequestViewed(input: {requestId: $id}) {"
    lean += " userErrors { code } } }"
    async with app_pair(settings) as apps:
        before = {path: _mutations(path) for path in ("ordinary", COMPILED_PAYLOAD)}
        with operation_lines() as lines:
            ordinary = await apps.ordinary.execute(
                VIEWED, {"id": request_gid(requests[0].id)}, as_user=mentor
            )
            fast = await apps.fast.execute(
                VIEWED, {"id": request_gid(requests[1].id)}, as_user=mentor
            )
            declined = await apps.fast.execute(
                lean, {"id": request_gid(requests[2].id)}, as_user=mentor
            )
        assert not ordinary.errors and not fast.errors and not declined.errors
        assert [(line["operation_name"], line["read_path"]) for line in lines.lines] == [
            ("Viewed", "ordinary"),
            ("Viewed", COMPILED_PAYLOAD),
            ("Lean", "ordinary"),
        ]
        after = {path: _mutations(path) for path in before}
        assert after[COMPILED_PAYLOAD] - before[COMPILED_PAYLOAD] == 1
        assert after["ordinary"] - before["ordinary"] == 2


@compiled_only
async def test_a_mutation_that_changes_nothing_is_labelled_fast(
    settings: Settings, db: None
) -> None:
    """Marking a VIEWED request viewed again, answered by one statement
    (`fast_reads/unchanged.py`): its log line and the operations metric say `fast`, and the
    operation is still a mutation."""
    mentor = await make_mentor(name="Mentor")
    request = await make_request(
        mentee=await make_user(), mentor=mentor, status=RequestStatus.VIEWED
    )
    async with app_pair(settings) as apps:
        before = _mutations("fast")
        with operation_lines() as lines:
            answer = await apps.fast.execute(
                VIEWED, {"id": request_gid(request.id)}, as_user=mentor
            )
        assert not answer.errors
        [line] = lines.lines
        assert (line["operation_name"], line["operation_type"], line["read_path"]) == (
            "Viewed",
            "mutation",
            "fast",
        )
        assert _mutations("fast") - before == 1
        assert apps.fast_app.state.fast_reads.unchanged.served == 1
