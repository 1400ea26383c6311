"""cancelOtherMentorshipRequests: keep one approved mentorship, withdraw every waiting request."""

from __future__ import annotations

import asyncio
import os

import asyncpg
import pytest
from tortoise import connections

from devkit.factories import make_mentor, make_request, make_user
from mentorgraph.models.requests import lifecycle
from mentorgraph.models.requests.events import EVENT_ORDER_LOCK
from mentorgraph.models.requests.requests import MentorshipRequest, RequestEvent, RequestStatus
from tests.utils.client import GraphQLClient
from tests.utils.lifecycle import CANCEL_OTHERS, request_gid
from tests.utils.waiting import until_found

S = RequestStatus


async def test_cancels_every_other_waiting_request_each_with_its_event(
    client: GraphQLClient,
) -> None:
    mentee = await make_user()
    keep = await make_request(mentee=mentee, mentor=await make_mentor(), status=S.APPROVED)
    waiting = [
        await make_request(mentee=mentee, mentor=await make_mentor(), status=s)
        for s in (S.NEW, S.VIEWED)
    ]
    untouched = [
        await make_request(mentee=mentee, mentor=await make_mentor(), status=s)
        for s in (S.APPROVED, S.DECLINED, S.COMPLETED)
    ]
    someone_elses = await make_request(mentee=await make_user(), mentor=await make_mentor())

    response = await client.execute(CANCEL_OTHERS, {"id": request_gid(keep.id)}, as_user=mentee)
    payload = response.data["cancelOtherMentorshipRequests"]
    assert payload["userErrors"] == []
    assert sorted(r["id"] for r in payload["requests"]) == sorted(
        request_gid(r.id) for r in waiting
    )
    assert {r["status"] for r in payload["requests"]} == {"CANCELLED"}

    for request in waiting:
        events = await RequestEvent.filter(request_id=request.id)
        assert [(e.from_status, e.to_status, e.actor_id) for e in events] == [
            (request.status, S.CANCELLED, mentee.id)
        ]
    for request in [keep, *untouched, someone_elses]:
        assert (await MentorshipRequest.get(id=request.id)).status == request.status
        assert await RequestEvent.filter(request_id=request.id).count() == 0


async def test_the_kept_request_must_be_approved(client: GraphQLClient) -> None:
    mentee = await make_user()
    keep = await make_request(mentee=mentee, mentor=await make_mentor(), status=S.NEW)
    other = await make_request(mentee=mentee, mentor=await make_mentor(), status=S.NEW)
    response = await client.execute(CANCEL_OTHERS, {"id": request_gid(keep.id)}, as_user=mentee)
    payload = response.data["cancelOtherMentorshipRequests"]
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("INVALID_TRANSITION", ["keepRequestId"])
    ]
    assert (await MentorshipRequest.get(id=other.id)).status == S.NEW
    assert await RequestEvent.all().count() == 0


async def test_with_nothing_to_cancel_it_returns_an_empty_list(client: GraphQLClient) -> None:
    mentee = await make_user()
    keep = await make_request(mentee=mentee, mentor=await make_mentor(), status=S.APPROVED)
    response = await client.execute(CANCEL_OTHERS, {"id": request_gid(keep.id)}, as_user=mentee)
    assert response.data["cancelOtherMentorshipRequests"] == {"requests": [], "userErrors": []}


@pytest.mark.skipif(
    os.environ.get("TEST_DB") != "postgres", reason="row and advisory locks need PostgreSQL"
)
async def test_every_row_lock_is_taken_before_the_event_lock(db: None, database_url: str) -> None:
    """An approval of one of the other requests holds its row and then draws its event id. The
    cancellation must wait for that row before it draws any event id itself: holding the event
    lock while waiting for a row deadlocks with that approval (models/requests/events.py)."""
    mentee = await make_user()
    keep = await make_request(mentee=mentee, mentor=await make_mentor(), status=S.APPROVED)
    first, second = [
        await make_request(mentee=mentee, mentor=await make_mentor()) for _ in range(2)
    ]
    # The approval, on a connection of its own (another server process, say).
    approval = await asyncpg.connect(database_url)
    try:
        async with approval.transaction():
            # As `transition` would: the row locked, then (below) the event id drawn.
            await approval.execute(
                "SELECT id FROM mentorship_requests WHERE id = $1 FOR UPDATE", second.id
            )
            cancelling = asyncio.create_task(lifecycle.cancel_others(keep.id, actor=mentee))
            await _until_a_backend_waits_for_a_lock()
            await approval.execute("SELECT pg_advisory_xact_lock($1)", EVENT_ORDER_LOCK)
    finally:
        await approval.close()
    cancelled = await cancelling
    assert sorted(r.id for r in cancelled) == [first.id, second.id]


async def _until_a_backend_waits_for_a_lock() -> None:
    conn = connections.get("default")
    await until_found(
        lambda: conn.execute_query_dict(
            "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            " AND datname = current_database()"
        ),
        "the cancellation never waited for the locked row",
    )
