"""`MentorshipRequest`, `RequestEvent` and their enums."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from mentorgraph.models.requests.reminders import RequestReminder as ReminderModel
from mentorgraph.models.requests.requests import MentorshipRequest as RequestModel
from mentorgraph.models.requests.requests import RequestEvent as EventModel
from mentorgraph.resolvers.graph import graph
from mentorgraph.resolvers.ids import encode_global_id
from mentorgraph.resolvers.requests import feedback, request_clock, requests_read
from mentorgraph.schema.accounts.user_types import User
from mentorgraph.schema.context import Info
from mentorgraph.schema.node_interface import Node
from mentorgraph.schema.requests.feedback_types import MentorshipFeedback
from mentorgraph.schema.requests.request_enums import DeclineReason, RequestEventKind, RequestStatus
from mentorgraph.schema.resolver_fields import field_resolver

__all__ = [
    "DeclineReason",
    "MentorshipRequest",
    "RequestEvent",
    "RequestEventKind",
    "RequestReminder",
    "RequestStatus",
]


@strawberry.type(
    description="A mentee's request to a mentor. Visible to its mentor, its mentee and admins."
)
class MentorshipRequest(Node):
    status: RequestStatus = strawberry.field(description="Where it stands now.")
    message: str = strawberry.field(description="What the mentee asks for.")
    background: str = strawberry.field(description="Where the mentee stands.")
    expectation: str = strawberry.field(description="What the mentee hopes for.")
    decline_reason: DeclineReason | None = strawberry.field(
        description="Why it was declined; null unless DECLINED."
    )
    response_message: str | None = strawberry.field(
        description="The mentor's words with the approval or decline; null when none."
    )
    created_at: datetime = strawberry.field(description="When the mentee sent it.")
    updated_at: datetime = strawberry.field(description="Its latest change.")
    viewed_at: datetime | None = strawberry.field(
        description="When the mentor first opened it; null until then."
    )
    responded_at: datetime | None = strawberry.field(
        description="When the mentor approved or declined it; null until then."
    )

    @classmethod
    def is_type_of(cls, obj: Any, _info: Any) -> bool:
        return isinstance(obj, cls | RequestModel)

    @field_resolver(description="Global id (for `node`).")
    def id(self, root: strawberry.Parent[RequestModel]) -> strawberry.ID:
        return strawberry.ID(encode_global_id("MentorshipRequest", root.id))

    # Sync resolvers that may return an awaitable: the user itself when already loaded (a page
    # of requests loads them ahead), which graphql-core completes without a coroutine.
    @field_resolver(description="The mentor asked.")
    def mentor(self, root: strawberry.Parent[RequestModel], info: Info) -> User:
        return requests_read.user_now(info.context, root.mentor_id)  # type: ignore[return-value]

    @field_resolver(description="The mentee who asked.")
    def mentee(self, root: strawberry.Parent[RequestModel], info: Info) -> User:
        return requests_read.user_now(info.context, root.mentee_id)  # type: ignore[return-value]

    @field_resolver(
        description="While it waits (NEW or VIEWED): when it expires unanswered, freeing the"
        " mentee to ask others. Null once settled."
    )
    def expires_at(self, root: strawberry.Parent[RequestModel]) -> datetime | None:
        return request_clock.expires_at_of(root)

    @field_resolver(
        description="The reminders sent to the mentor about it, oldest first: the ladder's"
        " and admins'. (No reminders reach a mentor while they are unavailable or paused.)"
    )
    async def reminders(
        self, root: strawberry.Parent[RequestModel], info: Info
    ) -> list[RequestReminder]:
        return await request_clock.reminders_of(info.context, root)  # type: ignore[return-value]

    @field_resolver(description="How many reminders were sent to the mentor about it.")
    async def reminders_sent(self, root: strawberry.Parent[RequestModel], info: Info) -> int:
        return len(await request_clock.reminders_of(info.context, root))

    @field_resolver(description="Every status change, oldest first.")
    async def history(
        self, root: strawberry.Parent[RequestModel], info: Info
    ) -> list[RequestEvent]:
        return await requests_read.history_of(info.context, root)  # type: ignore[return-value]

    @field_resolver(
        description="The message thread (events of kind MESSAGE), oldest first: the mentor"
        " asks for more before deciding, the mentee answers, the pair arranges its start."
        " Written with `sendMentorshipRequestMessage`."
    )
    async def messages(
        self, root: strawberry.Parent[RequestModel], info: Info
    ) -> list[RequestEvent]:
        return await requests_read.thread_of(info.context, root)  # type: ignore[return-value]

    @field_resolver(description="Each side's feedback once the mentorship is COMPLETED.")
    async def feedback(
        self, root: strawberry.Parent[RequestModel], info: Info
    ) -> list[MentorshipFeedback]:
        return await feedback.feedback_of(info.context, root)  # type: ignore[return-value]

    @field_resolver(
        description="The mentee's other open (NEW or VIEWED) requests. The request's mentor"
        " only; null for everyone else."
    )
    async def mentee_open_request_count(
        self, root: strawberry.Parent[RequestModel], info: Info
    ) -> int | None:
        load = await graph.mentee_load(info.context, root)
        return load[0] if load else None

    @field_resolver(
        description="The mentee's other active (APPROVED) mentorships. The request's mentor"
        " only; null for everyone else."
    )
    async def mentee_active_mentorship_count(
        self, root: strawberry.Parent[RequestModel], info: Info
    ) -> int | None:
        load = await graph.mentee_load(info.context, root)
        return load[1] if load else None


@strawberry.type(description="A reminder of an unanswered request, sent to its mentor.")
class RequestReminder:
    sent_at: datetime = strawberry.field(description="When it was sent.")

    @field_resolver(
        description="The ladder's step (1: the first reminder, 2: the second); null for a"
        " reminder an admin sent by hand."
    )
    def step(self, root: strawberry.Parent[ReminderModel]) -> int | None:
        number: int | None = root.number
        return number

    @field_resolver(
        description="The admin who sent it by hand. Admins only: null for everyone else, and"
        " for the ladder's reminders."
    )
    async def sent_by(self, root: strawberry.Parent[ReminderModel], info: Info) -> User | None:
        return await request_clock.reminder_sender(info.context, root)  # type: ignore[return-value]

    @classmethod
    def is_type_of(cls, obj: Any, _info: Any) -> bool:
        return isinstance(obj, cls | ReminderModel)


@strawberry.type(
    description="One status change of a request, or one message of its thread (`kind`): the"
    " audit trail and the live feed."
)
class RequestEvent(Node):
    kind: RequestEventKind = strawberry.field(description="A status change or a message.")
    from_status: RequestStatus | None = strawberry.field(
        description="The status before; null for the request's creation."
    )
    to_status: RequestStatus = strawberry.field(
        description="The status after (for a message: the status it was written in)."
    )
    occurred_at: datetime = strawberry.field(description="When it happened.")
    note: str | None = strawberry.field(
        description="Words that came with the change (a decline's message, a cancellation's"
        " reason, why it expired), or a message's text; null when none."
    )

    @classmethod
    def is_type_of(cls, obj: Any, _info: Any) -> bool:
        return isinstance(obj, cls | EventModel)

    @field_resolver(description="Global id (for `node`).")
    def id(self, root: strawberry.Parent[EventModel]) -> strawberry.ID:
        return strawberry.ID(encode_global_id("RequestEvent", root.id))

    @field_resolver(description="Opaque and ordered; pass it as `after` to resume.")
    def cursor(self, root: strawberry.Parent[EventModel]) -> str:
        return requests_read.event_cursor(root)

    @field_resolver(description="The request that changed; null if you may no longer see it.")
    async def request(
        self, root: strawberry.Parent[EventModel], info: Info
    ) -> MentorshipRequest | None:
        return await requests_read.visible_request(info.context, root.request_id)  # type: ignore[return-value]

    @field_resolver(
        description="Who changed the status (null when the system did), or who wrote the message."
    )
    async def actor(self, root: strawberry.Parent[EventModel], info: Info) -> User | None:
        return await requests_read.user_of(info.context, root.actor_id)  # type: ignore[return-value]
