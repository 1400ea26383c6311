"""Python's `gql` (gql[websockets], a test dependency) against a real server: a query over HTTP
(its httpx transport) and a subscription over graphql-transport-ws, the token under the
header's own capitalisation (`Authorization`) in `connectionParams`."""

from __future__ import annotations

import asyncio

import pytest
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXAsyncTransport
from gql.transport.websockets import WebsocketsTransport

from devkit.factories import make_mentor, make_request, make_user
from devkit.status import change_status
from mentorgraph.models.requests.requests import RequestStatus
from mentorgraph.resolvers.ids import encode_global_id
from tests.conftest import StartServer
from tests.utils.client import GraphQLClient
from tests.utils.subscriptions import FROM_START, PATIENCE, ws_url

EVENTS = """
subscription Events($after: String) {
  mentorshipRequestEvents(after: $after) { id toStatus request { id status } }
}
"""


async def test_gql_queries_over_http(serve: StartServer, client: GraphQLClient) -> None:
    url = await serve()
    user = await make_user()
    transport = HTTPXAsyncTransport(
        url=f"{url}/graphql", headers={"Authorization": f"Bearer {client.tokens.issue(user)}"}
    )
    async with Client(transport=transport) as session:
        answer = await session.execute(GraphQLRequest("query Viewer { viewer { id name } }"))
        assert answer == {"viewer": {"id": encode_global_id("User", user.id), "name": user.name}}
        # A document error reaches the caller with its message and code.
        with pytest.raises(TransportQueryError) as refused:
            await session.execute(GraphQLRequest("query Broken { viewer { nope } }"))
    assert refused.value.errors
    assert refused.value.errors[0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_gql_subscribes_with_authorization_capitalised(
    serve: StartServer, client: GraphQLClient
) -> None:
    url = await serve()
    mentor, mentee = await make_mentor(), await make_user()
    request = await make_request(mentee=mentee, mentor=mentor)
    await change_status(request, RequestStatus.VIEWED, actor=mentor)
    transport = WebsocketsTransport(
        url=ws_url(url),
        init_payload={"Authorization": f"Bearer {client.tokens.issue(mentee)}"},
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        connect_timeout=PATIENCE,
    )
    async with Client(transport=transport) as session:
        events = session.subscribe(GraphQLRequest(EVENTS, variable_values={"after": FROM_START}))
        # Signed in: the past event is replayed ...
        viewed = await asyncio.wait_for(anext(events), PATIENCE)
        assert viewed["mentorshipRequestEvents"]["toStatus"] == "VIEWED"
        # ... and the next one pushed.
        approved = await change_status(request, RequestStatus.APPROVED, actor=mentor)
        pushed = (await asyncio.wait_for(anext(events), PATIENCE))["mentorshipRequestEvents"]
        assert pushed["id"] == encode_global_id("RequestEvent", approved.id)
        assert pushed["request"]["status"] == "APPROVED"
        await events.aclose()


async def test_gql_without_a_token_gets_the_error_not_a_closed_socket(serve: StartServer) -> None:
    url = await serve()
    transport = WebsocketsTransport(
        url=ws_url(url), subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL]
    )
    async with Client(transport=transport) as session:
        for _ in range(2):  # the same socket answers again
            with pytest.raises(TransportQueryError) as refused:
                await asyncio.wait_for(anext(session.subscribe(GraphQLRequest(EVENTS))), PATIENCE)
            assert refused.value.errors
            assert refused.value.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
