"""Messages on `mentorshipRequestEvents` over graphql-transport-ws (gql), against real servers:
delivered live to both sides and admins in order with the status changes, to nobody else,
and replayed after a cursor, then live, nothing twice. On PostgreSQL the messages are posted
to one server process and followed on another (NOTIFY)."""

from __future__ import annotations

import asyncio
from contextlib import AbstractAsyncContextManager

from devkit.factories import make_mentor, make_request, make_user
from mentorgraph.models.accounts.users import User
from mentorgraph.resolvers.ids import decode_id_of, encode_global_id
from mentorgraph.settings import Settings
from tests.conftest import StartServer
from tests.utils.lifecycle import act, result_of
from tests.utils.subscriptions import (
    FROM_START,
    EventReader,
    posting_and_following,
    subscribed,
)
from tests.utils.threads import http_clients, send, tokens_for

EVENTS = """
subscription Events($after: String) {
  mentorshipRequestEvents(after: $after) {
    id cursor kind fromStatus toStatus note actor { id }
    request { id status messages { note } }
  }
}"""


def following(
    url: str, settings: Settings, viewer: User, after: str | None
) -> AbstractAsyncContextManager[EventReader]:
    token = tokens_for(settings).issue(viewer)
    return subscribed(url, token, after, document=EVENTS, field="mentorshipRequestEvents")


def gid(kind: str, pk: int) -> str:
    return encode_global_id(kind, pk)


async def test_messages_arrive_live_in_order_with_status_changes(
    serve: StartServer, settings: Settings
) -> None:
    posting, following_url = await posting_and_following(serve, settings)
    mentor, mentee = await make_mentor(), await make_user()
    admin, stranger = await make_user(admin=True), await make_user()
    request = await make_request(mentee=mentee, mentor=mentor)
    # The stranger's own request: its event marks how far the stranger's feed got.
    own = await make_request(mentee=stranger, mentor=mentor)
    async with (
        http_clients(settings, [posting]) as (client,),
        following(following_url, settings, mentor, FROM_START) as for_mentor,
        following(following_url, settings, mentee, FROM_START) as for_mentee,
        following(following_url, settings, admin, FROM_START) as for_admin,
        following(following_url, settings, stranger, FROM_START) as for_stranger,
    ):
        # From the (empty) table's start: a first change reaches each, replayed or live; once
        # it has arrived, everything later comes live.
        marker = result_of(await act(client, "markViewed", own.id, mentor), "markViewed")
        assert marker["userErrors"] == []
        for reader in (for_mentor, for_admin, for_stranger):
            assert (await reader.next())["request"]["id"] == gid("MentorshipRequest", own.id)
        assert (await send(client, mentor, request.id, "What do you work on?"))["userErrors"] == []
        assert (await send(client, mentee, request.id, "Payments, in Go."))["userErrors"] == []
        approved = result_of(await act(client, "approve", request.id, mentor), "approve")
        assert approved["userErrors"] == []
        assert (await send(client, mentee, request.id, "Thank you!"))["userErrors"] == []
        last = result_of(await act(client, "decline", own.id, mentor), "decline")
        assert last["userErrors"] == []

        for reader in (for_mentor, for_mentee, for_admin):
            events = await reader.take(4)
            assert [(e["kind"], e["toStatus"], e["note"]) for e in events] == [
                ("MESSAGE", "NEW", "What do you work on?"),
                ("MESSAGE", "NEW", "Payments, in Go."),
                ("STATUS_CHANGE", "APPROVED", "Welcome aboard."),
                ("MESSAGE", "APPROVED", "Thank you!"),
            ]
            assert [e["actor"]["id"] for e in events] == [
                gid("User", u.id) for u in (mentor, mentee, mentor, mentee)
            ]
            # Each event's request is read fresh: the thread as of that event or later.
            assert [m["note"] for m in events[-1]["request"]["messages"]] == [
                "What do you work on?",
                "Payments, in Go.",
                "Thank you!",
            ]
        # The stranger saw none of it: the next thing in their feed is their own request's.
        assert (await for_stranger.next())["request"]["id"] == gid("MentorshipRequest", own.id)


async def test_resume_replays_missed_messages_then_goes_live_nothing_twice(
    serve: StartServer, settings: Settings
) -> None:
    posting, following_url = await posting_and_following(serve, settings)
    mentor, mentee = await make_mentor(), await make_user()
    request = await make_request(mentee=mentee, mentor=mentor)
    async with http_clients(settings, [posting]) as (client,):
        assert (await send(client, mentor, request.id, "First question"))["userErrors"] == []
        async with following(following_url, settings, mentee, FROM_START) as events:
            last_seen = await events.next()
        assert last_seen["note"] == "First question"

        # Offline meanwhile: messages and a status change.
        assert (await send(client, mentee, request.id, "First answer"))["userErrors"] == []
        assert (await send(client, mentor, request.id, "Second question"))["userErrors"] == []
        approved = result_of(await act(client, "approve", request.id, mentor), "approve")
        assert approved["userErrors"] == []

        async with following(following_url, settings, mentee, last_seen["cursor"]) as events:
            replayed = await events.take(3)
            assert [(e["kind"], e["note"]) for e in replayed] == [
                ("MESSAGE", "First answer"),
                ("MESSAGE", "Second question"),
                ("STATUS_CHANGE", "Welcome aboard."),
            ]
            # Live from here, while more is written concurrently from both sides.
            posts = [
                send(client, (mentor, mentee)[i % 2], request.id, f"Live {i}") for i in range(6)
            ]
            results = await asyncio.gather(*posts)
            assert all(r["userErrors"] == [] for r in results)
            live = await events.take(6)
            assert sorted(e["note"] for e in live) == [f"Live {i}" for i in range(6)]
            received = [last_seen, *replayed, *live]
            pks = [_pk(e["id"]) for e in received]
            # Nothing twice, nothing out of order (the cursor's order, the commit order).
            assert pks == sorted(set(pks))
            # Exactly the messages just sent arrived live.
            assert {e["id"] for e in live} == {r["message"]["id"] for r in results}


def _pk(global_id: str) -> int:
    return decode_id_of("RequestEvent", global_id, "id")
