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

Once live, the operation has no task of its own (`deliver` raises `Detached`, which unwinds
Strawberry's stream, graphql-core's generators and the resolver without completing the
operation): between events a subscription is this object, its `_Live` record and its bus
`Subscriber`, not a parked task holding all of those frames (~19 KB each at 10,000
subscriptions, `docs/benchmarks.md`); the executor is shared by every live subscription of its
document and variables (`shared_events.live_executor`, round nine). What the fan-out declines is
queued, and a task is started only while something is queued (`Subscriber.detach`): `_drain`
does what the operation's task did for each event, and ends the operation as Strawberry's stream
would (`SUBSCRIBER_TOO_SLOW`, a viewer gone: a `next` with the error, then `complete`). The
client's `complete`, the socket's end and `close_socket` end it through `TransportHandler`.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import time
from inspect import isawaitable
from typing import TYPE_CHECKING, Any

from graphql import ExecutionResult as GraphQLResult
from graphql import GraphQLError
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import Operation
from strawberry.types.execution import ExecutionResult

from mentorgraph.metrics import event_rendered, event_sent, event_sent_directly
from mentorgraph.models.privacy import can_see_request
from mentorgraph.request_log import OperationRecord, codes_of, note_codes
from mentorgraph.resolvers.event_feed import Delivery, Detached, LiveEvents, SubscriberTooSlow
from mentorgraph.schema.extensions import classify_error
from mentorgraph.schema.shared_events import (
    RENDERED,
    SOURCE_EXECUTOR,
    SharedEventExecution,
    answer_now,
    execute_event,
    live_executor,
)

if TYPE_CHECKING:
    from mentorgraph.ws_transport import TransportHandler

__all__ = ["OperationSink"]

# Each shared answer computed counts in `mentorgraph_event_renders_total`.
RENDERED.callback = event_rendered


class OperationSink:
    __slots__ = (
        "_context",
        "_executor",
        "_handler",
        "_live",
        "_operation",
        "_prefix",
        "adopted",
        "ended",
        "record",
        "started",
    )

    def __init__(self, handler: TransportHandler, operation: Operation[Any, None]) -> None:
        self._handler = handler
        self._operation = operation
        self._executor: SharedEventExecution | None = None
        # The operation's context (its socket's): what the shared executor is run with.
        self._context: object = None
        self._live: LiveEvents | None = None
        self._prefix = b""
        # True once the sink carries the live phase (the operation's task is gone).
        self.adopted = False
        self.ended = False
        # The operation's log line and start, written when the subscription ends (by
        # `TransportHandler`, as it does for operations that end in their task).
        self.record: OperationRecord | None = None
        self.started = 0.0

    @property
    def operation(self) -> Operation[Any, None]:
        return self._operation

    def ready(self) -> bool:
        source = SOURCE_EXECUTOR.get()
        if source is None or not isinstance(self._handler.websocket, ASGIWebSocketAdapter):
            return False
        # Not this operation's executor (~3 KB each, with thousands of subscriptions), but
        # the one every subscription of its document and variables shares, and its context.
        self._executor, self._context = live_executor(source), source.context_value
        return True

    async def deliver(self, live: LiveEvents) -> None:
        assert self._executor is not None, "deliver() before ready()"
        self._live = live
        operation_id = json.dumps(self._operation.id)  # ASCII: non-ASCII is escaped
        self._prefix = f'{{"id":{operation_id},"type":"next","payload":{{"data":'.encode()
        stream = live.stream
        if self._operation.completed:
            return  # ended meanwhile (the socket closing): the resolver closes the stream
        self.adopted = True
        self._handler.adopt(self)
        stream.direct = self._take
        # The drain runs where this task ran (its request id, its log record), without the
        # operation's own executor (the shared one is `_executor`).
        SOURCE_EXECUTOR.set(None)
        stream.detach(self._drain, contextvars.copy_context())
        raise Detached

    def end(self) -> None:
        """Stop the live phase: no more events, the stream's queue and drain stopped."""
        if self.ended:
            return
        self.ended = True
        live = self._live
        if live is not None:
            live.stream.direct = None
            live.stream.stop()

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
            return False  # the drain says why, or skips it
        answer = answer_now(executor, self._context, event, viewer, lambda: live.present(delivery))
        if isinstance(answer, asyncio.Future):
            return answer
        if not isinstance(answer, GraphQLResult) or answer.errors:
            return False
        data = answer.data
        if not isinstance(data, dict):
            return False
        # The message: this operation's prefix around the shared answer's encoding.
        if not handler.write_now(b"".join((self._prefix, handler.encoded(data), b"}}"))):
            live.stream.direct = None  # the socket is gone: the drain finds out, as it would
            return False
        live.last_id = event.id
        event_sent(event.occurred_at)
        event_sent_directly()
        return True

    async def _drain(self) -> None:
        """What is queued, in order, as the operation's task did; ends the operation on an
        error the way Strawberry's stream would (a `next` with it, then `complete`)."""
        live, executor, operation = self._live, self._executor, self._operation
        assert live is not None and executor is not None
        try:
            while not operation.completed and (delivery := live.stream.pop()) is not None:
                event = live.accept(delivery)
                if event is None:
                    continue
                result = execute_event(executor, self._context, event)
                if isawaitable(result):
                    result = await result
                if result.errors:
                    await self._send_errors(result.data, result.errors)
                else:
                    await self._handler.send_data(operation, result.data)
                event_sent(event.occurred_at)
        except WebSocketDisconnected:
            self._handler.end_adopted(self)  # the socket's end cleans the rest up
        except SubscriberTooSlow:
            await self._fail(live.lagged())
        except Exception as exc:
            await self._fail(exc)

    async def _fail(self, exc: Exception) -> None:
        operation = self._operation
        error = exc if isinstance(exc, GraphQLError) else GraphQLError(str(exc), original_error=exc)
        try:
            if not operation.completed:
                await self._send_errors(None, [error])
                await operation.send_operation_message({"id": operation.id, "type": "complete"})
        except WebSocketDisconnected:
            pass
        finally:
            self._handler.end_adopted(self)

    async def _send_errors(self, data: Any, errors: list[Any]) -> None:
        # As Strawberry's stream would: log what the server got wrong, classify for the client.
        self._handler.schema.process_errors(errors)
        classified = [classify_error(error) for error in errors]
        note_codes(codes_of(classified))
        await self._operation.send_next(ExecutionResult(data=data, errors=classified))

    def seconds(self) -> float:
        return time.perf_counter() - self.started
