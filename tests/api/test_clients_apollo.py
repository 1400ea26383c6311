"""Apollo Client 4 (npm, pinned in tests/clients/apollo) against a real server, set up as a web
app would: HttpLink and GraphQLWsLink split by operation type, one InMemoryCache. The README's
queries, a refused mutation, a document error that must reach the app with its message and code,
and a pushed status change that updates the cached request."""

from __future__ import annotations

from devkit.factories import make_mentor, make_request, make_user
from devkit.status import change_status
from mentorgraph.models.requests.requests import RequestStatus
from mentorgraph.resolvers.ids import encode_global_id
from tests.conftest import StartServer
from tests.utils.client import GraphQLClient
from tests.utils.node_clients import installed, start_client
from tests.utils.subscriptions import FROM_START, ws_url


async def test_apollo_client_runs_the_readme_flows(
    serve: StartServer, client: GraphQLClient
) -> None:
    folder = installed("apollo")
    url = await serve()
    mentor = await make_mentor(title="Data engineer", country="DE", languages=["en"])
    mentee = await make_user()
    request = await make_request(mentee=mentee, mentor=mentor)
    await change_status(request, RequestStatus.VIEWED, actor=mentor)
    request_id = encode_global_id("MentorshipRequest", request.id)
    mentee_id = encode_global_id("User", mentee.id)

    apollo = await start_client(
        folder,
        "apollo.mjs",
        HTTP_URL=f"{url}/graphql",
        WS_URL=ws_url(url),
        TOKEN=client.tokens.issue(mentee),
        REQUEST_ID=request_id,
        VIEWER_ID=mentee_id,
        AFTER=FROM_START,
    )
    try:
        queried = await apollo.line()
        assert queried["phase"] == "subscribing"
        assert queried["browse"]["totalCount"] == 1
        assert [m["id"] for m in queried["browse"]["nodes"]] == [
            encode_global_id("User", mentor.id)
        ]
        assert queried["viewer"]["id"] == mentee_id
        assert queried["viewer"]["sentRequests"]["nodes"] == [
            {"__typename": "MentorshipRequest", "id": request_id, "status": "VIEWED"}
        ]
        assert queried["favourite"]["user"] is None
        assert [e["code"] for e in queried["favourite"]["userErrors"]] == ["NOT_FOUND"]
        # Not "Received status code 400": the server's own message and code.
        assert queried["documentError"] == {
            "name": "CombinedGraphQLErrors",
            "message": "Cannot query field 'nope' on type 'User'. Did you mean 'name'?",
            "code": "BAD_USER_INPUT",
        }

        # The mentor approves (another app, here the test): the mentee's app hears it.
        approved = await change_status(request, RequestStatus.APPROVED, actor=mentor)
        pushed = await apollo.line()
        assert pushed["event"]["id"] == encode_global_id("RequestEvent", approved.id)
        assert pushed["event"]["request"] == {
            "__typename": "MentorshipRequest",
            "id": request_id,
            "status": "APPROVED",
        }
        # The cached request was updated by the pushed event, without a refetch.
        assert pushed["cached"] == {
            "__typename": "MentorshipRequest",
            "id": request_id,
            "status": "APPROVED",
        }
        await apollo.finish()
    finally:
        await apollo.stop()
