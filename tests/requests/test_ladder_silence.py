"""Silent mentors found fast, and released at once: every signal (expiries, requests withdrawn
unviewed, reminders ignored, no activity) since the mentor was last active or back, on a moved
clock with a sweep a day, every email through a real SMTP server. Responsive mentors, slow
ones and mentors back from a pause are never flagged."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from devkit.factories import make_mentor, make_request, make_user
from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User
from mentorgraph.models.directory.availability_changes import AvailabilityChange
from mentorgraph.models.notifications.email_templates import web_link
from mentorgraph.models.requests import lifecycle
from mentorgraph.models.requests.requests import DeclineReason, MentorshipRequest, RequestStatus
from mentorgraph.models.sweep import sweep
from tests.utils.client import GraphQLClient
from tests.utils.lifecycle import create, request_gid
from tests.utils.mail import inbox, text_of, worker_for
from tests.utils.smtp import SmtpServer

DAY = timedelta(days=1)


async def _sweep_days(n: int) -> list[int]:
    """A sweep a day for `n` days; the mentors set unavailable each day."""
    flagged = []
    for _ in range(n):
        clock.advance(DAY)
        flagged.append((await sweep()).ladder.set_unavailable)
    return flagged


async def test_a_silent_mentor_is_found_within_a_week_and_every_mentee_released(
    client: GraphQLClient, smtp: SmtpServer
) -> None:
    silent = await make_mentor(name="Silent Sam", email="sam@example.org", tags=["rust"])
    first = await make_user(name="Mia", email="mia@example.org", tags=["rust"])
    later = await make_user(name="Lou", email="lou@example.org")  # no tags of her own
    fits = [await make_mentor(name=f"Fit {n}", title="Engineer", tags=["rust"]) for n in range(2)]
    await make_mentor(name="Full Fiona", tags=["rust"], capacity=0)
    await make_mentor(name="Away Anna", tags=["rust"], available=False)
    worker = worker_for(smtp)

    mia_request = (await create(client, first, silent.id))["request"]
    clock.advance(3 * DAY)
    lou_request = (await create(client, later, silent.id))["request"]
    # Day 5: the first reminder; day 6: ignored a day, and the request unread six days.
    assert await _sweep_days(2) == [0, 0]
    assert (await User.get(id=silent.id)).available
    assert await _sweep_days(1) == [1]

    sam = await User.get(id=silent.id)
    assert not sam.available
    [change] = await AvailabilityChange.filter(mentor_id=silent.id)
    assert change.actor_id is None
    assert "have not viewed or answered any mentorship request for 6 days" in change.reason
    # Both waiting requests released at once, the system acting, Lou's after three days only.
    for gid in (mia_request["id"], lou_request["id"]):
        row = await MentorshipRequest.get(id=int(await _pk(gid)))
        assert (row.status, row.decline_reason) == (
            RequestStatus.DECLINED,
            DeclineReason.MENTOR_INACTIVE,
        )
        assert row.responded_at is None
    await worker.deliver_due()
    for address in ("mia@example.org", "lou@example.org"):
        told = inbox(smtp, address)[-1]
        body = text_of(told)
        assert "was closed because the mentor has not been answering requests" in body
        # Lou has no tags: the tags of the mentor she asked stand in for hers.
        for fit in fits:
            assert f"- {fit.name}, Engineer" in body
        for name in ("Full Fiona", "Away Anna", "Silent Sam,"):
            assert name not in body
    assert inbox(smtp, "sam@example.org")[-1]["Subject"] == "You are set unavailable on mentorgraph"
    # Nothing more: the mentor is unavailable, their requests settled.
    assert await _sweep_days(10) == [0] * 10
    assert (await User.get(id=silent.id)).response_score == 0


async def _pk(gid: str) -> int:
    from mentorgraph.resolvers.ids import decode_global_id

    return decode_global_id(gid)[1]


async def test_responsive_and_slow_mentors_are_never_flagged(db: None) -> None:
    prompt = await make_mentor(capacity=20)
    slow = await make_mentor(capacity=20)
    mentees = [await make_user() for _ in range(12)]
    for day in range(40):
        # A request to each every few days; the prompt mentor answers the next day, the slow one
        # only looks after its first reminder and answers after its second.
        if day % 3 == 0:
            for mentor in (prompt, slow):
                await make_request(mentee=mentees[(day // 3) % len(mentees)], mentor=mentor)
        for request in await MentorshipRequest.filter(status__in=[RequestStatus.NEW]):
            age = clock.now() - request.created_at
            if request.mentor_id == prompt.id and age >= DAY:
                await lifecycle.transition(request.id, RequestStatus.APPROVED, actor=prompt)
            if request.mentor_id == slow.id and age >= timedelta(days=5, hours=12):
                await lifecycle.transition(request.id, RequestStatus.VIEWED, actor=slow)
        for request in await MentorshipRequest.filter(
            mentor_id=slow.id, status=RequestStatus.VIEWED
        ):
            if clock.now() - request.created_at >= timedelta(days=10, hours=12):
                await lifecycle.transition(
                    request.id,
                    RequestStatus.DECLINED,
                    actor=slow,
                    decline_reason=DeclineReason.NO_CAPACITY,
                )
        await MentorshipRequest.filter(status=RequestStatus.APPROVED).update(
            status=RequestStatus.COMPLETED
        )
        assert (await sweep()).ladder.set_unavailable == 0
        clock.advance(DAY)
    assert (await User.get(id=prompt.id)).available
    assert (await User.get(id=slow.id)).available


async def test_withdrawn_unviewed_requests_count_as_silence(db: None) -> None:
    mentor = await make_mentor()
    for _ in range(2):
        request = await make_request(mentee=await make_user(), mentor=mentor)
        clock.advance(3 * DAY)
        await lifecycle.transition(
            request.id, RequestStatus.CANCELLED, actor=await User.get(id=request.mentee_id)
        )
    # Withdrawn after three days unread, twice: with a week without activity, that is silence,
    # although no request of theirs ever expired or waits now.
    assert await _sweep_days(1) == [1]
    assert not (await User.get(id=mentor.id)).available
    # A mentor whose withdrawn requests were read is not silent.
    reader = await make_mentor()
    for _ in range(2):
        request = await make_request(mentee=await make_user(), mentor=reader)
        await lifecycle.transition(request.id, RequestStatus.VIEWED, actor=reader)
        clock.advance(3 * DAY)
        await lifecycle.transition(
            request.id, RequestStatus.CANCELLED, actor=await User.get(id=request.mentee_id)
        )
    assert await _sweep_days(8) == [0] * 8


PAUSE = """
mutation($until: DateTime, $decline: Boolean! = false, $available: Boolean! = false) {
  setAvailability(input: {available: $available, unavailableUntil: $until,
                          declineWaitingRequests: $decline}) {
    user { available unavailableUntil }
    declinedRequests { id status declineReason }
    userErrors { code field message }
  }
}"""


async def test_time_paused_never_counts_and_the_mentor_comes_back(
    client: GraphQLClient, smtp: SmtpServer
) -> None:
    mentor = await make_mentor(email="away@example.org")
    mentees = [await make_user() for _ in range(3)]
    for mentee in mentees:
        await create(client, mentee, mentor.id)
    until = clock.now() + 20 * DAY
    response = await client.execute(PAUSE, {"until": until.isoformat()}, as_user=mentor)
    payload = response.data["setAvailability"]
    assert payload["userErrors"] == []
    assert payload["user"]["available"] is False
    assert payload["user"]["unavailableUntil"] == until.isoformat()
    assert payload["declinedRequests"] == []

    # Away: no reminders; the requests still expire on time (no mentee waits longer), and
    # none of it counts against the mentor.
    flagged = await _sweep_days(19)
    assert flagged == [0] * 19
    worker = worker_for(smtp)
    await worker.deliver_due()
    subjects = [m["Subject"] for m in inbox(smtp, "away@example.org")]
    assert not [s for s in subjects if "eminder" in s]
    assert await MentorshipRequest.filter(status=RequestStatus.EXPIRED).count() == 3

    # Day 20: the sweep ends the pause; the week after, nothing of the time away counts.
    clock.advance(DAY + timedelta(minutes=1))
    report = await sweep()
    assert (report.ladder.returned, report.ladder.set_unavailable) == (1, 0)
    back = await User.get(id=mentor.id)
    assert (back.available, back.unavailable_until) == (True, None)
    assert await _sweep_days(10) == [0] * 10
    assert (await User.get(id=mentor.id)).available


async def test_coming_back_by_hand_forgets_the_expiries_while_away(
    client: GraphQLClient,
) -> None:
    """The vacation trap: unavailable without declining, back after the requests expired."""
    mentor = await make_mentor()
    for _ in range(3):
        await create(client, await make_user(), mentor.id)
    response = await client.execute(PAUSE, {}, as_user=mentor)
    assert response.data["setAvailability"]["user"] == {
        "available": False,
        "unavailableUntil": None,
    }
    assert await _sweep_days(30) == [0] * 30
    assert await MentorshipRequest.filter(status=RequestStatus.EXPIRED).count() == 3
    response = await client.execute(PAUSE, {"available": True}, as_user=mentor)
    assert response.data["setAvailability"]["user"]["available"] is True
    assert await _sweep_days(20) == [0] * 20
    assert (await User.get(id=mentor.id)).available


async def test_a_pause_can_decline_the_waiting_requests_in_one_step(
    client: GraphQLClient, smtp: SmtpServer
) -> None:
    mentor = await make_mentor(name="Busy Bea", tags=["go"])
    other = await make_mentor(name="Other Olga", title="Gopher", tags=["go"])
    mentee = await make_user(email="tess@example.org", tags=["go"])
    created = await create(client, mentee, mentor.id)
    until = clock.now() + 7 * DAY
    response = await client.execute(
        PAUSE, {"until": until.isoformat(), "decline": True}, as_user=mentor
    )
    payload = response.data["setAvailability"]
    assert payload["declinedRequests"] == [
        {"id": created["request"]["id"], "status": "DECLINED", "declineReason": "NO_CAPACITY"}
    ]
    # The mentor's own answer: it counts as answered in their response rate.
    row = await MentorshipRequest.get(id=await _pk(created["request"]["id"]))
    assert row.responded_at is not None
    assert (await User.get(id=mentor.id)).response_score == 10_000
    await worker_for(smtp).deliver_due()
    body = text_of(inbox(smtp, "tess@example.org")[-1])
    assert "Busy Bea declined your mentorship request" in body
    assert f"- Other Olga, Gopher: {web_link(f'/mentors/{other.id}')}" in body


async def test_bad_pauses_are_refused_with_codes(client: GraphQLClient) -> None:
    mentor = await make_mentor()
    member = await make_user()
    now = clock.now()
    cases: list[tuple[User, dict[str, Any], str]] = [
        (mentor, {"until": (now - DAY).isoformat()}, "PAUSE_IN_PAST"),
        (mentor, {"until": (now + 366 * DAY).isoformat()}, "PAUSE_TOO_LONG"),
        (mentor, {"until": (now + DAY).isoformat(), "available": True}, "INVALID_INPUT"),
        (mentor, {"decline": True, "available": True}, "INVALID_INPUT"),
        (member, {"until": (now + DAY).isoformat()}, "FORBIDDEN"),
    ]
    for who, variables, code in cases:
        response = await client.execute(PAUSE, variables, as_user=who)
        payload = response.data["setAvailability"]
        assert [e["code"] for e in payload["userErrors"]] == [code], variables
        assert payload["user"] is None
    assert (await User.get(id=mentor.id)).available
    # A date without a zone is UTC; the longest pause is a setting's.
    response = await client.execute(
        PAUSE, {"until": (now + 365 * DAY).replace(tzinfo=None).isoformat()}, as_user=mentor
    )
    assert response.data["setAvailability"]["userErrors"] == []


CLOCK = """
query($id: ID!) {
  node(id: $id) {
    ... on MentorshipRequest {
      expiresAt remindersSent reminders { step sentAt sentBy { id } }
    }
  }
}"""
REMIND = """
mutation($id: ID!) { sendMentorReminder(input: {requestId: $id}) { userErrors { code } } }"""


async def test_each_request_shows_its_clock(client: GraphQLClient) -> None:
    mentor = await make_mentor()
    mentee = await make_user()
    admin = await make_user(admin=True)
    created = await create(client, mentee, mentor.id)
    gid = created["request"]["id"]
    started = clock.now()
    response = await client.execute(CLOCK, {"id": gid}, as_user=mentee)
    node = response.data["node"]
    assert node["remindersSent"] == 0 and node["reminders"] == []
    row = await MentorshipRequest.get(id=await _pk(gid))
    assert node["expiresAt"] == (row.created_at + timedelta(days=14)).isoformat()

    clock.advance(timedelta(days=5, minutes=1))
    await sweep()
    clock.advance(DAY + timedelta(hours=1))
    response = await client.execute(REMIND, {"id": gid}, as_user=admin)
    assert response.data["sendMentorReminder"]["userErrors"] == []
    for viewer, sender in ((mentee, None), (mentor, None), (admin, {"id": _gid(admin.id)})):
        response = await client.execute(CLOCK, {"id": gid}, as_user=viewer)
        node = response.data["node"]
        assert node["remindersSent"] == 2
        assert [r["step"] for r in node["reminders"]] == [1, None]
        assert [r["sentBy"] for r in node["reminders"]] == [None, sender]
        assert node["reminders"][0]["sentAt"] > started.isoformat()
    await lifecycle.transition(row.id, RequestStatus.VIEWED, actor=mentor)
    await lifecycle.transition(row.id, RequestStatus.APPROVED, actor=mentor)
    response = await client.execute(CLOCK, {"id": gid}, as_user=mentee)
    assert response.data["node"]["expiresAt"] is None
    assert request_gid(row.id) == gid


def _gid(user_id: int) -> str:
    from tests.utils.lifecycle import user_gid

    return user_gid(user_id)
