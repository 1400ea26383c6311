"""A member's standing: active, suspended (until a time, then active again by itself) or banned.

The one rule every path asks: signing in, refreshing a session, every request's token
(`mentorgraph/security.py`), the open sockets' account check, and the directory. A suspension
needs no job to end: it is a time compared with the clock; the sweep only clears past dates
(`clear_ended_suspensions`), so the directory's filter (`models/listing.listed_q`) needs no
clock.

Hook for the statuses other work adds (an unverified email, a deleted account): add a
`MemberStatus` value, its test in `status_of`, its filter in `status_q`, and whether it may
sign in in `refusal`; `members(status:)` and the audit follow.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from tortoise.expressions import Q

from models import clock
from models.errors import ErrorCode, RuleViolation
from models.users import User

__all__ = [
    "MemberStatus",
    "clear_ended_suspensions",
    "good_standing_q",
    "good_standing_sql",
    "in_good_standing",
    "refusal",
    "status_of",
    "status_q",
    "status_sql",
]


class MemberStatus(StrEnum):
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    BANNED = "BANNED"


def status_of(user: User, now: datetime | None = None) -> MemberStatus:
    if user.banned_at is not None:
        return MemberStatus.BANNED
    if user.suspended_until is not None and user.suspended_until > (now or clock.now()):
        return MemberStatus.SUSPENDED
    return MemberStatus.ACTIVE


def in_good_standing(user: User, now: datetime | None = None) -> bool:
    return status_of(user, now) is MemberStatus.ACTIVE


def status_q(status: MemberStatus, now: datetime) -> Q:
    """The users in `status` at `now`, as a filter (`status_of`, the same rule)."""
    if status == MemberStatus.BANNED:
        return Q(banned_at__isnull=False)
    suspended = Q(banned_at__isnull=True, suspended_until__gt=now)
    if status == MemberStatus.SUSPENDED:
        return suspended
    return Q(banned_at__isnull=True) & (
        Q(suspended_until__isnull=True) | Q(suspended_until__lte=now)
    )


def status_sql(u: str, now_sql: str) -> str:
    """`status_of` over the `users` row `u` at `now_sql` (the fast read path)."""
    return (
        f"(CASE WHEN {u}.banned_at IS NOT NULL THEN '{MemberStatus.BANNED.value}'"
        f" WHEN {u}.suspended_until > {now_sql} THEN '{MemberStatus.SUSPENDED.value}'"
        f" ELSE '{MemberStatus.ACTIVE.value}' END)"
    )


def good_standing_sql(u: str, now_sql: str) -> str:
    """`in_good_standing` over the `users` row `u` (the fast path's viewer check)."""
    return (
        f"({u}.banned_at IS NULL AND ({u}.suspended_until IS NULL"
        f" OR {u}.suspended_until <= {now_sql}))"
    )


def good_standing_q(now: datetime) -> Q:
    return status_q(MemberStatus.ACTIVE, now)


def refusal(user: User, field: str = "email") -> RuleViolation | None:
    """Why `user` may not sign in or keep a session; None when they may."""
    status = status_of(user)
    if status == MemberStatus.BANNED:
        return RuleViolation(
            ErrorCode.ACCOUNT_BANNED, "This account is banned from the community.", [field]
        )
    if status == MemberStatus.SUSPENDED:
        assert user.suspended_until is not None
        return RuleViolation(
            ErrorCode.ACCOUNT_SUSPENDED,
            f"This account is suspended until {user.suspended_until:%Y-%m-%d %H:%M} UTC.",
            [field],
        )
    return None


async def clear_ended_suspensions(now: datetime) -> int:
    """The sweep: suspensions whose end has passed are forgotten (the member is listed again)."""
    return int(
        await User.filter(suspended_until__lte=now).update(suspended_until=None, updated_at=now)
    )
