"""What a request change checks inside its transaction: row locks and the counting rules.

Every function takes the transaction's connection. A lock reads the row and holds it until
commit: on PostgreSQL one `SELECT ... FOR NO KEY UPDATE` (the strength an UPDATE of the row
takes: rows referencing it may still be inserted); on SQLite, where `select_for_update` does
nothing, a no-op write (`UPDATE ... SET updated_at = updated_at`, which takes the database's
write lock) and then the read.
Lock order, to stay free of deadlocks: a `users` row first, then `mentorship_requests` rows.
"""

from __future__ import annotations

from typing import TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F

from mentorgraph.models import sql
from mentorgraph.models.accounts.users import User
from mentorgraph.models.errors import ErrorCode, RuleViolation
from mentorgraph.models.limits import limits
from mentorgraph.models.requests.requests import MentorshipRequest, RequestStatus

__all__ = [
    "OPEN_STATUSES",
    "PAIR_BLOCKING_STATUSES",
    "duplicate_request",
    "ensure_mentee_below_open_limit",
    "ensure_mentor_has_room",
    "ensure_no_open_request_for_pair",
    "lock_request",
    "lock_user",
    "others_open_and_active",
    "read_request",
]

# Waiting for an answer: these count against the mentee's open-request limit.
OPEN_STATUSES = (RequestStatus.NEW, RequestStatus.VIEWED)
# While one of these exists a pair cannot start another (the index `uniq_open_request_per_pair`).
PAIR_BLOCKING_STATUSES = (RequestStatus.NEW, RequestStatus.VIEWED, RequestStatus.APPROVED)


_Locked = TypeVar("_Locked", User, MentorshipRequest)


async def _row(
    model: type[_Locked], pk: int, conn: BaseDBAsyncClient | None = None, suffix: str = ""
) -> _Locked | None:
    """The row `pk` of `model` as committed now, in plain SQL: every status change reads its
    request (and an approval its mentor), and the ORM's query building cost more than the
    read."""
    rows = await sql.fetch(f"SELECT * FROM {model._meta.db_table} WHERE id = ?{suffix}", [pk], conn)
    return model._init_from_db(**rows[0]) if rows else None


async def _lock(conn: BaseDBAsyncClient, model: type[_Locked], pk: int) -> _Locked | None:
    if conn.capabilities.support_for_update:
        return await _row(model, pk, conn, " FOR NO KEY UPDATE")
    locked = await model.filter(id=pk).using_db(conn).update(updated_at=F("updated_at"))
    return await _row(model, pk, conn) if locked else None


async def read_request(request_id: int) -> MentorshipRequest | None:
    """The request as committed now, unlocked (None if it does not exist)."""
    return await _row(MentorshipRequest, request_id)


async def lock_user(conn: BaseDBAsyncClient, user_id: int) -> User | None:
    """Lock the user's row until commit and return it as it is now (None if it is gone)."""
    return await _lock(conn, User, user_id)


async def lock_request(conn: BaseDBAsyncClient, request_id: int) -> MentorshipRequest | None:
    """Lock the request's row until commit and return it as committed now (None if gone)."""
    return await _lock(conn, MentorshipRequest, request_id)


async def ensure_mentor_has_room(
    conn: BaseDBAsyncClient, mentor: User, *, field: str = "mentorId"
) -> None:
    """MENTOR_AT_CAPACITY when the mentor already has `capacity` active (APPROVED) mentees."""
    active = (
        await MentorshipRequest.filter(mentor_id=mentor.id, status=RequestStatus.APPROVED)
        .using_db(conn)
        .count()
    )
    if active >= mentor.capacity:
        raise RuleViolation(
            ErrorCode.MENTOR_AT_CAPACITY,
            f"{mentor.name} already mentors {active} of at most {mentor.capacity} mentees.",
            [field],
        )


async def ensure_no_open_request_for_pair(
    conn: BaseDBAsyncClient, *, mentor_id: int, mentee_id: int
) -> None:
    """DUPLICATE_REQUEST while the pair has a request waiting or an active mentorship.

    A courtesy check for a clear message; the partial unique index is what holds under races.
    """
    if (
        await MentorshipRequest.filter(
            mentor_id=mentor_id, mentee_id=mentee_id, status__in=PAIR_BLOCKING_STATUSES
        )
        .using_db(conn)
        .exists()
    ):
        raise duplicate_request()


def duplicate_request() -> RuleViolation:
    return RuleViolation(
        ErrorCode.DUPLICATE_REQUEST,
        "You already have an open request or an active mentorship with this mentor.",
        ["mentorId"],
    )


async def ensure_mentee_below_open_limit(conn: BaseDBAsyncClient, mentee_id: int) -> None:
    """OPEN_REQUEST_LIMIT when the mentee already waits on the maximum number of answers.

    Only correct while the mentee's `users` row is locked by this transaction (`lock_user`).
    """
    maximum = limits().max_open_requests_per_mentee
    waiting = (
        await MentorshipRequest.filter(mentee_id=mentee_id, status__in=OPEN_STATUSES)
        .using_db(conn)
        .count()
    )
    if waiting >= maximum:
        raise RuleViolation(
            ErrorCode.OPEN_REQUEST_LIMIT,
            f"You already have {waiting} requests waiting for an answer (at most {maximum});"
            " cancel one or wait for answers first.",
            ["mentorId"],
        )


def others_open_and_active(
    counts: dict[RequestStatus, int], this: RequestStatus
) -> tuple[int, int]:
    """From a mentee's requests per status: (other open requests, other active mentorships),
    leaving out the one request (in status `this`) being read."""
    open_others = sum(counts.get(s, 0) for s in OPEN_STATUSES) - (this in OPEN_STATUSES)
    active = RequestStatus.APPROVED
    return open_others, counts.get(active, 0) - (this == active)
