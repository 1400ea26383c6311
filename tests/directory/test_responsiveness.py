"""`User.responsiveness`: the public record of how a mentor answers."""

from __future__ import annotations

from datetime import timedelta

from devkit.factories import make_mentor, make_user, request_row
from mentorgraph.models.requests import lifecycle
from mentorgraph.models.requests.requests import DeclineReason, RequestStatus
from tests.utils.client import GraphQLClient

QUERY = """query($id: ID!) { node(id: $id) { ... on User { responsiveness {
  responseRate medianResponseHours lastActiveAt openRequests activeMentees } } } }"""


async def test_a_mentor_with_no_history(client: GraphQLClient) -> None:
    mentor = await make_mentor()
    result = await client.execute(QUERY, {"id": _id(mentor.id)})
    assert result.data["node"]["responsiveness"] == {
        "responseRate": None,
        "medianResponseHours": None,
        "lastActiveAt": None,
        "openRequests": 0,
        "activeMentees": 0,
    }


async def test_rate_median_and_counts(client: GraphQLClient) -> None:
    mentor = await make_mentor()
    day = timedelta(days=1)
    mentees = [await make_user() for _ in range(8)]
    # Answered: after 2 h, 10 h and 30 h (median 10 h).
    await request_row(
        mentor=mentor,
        mentee=mentees[0],
        status=RequestStatus.APPROVED,
        age=3 * day,
        answered_after=timedelta(hours=2),
    )
    await request_row(
        mentor=mentor,
        mentee=mentees[1],
        status=RequestStatus.DECLINED,
        age=4 * day,
        answered_after=timedelta(hours=10),
        decline_reason=DeclineReason.NO_CAPACITY,
    )
    await request_row(
        mentor=mentor,
        mentee=mentees[2],
        status=RequestStatus.COMPLETED,
        age=40 * day,
        answered_after=timedelta(hours=30),
    )
    # Unanswered: expired, and declined by the system for inactivity.
    await request_row(mentor=mentor, mentee=mentees[3], status=RequestStatus.EXPIRED, age=20 * day)
    await request_row(
        mentor=mentor,
        mentee=mentees[4],
        status=RequestStatus.DECLINED,
        age=20 * day,
        answered_after=timedelta(days=15),
        decline_reason=DeclineReason.MENTOR_INACTIVE,
    )
    # Neither: cancelled by the mentee, still waiting (one viewed), and too old to count.
    await request_row(mentor=mentor, mentee=mentees[5], status=RequestStatus.CANCELLED, age=2 * day)
    await request_row(
        mentor=mentor,
        mentee=mentees[6],
        status=RequestStatus.VIEWED,
        age=day,
        viewed_after=timedelta(hours=1),
    )
    await request_row(mentor=mentor, mentee=mentees[7], status=RequestStatus.EXPIRED, age=300 * day)

    record = (await client.execute(QUERY, {"id": _id(mentor.id)})).data["node"]["responsiveness"]
    assert record["responseRate"] == 0.6
    assert record["medianResponseHours"] == 10.0
    assert record["openRequests"] == 1
    assert record["activeMentees"] == 1
    assert record["lastActiveAt"] is not None


async def test_members_who_are_not_mentors_have_none(client: GraphQLClient) -> None:
    member = await make_user()
    assert (await client.execute(QUERY, {"id": _id(member.id)})).data["node"] == {
        "responsiveness": None
    }


def _id(pk: int) -> str:
    from mentorgraph.resolvers.ids import encode_global_id

    return encode_global_id("User", pk)


async def test_an_admins_decline_never_counts_against_the_mentor(client: GraphQLClient) -> None:
    mentor = await make_mentor()
    admin = await make_user(admin=True)
    day = timedelta(days=1)
    answered = await request_row(
        mentor=mentor,
        mentee=await make_user(),
        status=RequestStatus.APPROVED,
        age=3 * day,
        answered_after=timedelta(hours=5),
    )
    assert answered.responded_at is not None
    # An admin declines one request (spam, say), through the lifecycle: neither way.
    spam = await request_row(
        mentor=mentor, mentee=await make_user(), status=RequestStatus.NEW, age=day
    )
    await lifecycle.transition(
        spam.id, RequestStatus.DECLINED, actor=admin, decline_reason=DeclineReason.OTHER
    )
    record = (await client.execute(QUERY, {"id": _id(mentor.id)})).data["node"]["responsiveness"]
    assert record["responseRate"] == 1.0
    # An admin (or the system) declining because the mentor is inactive: held against them.
    waiting = await request_row(
        mentor=mentor, mentee=await make_user(), status=RequestStatus.NEW, age=day
    )
    await lifecycle.transition(
        waiting.id,
        RequestStatus.DECLINED,
        actor=admin,
        decline_reason=DeclineReason.MENTOR_INACTIVE,
    )
    record = (await client.execute(QUERY, {"id": _id(mentor.id)})).data["node"]["responsiveness"]
    assert record["responseRate"] == 0.5
