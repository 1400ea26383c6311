""" "You were set unavailable" is an in-app notification like the others (issue 16): written with
its email by `mentorgraph.models.notifications.inbox.deliver`, by the member's preference, in the
change's transaction; and the change keeps the lock order every transaction keeps (rows, then the
event-order lock),
so it cannot deadlock with a change of one of the mentor's requests (PostgreSQL)."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import asyncpg
import pytest

from devkit.factories import make_mentor, make_request, make_user
from mentorgraph.models.accounts.users import User
from mentorgraph.models.notifications.email_preferences import (
    EmailFrequency,
    NotificationKind,
    set_frequency,
)
from mentorgraph.models.notifications.inbox import Notification
from mentorgraph.models.notifications.outbox import OutboxEmail
from mentorgraph.models.requests.events import EVENT_ORDER_LOCK
from mentorgraph.models.requests.requests import MentorshipRequest, RequestStatus
from tests.utils.admin import SET_AVAILABILITY
from tests.utils.client import GraphQLClient
from tests.utils.lifecycle import user_gid
from tests.utils.waiting import until_found

NOTIFICATIONS = """query {
  unreadNotificationCount
  notifications(first: 5) { nodes { kind read actor { id } request { id } } }
}"""


async def _set_unavailable(client: GraphQLClient, admin: User, mentor: User) -> Any:
    variables = {"mentorId": user_gid(mentor.id), "available": False, "decline": True}
    response = await client.execute(SET_AVAILABILITY, variables, as_user=admin)
    return response.data["setMentorAvailability"]


async def test_set_unavailable_is_a_notification_with_its_email_by_preference(
    client: GraphQLClient,
) -> None:
    admin = await make_user(admin=True)
    mentor = await make_mentor(email="ada@example.org")
    quiet = await make_mentor(email="bo@example.org")
    await set_frequency(quiet.id, [NotificationKind.SET_UNAVAILABLE], EmailFrequency.NEVER)
    for member in (mentor, quiet):
        assert (await _set_unavailable(client, admin, member))["userErrors"] == []
        told = (await client.execute(NOTIFICATIONS, {}, as_user=member)).data
        assert told["unreadNotificationCount"] == 1
        assert told["notifications"]["nodes"] == [
            {
                "kind": "SET_UNAVAILABLE",
                "read": False,
                "actor": {"id": user_gid(admin.id)},
                "request": None,
            }
        ]
    # The email as before, now with its unsubscribe link; none for the mentor who said never.
    [email] = await OutboxEmail.filter(kind="mentor_unavailable")
    assert email.to_email == "ada@example.org"
    assert "One of our admins has set you unavailable as a mentor" in email.text_body
    assert email.list_unsubscribe is not None
    assert "/email/unsubscribe?token=" in email.list_unsubscribe
    assert email.list_unsubscribe in email.text_body
    # Set unavailable again: nothing changed, nobody told twice.
    assert (await _set_unavailable(client, admin, mentor))["userErrors"] == []
    assert await Notification.filter(user_id=mentor.id).count() == 1


@pytest.mark.skipif(
    os.environ.get("TEST_DB", "sqlite") != "postgres",
    reason="row and advisory locks are PostgreSQL's (SQLite runs one transaction at a time)",
)
async def test_setting_unavailable_takes_the_request_rows_before_the_event_order_lock(
    client: GraphQLClient,
) -> None:
    """Another transaction holds a waiting request's row and then wants the event-order lock,
    as any change of that request does (`lifecycle._apply` records its event last). The admin's
    `setMentorAvailability` (declining the waiting requests) waits for that row. Had it taken
    the event-order lock first (to notify the mentor), the two would wait for each other: a
    deadlock, which PostgreSQL breaks by failing one of them."""
    admin = await make_user(admin=True)
    mentor = await make_mentor()
    waiting = [await make_request(mentee=await make_user(), mentor=mentor) for _ in range(2)]
    held = waiting[1]
    other = await asyncpg.connect(os.environ["TEST_DATABASE_URL"])
    try:
        transaction = other.transaction()
        await transaction.start()
        await other.execute("SELECT 1 FROM mentorship_requests WHERE id = $1 FOR UPDATE", held.id)
        setting = asyncio.create_task(_set_unavailable(client, admin, mentor))

        async def blocked() -> bool:
            # The admin's transaction waits for a lock (the held row), no earlier.
            return bool(
                await other.fetchval(
                    "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                    " WHERE NOT l.granted AND a.datname = current_database()"
                    " AND l.locktype = 'transactionid'"
                )
            )

        await until_found(blocked, "the admin's change never waited for the held row")
        # Now what a change of the held request does next: the event-order lock.
        await other.execute("SELECT pg_advisory_xact_lock($1)", EVENT_ORDER_LOCK)
        await transaction.commit()
        result = await setting
    finally:
        await other.close()
    assert result["userErrors"] == []
    assert [r["status"] for r in result["requests"]] == ["DECLINED", "DECLINED"]
    for request in waiting:
        assert (await MentorshipRequest.get(id=request.id)).status is RequestStatus.DECLINED
    assert (
        await Notification.filter(user_id=mentor.id, kind=NotificationKind.SET_UNAVAILABLE).count()
        == 1
    )
