"""What admins do about members: warn, suspend until a time, ban, lift either. The caller has
checked that the actor is an admin.

A suspension or a ban is one transaction (the member's row first, then their requests'): the
member's standing, their availability (a mentor is set unavailable, so every listing built on
availability drops them: spotlight, recommendations, suggestions; the directory also filters
on standing, `models/safety/standing.py`), their open requests closed (those asking them declined by
the system with MENTOR_INACTIVE, their own withdrawn by the admin), the report acted on, the
audit entry and the email to the member. After commit their sessions end, so every access token
and open socket of theirs is refused (`models/accounts/sessions.py`,
`mentorgraph/socket_limits.py`); tokens without a session are refused by the standing check on every
request.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from mentorgraph.models import clock
from mentorgraph.models.accounts import sessions
from mentorgraph.models.accounts.users import User
from mentorgraph.models.admin import audit
from mentorgraph.models.directory.availability_changes import AvailabilityChange
from mentorgraph.models.directory.response_scores import refresh_scores
from mentorgraph.models.errors import ErrorCode, RuleViolation
from mentorgraph.models.notifications.email_templates import compose
from mentorgraph.models.notifications.outbox import enqueue_email
from mentorgraph.models.requests import lifecycle
from mentorgraph.models.requests.events import committed
from mentorgraph.models.requests.request_guards import lock_user
from mentorgraph.models.requests.requests import DeclineReason, MentorshipRequest, RequestEvent
from mentorgraph.models.safety.reports import resolve
from mentorgraph.models.safety.safety_records import AuditAction, ReportStatus
from mentorgraph.models.safety.standing import MemberStatus, status_of

__all__ = ["MAX_REASON", "MAX_SUSPENSION_DAYS", "ban", "lift", "suspend", "warn"]

MIN_REASON = 3
MAX_REASON = 2000
MAX_SUSPENSION_DAYS = 365
_DECLINE_NOTE = "The mentor cannot take new mentees for now."
_WITHDRAW_NOTE = "This request was withdrawn."


def clean_reason(reason: str) -> str:
    text = reason.strip()
    if not MIN_REASON <= len(text) <= MAX_REASON:
        raise RuleViolation(
            ErrorCode.INVALID_INPUT,
            f"Give a reason of {MIN_REASON} to {MAX_REASON} characters.",
            ["reason"],
        )
    return text


async def _member(admin: User, user_id: int) -> User:
    if user_id == admin.id:
        raise RuleViolation(ErrorCode.INVALID_INPUT, "Not about yourself.", ["userId"])
    member = await User.get_or_none(id=user_id)
    if member is None:
        raise RuleViolation(ErrorCode.NOT_FOUND, "No such member.", ["userId"])
    if member.is_admin:
        raise RuleViolation(
            ErrorCode.FORBIDDEN, "Admins are not moderated here; remove the role first.", ["userId"]
        )
    return member


async def _tell(conn: BaseDBAsyncClient, member: User, action: str, **more: object) -> None:
    email = compose("moderation_notice", member, {"action": action, **more})
    await enqueue_email(email, connection=conn)


async def warn(admin: User, user_id: int, reason: str, report_id: int | None) -> User:
    """A warning, emailed to the member with the reason; nothing else changes."""
    text = clean_reason(reason)
    member = await _member(admin, user_id)
    async with in_transaction() as conn:
        if report_id is not None:
            await resolve(
                conn, admin, report_id, ReportStatus.ACTIONED, text, target_user_id=user_id
            )
        await audit.record(
            conn,
            admin,
            AuditAction.WARN_MEMBER,
            reason=text,
            target_user_id=user_id,
            target_report_id=report_id,
        )
        await _tell(conn, member, "warned", reason=text)
    return member


def _check_until(until: datetime, now: datetime) -> datetime:
    until = until if until.tzinfo is not None else until.replace(tzinfo=UTC)
    if not now < until <= now + timedelta(days=MAX_SUSPENSION_DAYS):
        raise RuleViolation(
            ErrorCode.INVALID_INPUT,
            f"A suspension ends in the future, within {MAX_SUSPENSION_DAYS} days (or ban).",
            ["until"],
        )
    return until


async def suspend(
    admin: User, user_id: int, until: datetime, reason: str, report_id: int | None
) -> tuple[User, list[MentorshipRequest]]:
    """Suspended until `until` (then active again by itself); a later `until` replaces an
    earlier one. Returns the member and the requests closed."""
    text = clean_reason(reason)
    end = _check_until(until, clock.now())
    member = await _member(admin, user_id)
    if status_of(member) is MemberStatus.BANNED:
        raise RuleViolation(ErrorCode.ACCOUNT_BANNED, "This member is banned.", ["userId"])
    return await _restrict(
        admin, member, {"suspended_until": end}, AuditAction.SUSPEND_MEMBER, text, report_id
    )


async def ban(
    admin: User, user_id: int, reason: str, report_id: int | None
) -> tuple[User, list[MentorshipRequest]]:
    """Banned until an admin lifts it. Returns the member and the requests closed."""
    text = clean_reason(reason)
    member = await _member(admin, user_id)
    changes: dict[str, object] = {"banned_at": clock.now(), "suspended_until": None}
    return await _restrict(admin, member, changes, AuditAction.BAN_MEMBER, text, report_id)


async def _restrict(
    admin: User,
    member: User,
    changes: dict[str, object],
    action: AuditAction,
    reason: str,
    report_id: int | None,
) -> tuple[User, list[MentorshipRequest]]:
    now = clock.now()
    closed: list[MentorshipRequest] = []
    events: list[RequestEvent] = []
    async with in_transaction() as conn:
        locked = await lock_user(conn, member.id)
        if locked is None:
            raise RuleViolation(ErrorCode.NOT_FOUND, "No such member.", ["userId"])
        if locked.is_mentor and locked.available:
            changes |= {"available": False, "unavailable_until": None}
            changes |= {"availability_changed_at": now}
            await AvailabilityChange.create(
                mentor_id=member.id,
                available=False,
                actor_id=admin.id,
                reason=f"{action.value}: {reason}",
                occurred_at=now,
                using_db=conn,
            )
        await User.filter(id=member.id).using_db(conn).update(**changes, updated_at=now)
        declined, declined_events = await lifecycle.decline_open_requests(
            conn, member.id, reason=DeclineReason.MENTOR_INACTIVE, note=_DECLINE_NOTE
        )
        withdrawn, withdrawn_events = await lifecycle.withdraw_open_requests(
            conn, member.id, actor=admin, note=_WITHDRAW_NOTE
        )
        closed, events = declined + withdrawn, declined_events + withdrawn_events
        if report_id is not None:
            await resolve(
                conn, admin, report_id, ReportStatus.ACTIONED, reason, target_user_id=member.id
            )
        await audit.record(
            conn, admin, action, reason=reason, target_user_id=member.id, target_report_id=report_id
        )
        await member.refresh_from_db(using_db=conn)
        await _tell(
            conn,
            member,
            "banned" if action is AuditAction.BAN_MEMBER else "suspended",
            reason=reason,
            until=member.suspended_until,
        )
    committed(events)
    if declined:
        await refresh_scores([member.id])
    ended = (
        sessions.EndReason.BANNED
        if action is AuditAction.BAN_MEMBER
        else sessions.EndReason.SUSPENDED
    )
    await sessions.end_all(member.id, ended)
    return member, closed


async def lift(admin: User, user_id: int, reason: str) -> User:
    """Lift a suspension or a ban (unsuspendMember); NOT_FOUND when the member has neither.
    A mentor stays unavailable until they set themselves available again."""
    text = clean_reason(reason)
    member = await _member(admin, user_id)
    async with in_transaction() as conn:
        lifted = await User.filter(id=user_id).filter(banned_at__isnull=False).using_db(
            conn
        ).update(banned_at=None, suspended_until=None, updated_at=clock.now()) or await User.filter(
            id=user_id, suspended_until__gt=clock.now()
        ).using_db(conn).update(suspended_until=None, updated_at=clock.now())
        if not lifted:
            raise RuleViolation(
                ErrorCode.NOT_FOUND, "This member is neither suspended nor banned.", ["userId"]
            )
        await audit.record(
            conn, admin, AuditAction.UNSUSPEND_MEMBER, reason=text, target_user_id=user_id
        )
        await _tell(conn, member, "reinstated", reason=text)
    await member.refresh_from_db()
    return member
