"""The lifecycle's rules under real concurrent HTTP requests against running servers.

On PostgreSQL the requests are spread over two server processes, so only database guarantees
(row locks, conditional updates, the partial unique index) can make these pass.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Sequence
from typing import Any

import pytest
from tortoise.exceptions import IntegrityError

from devkit.factories import make_mentor, make_request, make_user
from mentorgraph.models.accounts.users import User
from mentorgraph.models.requests.requests import MentorshipRequest, RequestEvent, RequestStatus
from tests.utils.client import GraphQLClient, GraphQLResponse
from tests.utils.lifecycle import CANCEL_OTHERS, act, codes, create, request_gid, result_of

S = RequestStatus


async def together(calls: Sequence[Awaitable[Any]]) -> list[Any]:
    return list(await asyncio.gather(*calls))


def spread(clients: list[GraphQLClient], i: int) -> GraphQLClient:
    return clients[i % len(clients)]


async def test_fifty_simultaneous_creates_by_one_mentee(live_clients: list[GraphQLClient]) -> None:
    mentee = await make_user()
    mentors = [await make_mentor() for _ in range(50)]
    payloads = await together(
        [create(spread(live_clients, i), mentee, m.id) for i, m in enumerate(mentors)]
    )
    outcomes = Counter(tuple(codes(p)) for p in payloads)
    assert outcomes == {(): 5, ("OPEN_REQUEST_LIMIT",): 45}
    assert await MentorshipRequest.filter(mentee_id=mentee.id).count() == 5
    assert await RequestEvent.all().count() == 5


async def test_duplicate_creates_of_one_pair_race_to_one(live_clients: list[GraphQLClient]) -> None:
    mentee, mentor = await make_user(), await make_mentor()
    payloads = await together(
        [create(spread(live_clients, i), mentee, mentor.id) for i in range(20)]
    )
    outcomes = Counter(tuple(codes(p)) for p in payloads)
    assert outcomes == {(): 1, ("DUPLICATE_REQUEST",): 19}
    assert await MentorshipRequest.filter(mentee_id=mentee.id).count() == 1


async def test_the_pair_index_refuses_a_second_open_request(db: None) -> None:
    # The backstop behind DUPLICATE_REQUEST, whatever the code above it does.
    mentee, mentor = await make_user(), await make_mentor()
    await make_request(mentee=mentee, mentor=mentor, status=S.APPROVED)
    with pytest.raises(IntegrityError):
        await make_request(mentee=mentee, mentor=mentor, status=S.NEW)


async def test_simultaneous_answers_one_wins(live_clients: list[GraphQLClient]) -> None:
    mentor = await make_mentor(capacity=20)
    admin = await make_user(admin=True)
    rounds: list[tuple[MentorshipRequest, list[tuple[str, User]]]] = []
    for _ in range(10):
        mentee = await make_user()
        request = await make_request(mentee=mentee, mentor=mentor, status=S.VIEWED)
        contenders = [
            ("approve", mentor),
            ("decline", mentor),
            ("cancel", mentee),
            ("decline", admin),
            ("cancel", admin),
        ]
        rounds.append((request, contenders))
    calls = [
        act(spread(live_clients, i), op, request.id, user)
        for request, contenders in rounds
        for i, (op, user) in enumerate(contenders)
    ]
    responses: list[GraphQLResponse] = await together(calls)

    results = iter(responses)
    for request, contenders in rounds:
        outcomes = [(op, codes(result_of(next(results), op))) for op, _ in contenders]
        winners = [op for op, errors in outcomes if not errors]
        losers = [errors for _, errors in outcomes if errors]
        assert len(winners) == 1, outcomes
        assert losers == [["INVALID_TRANSITION"]] * 4, outcomes
        events = await RequestEvent.filter(request_id=request.id)
        assert len(events) == 1
        stored = await MentorshipRequest.get(id=request.id)
        target = {"approve": S.APPROVED, "decline": S.DECLINED, "cancel": S.CANCELLED}
        assert stored.status == events[0].to_status == target[winners[0]]


async def test_simultaneous_approvals_never_exceed_capacity(
    live_clients: list[GraphQLClient],
) -> None:
    mentor = await make_mentor(capacity=3)
    requests = [await make_request(mentee=await make_user(), mentor=mentor) for _ in range(15)]
    responses = await together(
        [act(spread(live_clients, i), "approve", r.id, mentor) for i, r in enumerate(requests)]
    )
    outcomes = Counter(tuple(codes(result_of(r, "approve"))) for r in responses)
    assert outcomes == {(): 3, ("MENTOR_AT_CAPACITY",): 12}
    assert await MentorshipRequest.filter(mentor_id=mentor.id, status=S.APPROVED).count() == 3
    assert await RequestEvent.all().count() == 3


async def test_simultaneous_views_write_one_event(live_clients: list[GraphQLClient]) -> None:
    mentee, mentor = await make_user(), await make_mentor()
    request = await make_request(mentee=mentee, mentor=mentor)
    responses = await together(
        [act(spread(live_clients, i), "markViewed", request.id, mentor) for i in range(10)]
    )
    assert all(codes(result_of(r, "markViewed")) == [] for r in responses)
    assert await RequestEvent.filter(request_id=request.id).count() == 1


async def test_cancelling_the_others_while_their_mentors_answer(
    live_clients: list[GraphQLClient],
) -> None:
    # Lock order (users row, then request rows) keeps this free of deadlocks: every other
    # request ends either approved by its mentor or cancelled by the mentee, with one event.
    mentee = await make_user()
    kept = await make_request(mentee=mentee, mentor=await make_mentor(), status=S.APPROVED)
    others = [await make_request(mentee=mentee, mentor=await make_mentor()) for _ in range(4)]
    mentors = {r.id: await User.get(id=r.mentor_id) for r in others}
    cancel_all = spread(live_clients, 0).execute(
        CANCEL_OTHERS, {"id": request_gid(kept.id)}, as_user=mentee
    )
    approvals = [
        act(spread(live_clients, i + 1), "approve", r.id, mentors[r.id])
        for i, r in enumerate(others)
    ]
    cancel_response, *approve_responses = await together([cancel_all, *approvals])

    cancelled = {
        item["id"] for item in cancel_response.data["cancelOtherMentorshipRequests"]["requests"]
    }
    for request, response in zip(others, approve_responses, strict=True):
        approved = codes(result_of(response, "approve")) == []
        stored = await MentorshipRequest.get(id=request.id)
        assert stored.status == (S.APPROVED if approved else S.CANCELLED)
        assert (request_gid(request.id) in cancelled) == (not approved)
        assert await RequestEvent.filter(request_id=request.id).count() == 1
