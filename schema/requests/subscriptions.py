"""`Subscription.mentorshipRequestEvents`: live status changes over the WebSocket."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from graphql import GraphQLError

from mentorgraph.models.errors import FaultCode
from mentorgraph.resolvers.errors import ClientError
from mentorgraph.resolvers.requests.request_events import follow_request_events
from mentorgraph.schema.context import Info
from mentorgraph.schema.extensions import MASKED_MESSAGE, logger
from mentorgraph.schema.requests.request_types import RequestEvent
from mentorgraph.schema.resolver_fields import subscription

__all__ = ["RequestSubscription"]


@strawberry.type
class RequestSubscription:
    @subscription(
        description=(
            "Every status change and every message (`kind`) of a request where you are "
            "mentor or mentee (admins: all), in order, as it commits. With `after` (an "
            "event's `cursor`) it first replays what you missed since that event, then goes "
            "live: nothing missed, nothing twice."
        )
    )
    async def mentorship_request_events(
        self,
        info: Info,
        after: Annotated[
            str | None,
            strawberry.argument(
                description="A `RequestEvent.cursor` you received: replay what came after it."
            ),
        ] = None,
    ) -> AsyncGenerator[RequestEvent, None]:
        try:
            async for event in follow_request_events(info.context, after):
                yield event  # type: ignore[misc]
        except ClientError:
            raise
        except Exception as exc:
            # Raised from the event source, this would reach the client with its text and no
            # path (which `classify_error` takes for a client fault): mask it here.
            logger.error("Unexpected error in mentorshipRequestEvents", exc_info=exc)
            raise GraphQLError(
                MASKED_MESSAGE, extensions={"code": FaultCode.INTERNAL_SERVER_ERROR}
            ) from None
