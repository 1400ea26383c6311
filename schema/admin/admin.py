"""The admin's view: `adminRequests`, `unresponsiveMentors`, `availabilityChanges`,
`setMentorAvailability` and `sendMentorReminder`. Everyone but admins is refused (FORBIDDEN)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from mentorgraph.models.admin.admin_actions import REMINDER_GAP
from mentorgraph.models.directory.availability_changes import AvailabilityChange as ChangeModel
from mentorgraph.models.requests.requests import RequestStatus as RequestStatusEnum
from mentorgraph.resolvers.admin import admin
from mentorgraph.resolvers.pagination import Slice
from mentorgraph.resolvers.requests.requests_read import user_of
from mentorgraph.schema.accounts.user_types import User
from mentorgraph.schema.context import Info
from mentorgraph.schema.documentation import INPUT
from mentorgraph.schema.errors import UserError, payload, user_errors_field
from mentorgraph.schema.pagination import After, Before, Connection, First, Last, connection
from mentorgraph.schema.requests.request_enums import RequestStatus
from mentorgraph.schema.requests.request_types import MentorshipRequest
from mentorgraph.schema.resolver_fields import field_resolver, mutation

__all__ = ["AdminMutation", "AdminQuery"]


@strawberry.input(description="Which requests to list; every part given must match.")
class AdminRequestFilter:
    status: RequestStatus | None = strawberry.field(
        default=None, description="Only requests in this status."
    )
    mentor_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only requests to this mentor (a User id)."
    )
    mentee_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only requests from this mentee (a User id)."
    )
    older_than_days: float | None = strawberry.field(
        default=None, description="Only requests made at least this many days ago."
    )


@strawberry.type(description="A mentor with requests waiting longer than asked, and their record.")
class UnresponsiveMentor:
    mentor: User = strawberry.field(description="The mentor.")
    waiting_requests: int = strawberry.field(
        description="Their NEW or VIEWED requests older than `olderThanDays`."
    )
    oldest_request_at: datetime = strawberry.field(
        description="When the oldest of those requests was made."
    )
    oldest_request_age_days: float = strawberry.field(
        description="How many days ago the oldest of those requests was made."
    )
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
    available: bool = strawberry.field(description="The availability set.")
    reason: str = strawberry.field(
        description="Why, in words (e.g. the expiries that set a silent mentor unavailable)."
    )
    occurred_at: datetime = strawberry.field(description="When.")

    @classmethod
    def is_type_of(cls, obj: Any, _info: Any) -> bool:
        return isinstance(obj, cls | ChangeModel)

    @field_resolver(description="Whose availability changed.")
    async def mentor(self, root: strawberry.Parent[ChangeModel], info: Info) -> User:
        return await user_of(info.context, root.mentor_id)  # type: ignore[return-value]

    @field_resolver(description="The admin who made the change; null when the system did.")
    async def actor(self, root: strawberry.Parent[ChangeModel], info: Info) -> User | None:
        return await user_of(info.context, root.actor_id)  # type: ignore[return-value]


@strawberry.input(description="An admin sets a mentor's availability.")
class SetMentorAvailabilityInput:
    mentor_id: strawberry.ID = strawberry.field(description="The mentor (a User id).")
    available: bool = strawberry.field(description="Whether they accept new requests.")
    decline_open_requests: bool = strawberry.field(
        default=False,
        description="When setting unavailable: decline their NEW and VIEWED requests with"
        " MENTOR_INACTIVE (the system acting); each mentee is told.",
    )


@strawberry.type(description="The result of `setMentorAvailability`.")
class SetMentorAvailabilityPayload:
    user: User | None = strawberry.field(description="The mentor as changed; null when refused.")
    requests: list[MentorshipRequest] | None = strawberry.field(
        description="The requests declined now."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.input(description="Which unanswered request to remind its mentor of.")
class SendMentorReminderInput:
    request_id: strawberry.ID = strawberry.field(
        description="A NEW or VIEWED request (a MentorshipRequest id)."
    )


@strawberry.type(description="The result of `sendMentorReminder`.")
class SendMentorReminderPayload:
    request: MentorshipRequest | None = strawberry.field(
        description="The request; null when refused."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.type
class AdminQuery:
    @field_resolver(description="Admins: every request matching the filter, oldest first.")
    async def admin_requests(
        self,
        info: Info,
        filter: Annotated[
            AdminRequestFilter | None,
            strawberry.argument(description="Which requests (default: all)."),
        ] = None,
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

    @field_resolver(
        description="Admins: mentors with NEW or VIEWED requests older than this many days."
    )
    async def unresponsive_mentors(
        self,
        info: Info,
        older_than_days: Annotated[
            float,
            strawberry.argument(
                description="Only requests waiting at least this many days (default 5)."
            ),
        ] = 5,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[UnresponsiveMentor]:
        page = await admin.unresponsive_mentors(
            info.context, older_than_days=older_than_days, page=Slice.of(first, after, last, before)
        )
        return connection(page)

    @field_resolver(
        description="Admins: availability changes made by the system or admins, newest first."
    )
    async def availability_changes(
        self,
        info: Info,
        mentor_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only this mentor's changes (a User id)."),
        ] = None,
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
    @mutation(description="Admins: set a mentor available or unavailable.")
    async def set_mentor_availability(
        self, info: Info, input: Annotated[SetMentorAvailabilityInput, INPUT]
    ) -> SetMentorAvailabilityPayload:
        work = admin.set_mentor_availability(
            info.context,
            mentor_id=input.mentor_id,
            available=input.available,
            decline_open_requests=input.decline_open_requests,
        )
        return await payload(SetMentorAvailabilityPayload, work, "user", "requests")

    @mutation(
        description="Admins: remind the mentor of an unanswered request (once every"
        f" {REMINDER_GAP.days} day(s) per request at most: TOO_SOON)."
    )
    async def send_mentor_reminder(
        self, info: Info, input: Annotated[SendMentorReminderInput, INPUT]
    ) -> SendMentorReminderPayload:
        work = admin.send_mentor_reminder(info.context, request_id=input.request_id)
        return await payload(SendMentorReminderPayload, work, "request")
