"""Blocking a member: they can no longer ask you for mentorship, see your contact, or write in
a thread with you, and the open requests between you are closed.

Invisible to the blocked: asking the blocker is refused as asking an unavailable mentor is
(MENTOR_UNAVAILABLE, the same words), contact reads as for any non-partner (null), a thread
reads as closed. Only the blocker is told (BLOCKED_MEMBER) when they try to reach someone they
blocked.

A block takes both members' rows (in id order, as a request creation does), so a request being
created between the two and a block are ordered: either the request exists first and is closed
by the block, or the creation sees the block. The unique (blocker, blocked) pair decides
concurrent blocks.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User
from mentorgraph.models.directory.response_scores import refresh_scores
from mentorgraph.models.errors import ErrorCode, RuleViolation
from mentorgraph.models.requests import lifecycle
from mentorgraph.models.requests.events import committed
from mentorgraph.models.requests.request_guards import lock_user
from mentorgraph.models.requests.requests import DeclineReason, MentorshipRequest, RequestEvent
from mentorgraph.models.safety.safety_records import MemberBlock

__all__ = [
    "BLOCKS",
    "MAX_BLOCKS",
    "block",
    "blocked_by",
    "blocked_with",
    "blocks_between",
    "refuse_if_blocked",
    "unavailable",
    "unblock",
]

BLOCKS = MemberBlock._meta.db_table
# A member blocks at most this many others (a bound on what one account stores).
MAX_BLOCKS = 1000
# What the blocked mentee reads: the words of any decline by the system.
_DECLINE_NOTE = "The mentor cannot take this request."
_WITHDRAW_NOTE = "The mentee withdrew this request."
# An active mentorship ended by the block: what either side may do at any time, in plain words.
_ENDED_NOTE = "The mentorship was ended."


def _not_found() -> RuleViolation:
    return RuleViolation(ErrorCode.NOT_FOUND, "No such member.", ["userId"])


async def blocks_between(conn: BaseDBAsyncClient | None, a: int, b: int) -> list[MemberBlock]:
    """The blocks between the two members, either way round (none, one or two)."""
    return await MemberBlock.filter(
        Q(blocker_id=a, blocked_id=b) | Q(blocker_id=b, blocked_id=a)
    ).using_db(conn)


async def blocked_with(viewer_id: int, user_ids: Iterable[int]) -> set[int]:
    """Of `user_ids`, those with a block between them and `viewer_id`, either way round (one
    statement, by the pair index and its reverse)."""
    wanted = list(user_ids)
    if not wanted:
        return set()
    pairs = await MemberBlock.filter(
        Q(blocker_id=viewer_id, blocked_id__in=wanted)
        | Q(blocked_id=viewer_id, blocker_id__in=wanted)
    ).values_list("blocker_id", "blocked_id")
    return {b if a == viewer_id else a for a, b in cast("list[tuple[int, int]]", pairs)}


async def block(blocker: User, user_id: int) -> tuple[User, list[MentorshipRequest]]:
    """`blocker` blocks the member; blocking again changes nothing. Their open requests to each
    other are closed in the same transaction: the blocker's own are withdrawn (cancelled, as
    the mentee), those asking the blocker are declined by the system (NOT_A_GOOD_FIT: what any
    mentor may answer), and an active mentorship between them is completed by the blocker
    (their own act, as mentor or mentee: the lifecycle's only way out of APPROVED). Returns the
    member and the requests closed."""
    if user_id == blocker.id:
        raise RuleViolation(ErrorCode.INVALID_INPUT, "You cannot block yourself.", ["userId"])
    target = await User.get_or_none(id=user_id)
    if target is None:
        raise _not_found()
    if await MemberBlock.filter(blocker_id=blocker.id).count() >= MAX_BLOCKS:
        raise RuleViolation(
            ErrorCode.INVALID_INPUT,
            f"You can block at most {MAX_BLOCKS} members; unblock some first.",
            ["userId"],
        )
    closed: list[MentorshipRequest] = []
    events: list[RequestEvent] = []
    async with in_transaction() as conn:
        for member_id in sorted({blocker.id, target.id}):
            await lock_user(conn, member_id)
        await MemberBlock.bulk_create(
            [MemberBlock(blocker_id=blocker.id, blocked_id=target.id, created_at=clock.now())],
            ignore_conflicts=True,
            using_db=conn,
        )
        withdrawn, withdrawn_events = await lifecycle.withdraw_open_requests(
            conn, blocker.id, actor=blocker, note=_WITHDRAW_NOTE, mentor_id=target.id
        )
        declined, declined_events = await lifecycle.decline_open_requests(
            conn,
            blocker.id,
            reason=DeclineReason.NOT_A_GOOD_FIT,
            note=_DECLINE_NOTE,
            mentee_id=target.id,
        )
        ended, ended_events = await lifecycle.complete_mentorships_between(
            conn, blocker, target.id, note=_ENDED_NOTE
        )
        closed = withdrawn + declined + ended
        events = withdrawn_events + declined_events + ended_events
    committed(events)
    if declined:
        await refresh_scores([blocker.id])
    return target, closed


async def unblock(blocker: User, user_id: int) -> User:
    """Lift the block; NOT_FOUND when there was none (closed requests stay closed)."""
    target = await User.get_or_none(id=user_id)
    removed = await MemberBlock.filter(blocker_id=blocker.id, blocked_id=user_id).delete()
    if target is None or not removed:
        raise RuleViolation(ErrorCode.NOT_FOUND, "You have not blocked this member.", ["userId"])
    return target


def blocked_by(user_id: int) -> QuerySet[MemberBlock]:
    """The members `user_id` blocked (unordered; the caller pages, newest first)."""
    return MemberBlock.filter(blocker_id=user_id)


async def refuse_if_blocked(conn: BaseDBAsyncClient, mentee: User, mentor: User) -> None:
    """Request creation, with both rows locked: the blocker is told they blocked; the blocked
    hears what asking an unavailable mentor says (`unavailable`), nothing more."""
    found = await blocks_between(conn, mentee.id, mentor.id)
    if any(b.blocker_id == mentee.id for b in found):
        raise RuleViolation(
            ErrorCode.BLOCKED_MEMBER,
            "You blocked this member: unblock them to ask for mentorship.",
            ["mentorId"],
        )
    if found:
        raise unavailable(mentor)


def unavailable(mentor: User) -> RuleViolation:
    """Asking a mentor who takes no mentees now (`request_rules`, and the blocked)."""
    return RuleViolation(
        ErrorCode.MENTOR_UNAVAILABLE,
        f"{mentor.name} does not take new mentees at the moment.",
        ["mentorId"],
    )
