"""Browser pages on other origins: `ALLOWED_ORIGINS` guards HTTP (CORS) as it guards WebSockets
(`mentorgraph.origins`), over real HTTP to a running server."""

from __future__ import annotations

import httpx
import pytest
from websockets.exceptions import InvalidStatus

from devkit.factories import make_user
from tests.conftest import StartServer
from tests.utils.client import GraphQLClient
from tests.utils.raw_ws import open_socket

APP = "https://app.example.org"
EVIL = "https://evil.example.com"
# What Apollo Client 4 asks for before a credentialed POST with its client-awareness headers.
APOLLO_HEADERS = (
    "authorization,content-type,apollographql-client-name,apollographql-client-version,x-request-id"
)


def preflight(origin: str) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": APOLLO_HEADERS,
    }


def cors_headers(response: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.startswith("access-control-")}


async def test_a_preflight_from_an_allowed_origin_gets_the_headers(serve: StartServer) -> None:
    url = await serve(allowed_origins=[APP])
    async with httpx.AsyncClient(base_url=url) as http:
        response = await http.options("/graphql", headers=preflight(APP))
    assert response.status_code == 200
    headers = cors_headers(response)
    assert headers["access-control-allow-origin"] == APP
    assert headers["access-control-allow-credentials"] == "true"
    assert {"GET", "POST"} <= set(headers["access-control-allow-methods"].split(", "))
    allowed = {h.lower() for h in headers["access-control-allow-headers"].split(", ")}
    assert set(APOLLO_HEADERS.split(",")) <= allowed
    assert "Origin" in response.headers["vary"]


async def test_a_disallowed_origin_gets_no_cors_header(serve: StartServer) -> None:
    url = await serve(allowed_origins=[APP])
    async with httpx.AsyncClient(base_url=url) as http:
        refused = await http.options("/graphql", headers=preflight(EVIL))
        answered = await http.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"Origin": EVIL}
        )
    assert refused.status_code == 400
    assert cors_headers(refused) == {}
    # Answered (CORS is the browser's to enforce), but the browser withholds it from the page.
    assert answered.status_code == 200
    assert cors_headers(answered) == {}
    # A WebSocket from there is refused outright (browsers apply no CORS to sockets).
    with pytest.raises(InvalidStatus) as handshake:
        await open_socket(url, origin=EVIL)
    assert handshake.value.response.status_code == 403


async def test_a_credentialed_post_from_an_allowed_origin_works(
    serve: StartServer, client: GraphQLClient
) -> None:
    url = await serve(allowed_origins=[APP])
    user = await make_user()
    headers = {
        "Origin": APP,
        "Authorization": f"Bearer {client.tokens.issue(user)}",
        "Cookie": "session=1",  # what `credentials: "include"` adds
        "X-Request-ID": "r-1",
    }
    async with httpx.AsyncClient(base_url=url) as http:
        response = await http.post(
            "/graphql", json={"query": "{ viewer { name } }"}, headers=headers
        )
    assert response.status_code == 200
    assert response.json() == {"data": {"viewer": {"name": user.name}}}
    headers_back = cors_headers(response)
    # The page may read it: its own origin, never "*" (which credentials forbid).
    assert headers_back["access-control-allow-origin"] == APP
    assert headers_back["access-control-allow-credentials"] == "true"
    assert "Retry-After" in headers_back["access-control-expose-headers"]
    # The same list lets the page open a WebSocket.
    ws = await open_socket(url, origin=APP)
    await ws.close()


async def test_any_origin_when_asked_still_names_the_origin(serve: StartServer) -> None:
    url = await serve(allowed_origins=["*"])
    async with httpx.AsyncClient(base_url=url) as http:
        pre = await http.options("/graphql", headers=preflight(EVIL))
        post = await http.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"Origin": EVIL}
        )
    assert pre.status_code == 200
    assert pre.headers["access-control-allow-origin"] == EVIL
    assert post.headers["access-control-allow-origin"] == EVIL


async def test_no_origins_allowed_by_default(serve: StartServer) -> None:
    url = await serve()
    async with httpx.AsyncClient(base_url=url) as http:
        refused = await http.options("/graphql", headers=preflight(APP))
        # Not a browser (no Origin): served as always, without CORS headers.
        plain = await http.post("/graphql", json={"query": "{ __typename }"})
    assert refused.status_code == 400
    assert cors_headers(refused) == {}
    assert plain.status_code == 200
    assert cors_headers(plain) == {}
