"""`sendMentorshipRequestMessage`: write in a request's message thread."""

from __future__ import annotations

from typing import Annotated

import strawberry

from mentorgraph.models.limits import Limits
from mentorgraph.resolvers.requests import request_messages
from mentorgraph.schema.context import Info
from mentorgraph.schema.documentation import INPUT
from mentorgraph.schema.errors import UserError, payload, user_errors_field
from mentorgraph.schema.requests.request_types import RequestEvent
from mentorgraph.schema.resolver_fields import mutation

__all__ = ["RequestMessageMutation"]

# The defaults; the server's settings may change them (MAX_MESSAGE_LENGTH, ...).
_DEFAULTS = Limits()


@strawberry.input(description="A message in the thread of a request of yours.")
class SendMentorshipRequestMessageInput:
    request_id: strawberry.ID = strawberry.field(
        description="A request of yours (as mentor or mentee) that is NEW, VIEWED or APPROVED."
    )
    text: str = strawberry.field(
        description="The message: not blank, at most MAX_MESSAGE_LENGTH characters (a server"
        f" setting, {_DEFAULTS.max_message_length} by default)."
    )


@strawberry.type(description="The result of `sendMentorshipRequestMessage`.")
class SendMentorshipRequestMessagePayload:
    message: RequestEvent | None = strawberry.field(
        description="The message as recorded (an event of kind MESSAGE); null when refused."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.type
class RequestMessageMutation:
    @mutation(
        description="The mentor or the mentee writes in the request's thread (e.g. the mentor"
        " asks for more before deciding); the other side is told by email, and subscribers"
        " receive it as an event. The request's clock keeps running. Refused with"
        " MESSAGE_LIMIT when the thread is full (MAX_MESSAGES_PER_REQUEST, default"
        f" {_DEFAULTS.max_messages_per_request}) and TOO_SOON with `retryAfterSeconds` past"
        f" {_DEFAULTS.message_burst} messages of yours within"
        f" {_DEFAULTS.message_burst_window_seconds:g} seconds (settings)."
    )
    async def send_mentorship_request_message(
        self, info: Info, input: Annotated[SendMentorshipRequestMessageInput, INPUT]
    ) -> SendMentorshipRequestMessagePayload:
        work = request_messages.send(info.context, request_id=input.request_id, text=input.text)
        return await payload(SendMentorshipRequestMessagePayload, work, "message")
