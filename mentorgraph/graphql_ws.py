"""The WebSocket side of `/graphql`: Strawberry's view, for subscriptions.

`graphql-transport-ws` always; the legacy `graphql-ws` only when `GRAPHQL_WS_LEGACY` is set.
The token travels in `connection_init` (`connectionParams.authorization`, "Bearer <token>"):
a bad one closes the socket with 4403; none at all leaves the socket anonymous, and a
subscription that needs a viewer closes it with 4403 when subscribed to (`ws_transport`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL
from strawberry.types.unset import UNSET, UnsetType

from mentorgraph.security import InvalidToken, TokenService
from mentorgraph.settings import Settings
from mentorgraph.ws_transport import TransportHandler
from resolvers.context import Context
from resolvers.event_feed import EventFeed
from schema.build import MentorgraphSchema

__all__ = ["SocketContext", "SubscriptionEndpoint"]


@dataclass
class SocketContext(Context):
    # Filled by Strawberry from `connection_init` before `on_ws_connect` runs.
    connection_params: dict[str, object] = field(default_factory=dict)


class SubscriptionEndpoint(GraphQL[SocketContext, None]):
    graphql_transport_ws_handler_class = TransportHandler

    def __init__(
        self,
        schema: MentorgraphSchema,
        tokens: TokenService,
        feed: EventFeed,
        settings: Settings,
    ) -> None:
        protocols = [GRAPHQL_TRANSPORT_WS_PROTOCOL]
        if settings.graphql_ws_legacy:
            protocols.append(GRAPHQL_WS_PROTOCOL)
        super().__init__(
            schema,
            graphql_ide=None,
            subscription_protocols=protocols,
            connection_init_wait_timeout=timedelta(seconds=10),
            allowed_origins=settings.allowed_origins,
        )
        self.tokens = tokens
        self.feed = feed

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> SocketContext:
        return SocketContext(
            viewer=None,
            client_address=request.client.host if request.client else "unknown",
            issue_token=self.tokens.issue,
            event_feed=self.feed,
        )

    async def on_ws_connect(self, context: SocketContext) -> UnsetType | dict[str, object] | None:
        header = context.connection_params.get("authorization")
        if header is not None and not isinstance(header, str):
            raise ConnectionRejectionError({"message": "'authorization' must be a string."})
        try:
            viewer = await self.tokens.user_for_header(header)
        except InvalidToken as exc:
            raise ConnectionRejectionError({"message": str(exc)}) from None
        context.renew(viewer)
        return UNSET
