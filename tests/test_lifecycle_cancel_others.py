"""cancelOtherMentorshipRequests: keep one approved mentorship, withdraw every waiting request."""

from __future__ import annotations

from models.requests import MentorshipRequest, RequestEvent, RequestStatus
from tests.utils.client import GraphQLClient
from tests.utils.factories import make_mentor, make_request, make_user
from tests.utils.lifecycle import CANCEL_OTHERS, request_gid

S = RequestStatus


async def test_cancels_every_other_waiting_request_each_with_its_event(
    client: GraphQLClient,
) -> None:
    mentee = await make_user()
    keep = await make_request(mentee, await make_mentor(), status=S.APPROVED)
    waiting = [await make_request(mentee, await make_mentor(), status=s) for s in (S.NEW, S.VIEWED)]
    untouched = [
        await make_request(mentee, await make_mentor(), status=s)
        for s in (S.APPROVED, S.DECLINED, S.COMPLETED)
    ]
    someone_elses = await make_request(await make_user(), await make_mentor())

    response = await client.execute(CANCEL_OTHERS, {"id": request_gid(keep.id)}, as_user=mentee)
    payload = response.data["cancelOtherMentorshipRequests"]
    assert payload["userErrors"] == []
    assert sorted(r["id"] for r in payload["requests"]) == sorted(
        request_gid(r.id) for r in waiting
    )
    assert {r["status"] for r in payload["requests"]} == {"CANCELLED"}

    for request in waiting:
        events = await RequestEvent.filter(request_id=request.id)
        assert [(e.from_status, e.to_status, e.actor_id) for e in events] == [
            (request.status, S.CANCELLED, mentee.id)
        ]
    for request in [keep, *untouched, someone_elses]:
        assert (await MentorshipRequest.get(id=request.id)).status == request.status
        assert await RequestEvent.filter(request_id=request.id).count() == 0


async def test_the_kept_request_must_be_approved(client: GraphQLClient) -> None:
    mentee = await make_user()
    keep = await make_request(mentee, await make_mentor(), status=S.NEW)
    other = await make_request(mentee, await make_mentor(), status=S.NEW)
    response = await client.execute(CANCEL_OTHERS, {"id": request_gid(keep.id)}, as_user=mentee)
    payload = response.data["cancelOtherMentorshipRequests"]
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("INVALID_TRANSITION", ["keepRequestId"])
    ]
    assert (await MentorshipRequest.get(id=other.id)).status == S.NEW
    assert await RequestEvent.all().count() == 0


async def test_with_nothing_to_cancel_it_returns_an_empty_list(client: GraphQLClient) -> None:
    mentee = await make_user()
    keep = await make_request(mentee, await make_mentor(), status=S.APPROVED)
    response = await client.execute(CANCEL_OTHERS, {"id": request_gid(keep.id)}, as_user=mentee)
    assert response.data["cancelOtherMentorshipRequests"] == {"requests": [], "userErrors": []}
