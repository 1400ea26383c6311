"""Our graphql-transport-ws handler: Strawberry's, plus the 4403 rule and encode-once.

- `connection_init` without a token is accepted (future public subscriptions may need none);
  a subscription that needs a viewer then refuses at subscribe time by closing the socket with
  4403, as a bad token does, and the close reason carries the UNAUTHENTICATED message.
- A live event's result object is shared by every subscription of one document and visibility
  class (`schema.shared_events`): its JSON is encoded once and the `next` frame is written
  straight to the socket, instead of building and encoding the message per subscriber.
- A database outage while `connection_init` looks the viewer up closes the socket with 1013
  ("try again later") and SERVICE_UNAVAILABLE as the reason, not with an internal error; an
  operation that meets one answers SERVICE_UNAVAILABLE in its `errors` (`schema.extensions`).
- Each operation's task offers a `LiveSink` (`mentorgraph.live_sink`): live events skip the
  GraphQL stream's per-event machinery.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

from starlette.websockets import WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ConnectionInitMessage
from strawberry.types.execution import ExecutionResult, PreExecutionError

from mentorgraph.live_sink import OperationSink
from models.db_faults import SERVICE_UNAVAILABLE, is_database_unavailable
from resolvers.context import Context
from resolvers.event_feed import LIVE_SINK

__all__ = ["TransportHandler", "encode_data"]

# Close code for a refused token (graphql-transport-ws: "Forbidden").
FORBIDDEN = 4403
# Close code when the server cannot serve now (RFC 6455 registry: "Try Again Later").
TRY_AGAIN_LATER = 1013
# A WebSocket close reason holds at most 123 bytes of UTF-8.
MAX_REASON_BYTES = 123
# Encoded results kept for reuse (as many as the shared results of `schema.shared_events`).
MAX_ENCODED = 2048

# id(data) -> (data, kept alive so its id stays unique; its JSON)
_encoded: OrderedDict[int, tuple[object, str]] = OrderedDict()


def encode_data(data: object) -> str:
    """`data` as JSON (as Strawberry encodes it), once per object however often it is sent."""
    found = _encoded.get(id(data))
    if found is not None and found[0] is data:
        return found[1]
    text = json.dumps(data, separators=(",", ":"))
    _encoded[id(data)] = (data, text)
    if len(_encoded) > MAX_ENCODED:
        _encoded.popitem(last=False)
    return text


def _close_reason(message: str) -> str:
    encoded = message.encode()
    if len(encoded) <= MAX_REASON_BYTES:
        return message
    return encoded[: MAX_REASON_BYTES - 3].decode(errors="ignore") + "..."


class TransportHandler(BaseGraphQLTransportWSHandler[Any, None]):
    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        try:
            await super().handle_connection_init(message)
        except Exception as exc:
            if not is_database_unavailable(exc):
                raise
            await self.websocket.close(code=TRY_AGAIN_LATER, reason=SERVICE_UNAVAILABLE)

    async def run_operation(self, operation: Operation[Any, None]) -> None:
        # Runs in the operation's own task: the sink is seen by this operation only.
        LIVE_SINK.set(OperationSink(self, operation))
        await super().run_operation(operation)

    async def _send_result_stream(
        self, operation: Operation[Any, None], result_source: Any
    ) -> None:
        # Strawberry's loop, with the two additions above.
        first = True
        async for result in result_source:
            if first and isinstance(result, PreExecutionError):
                await self._handle_pre_execution_error(operation, result)
                return
            if not isinstance(result, ExecutionResult):
                await self._reject_incremental_delivery(operation)
                return
            if first and self._anonymous_refused(result):
                await self._refuse(operation, result)
                return
            first = False
            if result.errors or result.extensions or not isinstance(result.data, dict):
                await operation.send_next(result)
            else:
                await self.send_data(operation, result.data)

    async def send_data(self, operation: Operation[Any, None], data: dict[str, Any]) -> None:
        websocket = self.websocket
        if operation.completed or not isinstance(websocket, ASGIWebSocketAdapter):
            await operation.send_next(ExecutionResult(data=data, errors=None))
            return
        frame = (
            f'{{"id":{json.dumps(operation.id)},"type":"next",'
            f'"payload":{{"data":{encode_data(data)}}}}}'
        )
        try:
            await websocket.ws.send_text(frame)
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc

    def _anonymous_refused(self, result: ExecutionResult) -> bool:
        """The operation's first answer is UNAUTHENTICATED on a socket without a viewer."""
        if not result.errors:
            return False
        context = self.context
        if not isinstance(context, Context) or context.viewer is not None:
            return False
        return (result.errors[0].extensions or {}).get("code") == "UNAUTHENTICATED"

    async def _refuse(self, operation: Operation[Any, None], result: ExecutionResult) -> None:
        assert result.errors
        reason = _close_reason(result.errors[0].message)
        await self.websocket.close(code=FORBIDDEN, reason=reason)
        # Closed, not completed: nothing more is sent for this operation.
        operation.completed = True
        self.operations.pop(operation.id, None)
