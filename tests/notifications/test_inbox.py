"""Notifications in the app (issue 16): written with the change that causes them, listed,
counted, marked read by their member only, bounded and throttled, purged when old and read."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from tortoise.transactions import in_transaction

from devkit.factories import make_mentor, make_mentorship, make_request, make_user
from mentorgraph.models import clock, throttle
from mentorgraph.models.accounts.users import User
from mentorgraph.models.notifications import inbox
from mentorgraph.models.notifications.inbox import Notification, purge_read
from mentorgraph.models.notifications.outbox import OutboxEmail
from mentorgraph.models.requests import lifecycle
from mentorgraph.models.requests.requests import DeclineReason, RequestStatus
from mentorgraph.resolvers.ids import encode_global_id
from tests.utils.client import GraphQLClient
from tests.utils.lifecycle import act, create, request_gid
from tests.utils.threads import send

LIST = """
query($first: Int, $after: String, $unreadOnly: Boolean!) {
  unreadNotificationCount
  notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
    edges { cursor node { id kind read readAt createdAt actor { id name } request { id } } }
    pageInfo { hasNextPage endCursor }
  }
}"""

MARK = """
mutation($ids: [ID!]!) {
  markNotificationsRead(input: {ids: $ids}) {
    marked unreadCount userErrors { code field message retryAfterSeconds }
  }
}"""

MARK_ALL = """
mutation { markAllNotificationsRead { marked unreadCount userErrors { code } } }"""

LEAVE = """
mutation($id: ID!) {
  leaveMentorshipFeedback(input: {requestId: $id, rating: 5, comment: "Thanks!"}) {
    userErrors { code }
  }
}"""


async def listed(
    client: GraphQLClient, viewer: User, *, unread_only: bool = False, first: int = 20
) -> dict[str, Any]:
    response = await client.execute(
        LIST, {"first": first, "unreadOnly": unread_only}, as_user=viewer
    )
    return response.data


def kinds(data: dict[str, Any]) -> list[str]:
    return [edge["node"]["kind"] for edge in data["notifications"]["edges"]]


def gid(user: User) -> str:
    return encode_global_id("User", user.id)


async def test_each_change_notifies_the_other_side_with_its_email(
    client: GraphQLClient, db: None
) -> None:
    mentor, mentee = await make_mentor(name="Ada"), await make_user(name="Mo")
    await create(client, mentee, mentor.id)
    request = (await Notification.get(user_id=mentor.id)).request_id
    assert request is not None
    await send(client, mentee, request, "Hello, are you there?")
    approved = await act(client, "approve", request, mentor)
    assert approved.data["approveMentorshipRequest"]["userErrors"] == []
    await act(client, "complete", request, mentor)
    feedback = await client.execute(LEAVE, {"id": request_gid(request)}, as_user=mentee)
    assert feedback.data["leaveMentorshipFeedback"]["userErrors"] == []

    for_mentor = await listed(client, mentor)
    assert kinds(for_mentor) == ["FEEDBACK_RECEIVED", "REQUEST_MESSAGE", "REQUEST_NEW"]
    assert for_mentor["unreadNotificationCount"] == 3
    newest = for_mentor["notifications"]["edges"][0]["node"]
    assert newest["actor"] == {"id": gid(mentee), "name": "Mo"}
    assert newest["request"] == {"id": request_gid(request)}
    assert newest["read"] is False and newest["readAt"] is None
    for_mentee = await listed(client, mentee)
    assert kinds(for_mentee) == ["REQUEST_APPROVED"]
    # One place decides both: every notification above went out as an email too.
    emails = await OutboxEmail.all().order_by("id").values_list("kind", "to_email")
    assert emails == [
        ("request_new", mentor.email),
        ("request_message", mentor.email),
        ("request_approved", mentee.email),
        ("feedback_received", mentor.email),
    ]


async def test_a_refused_change_leaves_no_notification(client: GraphQLClient, db: None) -> None:
    mentor, mentee = await make_mentor(), await make_user()
    request = await make_request(mentee=mentee, mentor=mentor, status=RequestStatus.APPROVED)
    refused = await act(client, "decline", request.id, mentor)
    assert refused.data["declineMentorshipRequest"]["userErrors"]
    assert await Notification.all().count() == 0
    assert await OutboxEmail.all().count() == 0


async def test_a_system_decline_has_no_actor(client: GraphQLClient, db: None) -> None:
    mentor, mentee = await make_mentor(), await make_user()
    await create(client, mentee, mentor.id)
    # What the silent-mentor release does (models/ladder.release_silent_mentor), in one step.
    async with in_transaction() as conn:
        await lifecycle.decline_open_requests(
            conn, mentor.id, reason=DeclineReason.MENTOR_INACTIVE, note="silent"
        )
    [declined] = await Notification.filter(user_id=mentee.id)
    assert declined.kind == "REQUEST_DECLINED" and declined.actor_id is None
    data = await listed(client, mentee)
    assert data["notifications"]["edges"][0]["node"]["actor"] is None


async def test_unread_only_paging_and_mark_read(client: GraphQLClient, db: None) -> None:
    mentor = await make_mentor()
    mentees = [await make_user() for _ in range(3)]
    for mentee in mentees:
        await create(client, mentee, mentor.id)
    first_page = await listed(client, mentor, first=2)
    assert first_page["notifications"]["pageInfo"]["hasNextPage"] is True
    rest = await client.execute(
        LIST,
        {"first": 2, "after": first_page["notifications"]["pageInfo"]["endCursor"],
         "unreadOnly": False},
        as_user=mentor,
    )  # fmt: skip
    assert len(rest.data["notifications"]["edges"]) == 1
    ids = [edge["node"]["id"] for edge in first_page["notifications"]["edges"]]

    marked = await client.execute(MARK, {"ids": [*ids, ids[0]]}, as_user=mentor)
    assert marked.data["markNotificationsRead"] == {
        "marked": 2, "unreadCount": 1, "userErrors": []
    }  # fmt: skip
    again = await client.execute(MARK, {"ids": ids}, as_user=mentor)
    assert again.data["markNotificationsRead"]["marked"] == 0
    unread = await listed(client, mentor, unread_only=True)
    assert len(unread["notifications"]["edges"]) == 1
    assert unread["notifications"]["edges"][0]["node"]["id"] not in ids
    everything = await client.execute(MARK_ALL, as_user=mentor)
    assert everything.data["markAllNotificationsRead"] == {
        "marked": 1, "unreadCount": 0, "userErrors": []
    }  # fmt: skip
    read = (await listed(client, mentor))["notifications"]["edges"]
    assert all(edge["node"]["read"] and edge["node"]["readAt"] for edge in read)


async def test_nobody_reads_or_marks_someone_elses(client: GraphQLClient, db: None) -> None:
    mentor, mentee = await make_mentor(), await make_user()
    admin, stranger = await make_user(admin=True), await make_user()
    await create(client, mentee, mentor.id)
    theirs = (await listed(client, mentor))["notifications"]["edges"][0]["node"]["id"]
    for other in (stranger, admin):
        assert kinds(await listed(client, other)) == []
        tried = await client.execute(MARK, {"ids": [theirs]}, as_user=other)
        assert tried.data["markNotificationsRead"]["marked"] == 0
    assert (await listed(client, mentor))["unreadNotificationCount"] == 1
    # Signed out: a client fault with a code, no data.
    anonymous = await client.execute(LIST, {"first": 5, "unreadOnly": False})
    assert "UNAUTHENTICATED" in anonymous.error_codes


async def test_mark_read_inputs_are_bounded(client: GraphQLClient, db: None) -> None:
    viewer = await make_user()
    too_many = [encode_global_id("Notification", n) for n in range(1, inbox.MAX_MARK_IDS + 2)]
    refused = await client.execute(MARK, {"ids": too_many}, as_user=viewer)
    assert refused.data["markNotificationsRead"]["userErrors"][0]["code"] == "INVALID_INPUT"
    wrong_type = await client.execute(MARK, {"ids": [gid(viewer)]}, as_user=viewer)
    assert wrong_type.error_codes == ["BAD_USER_INPUT"]
    garbage = await client.execute(MARK, {"ids": ["%%%"]}, as_user=viewer)
    assert garbage.error_codes == ["BAD_USER_INPUT"]
    huge = await client.execute(
        MARK, {"ids": [encode_global_id("Notification", 2**70)]}, as_user=viewer
    )
    assert huge.data["markNotificationsRead"]["marked"] == 0


async def test_a_flood_of_mark_read_is_throttled(
    client: GraphQLClient, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The rule's numbers made small, so the test floods in a few calls; the rule is the same.
    monkeypatch.setattr(
        inbox,
        "MARK_READ_RULE",
        throttle.Rule(free=5, base_seconds=30, max_seconds=60, forget_seconds=60),
    )
    viewer, other = await make_user(), await make_user()
    clock.pin(clock.now())
    answers = await asyncio.gather(*(client.execute(MARK_ALL, as_user=viewer) for _ in range(12)))
    codes = [a.data["markAllNotificationsRead"]["userErrors"] for a in answers]
    assert sum(1 for c in codes if not c) == 5
    assert all(c == [{"code": "TOO_SOON"}] for c in codes if c)
    refused = await client.execute(MARK, {"ids": []}, as_user=viewer)
    error = refused.data["markNotificationsRead"]["userErrors"][0]
    assert error["code"] == "TOO_SOON" and error["retryAfterSeconds"] >= 1
    # Someone else is not held back by it.
    mine = await client.execute(MARK_ALL, as_user=other)
    assert mine.data["markAllNotificationsRead"]["userErrors"] == []


async def test_old_read_notifications_are_purged(client: GraphQLClient, db: None) -> None:
    mentor = await make_mentor()
    mentees = [await make_user() for _ in range(2)]
    await create(client, mentees[0], mentor.id)
    first = await Notification.get(user_id=mentor.id)
    await inbox.mark_read(mentor, [first.id])
    await create(client, mentees[1], mentor.id)
    clock.advance(timedelta(days=91))
    assert await purge_read(clock.now()) == 1
    left = await Notification.filter(user_id=mentor.id).values_list("read_at", flat=True)
    assert left == [None]  # the unread one stays


async def test_feedback_notifies_its_subject(client: GraphQLClient, db: None) -> None:
    mentor, mentee = await make_mentor(), await make_user()
    request = await make_mentorship(mentor=mentor, mentee=mentee, completed=True)
    response = await client.execute(LEAVE, {"id": request_gid(request.id)}, as_user=mentor)
    assert response.data["leaveMentorshipFeedback"]["userErrors"] == []
    assert kinds(await listed(client, mentee)) == ["FEEDBACK_RECEIVED"]
    again = await client.execute(LEAVE, {"id": request_gid(request.id)}, as_user=mentor)
    assert again.data["leaveMentorshipFeedback"]["userErrors"] == [{"code": "DUPLICATE_FEEDBACK"}]
    assert await Notification.filter(user_id=mentee.id).count() == 1
