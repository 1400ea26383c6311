"""The ladder for unanswered requests: reminders, expiry, and setting silent mentors unavailable.

Each step is safe to run concurrently with itself (the sweep's advisory lock is an economy, not
the guarantee): a reminder is one row of `request_reminders`, whose unique (request, number)
index refuses a second; expiry goes through `transition`, which re-checks the status under the
row lock; setting a mentor unavailable is a conditional change of their locked row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Subquery
from tortoise.transactions import in_transaction

from models import clock, lifecycle
from models.availability_changes import AvailabilityChange
from models.errors import RuleViolation
from models.limits import limits
from models.mentor_availability import change_availability
from models.outbox import enqueue_email
from models.reminders import RequestReminder
from models.request_guards import OPEN_STATUSES, lock_request
from models.request_notifications import reminder_email
from models.requests import MentorshipRequest, RequestEvent, RequestStatus
from models.users import User

__all__ = [
    "LadderReport",
    "expire_overdue",
    "remind_waiting",
    "run_ladder",
    "send_reminder",
    "set_silent_mentors_unavailable",
]


@dataclass
class LadderReport:
    reminded: int = 0
    expired: int = 0
    set_unavailable: int = 0


def _days_ago(days: float) -> datetime:
    return clock.now() - timedelta(days=days)


async def run_ladder() -> LadderReport:
    """One pass of every step, expiry first (an overdue request needs no more reminders)."""
    report = LadderReport()
    report.expired = await expire_overdue()
    report.reminded = await remind_waiting()
    report.set_unavailable = await set_silent_mentors_unavailable()
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
    """The due reminder of every open request that has not had it (or a later one) yet.

    The later step goes first: a request the sweep first sees past the second reminder's day
    gets only the second, never both at once.
    """
    rule = limits()
    sent = 0
    for number, days in ((2, rule.second_reminder_days), (1, rule.first_reminder_days)):
        already = RequestReminder.filter(number__gte=number).values("request_id")
        due = (
            await MentorshipRequest.filter(
                status__in=OPEN_STATUSES, created_at__lte=_days_ago(days)
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
            email = reminder_email(
                request,
                people[request.mentor_id],
                people[request.mentee_id],
                number=number,
                age_days=(now - request.created_at).days,
            )
            await enqueue_email(email, connection=conn)
    except IntegrityError:
        return None  # another sweep sent this step of the ladder first
    return reminder


async def set_silent_mentors_unavailable() -> int:
    """Available mentors with too many expiries in the window are set unavailable.

    Expiries count only since the mentor's last recorded availability change, so a mentor who
    comes back is not set unavailable again for the expiries that sent them away.
    """
    rule = limits()
    since = _days_ago(rule.inactive_window_days)
    expired_request_ids = RequestEvent.filter(
        to_status=RequestStatus.EXPIRED, occurred_at__gte=since
    ).values("request_id")
    suspects = await (
        MentorshipRequest.filter(id__in=Subquery(expired_request_ids))
        .filter(mentor__available=True, mentor__is_mentor=True)
        .distinct()
        .values_list("mentor_id", flat=True)
    )
    changed = 0
    for mentor_id in sorted(set(cast("list[int]", suspects))):
        last_change = await AvailabilityChange.filter(mentor_id=mentor_id).order_by("-id").first()
        start = max(since, last_change.occurred_at) if last_change else since
        count = await RequestEvent.filter(
            to_status=RequestStatus.EXPIRED,
            occurred_at__gt=start,
            request__mentor_id=mentor_id,
        ).count()
        if count < rule.inactive_expiries:
            continue
        reason = (
            f"{count} requests to you expired unanswered within the last"
            f" {rule.inactive_window_days:g} days (the limit is {rule.inactive_expiries})."
        )
        if await change_availability(mentor_id, available=False, actor=None, reason=reason):
            changed += 1
    return changed
