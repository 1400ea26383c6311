"""A member's standing: active, suspended (until a time, then active again by itself) or banned.

The one rule every path asks: signing in, refreshing a session, every request's token
(`mentorgraph/security.py`), the open sockets' account check, and the directory. A suspension
needs no job to end: it is a time compared with the clock; the sweep only clears past dates
(`clear_ended_suspensions`), so the directory's filter (`models/directory/listing.listed_q`)
needs no clock.

Admins see more than the standing (`MemberStatus`): an unconfirmed address, a deletion in its
grace period, an anonymised account. Those may sign in (or, anonymised, have nothing to sign in
with): only BANNED and SUSPENDED are refusals. A new status: a value, its test in `status_of`,
its filter in `status_q`, its branch in `status_sql`, and whether it may sign in in `refusal`.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from tortoise.expressions import Q

from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User
from mentorgraph.models.errors import ErrorCode, RuleViolation

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
    "token_refusal",
]


class MemberStatus(StrEnum):
    """What admins see and filter by (`members(status:)`, `User.status`): one value per member,
    the first that holds in this order (a ban outranks all; an anonymised account is DELETED
    unless a ban or suspension still stands on it)."""

    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    BANNED = "BANNED"
    # Signed up, address not confirmed yet (`models/accounts/email_verification.py`).
    UNVERIFIED = "UNVERIFIED"
    # `deleteAccount` asked: the grace period runs (`models/accounts/account_deletion.py`).
    DELETION_PENDING = "DELETION_PENDING"
    # Anonymised by the sweep: "Deleted member", nothing personal left.
    DELETED = "DELETED"


def status_of(user: User, now: datetime | None = None) -> MemberStatus:
    if user.banned_at is not None:
        return MemberStatus.BANNED
    if user.suspended_until is not None and user.suspended_until > (now or clock.now()):
        return MemberStatus.SUSPENDED
    if user.deleted_at is not None:
        return MemberStatus.DELETED
    if user.deletion_due_at is not None:
        return MemberStatus.DELETION_PENDING
    if not user.email_verified:
        return MemberStatus.UNVERIFIED
    return MemberStatus.ACTIVE


def in_good_standing(user: User, now: datetime | None = None) -> bool:
    """Neither banned nor suspended: may sign in and keep a session (an unverified member and
    one in their grace period may; an anonymised account has no password and its tokens are
    refused by `mentorgraph/security.py`)."""
    return status_of(user, now) not in (MemberStatus.BANNED, MemberStatus.SUSPENDED)


def status_q(status: MemberStatus, now: datetime) -> Q:
    """The users in `status` at `now`, as a filter (`status_of`, the same rule)."""
    if status == MemberStatus.BANNED:
        return Q(banned_at__isnull=False)
    suspended = Q(banned_at__isnull=True, suspended_until__gt=now)
    if status == MemberStatus.SUSPENDED:
        return suspended
    # Neither banned nor suspended now: the rest of the order.
    standing = Q(banned_at__isnull=True) & (
        Q(suspended_until__isnull=True) | Q(suspended_until__lte=now)
    )
    if status == MemberStatus.DELETED:
        return standing & Q(deleted_at__isnull=False)
    live = standing & Q(deleted_at__isnull=True)
    if status == MemberStatus.DELETION_PENDING:
        return live & Q(deletion_due_at__isnull=False)
    undeleted = live & Q(deletion_due_at__isnull=True)
    if status == MemberStatus.UNVERIFIED:
        return undeleted & Q(email_verified=False)
    return undeleted & Q(email_verified=True)


def status_sql(u: str, now_sql: str) -> str:
    """`status_of` over the `users` row `u` at `now_sql` (the fast read path)."""
    s = MemberStatus
    return (
        f"(CASE WHEN {u}.banned_at IS NOT NULL THEN '{s.BANNED.value}'"
        f" WHEN {u}.suspended_until > {now_sql} THEN '{s.SUSPENDED.value}'"
        f" WHEN {u}.deleted_at IS NOT NULL THEN '{s.DELETED.value}'"
        f" WHEN {u}.deletion_due_at IS NOT NULL THEN '{s.DELETION_PENDING.value}'"
        f" WHEN NOT {u}.email_verified THEN '{s.UNVERIFIED.value}'"
        f" ELSE '{s.ACTIVE.value}' END)"
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


def token_refusal(user: User) -> str | None:
    """Why no token may be issued for `user` (`mentorgraph token`): what every request would
    refuse it for (`mentorgraph/security.py`). None when one may."""
    if user.deleted_at is not None:
        return "the account was deleted (anonymised)."
    refused = refusal(user)
    return None if refused is None else refused.message


async def clear_ended_suspensions(now: datetime) -> int:
    """The sweep: suspensions whose end has passed are forgotten (the member is listed again)."""
    return int(
        await User.filter(suspended_until__lte=now).update(suspended_until=None, updated_at=now)
    )
