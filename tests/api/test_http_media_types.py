"""`/graphql` answers in the media type the request's `Accept` asks for, with the GraphQL-over-HTTP
spec's status codes for each (`mentorgraph.media_types`), over real HTTP to a running server."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from devkit.factories import make_mentor
from tests.conftest import StartServer
from tests.utils.lifecycle import user_gid

GRAPHQL_RESPONSE = "application/graphql-response+json"
MODERN = f"{GRAPHQL_RESPONSE}, application/json;q=0.9"  # Apollo Client 4, urql, GraphiQL
BROKEN = "{ mentors(first: 1) { nodes { nope } } }"
CREATE = """
mutation Ask($mentorId: ID!) {
  createMentorshipRequest(input: {mentorId: $mentorId, message: "m", background: "b",
                                  expectation: "e"}) { request { id } }
}
"""


async def post(url: str, body: Any, accept: str | None, **headers: str) -> httpx.Response:
    if accept is not None:
        headers["Accept"] = accept
    async with httpx.AsyncClient(base_url=url) as http:
        return await http.post("/graphql", json=body, headers=headers)


def media_type(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0]


@pytest.mark.parametrize(
    ("accept", "answered_in"),
    [
        (MODERN, GRAPHQL_RESPONSE),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (f"application/json, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),
        ("application/json", "application/json"),
        (None, "application/json"),
        ("*/*", "application/json"),
        (f"{GRAPHQL_RESPONSE};q=0, application/json", "application/json"),
        (f"{GRAPHQL_RESPONSE};q=0.5, application/json", "application/json"),
        ("text/plain", "application/json"),  # nothing we serve: JSON all the same, not 406
    ],
)
async def test_the_answer_is_in_the_type_the_client_accepts(
    serve: StartServer, accept: str | None, answered_in: str
) -> None:
    url = await serve()
    response = await post(url, {"query": "{ __typename }"}, accept)
    assert response.status_code == 200
    assert media_type(response) == answered_in
    assert response.json() == {"data": {"__typename": "Query"}}
    assert "Accept" in response.headers["vary"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"query": "{"}, "BAD_USER_INPUT"),  # does not parse
        ({"query": BROKEN}, "BAD_USER_INPUT"),  # does not validate
        (
            {
                "query": "query Q($n: Int!) { mentors(first: $n) { totalCount } }",
                "variables": {"n": "many"},
            },
            "BAD_USER_INPUT",
        ),  # variables do not coerce
        ({"query": "query A { __typename }", "operationName": "B"}, "BAD_USER_INPUT"),
    ],
    ids=["parse", "validation", "variables", "no-operation"],
)
async def test_a_document_that_cannot_run_is_400_or_200_by_type(
    serve: StartServer, body: dict[str, Any], code: str
) -> None:
    url = await serve()
    modern = await post(url, body, MODERN)
    # The new type: 400, no `data`, and the message and code for the client to show.
    assert (modern.status_code, media_type(modern)) == (400, GRAPHQL_RESPONSE)
    assert "data" not in modern.json()
    assert modern.json()["errors"][0]["message"]
    legacy = await post(url, body, "application/json")
    # `application/json` clients read the body on 200 only: the same errors, with 200.
    assert (legacy.status_code, media_type(legacy)) == (200, "application/json")
    assert legacy.json() == modern.json()
    codes = [e["extensions"]["code"] for e in legacy.json()["errors"]]
    assert codes[0] == code


async def test_an_execution_error_is_200_with_data_in_both_types(serve: StartServer) -> None:
    url = await serve()
    mentor = await make_mentor()
    body = {"query": CREATE, "variables": {"mentorId": user_gid(mentor.id)}}
    for accept in (MODERN, "application/json"):
        response = await post(url, body, accept)
        assert response.status_code == 200
        # Executed: `data` is there (null: the field is non-null), so 200 (the spec's 2xx).
        assert response.json()["data"] is None
        assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["UNAUTHENTICATED"]


async def test_requests_that_are_no_graphql_request_keep_their_status(serve: StartServer) -> None:
    url = await serve()
    async with httpx.AsyncClient(base_url=url) as http:
        form = await http.post(
            "/graphql",
            content=b"query={__typename}",
            headers={"Accept": MODERN, "Content-Type": "application/x-www-form-urlencoded"},
        )
        not_json = await http.post(
            "/graphql",
            content=b"{nope",
            headers={"Accept": MODERN, "Content-Type": "application/json"},
        )
        mutation_by_get = await http.get(
            "/graphql", params={"query": "mutation { __typename }"}, headers={"Accept": MODERN}
        )
    assert (form.status_code, media_type(form)) == (415, GRAPHQL_RESPONSE)
    assert (not_json.status_code, media_type(not_json)) == (400, GRAPHQL_RESPONSE)
    assert mutation_by_get.status_code == 405
    for bad_token_accept in (MODERN, "application/json"):
        bad_token = await post(
            url, {"query": "{ __typename }"}, bad_token_accept, Authorization="Bearer forged"
        )
        assert bad_token.status_code == 401
        assert bad_token.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("extensions", ["x", 1, True, [1]])
async def test_extensions_must_be_an_object(serve: StartServer, extensions: object) -> None:
    url = await serve()
    response = await post(url, {"query": "{ __typename }", "extensions": extensions}, MODERN)
    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "message": "'extensions' must be an object.",
        "extensions": {"code": "BAD_USER_INPUT"},
    }
    accepted = await post(url, {"query": "{ __typename }", "extensions": {"a": 1}}, MODERN)
    assert accepted.status_code == 200
