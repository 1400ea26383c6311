"""The public aggregates of the graph, and what a mentor learns about a mentee's load."""

from __future__ import annotations

from typing import Any

import pytest

from devkit.factories import make_mentor, make_mentorship, make_request, make_user
from mentorgraph.models.accounts.users import User
from mentorgraph.models.requests.requests import RequestStatus
from tests.utils.client import GraphQLClient
from tests.utils.lifecycle import request_gid, user_gid

S = RequestStatus

AGGREGATES = """
query($id: ID!) { node(id: $id) { ... on User { mentoredCount lineageSize wasMenteeHere } } }"""

LOAD = """
query($id: ID!) {
  node(id: $id) { ... on MentorshipRequest { menteeOpenRequestCount menteeActiveMentorshipCount } }
}"""


async def aggregates(client: GraphQLClient, user: User, viewer: User | None) -> dict[str, Any]:
    response = await client.execute(AGGREGATES, {"id": user_gid(user.id)}, as_user=viewer)
    return response.data["node"]


async def test_mentored_count_lineage_and_was_mentee(client: GraphQLClient) -> None:
    # M -> P (twice), M -> Q; P -> R and Q -> R; R -> S; S -> T is a fourth step, out of reach.
    m, p, q, r, s = [await make_mentor(name=n) for n in "MPQRS"]
    t = await make_user(name="T")
    await make_mentorship(mentor=m, mentee=p, completed=True)
    await make_mentorship(mentor=m, mentee=p)
    await make_mentorship(mentor=m, mentee=q, completed=True)
    await make_mentorship(mentor=p, mentee=r)
    await make_mentorship(mentor=q, mentee=r, completed=True)
    await make_mentorship(mentor=r, mentee=s)
    await make_mentorship(mentor=s, mentee=t)
    # Requests that never became mentorships count for nothing.
    for status in (S.NEW, S.VIEWED, S.DECLINED, S.CANCELLED, S.EXPIRED):
        await make_request(mentee=await make_user(), mentor=m, status=status)
    await make_request(mentee=m, mentor=t, status=S.NEW)

    for viewer in (None, t, m):
        assert await aggregates(client, m, viewer) == {
            "mentoredCount": 2,
            "lineageSize": 2,  # R and S
            "wasMenteeHere": False,
        }
    assert await aggregates(client, p, None) == {
        "mentoredCount": 1,
        "lineageSize": 2,  # S and T
        "wasMenteeHere": True,
    }
    # Members who are not mentors have none of it.
    assert await aggregates(client, t, t) == {
        "mentoredCount": None,
        "lineageSize": None,
        "wasMenteeHere": None,
    }


async def test_a_cycle_back_to_the_mentor_is_not_their_lineage(client: GraphQLClient) -> None:
    # A mentored B; later B mentored A, and A mentored B again.
    a, b = await make_mentor(name="A"), await make_mentor(name="B")
    await make_mentorship(mentor=a, mentee=b, completed=True)
    await make_mentorship(mentor=b, mentee=a, completed=True)
    await make_mentorship(mentor=a, mentee=b)
    assert await aggregates(client, a, None) == {
        "mentoredCount": 1,
        "lineageSize": 0,
        "wasMenteeHere": True,
    }


@pytest.fixture
async def busy_mentee(db: None) -> dict[str, Any]:
    """A mentee with three open requests and two active mentorships (plus closed ones)."""
    mentee = await make_user(name="mentee")
    mentors = [await make_mentor(name=f"mentor {i}") for i in range(7)]
    requests = [
        await make_request(mentee=mentee, mentor=mentors[0], status=S.NEW),
        await make_request(mentee=mentee, mentor=mentors[1], status=S.VIEWED),
        await make_request(mentee=mentee, mentor=mentors[2], status=S.NEW),
        await make_mentorship(mentor=mentors[3], mentee=mentee),
        await make_mentorship(mentor=mentors[4], mentee=mentee),
        await make_mentorship(mentor=mentors[5], mentee=mentee, completed=True),
        await make_request(mentee=mentee, mentor=mentors[6], status=S.DECLINED),
    ]
    return {"mentee": mentee, "mentors": mentors, "requests": requests}


async def load(client: GraphQLClient, request_id: int, viewer: User | None) -> Any:
    response = await client.execute(LOAD, {"id": request_gid(request_id)}, as_user=viewer)
    return response.data["node"]


@pytest.mark.parametrize(
    ("index", "expected"),
    [(0, (2, 2)), (1, (2, 2)), (3, (3, 1)), (5, (3, 2)), (6, (3, 2))],
)
async def test_the_mentor_sees_the_mentees_other_load(
    client: GraphQLClient, busy_mentee: dict[str, Any], index: int, expected: tuple[int, int]
) -> None:
    request = busy_mentee["requests"][index]
    found = await load(client, request.id, busy_mentee["mentors"][index])
    assert (found["menteeOpenRequestCount"], found["menteeActiveMentorshipCount"]) == expected


async def test_nobody_else_sees_the_mentees_load(
    client: GraphQLClient, busy_mentee: dict[str, Any]
) -> None:
    request = busy_mentee["requests"][0]
    admin = await make_user(admin=True)
    for viewer in (busy_mentee["mentee"], admin):
        assert await load(client, request.id, viewer) == {
            "menteeOpenRequestCount": None,
            "menteeActiveMentorshipCount": None,
        }
    # Another mentor of the same mentee cannot reach this request at all.
    assert await load(client, request.id, busy_mentee["mentors"][1]) is None
    assert await load(client, request.id, None) is None
