"""sendMentorshipRequestMessage: decode the id, call
`mentorgraph.models.requests.request_messages`."""

from __future__ import annotations

from mentorgraph.models.requests import request_messages
from mentorgraph.models.requests.requests import RequestEvent
from mentorgraph.resolvers.context import Context
from mentorgraph.resolvers.ids import decode_id_of

__all__ = ["send"]


async def send(ctx: Context, *, request_id: str, text: str) -> RequestEvent:
    author = ctx.require_viewer()
    pk = decode_id_of("MentorshipRequest", request_id, "requestId")
    event = await request_messages.post_message(author, pk, text)
    # The payload's `message` and its fields read these rows, not other copies of them.
    ctx.loaders.event.prime(event.id, event)
    return event
