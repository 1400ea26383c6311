"""Bench shape 9's PostGraphile mutation (`mark_mentorship_request_viewed` in
bench/sql/shapes.sql, exposed by PostGraphile as `markMentorshipRequestViewed`) follows our
rule for the step, so the benchmark compares equal work: the request's mentor only, NEW becomes
VIEWED with its event, VIEWED is left as it is, other statuses are refused. Installed and run in
one transaction, rolled back: the test database keeps no bench function."""

from __future__ import annotations

import os

import asyncpg
import pytest

from bench.generate import install_sql
from devkit.factories import make_mentor, make_request, make_user
from mentorgraph.models.requests.requests import RequestStatus

pytestmark = pytest.mark.skipif(
    os.environ.get("TEST_DB", "sqlite") != "postgres", reason="the bench runs on PostgreSQL"
)

MARK = "SELECT status, viewed_at IS NOT NULL AS viewed FROM mark_mentorship_request_viewed($1, $2)"
EVENTS = "SELECT from_status, to_status, actor_id, kind FROM request_events WHERE request_id = $1"


async def test_the_bench_function_marks_viewed_by_the_rule(database_url: str, db: None) -> None:
    mentor, other = await make_mentor(), await make_mentor()
    new = await make_request(mentee=await make_user(), mentor=mentor)
    declined = await make_request(
        mentee=await make_user(), mentor=mentor, status=RequestStatus.DECLINED
    )
    conn = await asyncpg.connect(database_url)
    transaction = conn.transaction()
    await transaction.start()
    try:
        await install_sql(conn)
        for request_id, mentor_id in ((new.id, other.id), (declined.id, mentor.id), (0, mentor.id)):
            with pytest.raises(asyncpg.PostgresError, match=r"does not exist|Only a NEW"):
                async with conn.transaction():  # a savepoint: each refusal undone alone
                    await conn.fetchrow(MARK, request_id, mentor_id)
        assert await conn.fetch(EVENTS, new.id) == []
        for _ in range(2):  # the second time: unchanged, no second event
            marked = await conn.fetchrow(MARK, new.id, mentor.id)
            assert (marked["status"], marked["viewed"]) == ("VIEWED", True)
            events = await conn.fetch(EVENTS, new.id)
            assert [tuple(e) for e in events] == [("NEW", "VIEWED", mentor.id, "STATUS_CHANGE")]
    finally:
        await transaction.rollback()
        await conn.close()
