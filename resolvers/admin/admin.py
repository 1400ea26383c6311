"""The admin's view: requests by filter, silent mentors, and what admins do about them."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast

from mentorgraph.models.accounts.users import User
from mentorgraph.models.admin import admin_actions, admin_views
from mentorgraph.models.directory.availability_changes import AvailabilityChange
from mentorgraph.models.requests.requests import MentorshipRequest, RequestStatus
from mentorgraph.resolvers.context import Context
from mentorgraph.resolvers.errors import BadUserInput
from mentorgraph.resolvers.ids import decode_id_of
from mentorgraph.resolvers.pagination import NEWEST_FIRST, Page, Slice, keyset_page

__all__ = [
    "admin_requests",
    "availability_changes",
    "send_mentor_reminder",
    "set_mentor_availability",
    "unresponsive_mentors",
]

# Oldest first: what waits longest is what an admin looks at first.
_OLDEST_FIRST = [("id", False)]


def _days(value: float | None, field: str) -> float | None:
    if value is not None and not 0 <= value <= 3650:
        raise BadUserInput(f"'{field}' must be between 0 and 3650 days.", field=field)
    return value


def _optional_id(type_name: str, global_id: str | None, field: str) -> int | None:
    return decode_id_of(type_name, global_id, field) if global_id is not None else None


async def admin_requests(
    ctx: Context,
    *,
    status: RequestStatus | None,
    mentor_id: str | None,
    mentee_id: str | None,
    older_than_days: float | None,
    page: Slice,
) -> Page[MentorshipRequest]:
    ctx.require_admin()
    requests = admin_views.filtered_requests(
        status=status,
        mentor_id=_optional_id("User", mentor_id, "filter.mentorId"),
        mentee_id=_optional_id("User", mentee_id, "filter.menteeId"),
        older_than_days=_days(older_than_days, "filter.olderThanDays"),
    )
    return await keyset_page(requests, _OLDEST_FIRST, page)


async def unresponsive_mentors(ctx: Context, *, older_than_days: float, page: Slice) -> Page[Any]:
    ctx.require_admin()
    days = cast("float", _days(older_than_days, "olderThanDays"))
    mentors = await keyset_page(admin_views.unresponsive(days), _OLDEST_FIRST, page)
    summaries = await admin_views.summarise_unresponsive(mentors.items, days)
    kept = {s.mentor.id for s in summaries}
    cursors = [c for c, m in zip(mentors.cursors, mentors.items, strict=True) if m.id in kept]
    return replace(mentors, items=cast("list[Any]", summaries), cursors=cursors)


async def availability_changes(
    ctx: Context, *, mentor_id: str | None, page: Slice
) -> Page[AvailabilityChange]:
    ctx.require_admin()
    changes = AvailabilityChange.all()
    mentor = _optional_id("User", mentor_id, "mentorId")
    if mentor is not None:
        changes = changes.filter(mentor_id=mentor)
    # Newest first: the latest change is the mentor's state now.
    return await keyset_page(changes, NEWEST_FIRST, page)


async def set_mentor_availability(
    ctx: Context, *, mentor_id: str, available: bool, decline_open_requests: bool
) -> tuple[User, list[MentorshipRequest]]:
    admin = ctx.require_admin()
    return await admin_actions.set_mentor_availability(
        admin,
        decode_id_of("User", mentor_id, "mentorId"),
        available=available,
        decline_open_requests=decline_open_requests,
    )


async def send_mentor_reminder(ctx: Context, *, request_id: str) -> MentorshipRequest:
    admin = ctx.require_admin()
    return await admin_actions.remind_mentor(
        admin, decode_id_of("MentorshipRequest", request_id, "requestId")
    )
