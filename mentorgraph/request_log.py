"""Request ids and one log line per GraphQL operation (HTTP and WebSocket).

The line says who asked what and how it went: operation name and type, viewer id, duration,
which read path answered (`fast`: one compiled statement, `resolvers/fast_reads`;
`compiled-payload`: a mutation whose payload the compiler read after the write,
`mentorgraph.schema.compiled_payloads`; `ordinary`: the executor), the error codes, and the names of
the
variables sent (never their values: passwords and tokens travel in variables)."""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from mentorgraph.logging_setup import REQUEST_ID
from mentorgraph.models.errors import FaultCode

__all__ = [
    "COMPILED_PAYLOAD",
    "SERVER_SEND",
    "OperationRecord",
    "RecordOperation",
    "RequestIds",
    "note_codes",
    "note_compiled_payload",
    "operation_logged",
]

logger = logging.getLogger("mentorgraph.operation")

# A WebSocket's scope holds the server's own `send` under this key (`RequestIds` puts it
# there): a live event's frame written through it skips every middleware's wrapper, which
# only look at the handshake (`mentorgraph.ws_transport`; ~6 % of a fan-out's CPU).
SERVER_SEND = "mentorgraph.server_send"

# A client's own id is kept only if it is a short token of safe characters (it is written into
# logs and headers as is).
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


@dataclass
class OperationRecord:
    transport: str
    name: str | None = None
    type: str | None = None
    viewer_id: int | None = None
    path: str | None = None
    variables: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    # Not an operation after all (GraphiQL's page): no line.
    skip: bool = False


CURRENT: ContextVar[OperationRecord | None] = ContextVar("operation_record", default=None)

# The read path of a mutation at least one of whose root fields had its payload read compiled
# (the others, declined, completed by the executor).
COMPILED_PAYLOAD = "compiled-payload"


def note_codes(codes: Any) -> None:
    """Adds error codes to the operation being served (if any)."""
    record = CURRENT.get()
    if record is not None:
        record.codes.extend(str(code) for code in codes if code and str(code) not in record.codes)


def note_compiled_payload() -> None:
    """The operation being served (if any) had a payload read compiled: its line says so.

    Called from the payload reader (`PayloadReads.served_hook`), in the operation's own task:
    the record is the one `operation_logged` set for this operation, even where one socket runs
    several operations at once."""
    record = CURRENT.get()
    if record is not None:
        record.path = COMPILED_PAYLOAD


def codes_of(errors: Any) -> list[str]:
    codes = []
    for error in errors or ():
        extensions = error.get("extensions") if isinstance(error, dict) else error.extensions
        codes.append((extensions or {}).get("code") or FaultCode.INTERNAL_SERVER_ERROR)
    return codes


@contextmanager
def operation_logged(transport: str, client: str | None = None) -> Iterator[OperationRecord]:
    """Records the operation run inside, and logs it when it ends (however it ends)."""
    record = OperationRecord(transport)
    token = CURRENT.set(record)
    started = time.perf_counter()
    try:
        yield record
    finally:
        CURRENT.reset(token)
        if not record.skip:
            log_operation(record, time.perf_counter() - started, client)


def log_operation(record: OperationRecord, seconds: float, client: str | None) -> None:
    if not logger.isEnabledFor(logging.INFO):
        return
    fields = {
        "transport": record.transport,
        "operation_name": record.name,
        "operation_type": record.type,
        "viewer_id": record.viewer_id,
        "read_path": record.path,
        "duration_ms": round(seconds * 1000, 2),
        "error_codes": record.codes,
        "variables": record.variables,
        "client": client,
    }
    # What `logger.info` does, less its search of the stack for the caller (always this line):
    # one line per request, so its cost is each request's (docs/benchmarks.md, round eight).
    logger.handle(
        logger.makeRecord(
            logger.name,
            logging.INFO,
            __file__,
            0,
            "%s %s %s",
            (
                record.type or "operation",
                record.name or "(anonymous)",
                ",".join(record.codes) or "ok",
            ),
            None,
            "log_operation",
            {"fields": fields},
        )
    )


class RecordOperation(SchemaExtension):
    """Tells the current record the operation's type and name, once the document is parsed."""

    def on_validate(self) -> Iterator[None]:
        # Parsed by now: a document that fails validation is named in its line too.
        self._note()
        yield

    def on_execute(self) -> Iterator[None]:
        self._note()
        yield

    def _note(self) -> None:
        record = CURRENT.get()
        if record is None:
            return
        context = self.execution_context
        # No operation to run raises: the executor answers why.
        with suppress(Exception):
            record.type = context.operation_type.value
        with suppress(Exception):
            record.name = record.name or context.operation_name
        if record.path is None:
            record.path = "ordinary"


def new_request_id() -> str:
    """32 random hexadecimal digits (as `uuid4().hex` wrote them, a quarter of its cost: one
    per request)."""
    return os.urandom(16).hex()


def _offered_id(scope: Scope) -> str | None:
    """The client's `X-Request-ID` if sane (looked for in the raw headers: no dict per
    request)."""
    for name, value in scope.get("headers") or ():
        if name == b"x-request-id":
            offered = value.decode("latin-1")
            return offered if _SANE_REQUEST_ID.fullmatch(offered) else None
    return None


class RequestIds:
    """ASGI middleware: each HTTP request and WebSocket gets an id (the client's `X-Request-ID`
    if sane, else a new one), in every log line written while it is served and in the
    response's `X-Request-ID` header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = _offered_id(scope) or new_request_id()
        header = (b"x-request-id", request_id.encode())

        async def send_with_id(message: Message) -> None:
            if message["type"] in (
                "http.response.start",
                "websocket.accept",
                "websocket.http.response.start",  # a refused upgrade (429)
            ):
                message = {**message, "headers": [*message.get("headers", ()), header]}
            await send(message)

        if scope["type"] == "websocket":
            # In place (as starlette's router adds its own keys): a copy per socket would cost
            # ~1 KB of each socket's memory for one key.
            scope[SERVER_SEND] = send
        token = REQUEST_ID.set(request_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            REQUEST_ID.reset(token)
