"""sendMentorshipRequestMessage: decode the id, call `models.request_messages`."""

from __future__ import annotations

from models import request_messages
from models.requests import RequestEvent
from resolvers.context import Context
from resolvers.ids import decode_id_of

__all__ = ["send"]


async def send(ctx: Context, *, request_id: str, text: str) -> RequestEvent:
    author = ctx.require_viewer()
    pk = decode_id_of("MentorshipRequest", request_id, "requestId")
    event = await request_messages.post_message(author, pk, text)
    # The payload's `message` and its fields read these rows, not other copies of them.
    ctx.loaders.event.prime(event.id, event)
    return event
