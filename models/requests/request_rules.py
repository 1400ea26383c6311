"""Creating a mentorship request: the rules of the `(none) -> NEW` row of the lifecycle table.

Input is checked first (every bad field at once), then who may ask whom, then, inside one
transaction holding the mentee's and the mentor's row locks, the rules that count: the
mentor's availability and capacity, one open request per pair and the mentee's open-request
limit. The locks make concurrent creates by one mentee take turns, and order a create with
the mentor going unavailable, in every server process; the partial unique index
`uniq_open_request_per_pair` backs the pair rule whatever else races.
"""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from mentorgraph.models import clock
from mentorgraph.models.accounts import validation
from mentorgraph.models.accounts.email_verification import ensure_may_ask
from mentorgraph.models.accounts.users import User
from mentorgraph.models.directory.listing import offered
from mentorgraph.models.errors import ErrorCode, RuleViolation
from mentorgraph.models.requests.events import committed
from mentorgraph.models.requests.lifecycle import record_change
from mentorgraph.models.requests.request_guards import (
    duplicate_request,
    ensure_mentee_below_open_limit,
    ensure_mentor_has_room,
    ensure_no_open_request_for_pair,
    lock_user,
)
from mentorgraph.models.requests.requests import MentorshipRequest, RequestStatus
from mentorgraph.models.safety.blocks import refuse_if_blocked, unavailable

__all__ = ["MAX_TEXT", "MIN_TEXT", "clean_optional_text", "create_request"]

MIN_TEXT = 30
MAX_TEXT = 5000


def clean_optional_text(value: str | None, field: str, label: str) -> str | None:
    """A free-text note (approval message, decline message, reason): trimmed, None if blank."""
    if value is None or not value.strip():
        return None
    return validation.clean_text(value, field, label=label, min_length=1, max_length=MAX_TEXT)


async def create_request(
    mentee: User, *, mentor_id: int, message: str, background: str, expectation: str
) -> MentorshipRequest:
    """A NEW request from `mentee` to the mentor, with its creation event; or RuleViolation(s)."""
    collector = validation.Collector()
    texts = {
        field: collector.clean(
            validation.clean_text,
            value,
            field,
            label=field.capitalize(),
            min_length=MIN_TEXT,
            max_length=MAX_TEXT,
        )
        for field, value in (
            ("message", message),
            ("background", background),
            ("expectation", expectation),
        )
    }
    collector.raise_if_any()
    ensure_may_ask(mentee)

    if mentor_id == mentee.id:
        raise RuleViolation(
            ErrorCode.SELF_REQUEST, "You cannot ask yourself for mentorship.", ["mentorId"]
        )
    mentor = await User.get_or_none(id=mentor_id)
    if mentor is None:
        raise RuleViolation(ErrorCode.NOT_FOUND, "No such mentor.", ["mentorId"])
    if not offered(mentor):
        raise _unavailable(mentor)

    try:
        async with in_transaction() as conn:
            # Both users' rows, in id order (two people asking each other at once must not
            # deadlock). The mentee's makes their creates take turns; the mentor's orders this
            # create with the mentor going unavailable (a pause, or the sweep releasing a
            # silent mentor's requests), so no request is left waiting on an unavailable mentor.
            locked = {i: await lock_user(conn, i) for i in sorted({mentee.id, mentor.id})}
            mentor = locked[mentor.id] or mentor
            ensure_may_ask(locked[mentee.id] or mentee)
            if not offered(mentor):
                raise _unavailable(mentor)
            await refuse_if_blocked(conn, mentee, mentor)
            await ensure_mentor_has_room(conn, mentor)
            await ensure_no_open_request_for_pair(conn, mentor_id=mentor.id, mentee_id=mentee.id)
            await ensure_mentee_below_open_limit(conn, mentee.id)
            now = clock.now()
            request = await MentorshipRequest.create(
                mentor_id=mentor.id,
                mentee_id=mentee.id,
                status=RequestStatus.NEW,
                created_at=now,
                updated_at=now,
                using_db=conn,
                **texts,
            )
            event = await record_change(
                conn, request, None, RequestStatus.NEW, actor_id=mentee.id, note=None
            )
    except IntegrityError:
        # Another create for this pair committed first (the partial unique index decided).
        raise duplicate_request() from None
    committed([event])
    return request


def _unavailable(mentor: User) -> RuleViolation:
    return unavailable(mentor)
