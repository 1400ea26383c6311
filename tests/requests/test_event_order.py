"""Event ids become visible in id order, so "resume after N" can never skip an event.

On PostgreSQL two status changes may run at once; `record_event`'s advisory lock keeps the
second from drawing its id until the first has committed or rolled back.
"""

from __future__ import annotations

import asyncio
import os

import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from devkit.factories import make_mentor, make_request, make_user
from mentorgraph.models.requests.events import committed, record_event
from mentorgraph.models.requests.requests import MentorshipRequest, RequestEvent, RequestStatus
from mentorgraph.resolvers.ids import encode_global_id
from tests.conftest import StartServer
from tests.utils.client import GraphQLClient
from tests.utils.subscriptions import FROM_START, subscribed
from tests.utils.waiting import until_found

pytestmark = pytest.mark.skipif(
    os.environ.get("TEST_DB") != "postgres", reason="concurrent writers need PostgreSQL"
)


async def wait_for_a_blocked_event_writer() -> None:
    conn = connections.get("default")
    await until_found(
        lambda: conn.execute_query_dict(
            "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        ),
        "the second writer never waited for the first",
    )


async def write(
    request: MentorshipRequest, drawn: asyncio.Event, release: asyncio.Event
) -> RequestEvent:
    async with in_transaction() as connection:
        event = await record_event(
            request,
            from_status=RequestStatus.NEW,
            to_status=RequestStatus.VIEWED,
            actor_id=None,
            note=None,
            connection=connection,
        )
        drawn.set()
        await release.wait()
    committed([event])
    return event


async def test_a_later_writer_waits_for_the_earlier_commit(
    serve: StartServer, client: GraphQLClient
) -> None:
    url = await serve()
    mentor = await make_mentor()
    requests = [await make_request(mentee=await make_user(), mentor=mentor) for _ in range(2)]
    drawn = [asyncio.Event(), asyncio.Event()]
    release = asyncio.Event()
    async with subscribed(url, client.tokens.issue(mentor), FROM_START) as events:
        first = asyncio.create_task(write(requests[0], drawn[0], release))
        await drawn[0].wait()  # the first holds its id, uncommitted
        second = asyncio.create_task(write(requests[1], drawn[1], release))
        await wait_for_a_blocked_event_writer()
        assert not drawn[1].is_set()  # it may not draw an id (and commit) before the first
        release.set()
        earlier, later = await first, await second
        assert earlier.id < later.id
        received = await events.take(2)
        assert [e["request"]["id"] for e in received] == [
            encode_global_id("MentorshipRequest", r.id) for r in requests
        ]
