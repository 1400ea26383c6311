"""Blocking a member (issue 16), over HTTP: the blocked member tries every path (asking for
mentorship, reading contact, writing in a thread, leaving feedback, finding the blocker in the
directory, its facets, the spotlight, their recommendations and the mentors suggested to them)
and is refused or finds nothing, without being told why; the open requests and an active
mentorship between the two are closed through the lifecycle; both read paths agree."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest

from devkit.factories import make_mentor, make_mentorship, make_request, make_user
from mentorgraph.models.accounts.users import ChannelType, User
from mentorgraph.models.notifications.outbox import OutboxEmail
from mentorgraph.models.requests.feedback import AuthorRole, MentorshipFeedback
from mentorgraph.models.requests.request_guards import OPEN_STATUSES
from mentorgraph.models.requests.requests import (
    DeclineReason,
    MentorshipRequest,
    RequestEvent,
    RequestStatus,
)
from mentorgraph.models.safety.safety_records import MemberBlock
from mentorgraph.resolvers.ids import decode_id_of
from mentorgraph.settings import Settings
from tests.conftest import StartServer
from tests.utils.app_pair import app_pair
from tests.utils.client import GraphQLClient
from tests.utils.lifecycle import create, request_gid, user_gid
from tests.utils.safety import BLOCK, BLOCKED, UNBLOCK, codes, run
from tests.utils.subscriptions import FROM_START, posting_and_following, subscribed
from tests.utils.threads import SEND, both_paths, http_clients, tokens_for

CONTACT = "query($id: ID!) { node(id: $id) { ... on User { email channels { handle } } } }"
HIDDEN = {"email": None, "channels": None}
FEEDBACK = """mutation($id: ID!) {
  leaveMentorshipFeedback(input: {requestId: $id, rating: 1, comment: "You blocked me."}) {
    userErrors { code field message }
  }
}"""
# Every listing a member may be shown mentors by, signed in (the blocker is a mentor).
LISTINGS = """query($search: String) {
  mentors(filter: {search: $search, availableOnly: false}) { totalCount nodes { name } }
  mentorFacets(filter: {search: $search, availableOnly: false}) {
    tags { value count } countries { value count } spokenLanguages { value count }
  }
  spotlightMentors(first: 20) { name }
  viewer { recommendedMentors(first: 10) { mentor { name } } }
}"""


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


async def test_a_block_hides_contact_and_ends_the_mentorship_on_both_paths(
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
        # The active mentorship ends: completed by the blocker, as their own act.
        assert blocked["userErrors"] == []
        assert [(r["id"], r["status"]) for r in blocked["requests"]] == [
            (request_gid(mentorship.id), "COMPLETED")
        ]
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
                assert codes(payload) == ["REQUEST_CLOSED"]
                # Feedback reaches the other side too: closed, in words that say no more.
                left = await client.execute(
                    FEEDBACK, {"id": request_gid(mentorship.id)}, as_user=author
                )
                assert [
                    (e["code"], e["message"])
                    for e in left.data["leaveMentorshipFeedback"]["userErrors"]
                ] == [("FORBIDDEN", "This conversation is closed.")]
        assert not await MentorshipFeedback.exists()
        await run(clients[0], UNBLOCK, mentor, id=user_gid(mentee.id))
        for client in clients:
            assert (await _contact(client, mentee, mentor))["email"] == "mo@example.org"


async def test_a_block_ends_an_active_mentorship_through_the_lifecycle_seen_live(
    serve: StartServer, settings: Settings
) -> None:
    """Either side may block: the mentorship is completed by the blocker (the one way out of
    APPROVED in the lifecycle's table), one event with them as its actor, which both sides'
    subscriptions receive; other mentorships of either stay as they are."""
    posting, following_url = await posting_and_following(serve, settings)
    mentor, mentee, other = await make_mentor(), await make_user(), await make_user()
    tokens = tokens_for(settings)
    mentorship = await make_request(mentee=mentee, mentor=mentor, status=RequestStatus.APPROVED)
    elsewhere = await make_request(mentee=other, mentor=mentor, status=RequestStatus.APPROVED)
    async with (
        http_clients(settings, [posting]) as (client,),
        subscribed(following_url, tokens.issue(mentor), FROM_START) as for_mentor,
        subscribed(following_url, tokens.issue(mentee), FROM_START) as for_mentee,
    ):
        blocked = await run(client, BLOCK, mentee, id=user_gid(mentor.id))
        assert blocked["userErrors"] == []
        assert [r["status"] for r in blocked["requests"]] == ["COMPLETED"]
        for reader in (for_mentor, for_mentee):
            event = await reader.next()
            assert (event["kind"], event["fromStatus"], event["toStatus"]) == (
                "STATUS_CHANGE",
                "APPROVED",
                "COMPLETED",
            )
            assert event["actor"]["id"] == user_gid(mentee.id)
            assert event["note"] == "The mentorship was ended."
            assert event["request"]["id"] == request_gid(mentorship.id)
    [recorded] = await RequestEvent.filter(request_id=mentorship.id)
    assert (recorded.actor_id, recorded.from_status, recorded.to_status) == (
        mentee.id,
        RequestStatus.APPROVED,
        RequestStatus.COMPLETED,
    )
    ended = await MentorshipRequest.get(id=mentorship.id)
    assert ended.status is RequestStatus.COMPLETED
    assert (await MentorshipRequest.get(id=elsewhere.id)).status is RequestStatus.APPROVED


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
            (LISTINGS, {}, mentee),
            (LISTINGS, {}, mentor),
            (LISTINGS, {"search": "a"}, mentee),
        ):
            served = apps.fast_app.state.fast_reads.served
            fast = await apps.fast.execute(query, variables, as_user=viewer)
            assert apps.fast_app.state.fast_reads.served == served + 1
            ordinary = await apps.ordinary.execute(query, variables, as_user=viewer)
            assert fast.body == ordinary.body


async def _worthy_mentor(name: str) -> User:
    """A mentor every listing shows: tagged like the mentee, in their country, spotlit (a
    completed mentorship rated 5, recently answered)."""
    mentor = await make_mentor(name=name, tags=["rust"], country="DE", languages=["de"])
    mentee = await make_user(tags=["rust"])
    done = await make_mentorship(mentor=mentor, mentee=mentee, completed=True)
    await MentorshipFeedback.create(
        request_id=done.id,
        author_id=mentee.id,
        subject_id=mentor.id,
        author_role=AuthorRole.MENTEE,
        rating=5,
        created_at=done.created_at,
    )
    return mentor


def _names(answer: dict[str, Any]) -> dict[str, Any]:
    return {
        "mentors": sorted(n["name"] for n in answer["mentors"]["nodes"]),
        "total": answer["mentors"]["totalCount"],
        "countries": answer["mentorFacets"]["countries"],
        "spotlight": sorted(m["name"] for m in answer["spotlightMentors"]),
        "recommended": sorted(r["mentor"]["name"] for r in answer["viewer"]["recommendedMentors"]),
    }


async def test_the_blocked_member_finds_the_blocker_in_no_listing_on_both_paths(
    serve: StartServer, settings: Settings
) -> None:
    blocker = await _worthy_mentor("Blocker")
    await _worthy_mentor("Other")
    pest = await make_mentor(name="Pest", tags=["rust"], country="DE", languages=["de"])
    bystander = await make_user(tags=["rust"], country="DE")
    both = ["Blocker", "Other"]
    async with both_paths(serve, settings) as clients:
        for client in clients:
            seen = _names((await client.execute(LISTINGS, {}, as_user=pest)).data)
            assert seen["mentors"] == ["Blocker", "Other", "Pest"] and seen["total"] == 3
            assert seen["spotlight"] == both and seen["recommended"] == both
        assert (await run(clients[0], BLOCK, blocker, id=user_gid(pest.id)))["userErrors"] == []
        for client in clients:
            # The blocked member: the blocker is nowhere, counts included.
            seen = _names((await client.execute(LISTINGS, {}, as_user=pest)).data)
            assert seen == {
                "mentors": ["Other", "Pest"],
                "total": 2,
                "countries": [{"value": "DE", "count": 2}],
                "spotlight": ["Other"],
                "recommended": ["Other"],
            }
            searched = await client.execute(LISTINGS, {"search": "blocker"}, as_user=pest)
            assert searched.data["mentors"] == {"totalCount": 0, "nodes": []}
            # Nor does the blocker find the member they blocked.
            mine = _names((await client.execute(LISTINGS, {}, as_user=blocker)).data)
            assert mine["mentors"] == ["Blocker", "Other"]
            # Everyone else (anonymous too) still does.
            theirs = _names((await client.execute(LISTINGS, {}, as_user=bystander)).data)
            assert theirs["mentors"] == ["Blocker", "Other", "Pest"]
            assert theirs["spotlight"] == both
            assert theirs["recommended"] == ["Blocker", "Other", "Pest"]
            anonymous = await client.execute(LISTINGS, {})
            assert anonymous.data["mentors"]["totalCount"] == 3


async def test_the_blocked_member_is_not_suggested_the_blocker_by_email(
    client: GraphQLClient,
) -> None:
    """A request declined for want of room comes with other mentors to ask: never one with a
    block between them."""
    mentee = await make_user(tags=["rust"], email="pest@example.org")
    blocker = await make_mentor(name="Blocker", tags=["rust"])
    await make_mentor(name="Other", tags=["rust"])
    asked = await make_mentor(name="Asked", tags=["rust"])
    request = await make_request(mentee=mentee, mentor=asked)
    assert (await run(client, BLOCK, blocker, id=user_gid(mentee.id)))["userErrors"] == []
    declined = await client.execute(DECLINE_FULL, {"id": request_gid(request.id)}, as_user=asked)
    assert declined.data["declineMentorshipRequest"]["userErrors"] == []
    [email] = await OutboxEmail.filter(kind="request_declined", to_email="pest@example.org")
    assert "Other" in email.text_body
    assert "Blocker" not in email.text_body and "Blocker" not in email.html_body


DECLINE_FULL = """mutation($id: ID!) {
  declineMentorshipRequest(input: {requestId: $id, reason: NO_CAPACITY}) {
    userErrors { code }
  }
}"""
