"""The fan-out's shortcuts answer exactly what per-viewer execution answers.

Live events are executed once per (document, visibility class) and encoded once
(`mentorgraph.schema.shared_events`, `mentorgraph.live_sink`): admins who are neither mentor nor
mentee share one answer when the document reads only admin-uniform fields. Each subscriber's answer
must equal the one the same viewer gets from the event executed for them alone (`node(id:)`).
"""

from __future__ import annotations

from typing import Any

from graphql import OperationDefinitionNode, parse

from devkit.factories import make_mentor, make_request, make_user
from devkit.status import change_status
from mentorgraph.models.accounts.users import User
from mentorgraph.models.requests.requests import RequestStatus
from mentorgraph.resolvers.ids import encode_global_id
from mentorgraph.schema.shared_events import admin_uniform
from tests.conftest import StartServer
from tests.utils.client import GraphQLClient
from tests.utils.raw_ws import init, open_socket, receive, subscribe
from tests.utils.subscriptions import FROM_START

# Everything viewer-dependent an event reaches: emails, channels (revealed to the other side
# only once approved), the actor, the request's history.
SELECTION = """
    id cursor fromStatus toStatus note occurredAt
    actor { id name email channels { type handle } }
    request {
      id status message createdAt
      mentor { id name email channels { type handle } }
      mentee { id name email }
      history { id toStatus actor { id email } }
    }
"""
RICH = f"""
subscription Rich($after: String) {{
  mentorshipRequestEvents(after: $after) {{ ...Fields }}
}}
fragment Fields on RequestEvent {{ {SELECTION} }}
"""
ALONE = f"query One($id: ID!) {{ node(id: $id) {{ ... on RequestEvent {{ {SELECTION} }} }} }}"


def _operation(document: str) -> tuple[OperationDefinitionNode, dict[str, Any]]:
    from graphql.execution.collect_fields import FragmentDetails

    nodes = parse(document).definitions
    operation = next(n for n in nodes if isinstance(n, OperationDefinitionNode))
    fragments = {
        n.name.value: FragmentDetails(n)  # type: ignore[arg-type, attr-defined]
        for n in nodes
        if not isinstance(n, OperationDefinitionNode)
    }
    return operation, fragments


def test_documents_that_read_viewer_dependent_fields_are_not_shared_among_admins() -> None:
    assert admin_uniform(*_operation(RICH))
    favorite = "subscription { mentorshipRequestEvents { request { mentor { isFavorite } } } }"
    assert not admin_uniform(*_operation(favorite))
    hidden = """subscription { mentorshipRequestEvents { ...F } }
        fragment F on RequestEvent { actor { favoriteMentors { nodes { id } } } }"""
    assert not admin_uniform(*_operation(hidden))


async def test_grouped_answers_equal_per_viewer_execution(
    serve: StartServer, client: GraphQLClient
) -> None:
    url = await serve()
    mentor = await make_mentor(email="mentor@example.org")
    mentee = await make_user(email="mentee@example.org")
    acting_admin = await make_user(admin=True, email="acting@example.org")
    other_admin = await make_user(admin=True, email="other@example.org")
    request = await make_request(mentee=mentee, mentor=mentor)
    # Two sockets per viewer: each class has more than one member.
    viewers: list[User] = [mentor, mentee, acting_admin, other_admin] * 2
    sockets = []
    for viewer in viewers:
        ws = await open_socket(url)
        await init(ws, client.tokens.issue(viewer))
        assert (await receive(ws))["type"] == "connection_ack"
        await subscribe(ws, RICH, {"after": FROM_START})
        sockets.append(ws)

    changes = [
        (RequestStatus.VIEWED, mentor),  # may be replayed; once in, the rest are live
        (RequestStatus.APPROVED, acting_admin),
        (RequestStatus.COMPLETED, None),
    ]
    for status, actor in changes:
        event = await change_status(request, status, actor=actor, note=f"now {status.value}")
        received = []
        for ws in sockets:
            message = await receive(ws)
            assert message["type"] == "next" and "errors" not in message["payload"], message
            received.append(message["payload"]["data"]["mentorshipRequestEvents"])
        node_id = encode_global_id("RequestEvent", event.id)
        for viewer, answer in zip(viewers, received, strict=True):
            alone = await client.execute(ALONE, {"id": node_id}, as_user=viewer)
            assert answer == alone.data["node"], (viewer.email, status)
        # The classes do differ (so the comparison above can catch a wrong grouping).
        assert received[1] != received[2]  # the mentee, an admin
        # The mentee sees the mentor's email once approved (`mentorgraph.models.privacy`), not
        # before.
        revealed = status is not RequestStatus.VIEWED
        assert received[1]["request"]["mentor"]["email"] == (
            "mentor@example.org" if revealed else None
        )
        assert received[2]["request"]["mentor"]["email"] == "mentor@example.org"
        assert received[2] == received[3]  # both admins: one answer
    for ws in sockets:
        await ws.close()


UNIFORM = """
subscription Uniform($after: String) {
  mentorshipRequestEvents(after: $after) { id toStatus request { id status } }
}
"""


def _counter(text: str, name: str) -> float:
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith(f"{name}_total ")
    )


def _renders(text: str) -> float:
    return _counter(text, "mentorgraph_event_renders")


def _direct(text: str) -> float:
    return _counter(text, "mentorgraph_events_sent_directly")


async def test_a_live_event_is_rendered_once_per_visibility_class(
    serve: StartServer, client: GraphQLClient
) -> None:
    # Eight subscriptions, three visibility classes (mentor, mentee, admins who are neither):
    # a live event is computed three times, whatever the number of subscribers.
    import httpx

    url = await serve()
    mentor, mentee = await make_mentor(), await make_user()
    admins = [await make_user(admin=True) for _ in range(3)]
    request = await make_request(mentee=mentee, mentor=mentor)
    sockets = []
    for user in (mentor, mentee, *admins, *admins):
        ws = await open_socket(url)
        await init(ws, client.tokens.issue(user))
        assert (await receive(ws))["type"] == "connection_ack"
        await subscribe(ws, UNIFORM, {"after": FROM_START})
        sockets.append(ws)
    # The first event may be replayed from the table (not shared); once every subscriber has
    # it, all of them are live.
    first = await change_status(request, RequestStatus.VIEWED, actor=mentor)
    for ws in sockets:
        message = await receive(ws)
        assert message["payload"]["data"]["mentorshipRequestEvents"]["id"] == encode_global_id(
            "RequestEvent", first.id
        )
    async with httpx.AsyncClient(base_url=url) as http:
        before = (await http.get("/metrics")).text
        second = await change_status(request, RequestStatus.APPROVED, actor=mentor)
        for ws in sockets:
            message = await receive(ws)
            event = message["payload"]["data"]["mentorshipRequestEvents"]
            assert event["id"] == encode_global_id("RequestEvent", second.id)
        after = (await http.get("/metrics")).text
    for ws in sockets:
        await ws.close()
    assert _renders(after) - _renders(before) == 3
    # Every subscriber waited with an empty queue and a socket that reads: the fan-out loop
    # wrote all eight frames itself (`mentorgraph.live_sink`), no subscription task woken.
    assert _direct(after) - _direct(before) == len(sockets)
