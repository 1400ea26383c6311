"""The admin's view and actions, and that nobody but admins reaches them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from devkit.factories import make_mentor, make_request, make_user
from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User
from mentorgraph.models.notifications.outbox import OutboxEmail
from mentorgraph.models.requests.reminders import RequestReminder
from mentorgraph.models.requests.requests import MentorshipRequest, RequestStatus
from tests.utils.admin import (
    ADMIN_REQUESTS,
    AVAILABILITY_CHANGES,
    SEND_REMINDER,
    SET_AVAILABILITY,
    UNRESPONSIVE,
)
from tests.utils.client import GraphQLClient
from tests.utils.lifecycle import act, request_gid, user_gid

ROLES = ("anonymous", "member", "mentee", "mentor", "other mentor", "admin")


def days(n: float) -> timedelta:
    return timedelta(days=n)


def operations(mentor: User, request: MentorshipRequest) -> dict[str, tuple[str, dict[str, Any]]]:
    return {
        "adminRequests": (ADMIN_REQUESTS, {}),
        "unresponsiveMentors": (UNRESPONSIVE, {"days": 0}),
        "availabilityChanges": (AVAILABILITY_CHANGES, {}),
        "setMentorAvailability": (
            SET_AVAILABILITY,
            {"mentorId": user_gid(mentor.id), "available": False, "decline": True},
        ),
        "sendMentorReminder": (SEND_REMINDER, {"requestId": request_gid(request.id)}),
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "operation",
    [
        "adminRequests",
        "unresponsiveMentors",
        "availabilityChanges",
        "setMentorAvailability",
        "sendMentorReminder",
    ],
)
async def test_only_admins_reach_the_admin_view(
    client: GraphQLClient, role: str, operation: str
) -> None:
    mentee, mentor = await make_user(), await make_mentor()
    request = await make_request(mentee=mentee, mentor=mentor)
    cast = {
        "anonymous": None,
        "member": await make_user(),
        "mentee": mentee,
        "mentor": mentor,
        "other mentor": await make_mentor(),
        "admin": await make_user(admin=True),
    }
    document, variables = operations(mentor, request)[operation]
    response = await client.execute(document, variables, as_user=cast[role])
    if role == "admin":
        assert response.errors == []
        assert response.data[operation] is not None
        return
    expected = "UNAUTHENTICATED" if role == "anonymous" else "FORBIDDEN"
    assert response.error_codes == [expected]
    # Nothing happened: no status change, no reminder, no email, availability unchanged.
    assert (await MentorshipRequest.get(id=request.id)).status is RequestStatus.NEW
    assert await RequestReminder.all().count() == 0
    assert await OutboxEmail.all().count() == 0
    assert (await User.get(id=mentor.id)).available


async def test_admin_requests_filter_and_page(client: GraphQLClient, db: None) -> None:
    admin = await make_user(admin=True)
    ada, bo = await make_mentor(), await make_mentor()
    mo, flo = await make_user(), await make_user()
    old = await make_request(mentee=mo, mentor=ada)
    clock.advance(days(3))
    await make_request(mentee=flo, mentor=ada, status=RequestStatus.APPROVED)
    recent = await make_request(mentee=mo, mentor=bo)

    async def ids(filter: dict[str, Any], **more: Any) -> list[str]:
        response = await client.execute(ADMIN_REQUESTS, {"filter": filter, **more}, as_user=admin)
        return [n["id"] for n in response.data["adminRequests"]["nodes"]]

    assert await ids({}) == [request_gid(i) for i in (old.id, old.id + 1, recent.id)]
    assert await ids({"mentorId": user_gid(bo.id)}) == [request_gid(recent.id)]
    assert await ids({"menteeId": user_gid(mo.id), "status": "NEW"}) == [
        request_gid(old.id),
        request_gid(recent.id),
    ]
    assert await ids({"olderThanDays": 2}) == [request_gid(old.id)]
    # Keyset pages: oldest first, no overlap.
    first = await client.execute(ADMIN_REQUESTS, {"first": 2}, as_user=admin)
    page = first.data["adminRequests"]
    assert page["pageInfo"]["hasNextPage"] and page["totalCount"] == 3
    rest = await ids({}, after=page["pageInfo"]["endCursor"])
    assert rest == [request_gid(recent.id)]

    bad = await client.execute(ADMIN_REQUESTS, {"filter": {"olderThanDays": -1}}, as_user=admin)
    assert bad.error_codes == ["BAD_USER_INPUT"]


async def test_unresponsive_mentors_show_their_record(client: GraphQLClient, db: None) -> None:
    admin = await make_user(admin=True)
    silent, busy = await make_mentor(name="Silent"), await make_mentor(name="Busy")
    answered = await make_request(mentee=await make_user(), mentor=silent)
    answered_from = clock.now()
    await act(client, "decline", answered.id, silent)
    answered_by = clock.now()
    clock.advance(days(1))
    waiting = [await make_request(mentee=await make_user(), mentor=silent) for _ in range(2)]
    clock.advance(days(6))
    await make_request(mentee=await make_user(), mentor=busy)  # fresh: not old enough to show
    await make_request(mentee=await make_user(), mentor=silent)  # too recent to count
    await RequestReminder.create(request_id=waiting[0].id, number=1, sent_at=clock.now())

    response = await client.execute(UNRESPONSIVE, {"days": 5}, as_user=admin)
    [row] = response.data["unresponsiveMentors"]["nodes"]
    assert row["mentor"]["name"] == "Silent"
    assert row["waitingRequests"] == 2
    assert row["oldestRequestAgeDays"] == 6.0
    assert row["remindersSent"] == 1
    assert answered_from <= datetime.fromisoformat(row["lastRespondedAt"]) <= answered_by
    assert row["responseRate"] == 1.0


async def test_setting_a_silent_mentor_unavailable_declines_and_tells(
    client: GraphQLClient, db: None
) -> None:
    admin = await make_user(admin=True)
    mentor = await make_mentor()
    mentees = [await make_user(email=f"mentee{n}@example.org") for n in range(2)]
    waiting = [await make_request(mentee=m, mentor=mentor) for m in mentees]
    active = await make_request(
        mentee=await make_user(), mentor=mentor, status=RequestStatus.APPROVED
    )
    variables = {"mentorId": user_gid(mentor.id), "available": False, "decline": True}
    response = await client.execute(SET_AVAILABILITY, variables, as_user=admin)
    result = response.data["setMentorAvailability"]
    assert result["userErrors"] == [] and result["user"]["available"] is False
    assert [(r["id"], r["status"], r["declineReason"]) for r in result["requests"]] == [
        (request_gid(w.id), "DECLINED", "MENTOR_INACTIVE") for w in waiting
    ]
    assert (await MentorshipRequest.get(id=active.id)).status is RequestStatus.APPROVED
    # The system acted: the events have no actor; the mentees and the mentor were told.
    for w in waiting:
        [event] = await w.events.all()  # type: ignore[attr-defined]
        assert event.actor_id is None
    declined = await OutboxEmail.filter(kind="request_declined").order_by("to_email")
    assert [e.to_email for e in declined] == ["mentee0@example.org", "mentee1@example.org"]
    assert "closed because the mentor has not been answering" in declined[0].text_body
    assert await OutboxEmail.filter(kind="mentor_unavailable", to_email=mentor.email).exists()
    changes = await client.execute(
        AVAILABILITY_CHANGES, {"mentorId": user_gid(mentor.id)}, as_user=admin
    )
    [change] = changes.data["availabilityChanges"]["nodes"]
    assert change["available"] is False and change["actor"]["id"] == user_gid(admin.id)

    # Available again (declining makes no sense then); a non-mentor is not found.
    variables["available"], variables["decline"] = True, False
    again = await client.execute(SET_AVAILABILITY, variables, as_user=admin)
    assert again.data["setMentorAvailability"]["user"]["available"] is True
    variables["decline"] = True
    refused = await client.execute(SET_AVAILABILITY, variables, as_user=admin)
    assert [e["code"] for e in refused.data["setMentorAvailability"]["userErrors"]] == [
        "INVALID_INPUT"
    ]
    variables.update(mentorId=user_gid(mentees[0].id), available=False, decline=False)
    missing = await client.execute(SET_AVAILABILITY, variables, as_user=admin)
    assert [e["code"] for e in missing.data["setMentorAvailability"]["userErrors"]] == ["NOT_FOUND"]


async def test_a_reminder_by_hand_at_most_once_a_day(client: GraphQLClient, db: None) -> None:
    admin = await make_user(admin=True)
    request = await make_request(mentee=await make_user(), mentor=await make_mentor())
    variables = {"requestId": request_gid(request.id)}

    async def remind() -> list[str]:
        response = await client.execute(SEND_REMINDER, variables, as_user=admin)
        return [e["code"] for e in response.data["sendMentorReminder"]["userErrors"]]

    assert await remind() == []
    clock.advance(timedelta(hours=23))
    assert await remind() == ["TOO_SOON"]
    clock.advance(timedelta(hours=2))
    assert await remind() == []
    assert await OutboxEmail.filter(kind="request_reminder").count() == 2
    reminders = await RequestReminder.filter(request_id=request.id)
    assert {(r.number, r.sent_by_id) for r in reminders} == {(None, admin.id)}

    await MentorshipRequest.filter(id=request.id).update(status=RequestStatus.APPROVED)
    clock.advance(days(2))
    assert await remind() == ["REQUEST_NOT_WAITING"]
