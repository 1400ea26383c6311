"""The GraphQL operation's span (`mentorgraph.tracing`): its name, type, read path and outcome,
and on the ordinary path a span per root field.

Not Strawberry's `OpenTelemetryExtension`: it records the document's text (where a literal
password can sit) and every resolver's arguments as attributes, and makes a span per field
resolved (a page of 50 objects of 10 fields: 500 spans). Added to the schema only when tracing is
on (`create_app`), so a server without it pays nothing per field.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from inspect import isawaitable
from typing import Any

import orjson
from graphql import GraphQLError, GraphQLResolveInfo, OperationType
from starlette.responses import Response
from strawberry.extensions import SchemaExtension

from mentorgraph import tracing
from mentorgraph.models.errors import FaultCode
from mentorgraph.request_log import COMPILED_PAYLOAD

__all__ = [
    "TracedRootFields",
    "operation_outcome",
    "operation_span_name",
    "subscribe_attributes",
    "traced_compiled_payload",
    "traced_fast_read",
]

NAME_LIMIT = 100
# Codes that say the server failed (the span's status is then ERROR), not the client.
SERVER_FAULTS = frozenset({FaultCode.INTERNAL_SERVER_ERROR, FaultCode.SERVICE_UNAVAILABLE})


def traced_fast_read(operation_name: str | None, operation_type: str = "query") -> None:
    """The current operation was answered by the fast path (a query, or a mutation that
    changed nothing)."""
    if not tracing.enabled():
        return
    tracing.rename(operation_span_name(operation_type, operation_name))
    tracing.annotate(
        {
            "graphql.operation.type": operation_type,
            "graphql.operation.name": operation_name[:NAME_LIMIT] if operation_name else None,
            "mentorgraph.read_path": "fast",
        }
    )


def traced_compiled_payload() -> None:
    """The current operation (a mutation) had a payload read compiled after its write."""
    if tracing.enabled():
        tracing.annotate({"mentorgraph.read_path": COMPILED_PAYLOAD})


def operation_outcome(response: Response) -> dict[str, Any]:
    """`ok` or `error` and the first error's code, read off the answer's body (tracing only)."""
    status = response.status_code
    code = None
    body = bytes(response.body)
    if b'"errors"' in body:
        with contextlib.suppress(ValueError):
            errors = orjson.loads(body).get("errors") or [{}]
            code = (errors[0].get("extensions") or {}).get("code")
    if status >= 500 or code in SERVER_FAULTS:
        tracing.mark_error()
    return {
        "http.response.status_code": status,
        "mentorgraph.outcome": "error" if code is not None or status >= 400 else "ok",
        "error.type": str(code)[:NAME_LIMIT] if code is not None else None,
    }


def operation_span_name(operation_type: str, operation_name: str | None) -> str:
    return f"{operation_type} {operation_name[:NAME_LIMIT]}" if operation_name else operation_type


class TracedRootFields(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        try:
            operation_type = context.operation_type.value
        except (RuntimeError, GraphQLError):  # no such operation: the executor says so
            operation_type = None
        if operation_type is not None:
            name = context.operation_name
            tracing.rename(operation_span_name(operation_type, name))
            tracing.annotate(
                {
                    "graphql.operation.type": operation_type,
                    "graphql.operation.name": name[:NAME_LIMIT] if name else None,
                    "mentorgraph.read_path": "ordinary",
                }
            )
        yield

    async def resolve(
        self,
        _next: Callable[..., Any],
        root: Any,
        info: GraphQLResolveInfo[Any],
        *args: Any,
        **kw: Any,
    ) -> Any:
        # Root fields only; a subscription's root field runs again per event: no span there.
        if info.path.prev is not None or info.operation.operation is OperationType.SUBSCRIPTION:
            result = _next(root, info, *args, **kw)
            return await result if isawaitable(result) else result
        with tracing.span(f"resolve {info.parent_type.name}.{info.field_name}") as span:
            if span is not None:
                span.set_attributes(
                    {
                        "graphql.field.name": info.field_name,
                        "graphql.field.path": str(info.path.key),
                    }
                )
            result = _next(root, info, *args, **kw)
            return await result if isawaitable(result) else result


def subscribe_attributes(message: Mapping[str, Any], viewer: Any) -> dict[str, Any]:
    """A WebSocket `subscribe`'s span: the operation's name and the viewer, nothing else of it."""
    payload = message.get("payload")
    name = payload.get("operationName") if isinstance(payload, Mapping) else None
    return {
        "graphql.operation.name": name[:NAME_LIMIT] if isinstance(name, str) else None,
        "enduser.id": getattr(viewer, "id", None),
        "mentorgraph.transport": "websocket",
    }
