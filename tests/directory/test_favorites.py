"""Favourite mentors: adding, removing, `isFavorite`, and who sees `favoriteMentors`."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from devkit.factories import make_mentor, make_user
from devkit.live_server import LiveServer
from mentorgraph.models.accounts.users import Favorite, User
from mentorgraph.resolvers.ids import encode_global_id
from tests.utils.client import GraphQLClient

ADD = """
mutation($id: ID!) {
  addFavoriteMentor(input: {mentorId: $id}) {
    user { name isFavorite }
    userErrors { field message code }
  }
}
"""

REMOVE = """
mutation($id: ID!) {
  removeFavoriteMentor(input: {mentorId: $id}) {
    user { name isFavorite }
    userErrors { field message code }
  }
}
"""

FAVORITES = """
query($id: ID!, $first: Int, $after: String) {
  node(id: $id) {
    ... on User {
      favoriteMentors(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { name isFavorite }
      }
    }
  }
}
"""


def gid(user: User) -> str:
    return encode_global_id("User", user.id)


async def favorite_names(client: GraphQLClient, owner: User, viewer: User) -> Any:
    result = await client.execute(FAVORITES, {"id": gid(owner)}, as_user=viewer)
    favorites = result.data["node"]["favoriteMentors"]
    return favorites and [n["name"] for n in favorites["nodes"]]


async def test_add_twice_is_idempotent_and_remove_undoes_it(client: GraphQLClient) -> None:
    mentee = await make_user()
    mentor = await make_mentor(name="Ada")

    for _ in range(2):
        added = (await client.execute(ADD, {"id": gid(mentor)}, as_user=mentee)).data
        assert added["addFavoriteMentor"] == {
            "user": {"name": "Ada", "isFavorite": True},
            "userErrors": [],
        }
    assert await Favorite.filter(user_id=mentee.id).count() == 1

    for _ in range(2):
        removed = (await client.execute(REMOVE, {"id": gid(mentor)}, as_user=mentee)).data
        assert removed["removeFavoriteMentor"] == {
            "user": {"name": "Ada", "isFavorite": False},
            "userErrors": [],
        }
    assert await Favorite.filter(user_id=mentee.id).count() == 0


async def test_unknown_and_non_mentor_ids_are_not_found(client: GraphQLClient) -> None:
    mentee = await make_user()
    member = await make_user()
    unknown = encode_global_id("User", 999_999)
    for mutation, name in [(ADD, "addFavoriteMentor"), (REMOVE, "removeFavoriteMentor")]:
        for target in [unknown, gid(member)]:
            result = await client.execute(mutation, {"id": target}, as_user=mentee)
            assert result.data[name]["user"] is None
            assert [(e["code"], e["field"]) for e in result.data[name]["userErrors"]] == [
                ("NOT_FOUND", ["mentorId"])
            ]


async def test_a_former_mentor_can_still_be_removed(client: GraphQLClient) -> None:
    mentee = await make_user()
    mentor = await make_mentor(name="Retired")
    await client.execute(ADD, {"id": gid(mentor)}, as_user=mentee)
    await User.filter(id=mentor.id).update(is_mentor=False)

    assert await favorite_names(client, mentee, mentee) == []
    removed = (await client.execute(REMOVE, {"id": gid(mentor)}, as_user=mentee)).data
    assert removed["removeFavoriteMentor"]["userErrors"] == []
    assert await Favorite.filter(user_id=mentee.id).count() == 0


async def test_favourites_need_a_signed_in_user_and_a_user_id(client: GraphQLClient) -> None:
    mentor = await make_mentor()
    anonymous = await client.execute(ADD, {"id": gid(mentor)})
    assert anonymous.error_codes == ["UNAUTHENTICATED"]

    mentee = await make_user()
    wrong_kind = encode_global_id("MentorshipRequest", 1)
    for bad in ["%%%", wrong_kind]:
        result = await client.execute(ADD, {"id": bad}, as_user=mentee)
        assert result.error_codes == ["BAD_USER_INPUT"]


async def test_favorite_mentors_newest_first_with_paging(client: GraphQLClient) -> None:
    mentee = await make_user()
    mentors = [await make_mentor(name=f"M{i}") for i in range(5)]
    for i in [2, 0, 4, 1, 3]:
        await client.execute(ADD, {"id": gid(mentors[i])}, as_user=mentee)
    await client.execute(REMOVE, {"id": gid(mentors[4])}, as_user=mentee)

    assert await favorite_names(client, mentee, mentee) == ["M3", "M1", "M0", "M2"]

    first = await client.execute(FAVORITES, {"id": gid(mentee), "first": 3}, as_user=mentee)
    page = first.data["node"]["favoriteMentors"]
    assert page["totalCount"] == 4
    assert page["pageInfo"]["hasNextPage"] is True
    assert all(node["isFavorite"] for node in page["nodes"])
    # Re-adding an existing favourite does not move it to the front.
    await client.execute(ADD, {"id": gid(mentors[2])}, as_user=mentee)
    variables = {"id": gid(mentee), "after": page["pageInfo"]["endCursor"]}
    rest = await client.execute(FAVORITES, variables, as_user=mentee)
    assert [n["name"] for n in rest.data["node"]["favoriteMentors"]["nodes"]] == ["M2"]


async def test_favorite_mentors_visible_to_the_user_and_admins_only(
    client: GraphQLClient,
) -> None:
    mentee = await make_user()
    mentor = await make_mentor(name="Ada")
    stranger = await make_user()
    admin = await make_user(admin=True)
    await client.execute(ADD, {"id": gid(mentor)}, as_user=mentee)

    assert await favorite_names(client, mentee, mentee) == ["Ada"]
    assert await favorite_names(client, mentee, admin) == ["Ada"]
    assert await favorite_names(client, mentee, stranger) is None
    anonymous = await client.execute(FAVORITES, {"id": gid(mentee)})
    assert anonymous.data["node"]["favoriteMentors"] is None


async def test_is_favorite_is_the_viewers_own(client: GraphQLClient) -> None:
    fan = await make_user()
    other = await make_user()
    mentor = await make_mentor()
    await client.execute(ADD, {"id": gid(mentor)}, as_user=fan)
    query = "{ mentors { nodes { isFavorite } } }"

    assert (await client.execute(query, as_user=fan)).data["mentors"]["nodes"] == [
        {"isFavorite": True}
    ]
    assert (await client.execute(query, as_user=other)).data["mentors"]["nodes"] == [
        {"isFavorite": False}
    ]
    assert (await client.execute(query)).data["mentors"]["nodes"] == [{"isFavorite": False}]


async def test_concurrent_adds_leave_one_favourite(
    live_server: LiveServer, client: GraphQLClient
) -> None:
    mentee = await make_user()
    mentor = await make_mentor()
    token = client.tokens.issue(mentee)

    async with httpx.AsyncClient(base_url=live_server.url, timeout=30) as http:
        responses = await asyncio.gather(
            *(
                http.post(
                    "/graphql",
                    json={"query": ADD, "variables": {"id": gid(mentor)}},
                    headers={"Authorization": f"Bearer {token}"},
                )
                for _ in range(10)
            )
        )
    for response in responses:
        assert response.json()["data"]["addFavoriteMentor"]["userErrors"] == []
    assert await Favorite.filter(user_id=mentee.id).count() == 1
