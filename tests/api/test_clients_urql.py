"""urql (npm `@urql/core`, pinned in tests/clients/urql) against a real server: a query over
HTTP, a document error's message and code, and a subscription over graphql-ws."""

from __future__ import annotations

from devkit.factories import make_mentor, make_request, make_user
from devkit.status import change_status
from mentorgraph.models.requests.requests import RequestStatus
from mentorgraph.resolvers.ids import encode_global_id
from tests.conftest import StartServer
from tests.utils.client import GraphQLClient
from tests.utils.node_clients import installed, start_client
from tests.utils.subscriptions import FROM_START, ws_url


async def test_urql_queries_and_subscribes(serve: StartServer, client: GraphQLClient) -> None:
    folder = installed("urql")
    url = await serve()
    mentor, mentee = await make_mentor(), await make_user()
    request = await make_request(mentee=mentee, mentor=mentor)
    urql = await start_client(
        folder,
        "urql.mjs",
        HTTP_URL=f"{url}/graphql",
        WS_URL=ws_url(url),
        TOKEN=client.tokens.issue(mentee),
        AFTER=FROM_START,
    )
    try:
        queried = await urql.line()
        assert queried["viewer"] == {
            "__typename": "User",
            "id": encode_global_id("User", mentee.id),
            "name": mentee.name,
        }
        assert queried["brokenError"] == [
            {
                "message": "Cannot query field 'nope' on type 'User'. Did you mean 'name'?",
                "code": "BAD_USER_INPUT",
            }
        ]
        approved = await change_status(request, RequestStatus.APPROVED, actor=mentor)
        pushed = await urql.line()
        assert pushed["event"]["id"] == encode_global_id("RequestEvent", approved.id)
        assert pushed["event"]["request"]["status"] == "APPROVED"
        await urql.finish()
    finally:
        await urql.stop()
