"""Documents whose fragments multiply (issue 11, item 2): refused before anything expands them.

Fragments that spread the next one twice describe 2^n fields in n short lines; Strawberry's
depth and alias limiters expanded every spread (~5 s at 19 levels). The work is counted, not
timed: `document_figures` looks at each selection set once, and the server answers at once
(the old code took seconds per request here).
"""

from __future__ import annotations

import pytest
from graphql import parse

from mentorgraph.schema.fragment_limits import SATURATED, document_figures
from tests.utils.client import GraphQLClient

LEVELS = 24


def doubling(levels: int, field: str = "id", alias: str = "") -> str:
    """`viewer` with fragment Fi spreading F(i+1) twice: 2^levels copies of `field`."""
    parts = ["query Doubling { viewer { ...F0 } }"]
    parts += [f"fragment F{i} on User {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)]
    parts.append(f"fragment F{levels} on User {{ {alias}{field} }}")
    return "\n".join(parts)


def deepening(levels: int) -> str:
    """Each fragment nests the next one a level deeper, spreading it twice."""
    parts = ["query Deepening { viewer { ...F0 } }"]
    parts += [
        f"fragment F{i} on User {{ favoriteMentors {{ nodes {{ ...F{i + 1} ...F{i + 1} }} }} }}"
        for i in range(levels)
    ]
    parts.append(f"fragment F{levels} on User {{ id }}")
    return "\n".join(parts)


def test_the_figures_take_one_look_per_selection_set() -> None:
    for levels in (10, 20, 40):
        document = parse(doubling(levels))
        figures, visited = document_figures(document)
        # Each selection set once (the operation, `viewer`, every fragment): not 2^levels.
        assert visited == levels + 3
        assert figures.fields == min(1 + 2**levels, SATURATED)
        assert figures.depth == 1


@pytest.mark.parametrize(
    ("query", "figure"),
    [
        (doubling(LEVELS), "fields"),
        (doubling(LEVELS, alias="a: "), "aliases"),
        (deepening(LEVELS), "depth"),
    ],
    ids=["fields", "aliases", "depth"],
)
async def test_multiplying_fragments_are_refused(
    client: GraphQLClient, query: str, figure: str
) -> None:
    assert len(query.encode()) < 2000
    result = await client.execute(query)
    assert result.status == 400
    assert result.error_codes == ["QUERY_TOO_COMPLEX"]
    assert figure in result.errors[0]["message"]
    assert "data" not in result.body


async def test_the_same_over_the_ordinary_path(ordinary_client: GraphQLClient) -> None:
    result = await ordinary_client.execute(doubling(LEVELS))
    assert result.error_codes == ["QUERY_TOO_COMPLEX"]


async def test_a_fragment_spread_a_few_times_is_still_fine(client: GraphQLClient) -> None:
    from devkit.factories import make_user

    user = await make_user(name="Ada")
    result = await client.execute(doubling(3, field="name"), as_user=user)
    assert result.data == {"viewer": {"name": "Ada"}}


async def test_depth_and_aliases_are_counted_as_before(client: GraphQLClient) -> None:
    # 12 levels of nested fields pass, 13 do not (as Strawberry's limiter counted).
    page = "favoriteMentors(first: 1) { nodes { "
    twelve = "{ viewer { " + page * 5 + "rating { count }" + " } }" * 5 + " } }"
    thirteen = "{ viewer { " + page * 6 + "id" + " } }" * 6 + " } }"
    assert (await client.execute(twelve)).status == 200
    assert (await client.execute(thirteen)).error_codes == ["QUERY_TOO_COMPLEX"]
    thirty = "{ viewer { " + " ".join(f"a{i}: id" for i in range(30)) + " } }"
    assert (await client.execute(thirty)).status == 200
    fragment = "fragment A on User { " + " ".join(f"a{i}: id" for i in range(16)) + " }"
    twice = "{ viewer { ...A } x: viewer { ...A } } " + fragment
    assert (await client.execute(twice)).error_codes == ["QUERY_TOO_COMPLEX"]


async def test_many_fields_under_one_response_key_are_refused(client: GraphQLClient) -> None:
    # graphql-core compares every pair of them (and their sub-selections): quadratic. Its
    # budget of comparisons (`max_field_merge_work`) stops it; the default let this ~10 KB
    # document take about a second of validation, and pass.
    query = "{ viewer { " + "favoriteMentors { nodes { id } } " * 300 + "} }"
    result = await client.execute(query)
    assert result.status == 400
    assert result.error_codes == ["QUERY_TOO_COMPLEX"]
