"""The static cost limit (issue 11, item 3): nested pages multiply, and an operation above the
budget is refused before it runs, with its cost, on both read paths and over the WebSocket."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from graphql import parse

from bench.shapes import SHAPES
from devkit.factories import make_user
from mentorgraph.schema.build import build_schema
from mentorgraph.schema.cost import operation_cost
from mentorgraph.settings import Settings
from tests.conftest import StartServer
from tests.utils.client import GraphQLClient
from tests.utils.raw_ws import init, open_socket, receive, send
from tests.utils.sql_counter import count_statements
from tests.utils.subscriptions import PATIENCE

BUDGET = Settings().max_query_cost
# 1 + 100 x (1 + 1 + 100 x (1 + 10 x (1 + 1))): mentors, each with 100 received requests, each
# with its history (10 counted for a list with no page) and each event's actor.
HEAVY = (
    "query Heavy($n: Int) { mentors(first: 100) { nodes { receivedRequests(first: $n) {"
    " nodes { history { actor { name } } } } } } }"
)
HEAVY_COST = 1 + 100 * (2 + 100 * 21)


def cost(query: str, variables: dict[str, Any] | None = None) -> int | None:
    return operation_cost(build_schema()._schema, parse(query), None, variables)


def test_nested_pages_multiply() -> None:
    assert cost(HEAVY, {"n": 100}) == HEAVY_COST
    assert cost(HEAVY, {"n": 2}) == 1 + 100 * (2 + 2 * 21)
    # Left out or null: the default page (20); beyond the field's range: its maximum (100).
    assert cost(HEAVY) == cost(HEAVY, {"n": None}) == 1 + 100 * (2 + 20 * 21)
    assert cost(HEAVY, {"n": 10**9}) == HEAVY_COST
    # An interface counts its costliest type; `nodes(ids:)` one item per id.
    many = (
        "query($ids: [ID!]!) { nodes(ids: $ids) { ... on User { mentors: activeMentors { id } } } }"
    )
    assert cost(many, {"ids": ["a", "b", "c"]}) == 3 * (1 + 10)


def test_every_shape_we_serve_is_within_the_budget() -> None:
    costs = {shape.title: cost(shape.ours.query) for shape in SHAPES.values()}
    heavy_page = SHAPES[2]
    assert costs[heavy_page.title] == 1 + 50 * (1 + 1 + 100 * 2)
    assert all(c is not None and c <= BUDGET for c in costs.values()), costs


def test_fragments_are_costed_once_each() -> None:
    # Each level spreads the next twice: the cost doubles with each level, the work does not.
    levels = 30
    parts = ["{ viewer { ...F0 } }"]
    parts += [f"fragment F{i} on User {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)]
    parts.append(f"fragment F{levels} on User {{ rating {{ count }} }}")
    assert cost("\n".join(parts)) == 1 + 2**levels


@pytest.mark.parametrize("path", ["fast", "ordinary"])
async def test_above_the_budget_is_refused_before_it_runs(
    client: GraphQLClient, ordinary_client: GraphQLClient, path: str
) -> None:
    http = client if path == "fast" else ordinary_client
    admin = await make_user(admin=True)
    with count_statements() as log:
        result = await http.execute(HEAVY, {"n": 100}, as_user=admin)
    assert result.status == 400
    assert result.error_codes == ["QUERY_TOO_COMPLEX"]
    extensions = result.errors[0]["extensions"]
    assert (extensions["cost"], extensions["budget"]) == (HEAVY_COST, BUDGET)
    assert "data" not in result.body
    # Nothing ran but reading the viewer (the token's account).
    assert not [s for s in log.statements if "mentorship_requests" in s]
    # Anonymous alike, and a smaller page passes.
    assert (await http.execute(HEAVY, {"n": 100})).error_codes == ["QUERY_TOO_COMPLEX"]
    small = await http.execute(HEAVY, {"n": 5}, as_user=admin)
    assert small.data == {"mentors": {"nodes": []}}


async def test_the_bench_heavy_page_is_answered(client: GraphQLClient) -> None:
    admin = await make_user(admin=True)
    result = await client.execute(SHAPES[2].ours.query, as_user=admin)
    assert result.data == {"mentors": {"nodes": []}}


async def test_a_subscription_above_the_budget_is_refused_over_the_websocket(
    serve: StartServer, client: GraphQLClient
) -> None:
    url = await serve()
    user = await make_user()
    query = (
        "subscription { mentorshipRequestEvents { request { mentee {"
        " receivedRequests(first: 100) { nodes { mentor { sentRequests(first: 100) {"
        " nodes { history { id } } } } } } } } } }"
    )
    ws = await open_socket(url)
    try:
        await init(ws, client.tokens.issue(user))
        assert (await receive(ws))["type"] == "connection_ack"
        await send(ws, {"id": "1", "type": "subscribe", "payload": {"query": query}})
        message = await asyncio.wait_for(receive(ws), PATIENCE)
    finally:
        await ws.close()
    assert message["type"] == "error", message
    [error] = message["payload"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert error["extensions"]["cost"] == cost(query) > BUDGET  # type: ignore[operator]
