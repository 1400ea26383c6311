"""`Subscription.notifications` over graphql-transport-ws (gql) against real servers: each new
notification of the subscriber's, with the unread count, in order, to nobody else; replayed
after a cursor, then live, nothing twice. On PostgreSQL the changes are made on one server
process and followed on another (the bus's NOTIFY)."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Any

from devkit.factories import make_mentor, make_request, make_user
from mentorgraph.models.accounts.users import User
from mentorgraph.resolvers.ids import encode_global_id
from mentorgraph.settings import Settings
from tests.conftest import StartServer
from tests.utils.lifecycle import create
from tests.utils.subscriptions import (
    FROM_START,
    EventReader,
    posting_and_following,
    subscribed,
)
from tests.utils.threads import http_clients, send, tokens_for

NOTIFICATIONS = """
subscription Notifications($after: String) {
  notifications(after: $after) {
    unreadCount
    notification { id cursor kind read actor { id } request { id } }
  }
}"""

MARK_ALL = "mutation { markAllNotificationsRead { unreadCount userErrors { code } } }"


def following(
    url: str, settings: Settings, viewer: User, after: str | None
) -> AbstractAsyncContextManager[EventReader]:
    token = tokens_for(settings).issue(viewer)
    return subscribed(url, token, after, document=NOTIFICATIONS, field="notifications")


def rgid(pk: int) -> str:
    return encode_global_id("MentorshipRequest", pk)


def summary(push: dict[str, Any]) -> tuple[str, int]:
    return push["notification"]["kind"], push["unreadCount"]


async def test_each_new_notification_is_pushed_with_the_unread_count(
    serve: StartServer, settings: Settings
) -> None:
    posting, following_url = await posting_and_following(serve, settings)
    mentor, mentee, stranger = await make_mentor(), await make_user(), await make_user()
    request = await make_request(mentee=mentee, mentor=mentor)
    async with (
        http_clients(settings, [posting]) as (client,),
        following(following_url, settings, mentor, FROM_START) as for_mentor,
        following(following_url, settings, stranger, FROM_START) as for_stranger,
    ):
        await send(client, mentee, request.id, "Are you there?")
        first = await for_mentor.next()
        assert summary(first) == ("REQUEST_MESSAGE", 1)
        assert first["notification"]["actor"] == {"id": encode_global_id("User", mentee.id)}
        assert first["notification"]["request"] == {"id": rgid(request.id)}
        # Someone else's notification (the stranger's own request) reaches only them.
        await create(client, stranger, mentor.id)
        assert summary(await for_mentor.next()) == ("REQUEST_NEW", 2)
        await client.execute(MARK_ALL, as_user=mentor)
        await send(client, mentee, request.id, "Hello again")
        assert summary(await for_mentor.next()) == ("REQUEST_MESSAGE", 1)
        # The stranger's own first push is their own (a message on their request).
        other_mentor = await make_mentor()
        own = await make_request(mentee=stranger, mentor=other_mentor)
        await send(client, other_mentor, own.id, "Hi")
        pushed = await for_stranger.next()
        assert summary(pushed) == ("REQUEST_MESSAGE", 1)
        assert pushed["notification"]["request"] == {"id": rgid(own.id)}


async def test_resume_after_a_cursor_replays_then_goes_live_nothing_twice(
    serve: StartServer, settings: Settings
) -> None:
    posting, following_url = await posting_and_following(serve, settings)
    mentor, mentee = await make_mentor(), await make_user()
    request = await make_request(mentee=mentee, mentor=mentor)
    async with http_clients(settings, [posting]) as (client,):
        for text in ("one", "two", "three"):
            await send(client, mentee, request.id, text)
        async with following(following_url, settings, mentor, FROM_START) as reader:
            replayed = await reader.take(3)
        cursors = [push["notification"]["cursor"] for push in replayed]
        ids = [push["notification"]["id"] for push in replayed]
        assert len(set(ids)) == 3
        # The client went away after the first; it resumes from there.
        async with following(following_url, settings, mentor, cursors[0]) as reader:
            again = await reader.take(2)
            assert [p["notification"]["id"] for p in again] == ids[1:]
            await send(client, mentee, request.id, "four")
            live = await reader.next()
            assert live["notification"]["id"] not in ids
            assert summary(live) == ("REQUEST_MESSAGE", 4)


async def test_a_bad_cursor_is_a_client_fault(serve: StartServer, settings: Settings) -> None:
    url = await serve()
    viewer = await make_user()
    async with following(url, settings, viewer, "not-a-cursor") as reader:
        try:
            await reader.next()
        except Exception as error:  # gql raises the server's error message
            assert "cursor" in str(error).lower()
        else:
            raise AssertionError("a bad cursor was accepted")
