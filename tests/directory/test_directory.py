"""The mentor directory: filters, orders, keyset paging, facets, bad input and privacy."""

from __future__ import annotations

from typing import Any

import pytest

from devkit.factories import make_mentor, make_user
from mentorgraph.models.accounts.users import ChannelType
from mentorgraph.resolvers.pagination import encode_cursor
from tests.utils.client import GraphQLClient

MENTORS = """
query($filter: MentorFilter, $orderBy: MentorOrder, $first: Int, $after: String) {
  mentors(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { name } }
    nodes { name }
  }
}
"""

FACETS = """
query($filter: MentorFilter) {
  mentorFacets(filter: $filter) {
    tags { value count }
    countries { value count }
    spokenLanguages { value count }
  }
}
"""


async def names(client: GraphQLClient, **variables: Any) -> list[str]:
    result = await client.execute(MENTORS, variables)
    return [node["name"] for node in result.data["mentors"]["nodes"]]


async def test_lists_mentors_newest_first_and_only_mentors(client: GraphQLClient) -> None:
    await make_mentor(name="Ada")
    await make_user(name="Just A Member")
    await make_mentor(name="Grace")

    result = await client.execute(MENTORS)
    mentors = result.data["mentors"]
    assert [n["name"] for n in mentors["nodes"]] == ["Grace", "Ada"]
    assert [e["node"]["name"] for e in mentors["edges"]] == ["Grace", "Ada"]
    assert mentors["totalCount"] == 2
    assert mentors["pageInfo"] == {
        "hasNextPage": False,
        "endCursor": mentors["edges"][-1]["cursor"],
    }


async def test_order_by_name(client: GraphQLClient) -> None:
    for name in ["Mia", "Ada", "Zoe", "Ada"]:
        await make_mentor(name=name)
    assert await names(client, orderBy="NAME") == ["Ada", "Ada", "Mia", "Zoe"]
    assert await names(client, orderBy="NEWEST") == ["Ada", "Zoe", "Ada", "Mia"]


async def test_available_only_by_default(client: GraphQLClient) -> None:
    await make_mentor(name="Open")
    await make_mentor(name="Busy", available=False)
    assert await names(client) == ["Open"]
    assert await names(client, filter={"availableOnly": False}) == ["Busy", "Open"]


async def test_search_matches_name_title_and_bio_in_any_case(client: GraphQLClient) -> None:
    await make_mentor(name="Ada Lovelace", title="Engineer")
    await make_mentor(name="Grace", title="Compiler WIZARD")
    await make_mentor(name="Linus", bio="Kernels, git and wizardry.")
    await make_mentor(name="Other", title="Designer", bio="Typography")

    assert await names(client, filter={"search": "lovelace"}) == ["Ada Lovelace"]
    assert await names(client, filter={"search": "Wizard"}) == ["Linus", "Grace"]
    # Every word must match somewhere, in any of the three fields.
    assert await names(client, filter={"search": "  wizard   GIT "}) == ["Linus"]
    assert await names(client, filter={"search": "wizard designer"}) == []
    # Substrings, not whole words; a blank search filters nothing.
    assert await names(client, filter={"search": "ovel"}) == ["Ada Lovelace"]
    assert len(await names(client, filter={"search": "   "})) == 4


async def test_search_treats_like_wildcards_literally(client: GraphQLClient) -> None:
    await make_mentor(name="Percent", bio="100% remote")
    await make_mentor(name="Plain", bio="1000 remote")
    assert await names(client, filter={"search": "0%"}) == ["Percent"]
    assert await names(client, filter={"search": "_"}) == []


async def test_tags_are_all_of_and_normalised(client: GraphQLClient) -> None:
    await make_mentor(name="Py", tags=["python"])
    await make_mentor(name="PyWeb", tags=["python", "web"])
    await make_mentor(name="Web", tags=["web", "css"])

    assert await names(client, filter={"tags": ["python"]}) == ["PyWeb", "Py"]
    assert await names(client, filter={"tags": [" Python ", "WEB"]}) == ["PyWeb"]
    assert await names(client, filter={"tags": ["python", "css"]}) == []
    assert await names(client, filter={"tags": []}) == ["Web", "PyWeb", "Py"]


async def test_country_and_language(client: GraphQLClient) -> None:
    await make_mentor(name="Berlin", country="DE", languages=["de", "en"])
    await make_mentor(name="Paris", country="FR", languages=["fr", "en"])
    await make_mentor(name="Nowhere")

    assert await names(client, filter={"country": "de"}) == ["Berlin"]
    assert await names(client, filter={"spokenLanguage": "EN"}) == ["Paris", "Berlin"]
    assert await names(client, filter={"spokenLanguage": "fr"}) == ["Paris"]
    assert await names(client, filter={"country": "DE", "spokenLanguage": "fr"}) == []


async def test_combined_filters(client: GraphQLClient) -> None:
    await make_mentor(
        name="Match", title="Data engineer", country="DE", tags=["python", "sql"], languages=["de"]
    )
    await make_mentor(
        name="Busy twin",
        title="Data engineer",
        country="DE",
        tags=["python", "sql"],
        languages=["de"],
        available=False,
    )
    await make_mentor(name="Wrong tag", title="Data engineer", country="DE", tags=["python"])
    await make_mentor(name="Wrong country", title="Data engineer", country="AT", tags=["sql"])
    await make_mentor(name="Wrong words", title="Designer", country="DE", tags=["python", "sql"])
    full = {"search": "data", "tags": ["sql", "python"], "country": "DE", "spokenLanguage": "de"}

    assert await names(client, filter=full) == ["Match"]
    assert await names(client, filter={**full, "availableOnly": False}) == ["Busy twin", "Match"]
    result = await client.execute(MENTORS, {"filter": {**full, "availableOnly": False}})
    assert result.data["mentors"]["totalCount"] == 2


@pytest.mark.parametrize("order", ["NEWEST", "NAME"])
async def test_paging_through_the_whole_directory(client: GraphQLClient, order: str) -> None:
    # Duplicate names: the id breaks ties, so pages neither repeat nor skip anyone.
    for i in range(23):
        await make_mentor(name=f"Mentor {i % 7}")
    expected = await names(client, orderBy=order, first=100)

    seen: list[str] = []
    after = None
    while True:
        result = await client.execute(MENTORS, {"orderBy": order, "first": 5, "after": after})
        page = result.data["mentors"]
        seen += [edge["node"]["name"] for edge in page["edges"]]
        assert page["totalCount"] == 23
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == expected
    assert len(seen) == 23


async def test_paging_by_name_is_stable_when_mentors_join(client: GraphQLClient) -> None:
    for name in ["B", "D", "F", "H"]:
        await make_mentor(name=name)
    first_page = (await client.execute(MENTORS, {"orderBy": "NAME", "first": 2})).data["mentors"]
    assert [n["name"] for n in first_page["nodes"]] == ["B", "D"]

    # One joins before the cursor (not shown, and nothing shifts), one after it (shown).
    await make_mentor(name="A")
    await make_mentor(name="E")
    after = first_page["pageInfo"]["endCursor"]
    assert await names(client, orderBy="NAME", first=10, after=after) == ["E", "F", "H"]


async def test_paging_newest_is_stable_when_mentors_join(client: GraphQLClient) -> None:
    for name in ["B", "D", "F", "H"]:
        await make_mentor(name=name)
    first_page = (await client.execute(MENTORS, {"first": 2})).data["mentors"]
    assert [n["name"] for n in first_page["nodes"]] == ["H", "F"]

    # A newcomer goes to the front of the list: the next page neither repeats F nor skips D.
    await make_mentor(name="Newest")
    after = first_page["pageInfo"]["endCursor"]
    assert await names(client, first=10, after=after) == ["D", "B"]
    assert await names(client, first=1) == ["Newest"]


async def test_first_zero_counts_without_listing(client: GraphQLClient) -> None:
    await make_mentor()
    result = await client.execute(MENTORS, {"first": 0})
    assert result.data["mentors"]["nodes"] == []
    assert result.data["mentors"]["totalCount"] == 1
    assert result.data["mentors"]["pageInfo"]["hasNextPage"] is False


@pytest.mark.parametrize(
    ("variables", "field", "fragment"),
    [
        ({"first": 101}, "first", "between 0 and 100"),
        ({"first": -1}, "first", "between 0 and 100"),
        ({"after": "not-a-cursor"}, "after", "not a valid cursor"),
        ({"filter": {"country": "XX"}}, "filter.country", "ISO 3166-1"),
        ({"filter": {"spokenLanguage": "xx"}}, "filter.spokenLanguage", "ISO 639-1"),
        ({"filter": {"tags": [f"t{i}" for i in range(11)]}}, "filter.tags", "between 1 and 10"),
        ({"filter": {"tags": ["no/slash"]}}, "filter.tags", "letters, digits"),
        ({"filter": {"search": "x" * 101}}, "filter.search", "at most 100"),
    ],
)
async def test_bad_arguments_are_clear_client_errors(
    client: GraphQLClient, variables: dict[str, Any], field: str, fragment: str
) -> None:
    result = await client.execute(MENTORS, variables)
    assert result.status == 200
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert fragment in result.errors[0]["message"]
    assert result.errors[0]["extensions"]["field"] == field


@pytest.mark.parametrize(
    ("order", "values"),
    [
        ("NEWEST", ["x"]),
        ("NEWEST", [2**70]),
        ("NAME", ["Ada", "not an id"]),
        ("NAME", ["Ada\x00", 1]),
    ],
)
async def test_forged_cursors_are_refused_not_sent_to_the_database(
    client: GraphQLClient, order: str, values: list[Any]
) -> None:
    await make_mentor(name="Ada")
    result = await client.execute(MENTORS, {"orderBy": order, "after": encode_cursor(values)})
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["field"] == "after"


async def test_search_with_a_nul_character_is_refused(client: GraphQLClient) -> None:
    # Refused at the door for every field (see test_guard_rails), before any SQL.
    result = await client.execute(MENTORS, {"filter": {"search": "ada\x00"}})
    assert result.status == 400
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert "NUL" in result.errors[0]["message"]


async def test_cursor_of_the_other_order_is_refused(client: GraphQLClient) -> None:
    await make_mentor(name="A")
    await make_mentor(name="B")
    by_name = (await client.execute(MENTORS, {"orderBy": "NAME", "first": 1})).data["mentors"]
    result = await client.execute(
        MENTORS, {"orderBy": "NEWEST", "after": by_name["pageInfo"]["endCursor"]}
    )
    assert result.error_codes == ["BAD_USER_INPUT"]


async def test_unknown_order_is_a_clear_error(client: GraphQLClient) -> None:
    result = await client.execute(MENTORS, {"orderBy": "RANDOM"})
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert "RANDOM" in result.errors[0]["message"]


async def test_facets_count_matching_mentors(client: GraphQLClient) -> None:
    await make_mentor(country="DE", tags=["python", "sql"], languages=["de", "en"])
    await make_mentor(country="DE", tags=["python"], languages=["de"])
    await make_mentor(country="FR", tags=["sql", "python"], languages=["fr", "en"])
    await make_mentor(country=None, tags=["rust"], languages=["en"])
    await make_mentor(country="IT", tags=["go"], languages=["it"], available=False)
    await make_user(country="ES", tags=["python"], languages=["es"])  # not a mentor

    facets = (await client.execute(FACETS)).data["mentorFacets"]
    assert facets["tags"] == [
        {"value": "python", "count": 3},
        {"value": "sql", "count": 2},
        {"value": "rust", "count": 1},
    ]
    # Equal counts are ordered by value; mentors without a country are not counted.
    assert facets["countries"] == [{"value": "DE", "count": 2}, {"value": "FR", "count": 1}]
    assert facets["spokenLanguages"] == [
        {"value": "en", "count": 3},
        {"value": "de", "count": 2},
        {"value": "fr", "count": 1},
    ]

    narrowed = await client.execute(FACETS, {"filter": {"tags": ["sql"], "availableOnly": False}})
    assert narrowed.data["mentorFacets"] == {
        "tags": [{"value": "python", "count": 2}, {"value": "sql", "count": 2}],
        "countries": [{"value": "DE", "count": 1}, {"value": "FR", "count": 1}],
        "spokenLanguages": [
            {"value": "en", "count": 2},
            {"value": "de", "count": 1},
            {"value": "fr", "count": 1},
        ],
    }
    searched = await client.execute(FACETS, {"filter": {"search": "no such words"}})
    assert searched.data["mentorFacets"] == {"tags": [], "countries": [], "spokenLanguages": []}


async def test_tag_facet_keeps_the_fifty_most_frequent(client: GraphQLClient) -> None:
    await make_mentor(tags=["common"])
    for i in range(6):
        # 60 distinct rare tags, 10 per mentor, plus "common" on every one.
        await make_mentor(tags=["common", *[f"rare{i:02d}{j}" for j in range(9)]])
    tags = (await client.execute(FACETS)).data["mentorFacets"]["tags"]
    assert len(tags) == 50
    assert tags[0] == {"value": "common", "count": 7}
    assert [t["value"] for t in tags[1:3]] == ["rare000", "rare001"]


async def test_facets_refuse_bad_filters(client: GraphQLClient) -> None:
    result = await client.execute(FACETS, {"filter": {"country": "Germany"}})
    assert result.error_codes == ["BAD_USER_INPUT"]


PRIVATE = """
query { mentors { nodes { name email channels { type handle } } } }
"""


async def test_directory_hides_email_and_channels_from_strangers(client: GraphQLClient) -> None:
    mentor = await make_mentor(
        name="Ada", email="ada@example.org", channels=[(ChannelType.GITHUB, "ada")]
    )
    stranger = await make_user()
    admin = await make_user(admin=True)
    hidden = [{"name": "Ada", "email": None, "channels": None}]
    shown = [
        {
            "name": "Ada",
            "email": "ada@example.org",
            "channels": [{"type": "GITHUB", "handle": "ada"}],
        }
    ]

    assert (await client.execute(PRIVATE)).data["mentors"]["nodes"] == hidden
    assert (await client.execute(PRIVATE, as_user=stranger)).data["mentors"]["nodes"] == hidden
    assert (await client.execute(PRIVATE, as_user=mentor)).data["mentors"]["nodes"] == shown
    assert (await client.execute(PRIVATE, as_user=admin)).data["mentors"]["nodes"] == shown
