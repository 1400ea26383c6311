"""The ladder end to end: a request walks through both reminders and expiry on a moved clock,
every email reaches a real SMTP server, and the silent mentor ends up unavailable.

Here by the expiries alone (the silence signals turned off); `test_ladder_silence.py` has the
faster rule."""

from __future__ import annotations

from datetime import timedelta

from devkit.factories import make_mentor, make_user
from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User
from mentorgraph.models.directory.availability_changes import AvailabilityChange
from mentorgraph.models.requests.reminders import RequestReminder
from mentorgraph.models.requests.requests import MentorshipRequest, RequestStatus
from mentorgraph.models.sweep import sweep
from mentorgraph.resolvers.ids import decode_global_id
from tests.utils.admin import ADMIN_REQUESTS, AVAILABILITY_CHANGES, UNRESPONSIVE
from tests.utils.client import GraphQLClient
from tests.utils.lifecycle import create, request_gid, user_gid
from tests.utils.mail import inbox, text_of, worker_for
from tests.utils.rules import rules
from tests.utils.smtp import SmtpServer


def days(n: float) -> timedelta:
    return timedelta(days=n)


async def test_a_request_walks_the_whole_ladder(client: GraphQLClient, smtp: SmtpServer) -> None:
    with rules(silent_signals=1_000):
        await _walk_the_whole_ladder(client, smtp)


async def _walk_the_whole_ladder(client: GraphQLClient, smtp: SmtpServer) -> None:
    silent = await make_mentor(name="Silent Sam", email="sam@example.org", tags=["python"])
    mentee = await make_user(name="Mia Mentee", email="mia@example.org", tags=["python", "sql"])
    other_mentee = await make_user(name="Otto", email="otto@example.org", tags=["go"])
    # Candidates for the expiry email: three fit, the others do not (capacity, availability, tags).
    for n in range(3):
        await make_mentor(name=f"Fit {n}", title="Engineer", tags=["python", "sql"][: 2 - n % 2])
    await make_mentor(name="Full Fiona", tags=["python"], capacity=0)
    await make_mentor(name="Away Anna", tags=["python"], available=False)
    await make_mentor(name="Go Gopher", tags=["go"])
    admin = await make_user(admin=True)
    worker = worker_for(smtp)

    first = await create(client, mentee, silent.id)
    _, first_id = decode_global_id(first["request"]["id"])
    clock.advance(days(1))
    second = await create(client, other_mentee, silent.id)
    _, second_id = decode_global_id(second["request"]["id"])
    await worker.deliver_due()
    assert [m["Subject"] for m in inbox(smtp, "sam@example.org")] == [
        "Mia Mentee asks you for mentorship",
        "Otto asks you for mentorship",
    ]

    # Day 5 of the first request: its first reminder, once however often the sweep runs.
    clock.advance(days(4) + timedelta(minutes=1))
    assert (await sweep()).ladder.reminded == 1
    assert (await sweep()).ladder.reminded == 0
    await worker.deliver_due()
    reminder = inbox(smtp, "sam@example.org")[-1]
    assert reminder["Subject"] == "Reminder: Mia Mentee is waiting for your answer"
    assert "waiting for your answer for 5 days" in text_of(reminder)

    # Day 10: the second reminder of the first, the first of the second (day 9) is also due.
    clock.advance(days(5))
    assert (await sweep()).ladder.reminded == 2
    await worker.deliver_due()
    assert [m["Subject"] for m in inbox(smtp, "sam@example.org")[-2:]] == [
        "Second reminder: Mia Mentee is waiting for your answer",
        "Reminder: Otto is waiting for your answer",
    ]

    # The admin sees Sam waiting on both, reminded three times, never answering.
    response = await client.execute(UNRESPONSIVE, {"days": 5}, as_user=admin)
    [row] = response.data["unresponsiveMentors"]["nodes"]
    assert row["mentor"]["name"] == "Silent Sam"
    assert (row["waitingRequests"], row["remindersSent"]) == (2, 3)
    assert row["oldestRequestAgeDays"] == 10.0
    assert (row["lastRespondedAt"], row["responseRate"]) == (None, None)

    # Day 14: the first expires; the mentee hears of three other mentors, the mentor of the rule.
    clock.advance(days(4))
    report = await sweep()
    assert (report.ladder.expired, report.ladder.set_unavailable) == (1, 0)
    assert (await MentorshipRequest.get(id=first_id)).status is RequestStatus.EXPIRED
    await worker.deliver_due()
    [expired] = [m for m in inbox(smtp, "mia@example.org")]
    assert expired["Subject"] == "Your mentorship request expired"
    body = text_of(expired)
    assert "Silent Sam did not answer your request within 14 days" in body
    for name in ("Fit 0", "Fit 1", "Fit 2"):
        assert f"- {name}, Engineer" in body
    for name in ("Full Fiona", "Away Anna", "Go Gopher", "Silent Sam,"):
        assert name not in body
    # The same sweep found Otto's request (day 13) due for its second reminder.
    assert [m["Subject"] for m in inbox(smtp, "sam@example.org")[-2:]] == [
        "Mia Mentee's request expired unanswered",
        "Second reminder: Otto is waiting for your answer",
    ]
    assert (await User.get(id=silent.id)).available

    # Day 15: the second expires too: two within 60 days, so the system sets Sam unavailable.
    clock.advance(days(1))
    report = await sweep()
    assert (report.ladder.expired, report.ladder.set_unavailable) == (1, 1)
    assert (await MentorshipRequest.get(id=second_id)).status is RequestStatus.EXPIRED
    assert not (await User.get(id=silent.id)).available
    [change] = await AvailabilityChange.filter(mentor_id=silent.id)
    assert (change.available, change.actor_id) == (False, None)
    assert "2 requests to you expired unanswered" in change.reason
    await worker.deliver_due()
    told = inbox(smtp, "sam@example.org")[-1]
    assert told["Subject"] == "You are set unavailable on mentorgraph"
    assert "set yourself available on your profile" in text_of(told)
    assert "2 requests to you expired unanswered" in text_of(told)

    # The admin's view shows it: both requests expired, and why Sam is unavailable.
    response = await client.execute(
        ADMIN_REQUESTS, {"filter": {"mentorId": user_gid(silent.id)}}, as_user=admin
    )
    assert [(n["id"], n["status"]) for n in response.data["adminRequests"]["nodes"]] == [
        (request_gid(first_id), "EXPIRED"),
        (request_gid(second_id), "EXPIRED"),
    ]
    response = await client.execute(AVAILABILITY_CHANGES, {}, as_user=admin)
    [record] = response.data["availabilityChanges"]["nodes"]
    assert (record["mentor"]["id"], record["available"], record["actor"]) == (
        user_gid(silent.id),
        False,
        None,
    )
    response = await client.execute(UNRESPONSIVE, {"days": 0}, as_user=admin)
    assert response.data["unresponsiveMentors"]["nodes"] == []
    assert (await User.get(id=silent.id)).response_score == 0

    # Nothing more happens, whatever else runs; each step of the ladder exists once.
    assert (await sweep()).ladder == type(report.ladder)()
    assert await RequestReminder.filter(request_id=first_id).count() == 2
    assert await RequestReminder.filter(request_id=second_id).count() == 2
    assert len({m["Message-ID"] for m in smtp.messages}) == len(smtp.messages)
