"""Mutation payloads read by the compiler after the write (issue 12): in how many statements,
what is left to the executor, and that the answers are the ordinary path's. The payload
differential over the schema's vocabulary is `test_compiled_payloads_differential.py`."""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from devkit.factories import make_mentor, make_user
from mentorgraph.models.accounts.users import User
from mentorgraph.settings import Settings
from tests.utils.app_pair import AppPair, app_pair
from tests.utils.client import GraphQLClient, GraphQLResponse
from tests.utils.lifecycle import create, request_gid
from tests.utils.sql_counter import count_statements

pytestmark = pytest.mark.skipif(
    os.environ.get("TEST_DB", "sqlite") != "postgres",
    reason="payloads are read compiled on PostgreSQL only",
)

# Bench shape 9: the approved request with both parties and its history with actor names.
RICH = """mutation($id: ID!) { approveMentorshipRequest(input: {requestId: $id, message: "Hi"}) {
  request { id status respondedAt responseMessage
    mentee { id name email } mentor { id name activeMentees { id name } }
    history { kind fromStatus toStatus occurredAt actor { name } } }
  userErrors { code field message } } }"""
LEAN = """mutation($id: ID!) { approveMentorshipRequest(input: {requestId: $id}) {
  userErrors { code } } }"""


@pytest.fixture
async def apps(settings: Settings, db: None) -> AsyncIterator[AppPair]:
    async with app_pair(settings) as pair:
        yield pair


async def _asked(apps: AppPair, mentor: User) -> int:
    """A NEW request to `mentor` from a new mentee: its id."""
    created = await create(apps.ordinary, await make_user(), mentor.id)
    from mentorgraph.resolvers.ids import decode_global_id

    return decode_global_id(created["request"]["id"])[1]


async def _counted(
    client: GraphQLClient, query: str, variables: dict[str, Any], viewer: User
) -> tuple[GraphQLResponse, list[str]]:
    with count_statements() as statements:
        answer = await client.execute(query, variables, as_user=viewer)
    return answer, statements.statements


def _reads(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("SELECT (JSON_BUILD_OBJECT")]


async def test_a_rich_payload_is_one_statement_after_the_write(apps: AppPair) -> None:
    """The same approval three times (each a new mentor's first): with only userErrors
    selected (the write's statements alone), with the rich payload compiled (one more) and on
    the ordinary path (a statement per level its loaders read)."""
    mentors = [await make_mentor(name="Mentor") for _ in range(3)]
    lean, rich, reference = [await _asked(apps, mentor) for mentor in mentors]
    _, write = await _counted(apps.fast, LEAN, {"id": request_gid(lean)}, mentors[0])
    fast, fast_statements = await _counted(apps.fast, RICH, {"id": request_gid(rich)}, mentors[1])
    ordinary, ordinary_statements = await _counted(
        apps.ordinary, RICH, {"id": request_gid(reference)}, mentors[2]
    )
    assert not fast.errors and not ordinary.errors
    payload = fast.data["approveMentorshipRequest"]
    assert payload["request"]["status"] == "APPROVED" and payload["userErrors"] == []
    assert [e["toStatus"] for e in payload["request"]["history"]] == ["NEW", "APPROVED"]
    assert payload["request"]["history"][-1]["actor"] == {"name": "Mentor"}
    mentee = payload["request"]["mentee"]
    assert payload["request"]["mentor"]["activeMentees"] == [
        {"id": mentee["id"], "name": mentee["name"]}
    ]
    assert _reads(write) == [] and len(_reads(fast_statements)) == 1
    assert len(fast_statements) == len(write) + 1
    # The ordinary path: the viewer, the partners, the history, the blocks (contact), the
    # active mentees.
    assert len(ordinary_statements) == len(write) + 5
    counters = apps.fast_app.state.fast_reads.payloads
    assert (counters.served, counters.failed) == (1, 0)


async def test_bench_shape_9_is_one_read_and_answers_as_the_bare_statement(apps: AppPair) -> None:
    """`make bench`'s shape 9 (marking a VIEWED request viewed again, the rich payload back):
    nothing changes, so one compiled statement reads the viewer, the request and the payload
    (`fast_reads/unchanged.py`); the ordinary path's answer, and the same data as the bare
    statement (what `bench.run` checks before it measures)."""
    import json

    from tortoise import connections

    from bench.run import comparable
    from bench.shapes import SHAPES

    shape = SHAPES[9]
    mentor = await make_mentor(name="Mentor")
    request_id = await _asked(apps, mentor)
    variables = {"id": request_gid(request_id)}
    await apps.ordinary.execute(shape.ours.query, variables, as_user=mentor)  # NEW -> VIEWED
    ordinary = await apps.ordinary.execute(shape.ours.query, variables, as_user=mentor)
    fast, statements = await _counted(apps.fast, shape.ours.query, variables, mentor)
    assert not fast.errors and fast.body == ordinary.body
    [statement] = statements
    assert statement.startswith("SELECT v AS viewer, r AS request")
    request = fast.data["markMentorshipRequestViewed"]["request"]
    assert request["status"] == "VIEWED" and request["history"][-1]["actor"] == {"name": "Mentor"}
    assert shape.bare_sql is not None
    # The bare statement calls the rule function `bench generate` installs (PostGraphile's
    # peer calls it too): installed here from the same file, dropped after.
    shapes_sql = (Path(__file__).parents[2] / "bench" / "sql" / "shapes.sql").read_text()
    found = re.search(
        r"CREATE OR REPLACE FUNCTION mark_mentorship_request_viewed\b.*?\$\$;", shapes_sql, re.S
    )
    assert found is not None
    connection = connections.get("default")
    await connection.execute_script(found[0])
    try:
        bare = await connection.execute_query_dict(shape.bare_sql, [request_id, mentor.id])
    finally:
        await connection.execute_script("DROP FUNCTION mark_mentorship_request_viewed(int, int)")
    bare_data = json.loads(bare[0]["json_build_object"])["data"]
    assert comparable(list(bare_data.values())) == comparable(list(fast.data.values()))


async def test_bench_shape_9_is_one_statement_with_a_session_token(apps: AppPair) -> None:
    """Shape 9 with a signed-in token (its session checked): the viewer, the session, the
    request and the payload in one statement; on both paths the same answer. An ended session
    is refused as before: the ordinary path's one read, after the compiled statement found no
    live session."""
    from bench.shapes import SHAPES
    from mentorgraph.models.accounts import sessions

    query = SHAPES[9].ours.query
    mentor = await make_mentor(name="Mentor")
    variables = {"id": request_gid(await _asked(apps, mentor))}
    await apps.ordinary.execute(query, variables, as_user=mentor)  # NEW -> VIEWED
    signed_in = await sessions.start(mentor, address="127.0.0.1", user_agent="test")
    token = apps.fast.tokens.issue(mentor, signed_in.session.id)
    ordinary = await apps.ordinary.execute(query, variables, token=token)
    with count_statements() as log:
        fast = await apps.fast.execute(query, variables, token=token)
    assert not fast.errors and fast.body == ordinary.body
    [statement] = log.statements
    assert "FROM sessions" in statement and "LEFT JOIN mentorship_requests r" in statement
    assert "FOR " not in statement

    await sessions.end_session(mentor, signed_in.session.id, sessions.EndReason.LOG_OUT)
    for client, statements in ((apps.fast, 2), (apps.ordinary, 1)):
        with count_statements() as log:
            refused = await client.execute(query, variables, token=token)
        assert refused.status == 401 and "session has ended" in str(refused.body)
        assert len(log) == statements, log.statements
