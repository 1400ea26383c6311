"""The mentorship graph: edges, `User.mentorships`, `mentorshipGraph`, and who sees what."""

from __future__ import annotations

from typing import Any

import pytest

from devkit.factories import make_mentor, make_mentorship, make_request, make_user
from mentorgraph.models.accounts.users import User
from mentorgraph.models.requests.requests import RequestStatus
from tests.utils.client import GraphQLClient
from tests.utils.lifecycle import user_gid
from tests.utils.sql_counter import fewest_statements

GRAPH = """
query($root: ID!, $depth: Int!, $first: Int!) {
  mentorshipGraph(rootId: $root, depth: $depth, first: $first) {
    root { id }
    nodes { id name mentoredCount lineageSize wasMenteeHere }
    edges { mentor { id } mentee { id } status since until request { id } }
    truncated
  }
}"""

MENTORSHIPS = """
query($id: ID!, $role: MentorshipRole, $status: [MentorshipStatus!], $after: String) {
  node(id: $id) {
    ... on User {
      mentorships(role: $role, status: $status, first: 2, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { mentor { name } mentee { name } status since until }
      }
    }
  }
}"""


@pytest.fixture
async def people(db: None) -> dict[str, User]:
    """A -> B (completed), then B -> A (the mentee mentors their own mentor: a cycle),
    B -> C -> D -> E in a chain, and a pending and a declined request that are no edges."""
    names = "ABCD"
    users = {n: await make_mentor(name=n) for n in names}
    users["E"] = await make_user(name="E")
    users["X"] = await make_user(name="X")  # a stranger to all of it
    users["admin"] = await make_user(name="admin", admin=True)
    await make_mentorship(mentor=users["A"], mentee=users["B"], completed=True)
    await make_mentorship(mentor=users["B"], mentee=users["A"])
    await make_mentorship(mentor=users["B"], mentee=users["C"])
    await make_mentorship(mentor=users["C"], mentee=users["D"], completed=True)
    await make_mentorship(mentor=users["D"], mentee=users["E"])
    await make_request(mentee=users["X"], mentor=users["A"], status=RequestStatus.NEW)
    await make_request(mentee=users["E"], mentor=users["A"], status=RequestStatus.DECLINED)
    return users


async def graph(
    client: GraphQLClient, root: User, viewer: User | None, depth: int, first: int = 50
) -> dict[str, Any]:
    variables = {"root": user_gid(root.id), "depth": depth, "first": first}
    response = await client.execute(GRAPH, variables, as_user=viewer)
    return response.data["mentorshipGraph"]


def names(found: dict[str, Any]) -> list[str]:
    return [n["name"] for n in found["nodes"]]


def pairs(found: dict[str, Any], users: dict[str, User]) -> set[tuple[str, str]]:
    by_gid = {user_gid(u.id): name for name, u in users.items()}
    return {(by_gid[e["mentor"]["id"]], by_gid[e["mentee"]["id"]]) for e in found["edges"]}


@pytest.mark.parametrize(
    ("depth", "expected_names", "expected_pairs"),
    [
        (1, ["A", "B"], {("A", "B"), ("B", "A")}),
        (2, ["A", "B", "C"], {("A", "B"), ("B", "A"), ("B", "C")}),
        (3, ["A", "B", "C", "D"], {("A", "B"), ("B", "A"), ("B", "C"), ("C", "D")}),
    ],
)
async def test_an_admin_sees_the_graph_to_the_depth_asked_through_the_cycle(
    client: GraphQLClient,
    people: dict[str, User],
    depth: int,
    expected_names: list[str],
    expected_pairs: set[tuple[str, str]],
) -> None:
    found = await graph(client, people["A"], people["admin"], depth)
    assert found["root"]["id"] == user_gid(people["A"].id)
    assert names(found) == expected_names
    assert pairs(found, people) == expected_pairs
    assert found["truncated"] is False


async def test_the_walk_goes_both_ways_from_the_middle(
    client: GraphQLClient, people: dict[str, User]
) -> None:
    found = await graph(client, people["D"], people["admin"], 2)
    # Up to C and B, down to E; nearest first, then by id.
    assert names(found) == ["D", "C", "E", "B"]


async def test_first_caps_the_nodes_and_says_so(
    client: GraphQLClient, people: dict[str, User]
) -> None:
    found = await graph(client, people["A"], people["admin"], 3, first=2)
    assert names(found) == ["A", "B"]
    assert found["truncated"] is True
    assert pairs(found, people) == {("A", "B"), ("B", "A")}


async def test_edges_carry_status_and_dates(client: GraphQLClient, people: dict[str, User]) -> None:
    found = await graph(client, people["A"], people["admin"], 1)
    by_pair = {(e["mentor"]["id"], e["mentee"]["id"]): e for e in found["edges"]}
    completed = by_pair[(user_gid(people["A"].id), user_gid(people["B"].id))]
    active = by_pair[(user_gid(people["B"].id), user_gid(people["A"].id))]
    assert completed["status"] == "COMPLETED" and completed["until"] is not None
    assert active["status"] == "ACTIVE" and active["until"] is None
    assert completed["since"] is not None and active["since"] is not None


async def test_a_member_walks_only_their_own_mentorships(
    client: GraphQLClient, people: dict[str, User]
) -> None:
    # B sees A->B, B->A and B->C, not C->D: from A the walk stops at C.
    found = await graph(client, people["A"], people["B"], 3)
    assert names(found) == ["A", "B", "C"]
    assert pairs(found, people) == {("A", "B"), ("B", "A"), ("B", "C")}


@pytest.mark.parametrize("viewer", ["X", "E", None])
async def test_a_stranger_gets_the_root_alone_with_its_public_aggregates(
    client: GraphQLClient, people: dict[str, User], viewer: str | None
) -> None:
    found = await graph(client, people["A"], people[viewer] if viewer else None, 3)
    assert found["nodes"] == [
        {
            "id": user_gid(people["A"].id),
            "name": "A",
            "mentoredCount": 1,
            "lineageSize": 2,
            "wasMenteeHere": True,
        }
    ]
    assert found["edges"] == []


async def test_bad_arguments_are_refused(client: GraphQLClient, people: dict[str, User]) -> None:
    for depth, first in [(0, 10), (4, 10), (1, 0), (1, 101)]:
        response = await client.execute(
            GRAPH,
            {"root": user_gid(people["A"].id), "depth": depth, "first": first},
            as_user=people["admin"],
        )
        assert response.error_codes == ["BAD_USER_INPUT"], (depth, first)
    response = await client.execute(
        GRAPH, {"root": "not-an-id", "depth": 1, "first": 1}, as_user=people["admin"]
    )
    assert response.error_codes == ["BAD_USER_INPUT"]


async def test_an_unknown_root_is_null(client: GraphQLClient, people: dict[str, User]) -> None:
    response = await client.execute(
        GRAPH, {"root": user_gid(10_000), "depth": 1, "first": 5}, as_user=people["admin"]
    )
    assert response.data["mentorshipGraph"] is None


async def test_the_graph_takes_a_fixed_number_of_statements(
    client: GraphQLClient, people: dict[str, User]
) -> None:
    async def statements(depth: int) -> int:
        return await fewest_statements(lambda: graph(client, people["A"], people["admin"], depth))

    small, large = await statements(1), await statements(3)
    assert small == large  # nodes and their aggregates come in batches, whatever their number
    assert large <= 7


async def mentorships(
    client: GraphQLClient, user: User, viewer: User | None, **variables: Any
) -> dict[str, Any]:
    response = await client.execute(
        MENTORSHIPS, {"id": user_gid(user.id), **variables}, as_user=viewer
    )
    return response.data["node"]["mentorships"]


def listed(found: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(m["mentor"]["name"], m["mentee"]["name"], m["status"]) for m in found["nodes"]]


@pytest.mark.parametrize("viewer", ["B", "admin"])
async def test_the_user_and_admins_list_every_mentorship_newest_first(
    client: GraphQLClient, people: dict[str, User], viewer: str
) -> None:
    first = await mentorships(client, people["B"], people[viewer])
    assert first["totalCount"] == 3
    assert listed(first) == [("B", "C", "ACTIVE"), ("B", "A", "ACTIVE")]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = await mentorships(
        client, people["B"], people[viewer], after=first["pageInfo"]["endCursor"]
    )
    assert listed(rest) == [("A", "B", "COMPLETED")]
    assert rest["pageInfo"]["hasNextPage"] is False


async def test_role_and_status_narrow_the_list(
    client: GraphQLClient, people: dict[str, User]
) -> None:
    b = people["B"]
    as_mentee = await mentorships(client, b, b, role="MENTEE")
    assert listed(as_mentee) == [("A", "B", "COMPLETED")]
    as_mentor = await mentorships(client, b, b, role="MENTOR")
    assert listed(as_mentor) == [("B", "C", "ACTIVE"), ("B", "A", "ACTIVE")]
    completed = await mentorships(client, b, b, status=["COMPLETED"])
    assert listed(completed) == [("A", "B", "COMPLETED")]
    # Pending and declined requests are no mentorships.
    assert listed(await mentorships(client, people["X"], people["X"])) == []


async def test_others_see_only_the_mentorships_they_share(
    client: GraphQLClient, people: dict[str, User]
) -> None:
    shared = await mentorships(client, people["B"], people["C"])
    assert listed(shared) == [("B", "C", "ACTIVE")]
    assert shared["totalCount"] == 1
    for viewer in (people["X"], people["D"], None):
        hidden = await mentorships(client, people["B"], viewer)
        assert hidden["nodes"] == [] and hidden["totalCount"] == 0
