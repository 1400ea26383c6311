"""Contact after approval: once a mentor approved, the mentor and the mentee each see the other's
channels and email (and still after completion); before, neither does; nobody else but admins
ever does. Over real HTTP, the fast read path on and off; on PostgreSQL the fast path is shown
to answer these documents itself."""

from __future__ import annotations

import os
from typing import Any

import pytest

from devkit.factories import make_mentor, make_request, make_user
from mentorgraph.models.accounts.users import ChannelType, User
from mentorgraph.models.requests.requests import MentorshipRequest, RequestStatus
from mentorgraph.resolvers.ids import encode_global_id
from mentorgraph.settings import Settings
from tests.conftest import StartServer
from tests.utils.app_pair import app_pair
from tests.utils.client import GraphQLClient
from tests.utils.lifecycle import act, request_gid, result_of
from tests.utils.threads import both_paths

CONTACT = "email channels { type handle }"
USER = f"query($id: ID!) {{ node(id: $id) {{ ... on User {{ {CONTACT} }} }} }}"
# The same users reached through the request (another path through both executors).
REQUEST = f"""query($id: ID!) {{ node(id: $id) {{ ... on MentorshipRequest {{
  mentor {{ {CONTACT} }} mentee {{ {CONTACT} }} messages {{ kind note }} }} }} }}"""

MENTOR = {"email": "mentor@example.org", "channels": [{"type": "GITHUB", "handle": "mentor-gh"}]}
MENTEE = {"email": "mentee@example.org", "channels": [{"type": "SLACK", "handle": "@mentee"}]}
HIDDEN = {"email": None, "channels": None}


async def _people() -> dict[str, Any]:
    mentor = await make_mentor(
        email="mentor@example.org", channels=[(ChannelType.GITHUB, "mentor-gh")]
    )
    mentee = await make_user(email="mentee@example.org", channels=[(ChannelType.SLACK, "@mentee")])
    return {
        "mentor": mentor,
        "mentee": mentee,
        "other mentee": await make_user(),
        "other mentor": await make_mentor(),
        "admin": await make_user(admin=True),
        "anonymous": None,
    }


async def _contact(client: GraphQLClient, viewer: User | None, user: User) -> Any:
    response = await client.execute(USER, {"id": encode_global_id("User", user.id)}, as_user=viewer)
    return response.data["node"]


async def _seen(clients: list[GraphQLClient], people: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """What each viewer sees of (the mentor, the mentee); both read paths must agree."""
    seen = {}
    for kind, viewer in people.items():
        answers = [
            (
                await _contact(client, viewer, people["mentor"]),
                await _contact(client, viewer, people["mentee"]),
            )
            for client in clients
        ]
        assert answers[0] == answers[1], kind
        seen[kind] = answers[0]
    return seen


def _expected(revealed: bool) -> dict[str, tuple[Any, Any]]:
    return {
        "mentor": (MENTOR, MENTEE if revealed else HIDDEN),
        "mentee": (MENTOR if revealed else HIDDEN, MENTEE),
        "other mentee": (HIDDEN, HIDDEN),
        "other mentor": (HIDDEN, HIDDEN),
        "admin": (MENTOR, MENTEE),
        "anonymous": (HIDDEN, HIDDEN),
    }


async def test_contact_is_revealed_both_ways_by_approval_only(
    serve: StartServer, settings: Settings
) -> None:
    people = await _people()
    mentor, mentee = people["mentor"], people["mentee"]
    request = await make_request(mentee=mentee, mentor=mentor)
    # Unrelated mentorships of the outsiders with each side reveal nothing of the other side.
    await make_request(mentee=people["other mentee"], mentor=mentor, status=RequestStatus.DECLINED)
    await make_request(mentee=mentee, mentor=people["other mentor"], status=RequestStatus.CANCELLED)
    async with both_paths(serve, settings) as clients:
        # Waiting, viewed, even while they talk in the thread: neither sees the other's.
        assert await _seen(clients, people) == _expected(revealed=False)
        assert result_of(await act(clients[0], "markViewed", request.id, mentor), "markViewed")
        assert await _seen(clients, people) == _expected(revealed=False)

        approved = result_of(await act(clients[0], "approve", request.id, mentor), "approve")
        assert approved["userErrors"] == []
        assert await _seen(clients, people) == _expected(revealed=True)
        # Through the request, too.
        for client in clients:
            for viewer in (mentor, mentee):
                node = (
                    await client.execute(REQUEST, {"id": request_gid(request.id)}, as_user=viewer)
                ).data["node"]
                assert (node["mentor"], node["mentee"]) == (MENTOR, MENTEE)

        completed = result_of(await act(clients[0], "complete", request.id, mentee), "complete")
        assert completed["userErrors"] == []
        assert await _seen(clients, people) == _expected(revealed=True)


async def test_a_declined_or_expired_request_reveals_nothing(
    serve: StartServer, settings: Settings
) -> None:
    people = await _people()
    mentor, mentee = people["mentor"], people["mentee"]
    for status in (RequestStatus.DECLINED, RequestStatus.EXPIRED, RequestStatus.CANCELLED):
        await make_request(mentee=mentee, mentor=mentor, status=status)
    async with both_paths(serve, settings) as clients:
        assert await _seen(clients, people) == _expected(revealed=False)


@pytest.mark.skipif(
    os.environ.get("TEST_DB", "sqlite") != "postgres",
    reason="the fast read path runs on PostgreSQL only",
)
async def test_the_fast_path_answers_contact_and_threads_itself(
    settings: Settings, db: None
) -> None:
    people = await _people()
    mentor, mentee = people["mentor"], people["mentee"]
    request: MentorshipRequest = await make_request(
        mentee=mentee, mentor=mentor, status=RequestStatus.APPROVED
    )
    async with app_pair(settings) as apps:
        sent = await apps.ordinary.execute(
            'mutation($id: ID!) { sendMentorshipRequestMessage(input: {requestId: $id, text: "Hi"})'
            " { userErrors { code } } }",
            {"id": request_gid(request.id)},
            as_user=mentee,
        )
        assert sent.data["sendMentorshipRequestMessage"]["userErrors"] == []
        for viewer in people.values():
            for query, variables in (
                (USER, {"id": encode_global_id("User", mentor.id)}),
                (USER, {"id": encode_global_id("User", mentee.id)}),
                (REQUEST, {"id": request_gid(request.id)}),
            ):
                served = apps.fast_app.state.fast_reads.served
                fast = await apps.fast.execute(query, variables, as_user=viewer)
                assert apps.fast_app.state.fast_reads.served == served + 1
                ordinary = await apps.ordinary.execute(query, variables, as_user=viewer)
                assert fast.body == ordinary.body
        node = (
            await apps.fast.execute(REQUEST, {"id": request_gid(request.id)}, as_user=mentor)
        ).data["node"]
        assert node["messages"] == [{"kind": "MESSAGE", "note": "Hi"}]
        assert node["mentee"] == MENTEE
