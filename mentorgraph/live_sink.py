"""Live events of one subscription, executed and sent without the GraphQL stream.

Yielded through Strawberry, every live event of every subscription pays for graphql-core's
per-event executor copy, Strawberry's result wrapping and extension hooks, and building and
encoding a `next` message: most of a fan-out's CPU when the answer itself is shared
(`schema.shared_events`). Replay and every error still go the usual way; from the live phase
on, `resolvers.request_events` hands its events to this sink (`LIVE_SINK`, set per operation
task by `TransportHandler`), which looks up the shared answer and writes the pre-encoded frame.
Order, dedup, permission checks and the bounded queue are the subscription's, unchanged.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from inspect import isawaitable
from typing import TYPE_CHECKING, Any

from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import Operation
from strawberry.types.execution import ExecutionResult

from mentorgraph.metrics import event_rendered, event_sent
from models.requests import RequestEvent
from schema.extensions import classify_error
from schema.shared_events import RENDERED, SOURCE_EXECUTOR, SharedEventExecution, execute_event

if TYPE_CHECKING:
    from mentorgraph.ws_transport import TransportHandler

__all__ = ["OperationSink"]

# Each shared answer computed counts in `mentorgraph_event_renders_total`.
RENDERED.callback = event_rendered


class OperationSink:
    __slots__ = ("_executor", "_handler", "_operation")

    def __init__(self, handler: TransportHandler, operation: Operation[Any, None]) -> None:
        self._handler = handler
        self._operation = operation
        self._executor: SharedEventExecution | None = None

    def ready(self) -> bool:
        self._executor = SOURCE_EXECUTOR.get()
        return self._executor is not None and isinstance(
            self._handler.websocket, ASGIWebSocketAdapter
        )

    async def deliver(self, events: AsyncIterator[RequestEvent]) -> None:
        executor = self._executor
        assert executor is not None, "deliver() before ready()"
        async for event in events:
            result = execute_event(executor, event)
            if isawaitable(result):
                result = await result
            if result.errors:
                await self._send_errors(result.data, result.errors)
            else:
                await self._handler.send_data(self._operation, result.data)
            event_sent(event.occurred_at)

    async def _send_errors(self, data: Any, errors: list[Any]) -> None:
        # As Strawberry's stream would: log what the server got wrong, classify for the client.
        self._handler.schema.process_errors(errors)
        classified = [classify_error(error) for error in errors]
        await self._operation.send_next(ExecutionResult(data=data, errors=classified))
