"""Our graphql-transport-ws handler: Strawberry's, plus the request rules, limits and encode-once.

- `connection_init` without a token is accepted (future public subscriptions may need none);
  a subscription that needs a viewer then fails alone with an `error` message carrying the
  UNAUTHENTICATED error, and the socket stays open for the rest. Closing it instead (4403 after
  the ack) made graphql-ws clients reconnect forever: a socket that was acknowledged resets
  their retry count, and they retry 4403. A bad token closes with 4403 at `connection_init`
  only, before the ack, where the clients' retries are counted and end.
- Every message and every `subscribe` meets the HTTP endpoint's rules (`request_rules`): a
  message above `max_body_bytes` closes the socket with 1009; bad parameters (NUL, variables
  not an object, ...) get an `error` message with BAD_USER_INPUT, and the socket stays open.
- The token is checked at `connection_init` and again at each `subscribe` (expired, or its
  account deleted, or its session ended: closed with 4403), and a timer closes the socket when
  it expires. Deleted accounts and ended sessions (logOut, a password change, in any process)
  of live sockets are found by `SocketRegistry`'s periodic check.
- At most `ws_max_operations_per_socket` operations in flight (beyond: an `error` message with
  TOO_MANY_OPERATIONS). At most `ws_max_queued_bytes` of answers waiting for a client that does
  not read them: beyond, its operations are cancelled and it is closed with 4008.
- A live event's result object is shared by every subscription of one document and visibility
  class (`mentorgraph.schema.shared_events`): its JSON is encoded once and the `next` frame is
  written straight to the socket, instead of building and encoding the message per subscriber.
- A database outage while `connection_init` looks the viewer up closes the socket with 1013
  ("try again later") and SERVICE_UNAVAILABLE as the reason, not with an internal error; a
  `subscribe` that meets one gets an `error` message with SERVICE_UNAVAILABLE (the socket stays
  open), an operation that meets one while running the same code in its `errors`.
- Each operation's task offers a `LiveSink` (`mentorgraph.live_sink`): live events skip the
  GraphQL stream's per-event machinery, and while the socket has nothing unwritten the bus's
  fan-out loop writes them itself (`write_now`; one frame built here and written by the
  server's protocol, `mentorgraph.ws_protocol`), no task woken per frame. Once live, the
  operation's task ends: the sink carries the subscription (`adopt`, `end_adopted`).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import types
from collections import OrderedDict
from collections.abc import AsyncGenerator, Callable, Coroutine, Generator, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from json import JSONDecodeError
from typing import TYPE_CHECKING, Any, Protocol, cast

from starlette.types import Send
from starlette.websockets import WebSocketDisconnect, WebSocketState
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.exceptions import (
    NonJsonMessageReceived,
    NonTextMessageReceived,
    WebSocketDisconnected,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    Message,
    SubscribeMessage,
)
from strawberry.types.execution import ExecutionResult, PreExecutionError
from strawberry.types.unset import UnsetType

from mentorgraph import metrics, tracing
from mentorgraph.live_sink import OperationSink
from mentorgraph.models.db_faults import (
    SERVICE_UNAVAILABLE,
    UNAVAILABLE_MESSAGE,
    is_database_unavailable,
)
from mentorgraph.models.errors import FaultCode
from mentorgraph.request_log import (
    SERVER_SEND,
    OperationRecord,
    codes_of,
    log_operation,
    note_codes,
    operation_logged,
)
from mentorgraph.request_rules import RequestRefused, check_size, graphql_params
from mentorgraph.resolvers.context import Context
from mentorgraph.resolvers.event_feed import LIVE_SINK, Detached
from mentorgraph.schema.extensions import classify_error
from mentorgraph.security import Credentials, InvalidToken, TokenService
from mentorgraph.tracing_graphql import subscribe_attributes
from mentorgraph.ws_protocol import LeanWebSocketsProtocol

if TYPE_CHECKING:
    from mentorgraph.socket_limits import SocketSlot

__all__ = [
    "SizeCheckedWebSocketAdapter",
    "SocketContext",
    "SocketLimits",
    "SocketRefused",
    "TransportHandler",
    "encode_data",
    "encode_data_bytes",
]

# Close codes. 4403 as graphql-transport-ws uses it (HTTP status + 4000); 4429 after that
# pattern (the protocol's own 4429, a second `connection_init`, is also "too many"); 1009 is
# the WebSocket standard's "message too big"; 4008 is ours: a client that does not read what
# it asked for (graphql-ws clients reconnect after it; subscriptions resume with `after`).
FORBIDDEN = 4403
TOO_MANY_SOCKETS = 4429
MESSAGE_TOO_BIG = 1009
SLOW_READER = 4008
# The server cannot serve now (the WebSocket standard's "Try Again Later").
TRY_AGAIN_LATER = 1013
# A WebSocket close reason holds at most 123 bytes of UTF-8.
MAX_REASON_BYTES = 123
# Encoded results kept for reuse (as many as the shared results of
# `mentorgraph.schema.shared_events`).
MAX_ENCODED = 2048

# id(data) -> (data, kept alive so its id stays unique; its JSON; the same as UTF-8)
_encoded: OrderedDict[int, tuple[object, str, bytes]] = OrderedDict()


def _encode(data: object) -> tuple[object, str, bytes]:
    found = _encoded.get(id(data))
    if found is not None and found[0] is data:
        return found
    text = json.dumps(data, separators=(",", ":"))
    found = _encoded[id(data)] = (data, text, text.encode())
    if len(_encoded) > MAX_ENCODED:
        _encoded.popitem(last=False)
    return found


def encode_data(data: object) -> str:
    """`data` as JSON (as Strawberry encodes it), once per object however often it is sent."""
    return _encode(data)[1]


def encode_data_bytes(data: object) -> bytes:
    """`encode_data(data)` as UTF-8 (ASCII: `json.dumps` escapes the rest), also once."""
    return _encode(data)[2]


@dataclass(frozen=True, slots=True)
class SocketLimits:
    """What one socket may use (from `Settings`; see there)."""

    max_message_bytes: int
    max_operations: int
    max_queued_bytes: int


@dataclass
class SocketContext(Context):
    # Filled by Strawberry from `connection_init` before `on_ws_connect` runs.
    connection_params: dict[str, object] = field(default_factory=dict)
    # The socket's place among the open sockets (per address, per account).
    slot: SocketSlot | None = None
    # The token of `connection_init` (None: anonymous), re-checked at each `subscribe`.
    credentials: Credentials | None = None


class SocketRefused(ConnectionRejectionError):
    """Raised by `on_ws_connect`: close the socket with `code`, saying `reason`.

    A `ConnectionRejectionError`, so the legacy `graphql-ws` handler refuses it its own way.
    """

    def __init__(self, code: int, reason: str) -> None:
        super().__init__({"message": reason})
        self.code = code
        self.reason = reason


class SocketView(Protocol):
    socket_limits: SocketLimits
    tokens: TokenService


class SizeCheckedWebSocketAdapter(ASGIWebSocketAdapter):
    """Strawberry's adapter, refusing a message above the request size limit with 1009.

    uvicorn refuses it first where `ws_max_size` is set (`mentorgraph serve` sets it from the
    same setting); this check holds wherever the app is served.
    """

    async def iter_json(
        self, *, ignore_parsing_errors: bool = False
    ) -> AsyncGenerator[object, None]:
        max_bytes = cast("SocketView", self.view).socket_limits.max_message_bytes
        try:
            while self.ws.application_state != WebSocketState.DISCONNECTED:
                text = await self.ws.receive_text()
                try:
                    # Characters first: encoding is needed only when it could matter.
                    if len(text) * 4 > max_bytes:
                        check_size(len(text.encode(errors="surrogatepass")), max_bytes)
                except RequestRefused as refused:
                    await self.close(MESSAGE_TOO_BIG, refused.message)
                    return
                try:
                    yield self.view.decode_json(text)
                except (JSONDecodeError, RecursionError) as exc:
                    if not ignore_parsing_errors:
                        raise NonJsonMessageReceived from exc
                # Not kept while waiting for the next message: on a live socket, for its life.
                del text
        except KeyError as exc:
            raise NonTextMessageReceived from exc
        except WebSocketDisconnect:
            pass


@types.coroutine
def _resumed(writing: Coroutine[Any, Any, None], waiting: Any) -> Generator[Any, Any, None]:
    """The rest of `writing`, which yielded `waiting` when it was first run by hand."""
    while True:
        try:
            received = yield waiting
        except BaseException as exc:  # a cancellation (or close) goes on into the write
            try:
                waiting = writing.throw(exc)
            except StopIteration:
                return
        else:
            try:
                waiting = writing.send(received)
            except StopIteration:
                return


async def _finish(writing: Coroutine[Any, Any, None], waiting: Any) -> None:
    # The socket may be gone by then: whoever writes next (an operation's task) finds out.
    with suppress(Exception):
        await _resumed(writing, waiting)


def _close_reason(message: str) -> str:
    encoded = message.encode()
    if len(encoded) <= MAX_REASON_BYTES:
        return message
    return encoded[: MAX_REASON_BYTES - 3].decode(errors="ignore") + "..."


def _first_code(errors: list[Any] | None) -> str:
    if not errors:
        return "ERROR"
    code = classify_error(errors[0]).formatted.get("extensions", {}).get("code")
    return code[:40] if isinstance(code, str) else "ERROR"


class TransportHandler(BaseGraphQLTransportWSHandler[Any, None]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        view = cast("SocketView", self.view)
        self.limits = view.socket_limits
        self.tokens = view.tokens
        # Characters (= bytes: the JSON is ASCII) of frames waiting for the client to read.
        self._queued = 0
        # Set once the server decided to close the socket: nothing more is read or run.
        self._closing = False
        self._closer: asyncio.Task[None] | None = None
        self._expiry: asyncio.TimerHandle | None = None
        # Operations cancelled by `close_socket`: awaited at shutdown, as Strawberry awaits its
        # own, so their clean-up (a transaction's rollback) is done when the socket is.
        self._cancelled: list[asyncio.Task[Any]] = []
        # Operations answered with errors only, by id: the first error's code (metrics).
        self._refused: dict[str, str] = {}
        # A frame `write_now` started that waits for the socket to drain: every later frame
        # goes after it (`_write` waits for it), and nothing more is written directly.
        self._tail: asyncio.Task[None] | None = None
        # Live subscriptions whose operation's task ended (`mentorgraph.live_sink`), by id.
        self._adopted: dict[str, OperationSink] = {}
        websocket = self.websocket
        # Asked per frame by the fan-out: `isinstance` on this ABC-derived class cost 1.5 %.
        self._asgi = isinstance(websocket, ASGIWebSocketAdapter)
        self._server_send: Send | None = (
            websocket.ws.scope.get(SERVER_SEND)
            if isinstance(websocket, ASGIWebSocketAdapter)
            else None
        )
        # The server's own protocol object, when it can write a frame without the ASGI send
        # (`mentorgraph serve` runs `LeanWebSocketsProtocol`).
        protocol = getattr(self._server_send, "__self__", None)
        self._write_frame: Callable[[bytes], bool] | None = (
            protocol.write_text_frame if isinstance(protocol, LeanWebSocketsProtocol) else None
        )

    # The socket's life: connection, limits, closing.

    @property
    def socket_context(self) -> SocketContext:
        return cast("SocketContext", self.context)

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        # Strawberry's, except that a refusal closes with its own code and reason (Strawberry
        # says 4403 "Forbidden" to all), and the token's expiry and account are then watched.
        if self.connection_timed_out:
            return
        if self.connection_init_timeout_task:
            self.connection_init_timeout_task.cancel()
            # Not kept for the socket's life (a done task and its coroutine, ~1 KB each).
            self.connection_init_timeout_task = None
        payload = message.get("payload", {})
        if not isinstance(payload, dict):
            await self.websocket.close(code=4400, reason="Invalid connection init payload")
            return
        if self.connection_init_received:
            await self.websocket.close(code=4429, reason="Too many initialisation requests")
            return
        self.connection_init_received = True
        context = self.socket_context
        context.connection_params = payload
        try:
            ack_payload = await self.view.on_ws_connect(context)
        except ConnectionRejectionError as rejection:
            context.connection_params = {}
            if isinstance(rejection, SocketRefused):
                code, reason = rejection.code, _close_reason(rejection.reason)
            else:
                code, reason = FORBIDDEN, "Forbidden"
            await self.websocket.close(code=code, reason=reason)
            return
        except Exception as exc:
            if not is_database_unavailable(exc):
                raise
            await self.websocket.close(code=TRY_AGAIN_LATER, reason=SERVICE_UNAVAILABLE)
            return
        # Read by `on_ws_connect` only (the token, now in `credentials`): not kept per socket.
        context.connection_params = {}
        if isinstance(ack_payload, UnsetType):
            await self.send_message({"type": "connection_ack"})
        else:
            await self.send_message({"type": "connection_ack", "payload": ack_payload})
        self.connection_acknowledged = True
        if context.slot is not None:
            context.slot.on_account_deleted = self._account_deleted
            context.slot.on_session_ended = self._session_ended
        if context.credentials is not None:
            delay = max(0.0, context.credentials.expires_at - time.time())
            self._expiry = asyncio.get_running_loop().call_later(delay, self._token_expired)

    def _token_expired(self) -> None:
        self.close_socket(FORBIDDEN, "The token has expired: sign in again.")

    def _account_deleted(self) -> None:
        self.close_socket(FORBIDDEN, "The token's account no longer exists: sign in again.")

    def _session_ended(self) -> None:
        self.close_socket(FORBIDDEN, "The token's session has ended: sign in again.")

    def close_socket(self, code: int, reason: str) -> None:
        """Stop every operation now, and close the socket (as soon as it can be written to).

        A client that does not read cannot be sent a close frame either: the frame waits for
        it, in its own task, while the operations' memory is freed at once.
        """
        if self._closing:
            return
        self._closing = True
        if self._expiry is not None:
            self._expiry.cancel()
        for operation in list(self.operations.values()):
            operation.completed = True
            if operation.task is not None and not operation.task.done():
                operation.task.cancel()
                self._cancelled.append(operation.task)
        self.operations.clear()
        for sink in list(self._adopted.values()):
            self.end_adopted(sink)
        if self._tail is not None:
            self._tail.cancel()
        self._closer = asyncio.create_task(self._close_quietly(code, _close_reason(reason)))

    async def _close_quietly(self, code: int, reason: str) -> None:
        with suppress(Exception):
            await self.websocket.close(code=code, reason=reason)

    async def handle(self) -> None:
        # Strawberry's, except that each message is let go once handled: its loop kept the
        # last one while waiting for the next, on a subscription's socket its decoded
        # `subscribe` for the socket's whole life (`docs/benchmarks.md`, round nine).
        self.on_request_accepted()
        try:
            try:
                async for message in self.websocket.iter_json():
                    await self.handle_message(cast("Message", message))
                    del message
            except NonTextMessageReceived:
                await self.handle_invalid_message("WebSocket message type must be text")
            except NonJsonMessageReceived:
                await self.handle_invalid_message("WebSocket message must be valid JSON")
        except WebSocketDisconnected:
            pass
        finally:
            await self.shutdown()

    async def shutdown(self) -> None:
        if self._expiry is not None:
            self._expiry.cancel()
        if self._closer is not None and not self._closer.done():
            self._closer.cancel()
        if self._tail is not None:
            self._tail.cancel()
        await super().shutdown()
        for sink in list(self._adopted.values()):
            self.end_adopted(sink)
        for task in self._cancelled:
            with suppress(Exception, asyncio.CancelledError):
                await task

    async def handle_message(self, message: Message) -> None:
        if self._closing:
            return  # the client's messages after the server closed: ignored
        await super().handle_message(message)

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        # One span while the operation is accepted or refused; nothing per delivered event.
        with tracing.operation_span("subscribe") as span:
            if span is not None:
                tracing.annotate(
                    subscribe_attributes(message, getattr(self.context, "viewer", None))
                )
            await self._subscribe(message)
            if span is not None:
                accepted = message.get("id") in self.operations
                span.set_attribute("mentorgraph.outcome", "ok" if accepted else "error")

    async def _subscribe(self, message: SubscribeMessage) -> None:
        operation_id = message["id"]
        if not isinstance(operation_id, str):
            await self.handle_invalid_message("'id' must be a string.")
            return
        if not self.connection_acknowledged or operation_id in self.operations:
            await super().handle_subscribe(message)  # closed with 4401 / 4409
            return
        try:
            refusal = await self._session_refusal()
        except Exception as exc:
            if not is_database_unavailable(exc):
                raise
            unavailable = {
                "message": UNAVAILABLE_MESSAGE,
                "extensions": {"code": SERVICE_UNAVAILABLE},
            }
            await self._send_error(operation_id, unavailable)
            return
        if refusal is not None:
            self.close_socket(FORBIDDEN, refusal)
            return
        try:
            graphql_params(message.get("payload"))
        except RequestRefused as refused:
            await self._send_error(operation_id, refused.formatted)
            return
        if len(self.operations) >= self.limits.max_operations:
            limit = self.limits.max_operations
            reason = f"At most {limit} operations run at once on a socket: wait for one to end."
            await self._send_error(
                operation_id,
                {"message": reason, "extensions": {"code": FaultCode.TOO_MANY_OPERATIONS}},
            )
            return
        await super().handle_subscribe(message)

    async def _session_refusal(self) -> str | None:
        """Why the socket's token no longer serves (None: it does; anonymous sockets too)."""
        context = self.socket_context
        credentials = context.credentials
        if credentials is None:
            return None
        if time.time() >= credentials.expires_at:
            return "The token has expired: sign in again."
        try:
            # As an HTTP request would: the account as it is now (deleted, or no longer admin).
            context.viewer = await self.tokens.viewer_for(credentials)
        except InvalidToken as exc:
            return str(exc)
        return None

    async def _send_error(self, operation_id: str, error: Mapping[str, object]) -> None:
        extensions = error.get("extensions")
        if isinstance(extensions, Mapping):
            tracing.annotate({"error.type": str(extensions.get("code"))[:100]})
        # A refused `subscribe` is an operation too: one log line with its code.
        with operation_logged("ws", self._client()) as record:
            self._describe(record, None)
            note_codes(codes_of([error]))
        await self.send_message(
            cast("Message", {"id": operation_id, "type": "error", "payload": [error]})
        )

    # Writing: every frame is counted while it waits for the client.

    async def send_message(self, message: Message) -> None:
        encoded = self.view.encode_json(message)
        if isinstance(encoded, bytes):  # pragma: no cover - the view encodes to str
            encoded = encoded.decode()
        await self._write(encoded)

    async def _write(self, frame: str) -> None:
        websocket = self.websocket
        if not isinstance(websocket, ASGIWebSocketAdapter):  # pragma: no cover
            await websocket.send_json(json.loads(frame))
            return
        size = len(frame)
        # A frame goes out at once while the client reads; frames already waiting mean it
        # does not. One answer of any size may wait; beyond the limit, the client is dropped.
        if self._queued and self._queued + size > self.limits.max_queued_bytes:
            self.close_socket(
                SLOW_READER,
                f"More than {self.limits.max_queued_bytes} bytes unread: read faster"
                " (subscriptions resume with 'after').",
            )
            return  # dropped: the operations are cancelled, the socket is closing
        self._queued += size
        try:
            tail = self._tail
            if tail is not None and not tail.done():
                await asyncio.wait((tail,))  # frames go out in the order they were written
            ws = websocket.ws
            send = self._server_send
            if send is not None and ws.application_state is WebSocketState.CONNECTED:
                # What starlette's `send_text` does once the socket is open, minus the
                # middlewares' wrappers (see `SERVER_SEND`).
                try:
                    await send({"type": "websocket.send", "text": frame})
                except OSError:
                    ws.application_state = WebSocketState.DISCONNECTED
                    raise WebSocketDisconnected from None
            else:
                await ws.send_text(frame)
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc
        finally:
            self._queued -= size

    # Writing from the fan-out loop (`mentorgraph.live_sink`): no task per frame.

    def can_write_now(self) -> bool:
        """Nothing of this socket is waiting to be written: a new frame would go out now."""
        tail = self._tail
        return (
            not self._closing and self._queued == 0 and (tail is None or tail.done()) and self._asgi
        )

    def encoded(self, data: object) -> bytes:
        return encode_data_bytes(data)

    def write_now(self, payload: bytes) -> bool:
        """Write the message `payload` from the caller's own stack (only when `can_write_now`).

        Straight to the transport as one frame when the server's protocol can
        (`LeanWebSocketsProtocol.write_text_frame`: open, writable, no compression). Else
        the write (`_write`: counted, then the ASGI send) is driven by hand: a socket that
        takes the frame at once finishes it here. One that must drain first leaves the rest
        to a task (`_tail`), which every later write waits for; until it is done nothing more
        is written directly, so a client that stops reading fills the subscriptions' queues
        and the byte limit exactly as it did with a task per subscription. False: the socket
        failed (disconnected); its operations' tasks will find out on their own.
        """
        write_frame = self._write_frame
        if write_frame is not None and write_frame(payload):
            return True
        writing = self._write(payload.decode())
        try:
            waiting = writing.send(None)
        except StopIteration:
            return True
        except Exception:
            return False
        self._tail = asyncio.ensure_future(_finish(writing, waiting))
        return True

    # Running operations.

    async def run_operation(self, operation: Operation[Any, None]) -> None:
        # Runs in the operation's own task: the sink is seen by this operation only.
        sink = OperationSink(self, operation)
        LIVE_SINK.set(sink)
        with operation_logged("ws", self._client()) as record:
            self._describe(record, operation)
            started = time.perf_counter()
            kind = metrics.operation_type(operation.query, operation.operation_name)
            outcome = "ok"
            if kind == "subscription":
                metrics.subscription_started()
            try:
                await super().run_operation(operation)
            except Detached:
                # The sink carries the live subscription on without this task; its end is
                # counted and logged then (`end_adopted`).
                record.skip = True
                sink.record, sink.started = record, started
                operation.task = None  # done: not kept, with its context, while live
                if sink.ended:  # ended while this task unwound
                    sink.ended = False
                    self.end_adopted(sink)
                return
            except Exception:  # not a cancellation: the client's `complete` or goodbye is "ok"
                outcome = FaultCode.INTERNAL_SERVER_ERROR
                raise
            finally:
                if not sink.adopted:
                    outcome = self._refused.pop(operation.id, outcome)
                    if kind == "subscription":
                        metrics.subscription_ended()
                    metrics.record_operation(
                        operation.operation_name,
                        kind,
                        "ws",
                        outcome,
                        outcome == "ok",
                        None if kind == "subscription" else time.perf_counter() - started,
                    )

    # Live subscriptions without a task (`mentorgraph.live_sink`).

    def adopt(self, sink: OperationSink) -> None:
        operation = sink.operation
        # Each `subscribe` decoded its own copy of the document's text, kept by the operation
        # for its whole life: live ones of one document share one (freed with the last).
        operation.query = sys.intern(operation.query)
        self._adopted[operation.id] = sink

    def end_adopted(self, sink: OperationSink) -> None:
        """The end of a subscription carried by its sink: stop it, count it, log it."""
        if sink.ended:
            return
        sink.end()
        operation = sink.operation
        if self._adopted.get(operation.id) is sink:
            del self._adopted[operation.id]
        record = sink.record
        if record is None:
            return  # its task is still unwinding: it finishes the job (`run_operation`)
        metrics.subscription_ended()
        metrics.record_operation(operation.operation_name, "subscription", "ws", "ok", True, None)
        log_operation(record, sink.seconds(), self._client())

    async def cleanup_operation(self, operation_id: str) -> None:
        # Strawberry's, for an operation whose task may be gone (a live subscription's).
        operation = self.operations.pop(operation_id, None)
        if operation is not None and operation.task is not None:
            operation.task.cancel()  # not awaited here: that would block the socket's reader
        sink = self._adopted.get(operation_id)
        if sink is not None:
            self.end_adopted(sink)

    def _client(self) -> str | None:
        return getattr(self.context, "client_address", None)

    def _describe(self, record: OperationRecord, operation: Operation[Any, None] | None) -> None:
        context = self.context
        viewer = getattr(context, "viewer", None)
        record.viewer_id = getattr(viewer, "id", None)
        record.path = "ordinary"  # sockets always use the executor
        if operation is not None:
            record.name = operation.operation_name
            # Names only: values may hold passwords and tokens.
            record.variables = sorted(operation.variables or ())

    async def _send_result_stream(
        self, operation: Operation[Any, None], result_source: Any
    ) -> None:
        # Strawberry's loop, with the two additions above.
        first = True
        async for result in result_source:
            note_codes(codes_of(getattr(result, "errors", None)))
            if first and isinstance(result, PreExecutionError):
                self._refused[operation.id] = _first_code(result.errors)
                await self._handle_pre_execution_error(operation, result)
                return
            if not isinstance(result, ExecutionResult):
                await self._reject_incremental_delivery(operation)
                return
            if first and self._needs_sign_in(result):
                assert result.errors
                self._refused[operation.id] = FaultCode.UNAUTHENTICATED
                await operation.send_initial_errors(result.errors)
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
        await self._write(frame)

    def _needs_sign_in(self, result: ExecutionResult) -> bool:
        """The operation's first answer is UNAUTHENTICATED on a socket without a viewer."""
        if not result.errors:
            return False
        context = self.context
        if not isinstance(context, Context) or context.viewer is not None:
            return False
        return (result.errors[0].extensions or {}).get("code") == FaultCode.UNAUTHENTICATED
