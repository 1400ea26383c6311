"""Every request query and mutation x anonymous, the mentee, another member, the mentor,
another mentor and an admin."""

from __future__ import annotations

from typing import Any

import pytest

from devkit.factories import TEXT, make_mentor, make_request, make_user
from mentorgraph.models.accounts.users import User
from mentorgraph.models.requests.requests import MentorshipRequest, RequestEvent, RequestStatus
from mentorgraph.resolvers.ids import encode_global_id
from tests.utils.client import GraphQLClient
from tests.utils.lifecycle import (
    CANCEL_OTHERS,
    CREATE,
    act,
    codes,
    create,
    request_gid,
    result_of,
    user_gid,
)

S = RequestStatus
ROLES = ("anonymous", "mentee", "other member", "mentor", "other mentor", "admin")
PARTIES = {"mentee", "mentor", "admin"}


async def cast_for(request: MentorshipRequest) -> dict[str, User | None]:
    return {
        "anonymous": None,
        "mentee": await User.get(id=request.mentee_id),
        "other member": await make_user(),
        "mentor": await User.get(id=request.mentor_id),
        "other mentor": await make_mentor(),
        "admin": await make_user(admin=True),
    }


async def approved_with_history() -> tuple[MentorshipRequest, RequestEvent]:
    mentee, mentor = await make_user(), await make_mentor()
    request = await make_request(mentee=mentee, mentor=mentor, status=S.APPROVED)
    event = await RequestEvent.create(
        request_id=request.id,
        from_status=S.NEW,
        to_status=S.APPROVED,
        actor_id=mentor.id,
        occurred_at=request.updated_at,
    )
    return request, event


REQUEST_QUERY = """
query($id: ID!) { node(id: $id) { ... on MentorshipRequest {
  id status message mentor { id } mentee { id } history { id toStatus request { id } }
} } }"""
EVENT_QUERY = """
query($id: ID!) { node(id: $id) { ... on RequestEvent {
  id toStatus request { id } actor { id }
} } }"""
NODES_QUERY = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"


@pytest.mark.parametrize("role", ROLES)
async def test_reading_a_request_and_its_history(client: GraphQLClient, role: str) -> None:
    request, event = await approved_with_history()
    viewer = (await cast_for(request))[role]
    visible = role in PARTIES
    request_id = request_gid(request.id)
    event_id = encode_global_id("RequestEvent", event.id)

    node = (await client.execute(REQUEST_QUERY, {"id": request_id}, as_user=viewer)).data["node"]
    if visible:
        assert node["status"] == "APPROVED"
        assert [(h["toStatus"], h["request"]["id"]) for h in node["history"]] == [
            ("APPROVED", request_id)
        ]
    else:
        assert node is None

    node = (await client.execute(EVENT_QUERY, {"id": event_id}, as_user=viewer)).data["node"]
    assert (node is not None) == visible
    if visible:
        assert node["request"]["id"] == request_id

    nodes = (
        await client.execute(NODES_QUERY, {"ids": [request_id, event_id]}, as_user=viewer)
    ).data["nodes"]
    assert nodes == ([{"id": request_id}, {"id": event_id}] if visible else [None, None])


OVERVIEWS = """
query($mentee: ID!, $mentor: ID!) {
  mentee: node(id: $mentee) { ... on User {
    sentRequests { totalCount } sentRequestCounts { total } activeMentors { id } } }
  mentor: node(id: $mentor) { ... on User {
    receivedRequests { totalCount } receivedRequestCounts { total } activeMentees { id } } }
}"""


@pytest.mark.parametrize("role", ROLES)
async def test_reading_the_overviews(client: GraphQLClient, role: str) -> None:
    request, _ = await approved_with_history()
    viewer = (await cast_for(request))[role]
    variables = {"mentee": user_gid(request.mentee_id), "mentor": user_gid(request.mentor_id)}
    data = (await client.execute(OVERVIEWS, variables, as_user=viewer)).data
    sees_mentee = role in ("mentee", "admin")
    sees_mentor = role in ("mentor", "admin")
    assert (data["mentee"]["sentRequests"] is not None) == sees_mentee
    assert (data["mentee"]["sentRequestCounts"] is not None) == sees_mentee
    assert (data["mentee"]["activeMentors"] is not None) == sees_mentee
    assert (data["mentor"]["receivedRequests"] is not None) == sees_mentor
    assert (data["mentor"]["receivedRequestCounts"] is not None) == sees_mentor
    assert (data["mentor"]["activeMentees"] is not None) == sees_mentor


# operation -> (status the request starts in, role -> expected userError code or None)
MUTATIONS: dict[str, tuple[RequestStatus, dict[str, str | None]]] = {
    "markViewed": (S.NEW, {"mentor": None, "mentee": "FORBIDDEN", "admin": "FORBIDDEN"}),
    "approve": (S.NEW, {"mentor": None, "mentee": "FORBIDDEN", "admin": "FORBIDDEN"}),
    "decline": (S.NEW, {"mentor": None, "mentee": "FORBIDDEN", "admin": None}),
    "cancel": (S.NEW, {"mentor": "FORBIDDEN", "mentee": None, "admin": None}),
    "complete": (S.APPROVED, {"mentor": None, "mentee": None, "admin": "FORBIDDEN"}),
    "cancelOthers": (S.APPROVED, {"mentor": "FORBIDDEN", "mentee": None, "admin": "FORBIDDEN"}),
}


def expected(operation: str, role: str) -> str | None:
    if role == "anonymous":
        return "UNAUTHENTICATED"
    return MUTATIONS[operation][1].get(role, "NOT_FOUND")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", list(MUTATIONS))
async def test_changing_a_request(client: GraphQLClient, operation: str, role: str) -> None:
    status, _ = MUTATIONS[operation]
    request = await make_request(
        mentee=await make_user(), mentor=await make_mentor(), status=status
    )
    viewer = (await cast_for(request))[role]
    if operation == "cancelOthers":
        waiting = await make_request(
            mentee=await User.get(id=request.mentee_id), mentor=await make_mentor()
        )
        response = await client.execute(
            CANCEL_OTHERS, {"id": request_gid(request.id)}, as_user=viewer
        )
        payload: Any = (
            None if response.errors else response.body["data"]["cancelOtherMentorshipRequests"]
        )
        changed = (await MentorshipRequest.get(id=waiting.id)).status != S.NEW
    else:
        response = await act(client, operation, request.id, viewer)
        payload = None if response.errors else result_of(response, operation)
        changed = (await MentorshipRequest.get(id=request.id)).status != status

    want = expected(operation, role)
    if want == "UNAUTHENTICATED":
        assert response.error_codes == ["UNAUTHENTICATED"]
    elif want is None:
        assert payload["userErrors"] == []
    else:
        assert codes(payload) == [want]
    assert changed == (want is None)


@pytest.mark.parametrize("role", ROLES)
async def test_creating_a_request(client: GraphQLClient, role: str) -> None:
    mentor = await make_mentor()
    viewer: User | None = {
        "anonymous": None,
        "mentee": await make_user(),
        "other member": await make_user(),
        "mentor": mentor,
        "other mentor": await make_mentor(),
        "admin": await make_user(admin=True),
    }[role]
    if viewer is None:
        variables = {"mentorId": user_gid(mentor.id), "message": TEXT}
        response = await client.execute(
            CREATE, variables | {"background": TEXT, "expectation": TEXT}
        )
        assert response.error_codes == ["UNAUTHENTICATED"]
        return
    payload = await create(client, viewer, mentor.id)
    assert codes(payload) == (["SELF_REQUEST"] if role == "mentor" else [])
