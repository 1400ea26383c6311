"""The mentee's and the mentor's whole picture in one query each, and channel reveal."""

from __future__ import annotations

from typing import Any

from devkit.factories import make_mentor, make_request, make_user
from mentorgraph.models.accounts.users import ChannelType, User
from mentorgraph.models.requests.requests import RequestStatus
from tests.utils.client import GraphQLClient
from tests.utils.lifecycle import act, request_gid, result_of, user_gid
from tests.utils.sql_counter import fewest_statements

S = RequestStatus

COUNTS = "new viewed approved declined cancelled expired completed open total"

# The mentee's picture (README "Queries people need").
MENTEE_PICTURE = f"""
query($id: ID!, $status: [RequestStatus!], $first: Int, $after: String) {{
  node(id: $id) {{
    ... on User {{
      sentRequestCounts {{ {COUNTS} }}
      activeMentors {{ id name channels {{ type handle }} }}
      sentRequests(status: $status, first: $first, after: $after) {{
        totalCount
        pageInfo {{ hasNextPage endCursor }}
        nodes {{ id status createdAt mentor {{ id name title tags channels {{ handle }} }} }}
      }}
    }}
  }}
}}"""

# The mentor's picture.
MENTOR_PICTURE = f"""
query($id: ID!, $status: [RequestStatus!]) {{
  node(id: $id) {{
    ... on User {{
      receivedRequestCounts {{ {COUNTS} }}
      activeMentees {{ id name }}
      receivedRequests(status: $status) {{
        totalCount
        nodes {{ id status message mentee {{ id name }} }}
      }}
    }}
  }}
}}"""


async def picture(
    client: GraphQLClient, query: str, user: User, viewer: User | None, **variables: Any
) -> dict[str, Any]:
    response = await client.execute(query, {"id": user_gid(user.id), **variables}, as_user=viewer)
    return response.data["node"]


async def test_the_mentees_picture(client: GraphQLClient) -> None:
    mentee = await make_user()
    statuses = [S.NEW, S.VIEWED, S.APPROVED, S.DECLINED, S.COMPLETED, S.NEW]
    requests = [
        await make_request(
            mentee=mentee, mentor=await make_mentor(name=f"Mentor {i}"), status=status
        )
        for i, status in enumerate(statuses)
    ]
    await make_request(mentee=await make_user(), mentor=await make_mentor())  # someone else's

    view = await picture(client, MENTEE_PICTURE, mentee, mentee)
    assert view["sentRequestCounts"] == {
        "new": 2,
        "viewed": 1,
        "approved": 1,
        "declined": 1,
        "cancelled": 0,
        "expired": 0,
        "completed": 1,
        "open": 3,
        "total": 6,
    }
    sent = view["sentRequests"]
    assert sent["totalCount"] == 6
    assert [n["id"] for n in sent["nodes"]] == [request_gid(r.id) for r in reversed(requests)]
    assert sent["nodes"][-1]["mentor"]["name"] == "Mentor 0"
    # Channels: revealed for the approved and the completed mentorship only.
    revealed = {n["status"]: n["mentor"]["channels"] is not None for n in sent["nodes"]}
    assert revealed == {
        "NEW": False,
        "VIEWED": False,
        "APPROVED": True,
        "DECLINED": False,
        "COMPLETED": True,
    }
    assert [m["name"] for m in view["activeMentors"]] == ["Mentor 2"]
    assert view["activeMentors"][0]["channels"] == [{"type": "GITHUB", "handle": "octocat"}]

    waiting = await picture(client, MENTEE_PICTURE, mentee, mentee, status=["NEW", "VIEWED"])
    assert [n["status"] for n in waiting["sentRequests"]["nodes"]] == ["NEW", "VIEWED", "NEW"]
    assert waiting["sentRequests"]["totalCount"] == 3


async def test_the_mentors_picture(client: GraphQLClient) -> None:
    mentor = await make_mentor()
    mentees = [await make_user(name=f"Mentee {i}") for i in range(4)]
    for mentee, status in zip(mentees, [S.NEW, S.APPROVED, S.APPROVED, S.CANCELLED], strict=True):
        await make_request(mentee=mentee, mentor=mentor, status=status)

    view = await picture(client, MENTOR_PICTURE, mentor, mentor)
    counts = view["receivedRequestCounts"]
    assert (counts["new"], counts["approved"], counts["cancelled"]) == (1, 2, 1)
    assert (counts["open"], counts["total"]) == (1, 4)
    assert [m["name"] for m in view["activeMentees"]] == ["Mentee 1", "Mentee 2"]
    received = view["receivedRequests"]
    assert [n["mentee"]["name"] for n in received["nodes"]] == [
        "Mentee 3",
        "Mentee 2",
        "Mentee 1",
        "Mentee 0",
    ]
    active = await picture(client, MENTOR_PICTURE, mentor, mentor, status=["APPROVED"])
    assert active["receivedRequests"]["totalCount"] == 2


async def test_keyset_pages_newest_first(client: GraphQLClient) -> None:
    mentee = await make_user()
    requests = [await make_request(mentee=mentee, mentor=await make_mentor()) for _ in range(5)]
    expected = [request_gid(r.id) for r in reversed(requests)]
    seen: list[str] = []
    after = None
    for _ in range(3):
        view = await picture(client, MENTEE_PICTURE, mentee, mentee, first=2, after=after)
        page = view["sentRequests"]
        seen += [n["id"] for n in page["nodes"]]
        after = page["pageInfo"]["endCursor"]
    assert seen == expected
    assert page["pageInfo"]["hasNextPage"] is False


async def test_overviews_are_for_the_user_and_admins_only(client: GraphQLClient) -> None:
    mentee, mentor = await make_user(), await make_mentor()
    await make_request(mentee=mentee, mentor=mentor, status=S.APPROVED)
    hidden_mentee = {"sentRequestCounts": None, "activeMentors": None, "sentRequests": None}
    hidden_mentor = {"receivedRequestCounts": None, "activeMentees": None, "receivedRequests": None}
    for viewer in (None, await make_user(), await make_mentor(), mentor):
        assert await picture(client, MENTEE_PICTURE, mentee, viewer) == hidden_mentee
    for viewer in (None, await make_user(), await make_mentor(), mentee):
        assert await picture(client, MENTOR_PICTURE, mentor, viewer) == hidden_mentor
    admin = await make_user(admin=True)
    assert (await picture(client, MENTEE_PICTURE, mentee, admin))["sentRequests"]["totalCount"] == 1
    assert (await picture(client, MENTOR_PICTURE, mentor, admin))["activeMentees"] != []


async def test_statements_do_not_grow_with_the_page(client: GraphQLClient) -> None:
    async def statements_for(n: int) -> int:
        mentee = await make_user()
        for i in range(n):
            await make_request(
                mentee=mentee, mentor=await make_mentor(), status=[S.NEW, S.APPROVED][i % 2]
            )
        view = await picture(client, MENTEE_PICTURE, mentee, mentee)
        assert len(view["sentRequests"]["nodes"]) == n
        return await fewest_statements(lambda: picture(client, MENTEE_PICTURE, mentee, mentee))

    # Loads from the page and from `activeMentors` batch together only when their round trips
    # happen to finish in one event-loop turn, so the count can differ by the few loaders they
    # share. An N+1 would add at least one statement per extra request (10 here).
    few, many = await statements_for(2), await statements_for(12)
    assert many < few + 10, (few, many)


async def test_approval_reveals_the_mentors_channels_to_that_mentee(client: GraphQLClient) -> None:
    mentor = await make_mentor(channels=[(ChannelType.SLACK, "@mentor")])
    mentee, other = await make_user(), await make_user()
    request = await make_request(mentee=mentee, mentor=mentor)
    query = "query($id: ID!) { node(id: $id) { ... on User { channels { type handle } } } }"

    async def channels(viewer: User) -> Any:
        response = await client.execute(query, {"id": user_gid(mentor.id)}, as_user=viewer)
        return response.data["node"]["channels"]

    assert await channels(mentee) is None
    assert (
        result_of(await act(client, "approve", request.id, mentor), "approve")["userErrors"] == []
    )
    assert await channels(mentee) == [{"type": "SLACK", "handle": "@mentor"}]
    assert await channels(other) is None
    assert (
        result_of(await act(client, "complete", request.id, mentee), "complete")["userErrors"] == []
    )
    assert await channels(mentee) == [{"type": "SLACK", "handle": "@mentor"}]

    declined = await make_request(mentee=other, mentor=mentor)
    await act(client, "decline", declined.id, mentor)
    assert await channels(other) is None


async def test_nested_request_lists_of_many_users_are_batched(client: GraphQLClient) -> None:
    """An admin's page of mentors with each one's requests: statements do not grow with it."""
    admin = await make_user(admin=True)
    query = """query($ids: [ID!]!) { nodes(ids: $ids) { ... on User { name
      receivedRequests(first: 3) { totalCount pageInfo { hasNextPage }
        nodes { id status mentee { name } } }
      sentRequests(status: [NEW]) { totalCount nodes { id } } } } }"""

    async def statements_for(n: int) -> int:
        mentors = [await make_mentor(capacity=5) for _ in range(n)]
        for mentor in mentors:
            for status in (S.NEW, S.APPROVED, S.DECLINED, S.NEW):
                await make_request(mentee=await make_user(), mentor=mentor, status=status)
        ids = [user_gid(m.id) for m in mentors]
        result = await client.execute(query, {"ids": ids}, as_user=admin)
        for node in result.data["nodes"]:
            received = node["receivedRequests"]
            assert received["totalCount"] == 4
            assert received["pageInfo"]["hasNextPage"] is True
            assert len(received["nodes"]) == 3
            assert node["sentRequests"] == {"totalCount": 0, "nodes": []}
        return await fewest_statements(lambda: client.execute(query, {"ids": ids}, as_user=admin))

    # As above: shared loaders may split into two batches by timing; per-user queries would add
    # at least one statement for each of the 8 extra mentors.
    few, many = await statements_for(2), await statements_for(10)
    assert many < few + 8, (few, many)
