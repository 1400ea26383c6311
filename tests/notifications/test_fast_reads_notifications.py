"""The viewer's notifications, unread count and email preferences compiled: the same answers
as the ordinary path for every viewer, page and filter, each from one compiled statement."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest

from devkit.factories import make_mentor, make_user
from mentorgraph.models.accounts.users import User
from mentorgraph.settings import Settings
from tests.utils.app_pair import AppPair, app_pair
from tests.utils.lifecycle import act, create

pytestmark = pytest.mark.skipif(
    os.environ.get("TEST_DB", "sqlite") != "postgres",
    reason="the fast read path runs on PostgreSQL only",
)

INBOX = """
query($first: Int, $after: String, $last: Int, $before: String, $unreadOnly: Boolean!) {
  unreadNotificationCount
  emailPreferences { kind frequency }
  notifications(first: $first, after: $after, last: $last, before: $before,
                unreadOnly: $unreadOnly) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id kind read readAt createdAt cursor
                          actor { id name } request { id status mentee { name } } } }
    nodes { id }
  }
}"""
SET = """
mutation { setEmailPreference(input: {kind: REQUEST_MESSAGE, frequency: DAILY_DIGEST}) {
  userErrors { code } } }"""


@pytest.fixture
async def apps(settings: Settings, db: None) -> AsyncIterator[AppPair]:
    async with app_pair(settings) as pair:
        yield pair


async def same(apps: AppPair, viewer: User | None, variables: dict[str, Any]) -> Any:
    answers = []
    for client in (apps.fast, apps.ordinary):
        response = await client.execute(INBOX, variables, as_user=viewer)
        answers.append((response.status, orjson.dumps(response.body)))
    assert answers[0] == answers[1]
    return orjson.loads(answers[0][1])


async def test_notifications_equal_the_ordinary_path(apps: AppPair) -> None:
    mentor, admin = await make_mentor(), await make_user(admin=True)
    mentees = [await make_user(name=f"Mentee {n}") for n in range(3)]
    for mentee in mentees:
        await create(apps.ordinary, mentee, mentor.id)
    first = (await same(apps, mentor, {"first": 1, "unreadOnly": False}))["data"]
    request_id = first["notifications"]["edges"][0]["node"]["request"]["id"]
    from mentorgraph.resolvers.ids import decode_global_id

    await act(apps.ordinary, "approve", decode_global_id(request_id)[1], mentor)
    await apps.ordinary.execute(
        "mutation($ids: [ID!]!) { markNotificationsRead(input: {ids: $ids}) { marked } }",
        {"ids": [first["notifications"]["edges"][0]["node"]["id"]]},
        as_user=mentor,
    )
    await apps.ordinary.execute(SET, as_user=mentor)
    fast = apps.fast_app.state.fast_reads
    served = fast.served
    asked = 0
    for viewer in (mentor, *mentees, admin):
        for unread_only in (False, True):
            for page in ({"first": 2}, {"last": 2}, {}, {"first": 0}):
                data = await same(apps, viewer, {**page, "unreadOnly": unread_only})
                asked += 1
                edges = data["data"]["notifications"]["edges"]
                if edges:
                    cursor = edges[-1]["cursor"]
                    await same(apps, viewer, {"first": 5, "after": cursor, "unreadOnly": False})
                    await same(apps, viewer, {"last": 5, "before": cursor, "unreadOnly": False})
                    asked += 2
    assert fast.served == served + asked
    # Signed out, and refused arguments: the ordinary path answers (the same errors).
    await same(apps, None, {"unreadOnly": False})
    await same(apps, mentor, {"first": 1, "last": 1, "unreadOnly": False})
    await same(apps, mentor, {"after": "garbage", "unreadOnly": False})
