"""Reports: a member reports another member, or a request they are a side of, with a category
and their words; admins work through the queue (`models/safety/moderation.py` acts on them).

Bounded and throttled: the reason is at most `MAX_REASON` characters; a member files at most
`REPORTS_PER_HOUR` reports an hour (counted in the database, `models/throttle.py`, so it holds
across processes); one OPEN report per reporter and target (the partial unique index
`uniq_open_report_per_target` decides, whatever races).
"""

from __future__ import annotations

import math

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from mentorgraph.models import clock, throttle
from mentorgraph.models.accounts import validation
from mentorgraph.models.accounts.users import User
from mentorgraph.models.admin import audit
from mentorgraph.models.errors import ErrorCode, RuleViolation
from mentorgraph.models.requests.lifecycle import party_request
from mentorgraph.models.safety.safety_records import (
    AuditAction,
    MemberReport,
    ReportCategory,
    ReportStatus,
)
from mentorgraph.models.throttle import Rule

__all__ = [
    "MAX_REASON",
    "MIN_REASON",
    "REPORTS_PER_HOUR",
    "dismiss",
    "queue",
    "report_member",
    "report_request",
    "resolve",
]

MIN_REASON = 10
MAX_REASON = 2000
REPORTS_PER_HOUR = 10
_HOUR = 3600.0
_RULE = Rule(free=REPORTS_PER_HOUR, base_seconds=_HOUR, max_seconds=_HOUR, forget_seconds=_HOUR)


def _reason(text: str) -> str:
    return validation.clean_text(
        text, "reason", label="Reason", min_length=MIN_REASON, max_length=MAX_REASON
    )


async def _reserve(reporter: User) -> None:
    """Count the report before it is written; TOO_SOON (with the wait) past the ceiling."""
    key = throttle.key("report", str(reporter.id))
    now = clock.now()
    if await throttle.retry_after([key], now) > 0 or not await throttle.count(key, _RULE, now):
        wait = max(1, math.ceil(await throttle.retry_after([key], clock.now())))
        raise RuleViolation(
            ErrorCode.TOO_SOON,
            f"You have sent {REPORTS_PER_HOUR} reports this hour; try again in {wait} seconds.",
            ["reason"],
            retry_after_seconds=wait,
        )


async def _file(
    reporter: User,
    target_user_id: int,
    target_key: str,
    category: ReportCategory,
    reason: str,
    target_request_id: int | None = None,
) -> MemberReport:
    if await MemberReport.exists(
        reporter_id=reporter.id, target_key=target_key, status=ReportStatus.OPEN
    ):
        raise _duplicate()
    await _reserve(reporter)
    try:
        return await MemberReport.create(
            reporter_id=reporter.id,
            target_user_id=target_user_id,
            target_request_id=target_request_id,
            target_key=target_key,
            category=category,
            reason=reason,
            status=ReportStatus.OPEN,
            created_at=clock.now(),
        )
    except IntegrityError:  # a concurrent report of the same target committed first
        raise _duplicate() from None


def _duplicate() -> RuleViolation:
    return RuleViolation(
        ErrorCode.DUPLICATE_REPORT,
        "You already reported this; an admin will look at it.",
        ["reason"],
    )


async def report_member(
    reporter: User, user_id: int, category: ReportCategory, reason: str
) -> MemberReport:
    text = _reason(reason)
    if user_id == reporter.id:
        raise RuleViolation(ErrorCode.INVALID_INPUT, "You cannot report yourself.", ["userId"])
    if not await User.exists(id=user_id):
        raise RuleViolation(ErrorCode.NOT_FOUND, "No such member.", ["userId"])
    return await _file(reporter, user_id, f"user:{user_id}", category, text)


async def report_request(
    reporter: User, request_id: int, category: ReportCategory, reason: str
) -> MemberReport:
    """A request the reporter is a side of; the report is about its other side."""
    text = _reason(reason)
    request = await party_request(
        reporter, request_id, "Only the mentor and the mentee of a request may report it."
    )
    other = request.mentee_id if reporter.id == request.mentor_id else request.mentor_id
    return await _file(reporter, other, f"request:{request_id}", category, text, request_id)


def queue(status: ReportStatus | None) -> QuerySet[MemberReport]:
    """The admin queue (unordered; the caller pages oldest first), by the (status, id) index."""
    return MemberReport.all() if status is None else MemberReport.filter(status=status)


async def resolve(
    conn: BaseDBAsyncClient,
    admin: User,
    report_id: int,
    status: ReportStatus,
    note: str | None,
    *,
    target_user_id: int | None = None,
) -> MemberReport:
    """Close an OPEN report in the caller's transaction (a conditional update: of two admins
    acting at once, one closes it); NOT_FOUND when absent, about someone else, or closed."""
    now = clock.now()
    found = MemberReport.filter(id=report_id, status=ReportStatus.OPEN)
    if target_user_id is not None:
        found = found.filter(target_user_id=target_user_id)
    closed = await found.using_db(conn).update(
        status=status, resolved_at=now, resolved_by_id=admin.id, resolution_note=note
    )
    if not closed:
        raise RuleViolation(
            ErrorCode.NOT_FOUND, "No such open report (about this member).", ["reportId"]
        )
    return await MemberReport.get(id=report_id, using_db=conn)


async def dismiss(admin: User, report_id: int, note: str | None) -> MemberReport:
    async with in_transaction() as conn:
        report = await resolve(conn, admin, report_id, ReportStatus.DISMISSED, note)
        await audit.record(
            conn,
            admin,
            AuditAction.DISMISS_REPORT,
            reason=note,
            target_user_id=report.target_user_id,
            target_request_id=report.target_request_id,
            target_report_id=report.id,
        )
    return report
