"""The ladder for unanswered requests: the end of pauses, expiry, reminders, and setting silent
mentors unavailable (the rule in `models/requests/silent_mentors.py`), releasing their waiting
requests.

Time a mentor is away never counts against them: no reminders go to an unavailable (or paused)
mentor, and the silent-mentor rule counts only what happened since they came back. Requests to
an away mentor still expire on time: no mentee waits longer for a mentor who is not there.

Each step is safe to run concurrently with itself (the sweep's advisory lock is an economy, not
the guarantee): a reminder is one row of `request_reminders`, whose unique (request, number)
index refuses a second; expiry goes through `transition`, which re-checks the status under the
row lock; setting a mentor unavailable is a conditional change of their locked row, re-judged
under that lock, with the release of their waiting requests in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Subquery
from tortoise.transactions import in_transaction

from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User
from mentorgraph.models.directory.mentor_availability import change_availability, end_pauses
from mentorgraph.models.directory.response_scores import refresh_scores
from mentorgraph.models.errors import RuleViolation
from mentorgraph.models.limits import limits
from mentorgraph.models.notifications.inbox import deliver
from mentorgraph.models.notifications.request_notifications import reminder_notice
from mentorgraph.models.requests import lifecycle
from mentorgraph.models.requests.events import committed
from mentorgraph.models.requests.reminders import RequestReminder
from mentorgraph.models.requests.request_guards import OPEN_STATUSES, lock_request, lock_user
from mentorgraph.models.requests.requests import DeclineReason, MentorshipRequest, RequestStatus
from mentorgraph.models.requests.silent_mentors import silence_of, silences, silent_candidates

__all__ = [
    "RELEASE_NOTE",
    "LadderReport",
    "expire_overdue",
    "expires_at",
    "release_silent_mentor",
    "remind_waiting",
    "run_ladder",
    "send_reminder",
    "set_silent_mentors_unavailable",
]


RELEASE_NOTE = "The mentor has not been answering requests and was set unavailable."


@dataclass
class LadderReport:
    reminded: int = 0
    expired: int = 0
    set_unavailable: int = 0
    # Waiting requests of mentors set unavailable, declined at once (MENTOR_INACTIVE).
    released: int = 0
    # Mentors whose pause ended.
    returned: int = 0


def expires_at(request: MentorshipRequest) -> datetime | None:
    """When the open request expires unanswered (the sweep expires it within its minute after);
    None once it is settled."""
    if request.status not in OPEN_STATUSES:
        return None
    return request.created_at + timedelta(days=limits().expire_after_days)


def _days_ago(days: float) -> datetime:
    return clock.now() - timedelta(days=days)


async def run_ladder() -> LadderReport:
    """One pass of every step: pauses end first (a mentor back today is neither reminded as
    away nor judged on their time away), then expiry (an overdue request needs no more
    reminders), reminders, and the silent-mentor rule."""
    report = LadderReport()
    report.returned = await end_pauses()
    report.expired = await expire_overdue()
    report.reminded = await remind_waiting()
    report.set_unavailable, report.released = await set_silent_mentors_unavailable()
    return report


async def expire_overdue() -> int:
    """Open requests older than the expiry setting become EXPIRED, the system acting."""
    days = limits().expire_after_days
    overdue = await MentorshipRequest.filter(
        status__in=OPEN_STATUSES, created_at__lte=_days_ago(days)
    ).values_list("id", flat=True)
    expired = 0
    for request_id in cast("list[int]", overdue):
        try:
            await lifecycle.transition(
                request_id,
                RequestStatus.EXPIRED,
                actor=None,
                note=f"No answer within {days:g} days.",
            )
        except RuleViolation:
            continue  # answered or withdrawn since the list was read
        expired += 1
    return expired


async def remind_waiting() -> int:
    """The due reminder of every open request that has not had it (or a later one) yet,
    unless its mentor is unavailable (away: their time away does not count against them).

    The later step goes first: a request the sweep first sees past the second reminder's day
    gets only the second, never both at once.
    """
    rule = limits()
    sent = 0
    for number, days in ((2, rule.second_reminder_days), (1, rule.first_reminder_days)):
        already = RequestReminder.filter(number__gte=number).values("request_id")
        due = (
            await MentorshipRequest.filter(
                status__in=OPEN_STATUSES, created_at__lte=_days_ago(days), mentor__available=True
            )
            .exclude(id__in=Subquery(already))
            .order_by("id")
            .values_list("id", flat=True)
        )
        for request_id in cast("list[int]", due):
            sent += await send_reminder(request_id, number=number) is not None
    return sent


async def send_reminder(
    request_id: int,
    *,
    number: int | None,
    admin: User | None = None,
    refuse_if_since: Callable[[datetime], RuleViolation | None] | None = None,
) -> RequestReminder | None:
    """Record and queue one reminder of a still-open request; None if it is no longer open or
    this step was already taken (the unique index decided).

    `refuse_if_since`, given the time of the request's latest reminder, may refuse this one;
    it is asked under the request's row lock, so concurrent callers see each other.
    """
    try:
        async with in_transaction() as conn:
            request = await lock_request(conn, request_id)
            if request is None or request.status not in OPEN_STATUSES:
                return None
            if refuse_if_since is not None:
                latest = (
                    await RequestReminder.filter(request_id=request_id)
                    .using_db(conn)
                    .order_by("-sent_at")
                    .first()
                )
                refusal = refuse_if_since(latest.sent_at) if latest is not None else None
                if refusal is not None:
                    raise refusal
            now = clock.now()
            reminder = await RequestReminder.create(
                request_id=request_id,
                number=number,
                sent_by_id=admin.id if admin is not None else None,
                sent_at=now,
                using_db=conn,
            )
            people = {
                u.id: u
                for u in await User.filter(id__in=[request.mentor_id, request.mentee_id]).using_db(
                    conn
                )
            }
            notice = reminder_notice(
                request,
                people[request.mentor_id],
                people[request.mentee_id],
                number=number,
                age_days=(now - request.created_at).days,
                admin_id=admin.id if admin is not None else None,
            )
            await deliver(conn, [notice])
    except IntegrityError:
        return None  # another sweep sent this step of the ladder first
    committed([])  # its notification: ring this process's bus
    return reminder


async def set_silent_mentors_unavailable() -> tuple[int, int]:
    """Silent mentors (`models/requests/silent_mentors.py`) are set unavailable and their waiting
    requests released. Returns (mentors set unavailable, requests released)."""
    now = clock.now()
    conn = connections.get("default")
    changed = released = 0
    # Judged first all at once without a lock (most candidates are merely slow): no write per
    # minute for them; `release_silent_mentor` judges each again under the lock.
    for mentor_id in sorted(await silences(conn, await silent_candidates(conn, now), now)):
        count = await release_silent_mentor(mentor_id)
        if count is not None:
            changed += 1
            released += count
    return changed, released


async def release_silent_mentor(mentor_id: int) -> int | None:
    """If the rule holds for this mentor under their row lock, set them unavailable and decline
    every waiting request of theirs (MENTOR_INACTIVE, the system acting; each mentee is told,
    with other mentors to ask), all in one transaction. The row lock orders this with the
    mentor's approvals (which lock it too): a request approved first is not released, one
    released first cannot be approved. Returns the requests released, or None when the mentor
    was not set unavailable."""
    async with in_transaction() as conn:
        mentor = await lock_user(conn, mentor_id)
        if mentor is None:
            return None
        silence = await silence_of(conn, mentor, clock.now())
        if silence is None:
            return None
        if (
            await change_availability(
                mentor_id, available=False, actor=None, reason=silence.reason, connection=conn
            )
            is None
        ):
            return None
        declined, events = await lifecycle.decline_open_requests(
            conn, mentor_id, reason=DeclineReason.MENTOR_INACTIVE, note=RELEASE_NOTE
        )
    committed(events)
    if declined:
        await refresh_scores([mentor_id])
    return len(declined)
