"""The WebSocket side of `/graphql`: Strawberry's view, for subscriptions.

`graphql-transport-ws` always; the legacy `graphql-ws` only when `GRAPHQL_WS_LEGACY` is set.
The token travels in `connection_init` (`connectionParams`: `Authorization: "Bearer <token>"`,
the key matched as an HTTP header's, case aside, also nested in `headers` as some GraphiQL
setups send it; `connection_params`). A bad one closes the socket with 4403 and the reason
(graphql-ws clients retry that a bounded number of times, then report it). None at all leaves
the socket anonymous: a subscription that needs a viewer then fails alone, with an `error`
message (UNAUTHENTICATED), and the socket stays open (`ws_transport`).

Sockets are counted per client address (beyond `ws_max_sockets_per_address`: the upgrade is
answered 429) and per account (beyond `ws_max_sockets_per_user`: closed with 4429 at
`connection_init`). The counts are per server process (`socket_limits`).

Queries and mutations may be sent over the socket too: a mutation's payload is then read by the
compiler after the write, as over HTTP (`mentorgraph.schema.compiled_payloads`); queries run on the
executor.
"""

from __future__ import annotations

from datetime import timedelta

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL
from strawberry.types.unset import UnsetType

from mentorgraph import metrics
from mentorgraph.connection_params import AmbiguousAuthorization, authorization_param
from mentorgraph.models.errors import FaultCode
from mentorgraph.origins import normalized_origins
from mentorgraph.resolvers.event_feed import EventFeed
from mentorgraph.resolvers.fast_reads.payload_reads import PayloadReads
from mentorgraph.schema.build import MentorgraphSchema
from mentorgraph.security import InvalidToken, TokenService
from mentorgraph.settings import Settings
from mentorgraph.socket_limits import SocketRegistry, SocketSlot
from mentorgraph.ws_transport import (
    FORBIDDEN,
    TOO_MANY_SOCKETS,
    SizeCheckedWebSocketAdapter,
    SocketContext,
    SocketLimits,
    SocketRefused,
    TransportHandler,
)

__all__ = ["SocketContext", "SubscriptionEndpoint"]

# Where the upgrade leaves the socket's slot for `get_context` (the ASGI scope is per socket).
SLOT_KEY = "mentorgraph.socket_slot"


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


class SubscriptionEndpoint(GraphQL[SocketContext, None]):
    graphql_transport_ws_handler_class = TransportHandler
    websocket_adapter_class = SizeCheckedWebSocketAdapter

    def __init__(
        self,
        schema: MentorgraphSchema,
        tokens: TokenService,
        feed: EventFeed,
        settings: Settings,
        payload_reads: PayloadReads | None = None,
    ) -> None:
        protocols = [GRAPHQL_TRANSPORT_WS_PROTOCOL]
        if settings.graphql_ws_legacy:
            protocols.append(GRAPHQL_WS_PROTOCOL)
        super().__init__(
            schema,
            graphql_ide=None,
            subscription_protocols=protocols,
            connection_init_wait_timeout=timedelta(seconds=10),
            # Our handler refuses first, with a code; this holds for the legacy protocol.
            max_subscriptions_per_connection=settings.ws_max_operations_per_socket,
            allowed_origins=normalized_origins(settings.allowed_origins),
        )
        self.tokens = tokens
        self.feed = feed
        # A mutation sent over the socket has its payload read compiled as over HTTP
        # (`mentorgraph.schema.compiled_payloads`); None on SQLite or with the fast read path off.
        self.payload_reads = payload_reads
        self.socket_limits = SocketLimits(
            max_message_bytes=settings.max_body_bytes,
            max_operations=settings.ws_max_operations_per_socket,
            max_queued_bytes=settings.ws_max_queued_bytes,
        )
        self.sockets = SocketRegistry(
            per_address=settings.ws_max_sockets_per_address,
            per_user=settings.ws_max_sockets_per_user,
            account_check_seconds=settings.ws_account_check_seconds,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await super().__call__(scope, receive, send)
            return
        slot = self.sockets.open(client_address(scope))
        if slot is None:
            await self._refuse_upgrade(WebSocket(scope, receive, send))
            return
        scope[SLOT_KEY] = slot
        metrics.socket_opened()
        try:
            await super().__call__(scope, receive, send)
        finally:
            metrics.socket_closed()
            slot.release()

    async def _refuse_upgrade(self, websocket: WebSocket) -> None:
        limit = self.sockets.per_address
        message = f"Too many open sockets from this address (at most {limit}): close some first."
        body = {
            "errors": [{"message": message, "extensions": {"code": FaultCode.TOO_MANY_SOCKETS}}]
        }
        try:
            await websocket.send_denial_response(JSONResponse(body, status_code=429))
        except RuntimeError:  # a server without denial responses: a bare 403
            await websocket.close()

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> SocketContext:
        slot = request.scope.get(SLOT_KEY)
        return SocketContext(
            viewer=None,
            client_address=request.client.host if request.client else "unknown",
            issue_token=self.tokens.issue,
            event_feed=self.feed,
            slot=slot if isinstance(slot, SocketSlot) else None,
            payload_reads=self.payload_reads,
        )

    async def on_ws_connect(self, context: SocketContext) -> UnsetType | dict[str, object] | None:
        try:
            header = authorization_param(context.connection_params)
        except AmbiguousAuthorization as exc:
            raise SocketRefused(FORBIDDEN, str(exc)) from None
        if header is not None and not isinstance(header, str):
            raise SocketRefused(FORBIDDEN, "'Authorization' must be a string.")
        try:
            credentials = self.tokens.credentials_for_header(header)
            viewer = None if credentials is None else await self.tokens.viewer_for(credentials)
        except InvalidToken as exc:
            raise SocketRefused(FORBIDDEN, str(exc)) from None
        if (
            viewer is not None
            and context.slot is not None
            and not context.slot.claim_user(viewer.id)
        ):
            limit = self.sockets.per_user
            raise SocketRefused(
                TOO_MANY_SOCKETS, f"Too many open sockets for this account (at most {limit})."
            )
        context.credentials = credentials
        if credentials is not None and context.slot is not None:
            context.slot.session_id = credentials.session_id
        context.renew(viewer)
        return UnsetType()  # the singleton UNSET, typed (UNSET itself is declared Any)
