"""Malformed input, expensive documents and server faults: clear errors, never a 500."""

from __future__ import annotations

import httpx
import pytest

from tests.utils.client import GraphQLClient


async def test_malformed_id_is_bad_user_input(client: GraphQLClient) -> None:
    result = await client.execute('{ node(id: "%%%") { id } }')
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert "not a valid id" in result.errors[0]["message"]


async def test_unknown_type_in_a_well_formed_id_is_null(client: GraphQLClient) -> None:
    result = await client.execute('{ node(id: "Tm9wZTox") { id } }')  # "Nope:1"
    assert result.data == {"node": None}


async def test_syntax_errors_and_unknown_fields_are_bad_user_input(client: GraphQLClient) -> None:
    for query in ["{ viewer { id ", "{ nope }", "{ node(id: 5, x: 1) { id } }"]:
        result = await client.execute(query)
        assert result.status == 400
        assert result.error_codes == ["BAD_USER_INPUT"]


async def test_unknown_enum_value_in_variables(client: GraphQLClient) -> None:
    query = "mutation($i: UpdateProfileInput!) { updateProfile(input: $i) { user { id } } }"
    result = await client.execute(query, {"i": {"channels": [{"type": "FAX", "handle": "1"}]}})
    assert result.status == 400
    assert result.error_codes == ["BAD_USER_INPUT"]


async def test_deep_documents_are_refused(client: GraphQLClient) -> None:
    query = "{ viewer " + "{ viewer " * 0 + "{ id } }"
    deep = "query { " + 'node(id: "VXNlcjox") { ... on User { ' * 15 + "id" + " } }" * 15 + " }"
    assert (await client.execute(query)).status == 200
    result = await client.execute(deep)
    assert "QUERY_TOO_COMPLEX" in result.error_codes


async def test_too_many_aliases_are_refused(client: GraphQLClient) -> None:
    query = "{ " + " ".join(f"a{i}: viewer {{ id }}" for i in range(40)) + " }"
    assert (await client.execute(query)).error_codes == ["QUERY_TOO_COMPLEX"]


async def test_too_many_tokens_are_refused(client: GraphQLClient) -> None:
    query = "{ viewer { " + "id " * 6000 + "} }"
    assert (await client.execute(query)).error_codes == ["QUERY_TOO_COMPLEX"]


async def test_request_body_limit(client: GraphQLClient) -> None:
    response = await client.http.post(
        "/graphql", json={"query": "{ viewer { id } }" + " " * 200_000}
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_non_json_body(client: GraphQLClient) -> None:
    response = await client.http.post(
        "/graphql", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_mutations_over_get_are_refused(client: GraphQLClient) -> None:
    response = await client.http.get(
        "/graphql",
        params={"query": "mutation { setAvailability(input: {available: true}) { user { id } } }"},
    )
    assert response.status_code == 405


async def test_graphiql_is_served_to_browsers(client: GraphQLClient) -> None:
    response = await client.http.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_health_and_readiness(client: GraphQLClient) -> None:
    assert (await client.http.get("/healthz")).status_code == 200
    assert (await client.http.get("/readyz")).json() == {"status": "ok"}


async def test_unexpected_errors_are_masked(
    ordinary_client: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Broken on the ordinary path, where resolvers run (the fast read path does not call them).
    client = ordinary_client
    from mentorgraph.resolvers.accounts import users

    async def broken(*_: object) -> list[str]:
        raise RuntimeError("secret connection string postgres://admin:hunter2@db")

    monkeypatch.setattr(users, "tags_of", broken)
    query = '{ node(id: "VXNlcjox") { id } }'
    assert (await client.execute(query)).data == {"node": None}
    from devkit.factories import make_user

    user = await make_user()
    result = await client.execute("{ viewer { tags } }", as_user=user)
    assert result.error_codes == ["INTERNAL_SERVER_ERROR"]
    assert "hunter2" not in str(result.body)
    assert result.errors[0]["message"] == "Internal server error."


async def test_the_server_is_reachable_over_real_http(live_server) -> None:
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        response = await http.post("/graphql", json={"query": "{ viewer { id } }"})
    assert response.json() == {"data": {"viewer": None}}


async def test_nul_characters_are_refused_before_they_reach_the_database(
    client: GraphQLClient,
) -> None:
    from devkit.factories import make_user

    user = await make_user(name="Before")
    update = "mutation($b: String!) { updateProfile(input: {bio: $b}) { user { bio } } }"
    result = await client.execute(update, {"b": "hello\x00world"}, as_user=user)
    assert result.status == 400
    assert result.error_codes == ["BAD_USER_INPUT"]
    log_in = 'mutation { logIn(input: {email: "a\\u0000@example.org", password: "x"}) { token } }'
    assert (await client.execute(log_in)).error_codes == ["BAD_USER_INPUT"]
