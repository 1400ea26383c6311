"""Blocking a member (issue 16), over HTTP: the blocked member tries every path (asking for
mentorship, reading contact, writing in a thread) and is refused without being told why; the
open requests between the two are closed through the lifecycle; both read paths agree."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest

from devkit.factories import make_mentor, make_request, make_user
from mentorgraph.settings import Settings
from models.request_guards import OPEN_STATUSES
from models.requests import DeclineReason, MentorshipRequest, RequestEvent, RequestStatus
from models.safety_records import MemberBlock
from models.users import ChannelType, User
from resolvers.ids import decode_id_of
from tests.conftest import StartServer
from tests.utils.app_pair import app_pair
from tests.utils.client import GraphQLClient
from tests.utils.lifecycle import create, request_gid, user_gid
from tests.utils.safety import BLOCK, BLOCKED, UNBLOCK, codes, run
from tests.utils.threads import SEND, both_paths

CONTACT = "query($id: ID!) { node(id: $id) { ... on User { email channels { handle } } } }"
HIDDEN = {"email": None, "channels": None}


async def test_blocking_closes_the_open_requests_between_the_two(client: GraphQLClient) -> None:
    mentor = await make_mentor(name="Mo")
    pest = await make_mentor(name="Pest")  # also a mentor: requests both ways
    asked_me = await create(client, pest, mentor.id)
    i_asked = await create(client, mentor, pest.id)
    bystander = await make_user()
    unrelated = await create(client, bystander, mentor.id)

    blocked = await run(client, BLOCK, mentor, id=user_gid(pest.id))
    assert blocked["userErrors"] == []
    closed = {r["id"]: r for r in blocked["requests"]}
    assert closed[asked_me["request"]["id"]]["status"] == "DECLINED"
    assert closed[asked_me["request"]["id"]]["declineReason"] == DeclineReason.NOT_A_GOOD_FIT
    assert closed[i_asked["request"]["id"]]["status"] == "CANCELLED"
    # One event each, through the lifecycle: the decline by the system, the withdrawal by me.
    declined = await RequestEvent.get(
        request_id=await _pk(asked_me), to_status=RequestStatus.DECLINED
    )
    assert declined.actor_id is None
    cancelled = await RequestEvent.get(
        request_id=await _pk(i_asked), to_status=RequestStatus.CANCELLED
    )
    assert cancelled.actor_id == mentor.id
    # Nobody else's request is touched; blocking again changes nothing.
    assert (await MentorshipRequest.get(id=await _pk(unrelated))).status is RequestStatus.NEW
    again = await run(client, BLOCK, mentor, id=user_gid(pest.id))
    assert again["userErrors"] == [] and again["requests"] == []
    assert await MemberBlock.filter(blocker_id=mentor.id).count() == 1


async def _pk(created: dict[str, Any]) -> int:
    return decode_id_of("MentorshipRequest", created["request"]["id"])


async def test_the_blocked_member_cannot_ask_and_is_not_told_why(client: GraphQLClient) -> None:
    mentor = await make_mentor(name="Mo")
    away = await make_mentor(name="Away", available=False)
    pest = await make_mentor(name="Pest")
    assert (await run(client, BLOCK, mentor, id=user_gid(pest.id)))["userErrors"] == []

    refused = await create(client, pest, mentor.id)
    unavailable = await create(client, pest, away.id)
    # The same code, field and words as asking a mentor who takes nobody now.
    assert refused["request"] is None
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [
        ("MENTOR_UNAVAILABLE", ["mentorId"])
    ]
    assert refused["userErrors"][0]["message"] == unavailable["userErrors"][0]["message"].replace(
        "Away", "Mo"
    )
    # The blocker is told, since they know.
    mine = await create(client, mentor, pest.id)
    assert codes(mine) == ["BLOCKED_MEMBER"]
    assert not await MentorshipRequest.filter(status__in=OPEN_STATUSES).exists()

    # Unblocked, both may ask again.
    assert (await run(client, UNBLOCK, mentor, id=user_gid(pest.id)))["userErrors"] == []
    assert (await create(client, pest, mentor.id))["userErrors"] == []
    assert (await create(client, mentor, pest.id))["userErrors"] == []


async def test_block_refusals(client: GraphQLClient) -> None:
    me, other = await make_user(), await make_user()
    assert codes(await run(client, BLOCK, me, id=user_gid(me.id))) == ["INVALID_INPUT"]
    assert codes(await run(client, BLOCK, me, id=user_gid(10**6))) == ["NOT_FOUND"]
    assert codes(await run(client, UNBLOCK, me, id=user_gid(other.id))) == ["NOT_FOUND"]
    anonymous = await client.execute(BLOCK, {"id": user_gid(other.id)})
    assert anonymous.error_codes == ["UNAUTHENTICATED"]
    wrong_type = await client.execute(BLOCK, {"id": request_gid(1)}, as_user=me)
    assert wrong_type.error_codes == ["BAD_USER_INPUT"]
    assert not await MemberBlock.exists()


async def test_the_list_of_blocked_members_is_ones_own_newest_first(
    client: GraphQLClient,
) -> None:
    me, someone = await make_user(), await make_user()
    others = [await make_user(name=f"Blocked {i}") for i in range(3)]
    for other in others:
        await run(client, BLOCK, me, id=user_gid(other.id))
    await run(client, BLOCK, someone, id=user_gid(others[0].id))
    first = (await client.execute(BLOCKED, {"first": 2}, as_user=me)).data["blockedMembers"]
    assert first["totalCount"] == 3
    assert [n["user"]["name"] for n in first["nodes"]] == ["Blocked 2", "Blocked 1"]
    after = first["pageInfo"]["endCursor"]
    rest = (await client.execute(BLOCKED, {"after": after}, as_user=me)).data["blockedMembers"]
    assert [n["user"]["name"] for n in rest["nodes"]] == ["Blocked 0"]
    theirs = (await client.execute(BLOCKED, {}, as_user=someone)).data["blockedMembers"]
    assert theirs["totalCount"] == 1
    assert (await client.execute(BLOCKED, {})).error_codes == ["UNAUTHENTICATED"]


async def _contact(client: GraphQLClient, viewer: User, user: User) -> Any:
    response = await client.execute(CONTACT, {"id": user_gid(user.id)}, as_user=viewer)
    return response.data["node"]


async def test_a_block_hides_contact_and_closes_the_thread_on_both_paths(
    serve: StartServer, settings: Settings
) -> None:
    mentor = await make_mentor(email="mo@example.org", channels=[(ChannelType.GITHUB, "mo")])
    mentee = await make_user(email="al@example.org", channels=[(ChannelType.SLACK, "@al")])
    admin = await make_user(admin=True)
    mentorship = await make_request(mentee=mentee, mentor=mentor, status=RequestStatus.APPROVED)
    async with both_paths(serve, settings) as clients:
        for client in clients:
            assert (await _contact(client, mentee, mentor))["email"] == "mo@example.org"
            assert (await _contact(client, mentor, mentee))["email"] == "al@example.org"
        blocked = await run(clients[0], BLOCK, mentor, id=user_gid(mentee.id))
        # An active mentorship is no open request: it stays APPROVED (see docs/safety.md).
        assert blocked["userErrors"] == [] and blocked["requests"] == []
        for client in clients:
            # Neither side sees the other's contact any more; admins still do.
            assert await _contact(client, mentee, mentor) == HIDDEN
            assert await _contact(client, mentor, mentee) == HIDDEN
            assert (await _contact(client, admin, mentor))["email"] == "mo@example.org"
            for author in (mentee, mentor):
                sent = await client.execute(
                    SEND, {"id": request_gid(mentorship.id), "text": "Hello?"}, as_user=author
                )
                payload = sent.data["sendMentorshipRequestMessage"]
                assert [(e["code"], e["message"]) for e in payload["userErrors"]] == [
                    ("FORBIDDEN", "This conversation is closed.")
                ]
        assert not await RequestEvent.filter(request_id=mentorship.id).exists()
        await run(clients[0], UNBLOCK, mentor, id=user_gid(mentee.id))
        for client in clients:
            assert (await _contact(client, mentee, mentor))["email"] == "mo@example.org"


async def test_a_block_and_a_request_racing_never_leave_an_open_request(
    client: GraphQLClient,
) -> None:
    """Both take the two members' rows: the request is refused, or created and then closed."""
    for _ in range(3):
        mentor, mentee = await make_mentor(), await make_user()
        blocked, asked = await asyncio.gather(
            run(client, BLOCK, mentor, id=user_gid(mentee.id)), create(client, mentee, mentor.id)
        )
        assert blocked["userErrors"] == []
        assert codes(asked) in ([], ["MENTOR_UNAVAILABLE"])
        assert not await MentorshipRequest.filter(
            mentor_id=mentor.id, status__in=OPEN_STATUSES
        ).exists()


@pytest.mark.skipif(
    os.environ.get("TEST_DB", "sqlite") != "postgres",
    reason="the fast read path runs on PostgreSQL only",
)
async def test_the_fast_path_answers_blocked_members_and_hidden_contact_itself(
    settings: Settings, db: None
) -> None:
    mentor = await make_mentor(email="mo@example.org")
    mentee = await make_user(email="al@example.org")
    await make_request(mentee=mentee, mentor=mentor, status=RequestStatus.COMPLETED)
    async with app_pair(settings) as apps:
        await run(apps.ordinary, BLOCK, mentee, id=user_gid(mentor.id))
        for query, variables, viewer in (
            (BLOCKED, {}, mentee),
            (BLOCKED, {}, mentor),
            (CONTACT, {"id": user_gid(mentor.id)}, mentee),
            (CONTACT, {"id": user_gid(mentee.id)}, mentor),
        ):
            served = apps.fast_app.state.fast_reads.served
            fast = await apps.fast.execute(query, variables, as_user=viewer)
            assert apps.fast_app.state.fast_reads.served == served + 1
            ordinary = await apps.ordinary.execute(query, variables, as_user=viewer)
            assert fast.body == ordinary.body
