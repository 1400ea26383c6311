"""leaveMentorshipFeedback, `MentorshipRequest.feedback`, and the mentor's public rating."""

from __future__ import annotations

from typing import Any

import pytest

from devkit.factories import make_mentor, make_mentorship, make_request, make_user
from mentorgraph.models.accounts.users import User
from mentorgraph.models.requests.requests import RequestStatus
from tests.utils.client import GraphQLClient, GraphQLResponse
from tests.utils.lifecycle import request_gid, user_gid

LEAVE = """
mutation($id: ID!, $rating: Int!, $comment: String) {
  leaveMentorshipFeedback(input: {requestId: $id, rating: $rating, comment: $comment}) {
    feedback { rating comment authorRole author { name } }
    request { id status }
    userErrors { code field message }
  }
}"""

FEEDBACK = """
query($id: ID!) {
  node(id: $id) { ... on MentorshipRequest { feedback { authorRole rating comment } } }
}"""

RATING = "query($id: ID!) { node(id: $id) { ... on User { rating { average count } } } }"


async def leave(
    client: GraphQLClient, request_id: int, viewer: User | None, rating: int, comment: str | None
) -> GraphQLResponse:
    variables = {"id": request_gid(request_id), "rating": rating, "comment": comment}
    return await client.execute(LEAVE, variables, as_user=viewer)


def codes(response: GraphQLResponse) -> list[str]:
    return [e["code"] for e in response.data["leaveMentorshipFeedback"]["userErrors"]]


@pytest.fixture
async def pair(db: None) -> dict[str, Any]:
    mentor, mentee = await make_mentor(name="mentor"), await make_user(name="mentee")
    request = await make_mentorship(mentor=mentor, mentee=mentee, completed=True)
    return {"mentor": mentor, "mentee": mentee, "request": request}


async def test_each_side_leaves_feedback_once(client: GraphQLClient, pair: dict[str, Any]) -> None:
    request = pair["request"]
    first = await leave(client, request.id, pair["mentee"], 5, "  Patient and kind.  ")
    assert first.data["leaveMentorshipFeedback"] == {
        "feedback": {
            "rating": 5,
            "comment": "Patient and kind.",
            "authorRole": "MENTEE",
            "author": {"name": "mentee"},
        },
        "request": {"id": request_gid(request.id), "status": "COMPLETED"},
        "userErrors": [],
    }
    again = await leave(client, request.id, pair["mentee"], 1, "Changed my mind.")
    assert codes(again) == ["DUPLICATE_FEEDBACK"]
    mentor_side = await leave(client, request.id, pair["mentor"], 4, None)
    assert mentor_side.data["leaveMentorshipFeedback"]["feedback"]["authorRole"] == "MENTOR"


async def test_feedback_waits_for_completion(client: GraphQLClient) -> None:
    mentee = await make_user()
    for status in (RequestStatus.APPROVED, RequestStatus.DECLINED, RequestStatus.NEW):
        request = await make_request(mentee=mentee, mentor=await make_mentor(), status=status)
        assert codes(await leave(client, request.id, mentee, 5, None)) == [
            "MENTORSHIP_NOT_COMPLETED"
        ]


@pytest.mark.parametrize(("rating", "comment"), [(0, None), (6, None), (3, "x" * 2001)])
async def test_bad_ratings_and_comments_are_refused(
    client: GraphQLClient, pair: dict[str, Any], rating: int, comment: str | None
) -> None:
    response = await leave(client, pair["request"].id, pair["mentee"], rating, comment)
    errors = response.data["leaveMentorshipFeedback"]["userErrors"]
    assert [e["code"] for e in errors] == ["INVALID_INPUT"]
    assert errors[0]["field"] == ["comment" if comment else "rating"]


async def test_only_the_two_sides_may_leave_feedback(
    client: GraphQLClient, pair: dict[str, Any]
) -> None:
    request = pair["request"]
    stranger, admin = await make_user(), await make_user(admin=True)
    assert codes(await leave(client, request.id, stranger, 5, None)) == ["NOT_FOUND"]
    assert codes(await leave(client, request.id, admin, 5, None)) == ["FORBIDDEN"]
    anonymous = await leave(client, request.id, None, 5, None)
    assert anonymous.error_codes == ["UNAUTHENTICATED"]
    assert codes(await leave(client, 10_000, pair["mentee"], 5, None)) == ["NOT_FOUND"]


async def test_comments_are_seen_by_their_author_their_subject_and_admins(
    client: GraphQLClient, pair: dict[str, Any]
) -> None:
    request = pair["request"]
    await leave(client, request.id, pair["mentee"], 5, "About the mentor.")
    await leave(client, request.id, pair["mentor"], 4, "About the mentee.")
    admin = await make_user(admin=True)
    both = [
        {"authorRole": "MENTEE", "rating": 5, "comment": "About the mentor."},
        {"authorRole": "MENTOR", "rating": 4, "comment": "About the mentee."},
    ]
    for viewer in (pair["mentor"], pair["mentee"], admin):
        response = await client.execute(FEEDBACK, {"id": request_gid(request.id)}, as_user=viewer)
        assert response.data["node"]["feedback"] == both
    for viewer in (await make_user(), None):
        response = await client.execute(FEEDBACK, {"id": request_gid(request.id)}, as_user=viewer)
        assert response.data["node"] is None


async def test_a_mentors_rating_is_public_and_counts_only_mentees(
    client: GraphQLClient,
) -> None:
    mentor = await make_mentor()
    for rating in (5, 4):
        mentee = await make_user()
        request = await make_mentorship(mentor=mentor, mentee=mentee, completed=True)
        await leave(client, request.id, mentee, rating, None)
        await leave(client, request.id, mentor, 1, None)  # about the mentee: not the mentor's
    for viewer in (None, await make_user()):
        response = await client.execute(RATING, {"id": user_gid(mentor.id)}, as_user=viewer)
        assert response.data["node"]["rating"] == {"average": 4.5, "count": 2}
    unrated = await make_mentor()
    response = await client.execute(RATING, {"id": user_gid(unrated.id)})
    assert response.data["node"]["rating"] == {"average": None, "count": 0}
    member = await make_user()
    response = await client.execute(RATING, {"id": user_gid(member.id)})
    assert response.data["node"]["rating"] is None
