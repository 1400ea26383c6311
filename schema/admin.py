"""The admin's view: `adminRequests`, `unresponsiveMentors`, `availabilityChanges`,
`setMentorAvailability` and `sendMentorReminder`. Everyone but admins is refused (FORBIDDEN)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from models.availability_changes import AvailabilityChange as ChangeModel
from models.requests import RequestStatus as RequestStatusEnum
from resolvers import admin
from resolvers.pagination import Slice
from resolvers.requests_read import user_of
from schema.context import Info
from schema.errors import UserError, payload
from schema.pagination import After, Before, Connection, First, Last, connection
from schema.types.request import MentorshipRequest
from schema.types.request_enums import RequestStatus
from schema.types.user import User

__all__ = ["AdminMutation", "AdminQuery"]


@strawberry.input(description="Which requests to list; every part given must match.")
class AdminRequestFilter:
    status: RequestStatus | None = None  # type: ignore[valid-type]
    mentor_id: strawberry.ID | None = None
    mentee_id: strawberry.ID | None = None
    older_than_days: float | None = strawberry.field(
        default=None, description="Only requests made at least this many days ago."
    )


@strawberry.type(description="A mentor with requests waiting longer than asked, and their record.")
class UnresponsiveMentor:
    mentor: User
    waiting_requests: int = strawberry.field(
        description="Their NEW or VIEWED requests older than `olderThanDays`."
    )
    oldest_request_at: datetime
    oldest_request_age_days: float
    reminders_sent: int = strawberry.field(
        description="Reminders sent (by the ladder or admins) about those requests."
    )
    last_responded_at: datetime | None = strawberry.field(
        description="Their latest answer (approval or decline) of any request."
    )
    response_rate: float | None = strawberry.field(
        description="As in `User.responsiveness.responseRate`."
    )


@strawberry.type(description="A mentor's availability set by the system or an admin, and why.")
class AvailabilityChange:
    available: bool
    reason: str
    occurred_at: datetime

    @classmethod
    def is_type_of(cls, obj: Any, _info: Any) -> bool:
        return isinstance(obj, cls | ChangeModel)

    @strawberry.field
    async def mentor(self, root: strawberry.Parent[ChangeModel], info: Info) -> User:
        return await user_of(info.context, root.mentor_id)  # type: ignore[return-value]

    @strawberry.field(description="The admin who made the change; null when the system did.")
    async def actor(self, root: strawberry.Parent[ChangeModel], info: Info) -> User | None:
        return await user_of(info.context, root.actor_id)  # type: ignore[return-value]


@strawberry.input
class SetMentorAvailabilityInput:
    mentor_id: strawberry.ID
    available: bool
    decline_open_requests: bool = strawberry.field(
        default=False,
        description="When setting unavailable: decline their NEW and VIEWED requests with"
        " MENTOR_INACTIVE (the system acting); each mentee is told.",
    )


@strawberry.type
class SetMentorAvailabilityPayload:
    user: User | None
    requests: list[MentorshipRequest] | None = strawberry.field(
        description="The requests declined now."
    )
    user_errors: list[UserError]


@strawberry.input
class SendMentorReminderInput:
    request_id: strawberry.ID


@strawberry.type
class SendMentorReminderPayload:
    request: MentorshipRequest | None
    user_errors: list[UserError]


@strawberry.type
class AdminQuery:
    @strawberry.field(description="Admins: every request matching the filter, oldest first.")
    async def admin_requests(
        self,
        info: Info,
        filter: AdminRequestFilter | None = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[MentorshipRequest]:
        given = filter or AdminRequestFilter()
        page = await admin.admin_requests(
            info.context,
            status=RequestStatusEnum(given.status) if given.status is not None else None,
            mentor_id=given.mentor_id,
            mentee_id=given.mentee_id,
            older_than_days=given.older_than_days,
            page=Slice.of(first, after, last, before),
        )
        return connection(page)

    @strawberry.field(
        description="Admins: mentors with NEW or VIEWED requests older than this many days."
    )
    async def unresponsive_mentors(
        self,
        info: Info,
        older_than_days: float = 5,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[UnresponsiveMentor]:
        page = await admin.unresponsive_mentors(
            info.context, older_than_days=older_than_days, page=Slice.of(first, after, last, before)
        )
        return connection(page)

    @strawberry.field(
        description="Admins: availability changes made by the system or admins, newest first."
    )
    async def availability_changes(
        self,
        info: Info,
        mentor_id: strawberry.ID | None = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[AvailabilityChange]:
        page = await admin.availability_changes(
            info.context, mentor_id=mentor_id, page=Slice.of(first, after, last, before)
        )
        return connection(page)


@strawberry.type
class AdminMutation:
    @strawberry.mutation(description="Admins: set a mentor available or unavailable.")
    async def set_mentor_availability(
        self, info: Info, input: SetMentorAvailabilityInput
    ) -> SetMentorAvailabilityPayload:
        work = admin.set_mentor_availability(
            info.context,
            mentor_id=input.mentor_id,
            available=input.available,
            decline_open_requests=input.decline_open_requests,
        )
        return await payload(SetMentorAvailabilityPayload, work, "user", "requests")

    @strawberry.mutation(
        description="Admins: remind the mentor of an unanswered request (once a day at most)."
    )
    async def send_mentor_reminder(
        self, info: Info, input: SendMentorReminderInput
    ) -> SendMentorReminderPayload:
        work = admin.send_mentor_reminder(info.context, request_id=input.request_id)
        return await payload(SendMentorReminderPayload, work, "request")
