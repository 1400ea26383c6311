"""Live events of one subscription, executed and sent without the GraphQL stream.

Yielded through Strawberry, every live event of every subscription pays for graphql-core's
per-event executor copy, Strawberry's result wrapping and extension hooks, and building and
encoding a `next` message: most of a fan-out's CPU when the answer itself is shared
(`mentorgraph.schema.shared_events`). Replay and every error still go the usual way; from the live
phase on, `mentorgraph.resolvers.requests.request_events` hands its events to this sink
(`LIVE_SINK`, set per operation task by `TransportHandler`), which looks up the shared answer and
writes the pre-encoded frame.

Two ways in, one order. While the subscription's task is parked on an empty queue, the bus's
fan-out loop offers each event to `_take` first (`EventStream.direct`): it checks the event
against the subscription's cursor and the viewer's permission on the fresh rows, as the task
would, and writes the shared frame at once when the socket takes it without waiting
(`TransportHandler.write_now`). Anything else (an answer with errors, a socket with unread
frames, a viewer gone) is declined and queued for the task, which then does what it always
did: the bounded queue, `SUBSCRIBER_TOO_SLOW` and the 4008 slow-reader close hold as before.
Waking one task per subscriber per event was most of the remaining CPU (`docs/benchmarks.md`).
"""

from __future__ import annotations

import asyncio
import json
from contextlib import aclosing
from inspect import isawaitable
from typing import TYPE_CHECKING, Any

from graphql import ExecutionResult as GraphQLResult
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import Operation
from strawberry.types.execution import ExecutionResult

from mentorgraph.metrics import event_rendered, event_sent, event_sent_directly
from mentorgraph.models.privacy import can_see_request
from mentorgraph.resolvers.event_feed import Delivery, LiveEvents
from mentorgraph.schema.extensions import classify_error
from mentorgraph.schema.shared_events import (
    RENDERED,
    SOURCE_EXECUTOR,
    SharedEventExecution,
    answer_now,
    execute_event,
)

if TYPE_CHECKING:
    from mentorgraph.ws_transport import TransportHandler

__all__ = ["OperationSink"]

# Each shared answer computed counts in `mentorgraph_event_renders_total`.
RENDERED.callback = event_rendered


class OperationSink:
    __slots__ = ("_executor", "_handler", "_live", "_operation", "_prefix")

    def __init__(self, handler: TransportHandler, operation: Operation[Any, None]) -> None:
        self._handler = handler
        self._operation = operation
        self._executor: SharedEventExecution | None = None
        self._live: LiveEvents | None = None
        self._prefix = ""

    def ready(self) -> bool:
        self._executor = SOURCE_EXECUTOR.get()
        return self._executor is not None and isinstance(
            self._handler.websocket, ASGIWebSocketAdapter
        )

    async def deliver(self, live: LiveEvents) -> None:
        executor = self._executor
        assert executor is not None, "deliver() before ready()"
        self._live = live
        self._prefix = f'{{"id":{json.dumps(self._operation.id)},"type":"next","payload":'
        live.stream.direct = self._take
        try:
            async with aclosing(live.__aiter__()) as events:
                async for event in events:
                    result = execute_event(executor, event)
                    if isawaitable(result):
                        result = await result
                    if result.errors:
                        await self._send_errors(result.data, result.errors)
                    else:
                        await self._handler.send_data(self._operation, result.data)
                    event_sent(event.occurred_at)
        finally:
            live.stream.direct = None

    def _take(self, delivery: Delivery) -> bool | asyncio.Future[object]:
        """One event straight from the fan-out loop (see the module's docstring)."""
        live, executor, handler = self._live, self._executor, self._handler
        assert live is not None and executor is not None
        if self._operation.completed or not handler.can_write_now():
            return False
        event = delivery.event
        if event.id <= live.last_id:
            return True  # already replayed from the table
        viewer = delivery.users.get(live.viewer_id)
        if viewer is None or not can_see_request(viewer, delivery.request):
            return False  # the task says why, or skips it
        answer = answer_now(executor, event, viewer, lambda: live.present(delivery))
        if isinstance(answer, asyncio.Future):
            return answer
        if not isinstance(answer, GraphQLResult) or answer.errors:
            return False
        data = answer.data
        if not isinstance(data, dict):
            return False
        frame = f'{self._prefix}{{"data":{handler.encoded(data)}}}}}'
        if not handler.write_now(frame):
            live.stream.direct = None  # the socket is gone: the task finds out, as it would
            return False
        live.last_id = event.id
        event_sent(event.occurred_at)
        event_sent_directly()
        return True

    async def _send_errors(self, data: Any, errors: list[Any]) -> None:
        # As Strawberry's stream would: log what the server got wrong, classify for the client.
        self._handler.schema.process_errors(errors)
        classified = [classify_error(error) for error in errors]
        await self._operation.send_next(ExecutionResult(data=data, errors=classified))
