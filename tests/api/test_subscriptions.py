"""`mentorshipRequestEvents` over graphql-transport-ws with gql, against a real server."""

from __future__ import annotations

import json
import secrets
from typing import Any

import pytest
from gql.transport.exceptions import TransportQueryError
from websockets.exceptions import ConnectionClosed, InvalidStatus

from devkit.factories import make_mentor, make_request, make_user
from devkit.status import change_status
from mentorgraph.models.requests.requests import RequestStatus
from mentorgraph.resolvers.ids import encode_global_id
from tests.conftest import StartServer
from tests.utils.client import GraphQLClient
from tests.utils.raw_ws import init, open_socket, receive, send, subscribe
from tests.utils.subscriptions import EVENTS, FROM_START, subscribed


async def test_mentor_and_mentee_receive_each_change_in_order(
    serve: StartServer, client: GraphQLClient
) -> None:
    url = await serve()
    mentor, mentee = await make_mentor(), await make_user()
    request = await make_request(mentee=mentee, mentor=mentor)
    viewed = await change_status(request, RequestStatus.VIEWED, actor=mentor)
    async with (
        subscribed(url, client.tokens.issue(mentor), FROM_START) as for_mentor,
        subscribed(url, client.tokens.issue(mentee), FROM_START) as for_mentee,
    ):
        for reader in (for_mentor, for_mentee):
            # Replayed from the table; once it is here, later changes arrive live.
            replayed = await reader.next()
            assert replayed["id"] == encode_global_id("RequestEvent", viewed.id)
            assert (replayed["fromStatus"], replayed["toStatus"]) == ("NEW", "VIEWED")
        await change_status(request, RequestStatus.APPROVED, actor=mentor, note="Welcome!")
        await change_status(request, RequestStatus.COMPLETED, actor=mentee)
        for reader in (for_mentor, for_mentee):
            approved, completed = await reader.take(2)
            assert (approved["fromStatus"], approved["toStatus"]) == ("VIEWED", "APPROVED")
            assert approved["note"] == "Welcome!"
            assert approved["actor"] == {"id": encode_global_id("User", mentor.id)}
            assert approved["request"]["mentee"] == {"id": encode_global_id("User", mentee.id)}
            assert completed["toStatus"] == "COMPLETED"
            # Loaded fresh for each event, never from a cache kept across events.
            assert completed["request"]["status"] == "COMPLETED"
            assert completed["actor"] == {"id": encode_global_id("User", mentee.id)}


async def test_a_stranger_receives_nothing_and_admins_everything(
    serve: StartServer, client: GraphQLClient
) -> None:
    url = await serve()
    mentor, mentee, stranger = await make_mentor(), await make_user(), await make_user()
    admin = await make_user(admin=True)
    private = await make_request(mentee=mentee, mentor=mentor)
    # The stranger's own request: its event marks how far the stranger's feed got.
    own = await make_request(mentee=stranger, mentor=mentor)
    async with (
        subscribed(url, client.tokens.issue(stranger), FROM_START) as for_stranger,
        subscribed(url, client.tokens.issue(admin), FROM_START) as for_admin,
    ):
        hidden = await change_status(private, RequestStatus.VIEWED, actor=mentor)
        marker = await change_status(own, RequestStatus.CANCELLED, actor=stranger)
        seen = await for_stranger.next()
        assert seen["id"] == encode_global_id("RequestEvent", marker.id)
        assert [e["id"] for e in await for_admin.take(2)] == [
            encode_global_id("RequestEvent", hidden.id),
            encode_global_id("RequestEvent", marker.id),
        ]


async def test_a_rolled_back_change_never_arrives(
    serve: StartServer, client: GraphQLClient
) -> None:
    url = await serve()
    mentor, mentee = await make_mentor(), await make_user()
    request = await make_request(mentee=mentee, mentor=mentor)
    async with subscribed(url, client.tokens.issue(mentee), FROM_START) as events:
        await change_status(request, RequestStatus.APPROVED, actor=mentor, roll_back=True)
        kept = await change_status(request, RequestStatus.DECLINED, actor=mentor)
        received = await events.next()
        assert received["id"] == encode_global_id("RequestEvent", kept.id)
        assert (received["fromStatus"], received["toStatus"]) == ("NEW", "DECLINED")


async def test_resume_after_replays_what_was_missed_then_goes_live(
    serve: StartServer, client: GraphQLClient
) -> None:
    url = await serve()
    mentor, mentee = await make_mentor(), await make_user()
    request = await make_request(mentee=mentee, mentor=mentor)
    token = client.tokens.issue(mentee)
    await change_status(request, RequestStatus.VIEWED, actor=mentor)
    async with subscribed(url, token, FROM_START) as events:
        last_seen = await events.next()
    # Offline meanwhile:
    missed = [
        await change_status(request, RequestStatus.APPROVED, actor=mentor),
        await change_status(request, RequestStatus.COMPLETED, actor=mentee),
    ]
    async with subscribed(url, token, last_seen["cursor"]) as events:
        replayed = await events.take(2)
        assert [e["id"] for e in replayed] == [
            encode_global_id("RequestEvent", e.id) for e in missed
        ]
        live = await change_status(request, RequestStatus.EXPIRED)
        received = await events.next()
        assert received["id"] == encode_global_id("RequestEvent", live.id)
        assert received["actor"] is None  # the system acted


async def test_subscribing_without_a_token_fails_that_operation_and_keeps_the_socket(
    serve: StartServer,
) -> None:
    url = await serve()
    ws = await open_socket(url)
    await init(ws, None)
    # Accepted without a token (a public subscription would need none) ...
    assert (await receive(ws))["type"] == "connection_ack"
    await subscribe(ws, EVENTS, {"after": None})
    # ... but this one needs a viewer: it fails alone, with the reason said. Closing the
    # socket instead made graphql-ws clients reconnect forever.
    refused = await receive(ws)
    assert refused["type"] == "error"
    assert refused["id"] == "1"
    assert [e["extensions"]["code"] for e in refused["payload"]] == ["UNAUTHENTICATED"]
    assert refused["payload"][0]["message"].startswith("Sign in first")
    # The socket still serves.
    await send(ws, {"type": "ping"})
    assert (await receive(ws))["type"] == "pong"
    await ws.close()


@pytest.mark.parametrize(
    "params",
    [
        {"Authorization": "Bearer {token}"},  # GraphiQL's headers pane, spread
        {"authorization": "Bearer {token}"},
        {"AUTHORIZATION": "Bearer {token}"},
        {"headers": {"Authorization": "Bearer {token}"}},  # nested, as some setups send it
    ],
    ids=["Authorization", "authorization", "AUTHORIZATION", "headers.Authorization"],
)
async def test_the_token_key_is_matched_as_an_http_header(
    serve: StartServer, client: GraphQLClient, params: dict[str, Any]
) -> None:
    url = await serve()
    user = await make_user()
    token = client.tokens.issue(user)
    payload = json.loads(json.dumps(params).replace("{token}", token))
    ws = await open_socket(url)
    await send(ws, {"type": "connection_init", "payload": payload})
    assert (await receive(ws))["type"] == "connection_ack"
    await subscribe(ws, "query { viewer { id } }", {})
    answer = await receive(ws)
    assert answer["type"] == "next"
    assert answer["payload"]["data"]["viewer"] == {"id": encode_global_id("User", user.id)}
    # Read to the end: the client reads no close frame while a message waits.
    assert (await receive(ws))["type"] == "complete"
    await ws.close()


async def test_two_different_tokens_in_connection_params_close_with_the_reason(
    serve: StartServer, client: GraphQLClient
) -> None:
    url = await serve()
    token = client.tokens.issue(await make_user())
    ws = await open_socket(url)
    payload = {"Authorization": f"Bearer {token}", "authorization": "Bearer other"}
    await send(ws, {"type": "connection_init", "payload": payload})
    with pytest.raises(ConnectionClosed) as closed:
        await receive(ws)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403
    assert "twice" in closed.value.rcvd.reason


async def test_a_bad_token_closes_the_socket_with_4403(serve: StartServer) -> None:
    url = await serve()
    ws = await open_socket(url)
    await init(ws, "not-a-token")
    with pytest.raises(ConnectionClosed) as closed:
        await receive(ws)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403
    # Its own reason, not a fixed "Forbidden".
    assert closed.value.rcvd.reason == "The token is invalid or expired: sign in again."


async def test_a_malformed_cursor_is_bad_user_input(
    serve: StartServer, client: GraphQLClient
) -> None:
    url = await serve()
    user = await make_user()
    with pytest.raises(TransportQueryError) as refused:
        async with subscribed(url, client.tokens.issue(user), "nope") as events:
            await events.next()
    assert refused.value.errors
    assert refused.value.errors[0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_the_legacy_protocol_only_when_enabled(serve: StartServer) -> None:
    default = await serve()
    ws = await open_socket(default, protocol="graphql-ws")
    with pytest.raises(ConnectionClosed) as closed:
        await receive(ws)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4406  # subprotocol not acceptable
    legacy = await serve(graphql_ws_legacy=True)
    ws = await open_socket(legacy, protocol="graphql-ws")
    assert ws.subprotocol == "graphql-ws"
    await ws.close()


async def test_browser_origins_must_be_allowed(serve: StartServer) -> None:
    url = await serve(allowed_origins=["https://app.example.org"])
    with pytest.raises(InvalidStatus) as refused:
        await open_socket(url, origin="https://evil.example.com")
    assert refused.value.response.status_code == 403
    ws = await open_socket(url, origin="https://app.example.org")
    await ws.close()


async def test_subscriptions_over_http_are_refused_with_a_hint(client: GraphQLClient) -> None:
    result = await client.execute("subscription { mentorshipRequestEvents { id } }")
    assert result.status == 405
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert "WebSocket" in result.errors[0]["message"]


BULKY_EVENTS = """
subscription Bulky($after: String) {
  mentorshipRequestEvents(after: $after) { id cursor request { background } }
}
"""


async def test_a_consumer_too_slow_is_closed_and_resumes_with_after(
    serve: StartServer, client: GraphQLClient
) -> None:
    url = await serve(subscription_queue_size=2)
    mentor, mentee = await make_mentor(), await make_user()
    # Bulky events fill the socket's buffers after a few; then the server's queue fills.
    request = await make_request(mentee=mentee, mentor=mentor, background=secrets.token_hex(50_000))
    token = client.tokens.issue(mentee)
    ws = await open_socket(url, receive_buffer=4096)
    await init(ws, token)
    assert (await receive(ws))["type"] == "connection_ack"
    await subscribe(ws, BULKY_EVENTS, {"after": FROM_START})
    statuses = [RequestStatus.VIEWED, RequestStatus.NEW] * 40
    changes = [await change_status(request, status) for status in statuses]

    # Now read: some events, then the error, then the end of the operation.
    delivered: list[str] = []
    while (message := await receive(ws))["type"] == "next" and "errors" not in message["payload"]:
        delivered.append(message["payload"]["data"]["mentorshipRequestEvents"]["id"])
    assert message["type"] == "next", message
    (error,) = message["payload"]["errors"]
    assert error["extensions"]["code"] == "SUBSCRIBER_TOO_SLOW"
    assert "after" in error["message"]
    assert (await receive(ws))["type"] == "complete"
    await ws.close()
    assert 0 < len(delivered) < len(changes)
    ids = [encode_global_id("RequestEvent", change.id) for change in changes]
    assert delivered == ids[: len(delivered)]

    async with subscribed(url, token, error["extensions"]["resumeAfter"]) as events:
        rest = await events.take(len(changes) - len(delivered))
    assert [e["id"] for e in rest] == ids[len(delivered) :]


PRIVATE_FIELDS = """
subscription Private($after: String) {
  mentorshipRequestEvents(after: $after) { id request { mentor { email } } }
}
"""


async def test_one_event_is_answered_per_viewer(serve: StartServer, client: GraphQLClient) -> None:
    # Subscriptions with one document share an event's execution only within one viewer:
    # the mentor sees their own email, the mentee (several sockets) does not (a declined
    # request reveals no contact; an approved one would, `mentorgraph.models.privacy`).
    url = await serve()
    mentor, mentee = await make_mentor(email="ada@example.org"), await make_user()
    request = await make_request(mentee=mentee, mentor=mentor)
    sockets = []
    for user in (mentee, mentor, mentee):
        ws = await open_socket(url)
        await init(ws, client.tokens.issue(user))
        assert (await receive(ws))["type"] == "connection_ack"
        await subscribe(ws, PRIVATE_FIELDS, {"after": FROM_START})
        sockets.append(ws)
    for status in (RequestStatus.VIEWED, RequestStatus.DECLINED):
        # The first may come from the table; once it is in, the second comes live.
        await change_status(request, status, actor=mentor)
        emails = []
        for ws in sockets:
            message = await receive(ws)
            event = message["payload"]["data"]["mentorshipRequestEvents"]
            emails.append(event["request"]["mentor"]["email"])
        assert emails == [None, "ada@example.org", None]
    for ws in sockets:
        await ws.close()
