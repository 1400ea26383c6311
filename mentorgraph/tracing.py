"""Optional OpenTelemetry tracing: off unless an OTLP endpoint is configured.

On when `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set (and
`OTEL_SDK_DISABLED` is not `true`); the service is named by `OTEL_SERVICE_NAME` (default
`mentorgraph`), each process by `service.instance.id` (host and pid). Spans leave over
OTLP/HTTP (protobuf) in batches; the SDK's own variables (`OTEL_BSP_SCHEDULE_DELAY`,
`OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_RESOURCE_ATTRIBUTES`, ...) apply. A collector that is down
costs no request anything: the batch queue drops spans when full. The packages come with the
`otel` extra: `pip install mentorgraph[otel]`.

When off, nothing of OpenTelemetry is imported and each hook costs one `is None` check
(`span` returns a shared null context yielding None; `annotate` returns at once).

The spans (names and attributes; never a token, a password, the document's text nor a variable's
value — `tests/ops/test_tracing.py` checks the exported bytes):

- `graphql` (HTTP, a server span continuing a `traceparent` the request carries; renamed
  `query Name` / `mutation Name` once known): `graphql.operation.name`, `graphql.operation.type`,
  `mentorgraph.read_path` (`fast`, `compiled-payload` or `ordinary`), `enduser.id` (the
  viewer's id), `mentorgraph.outcome` (`ok` or `error`), `error.type` (the first error's
  `extensions.code`), `http.response.status_code`.
- `subscribe` (WebSocket): one span while a `subscribe` message is accepted (or refused);
  nothing per delivered event: a busy subscription would emit a span per subscriber per event,
  and an event's fan-out is a metric's job. Queries and mutations sent over the socket run in the
  operation's task, started inside this span: their resolver and database spans are its children.
- Fast path (`mentorgraph.resolvers.fast_reads`): `fast_reads.compile` (compile or cache hit:
  `mentorgraph.statement.cache_hit`, `mentorgraph.statement.shape` = a hash of the document and
  operation name, `mentorgraph.statement.answered`) and `fast_reads.execute` (`db.system`,
  the same shape).
- Ordinary path: `resolve Type.field` per root field (`TracedRootFields`; one per root field,
  not per field: a page of results would otherwise cost a span per object per field).
- Database: `db OPERATION table` per statement Tortoise runs within an operation
  (`mentorgraph.tracing_db`), with `db.system`, `db.operation.name` and `db.collection.name`
  read off the SQL's head, never the SQL itself (literals can sit in it).

Set up once per process by `create_app` (uvicorn starts each worker as a fresh process that
imports the app, so each has its own exporter thread); `shutdown` flushes at exit.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = [
    "annotate",
    "configured",
    "enabled",
    "in_span",
    "mark_error",
    "rename",
    "setup",
    "shutdown",
    "span",
]

logger = logging.getLogger("mentorgraph.tracing")

DEFAULT_SERVICE_NAME = "mentorgraph"
ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")

# Set by `setup`; None while tracing is off (the only thing the hooks look at).
_tracer: Any = None
_provider: Any = None
_current_span: Any = None
_NO_SPAN: contextlib.nullcontext[None] = contextlib.nullcontext()


def configured(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether the environment asks for traces (an OTLP endpoint, and the SDK not disabled)."""
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    return any(environ.get(name, "").strip() for name in ENDPOINT_VARIABLES)


def enabled() -> bool:
    return _tracer is not None


def setup() -> bool:
    """Start exporting when the environment asks for it (idempotent). Whether tracing is on."""
    global _tracer, _provider, _current_span
    if _tracer is not None:
        return True
    if not configured():
        return False
    try:
        from opentelemetry import trace
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import SERVICE_NAME, Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError:
        # Serving untraced beats not serving: an observability setting must not take the API
        # down. Said loudly, once per process.
        logger.error(
            "An OTLP endpoint is configured but OpenTelemetry is not installed: serving without"
            " traces. Install it with: pip install 'mentorgraph[otel]'"
        )
        return False

    from mentorgraph.tracing_db import trace_database

    # Each worker its own instance (which process answered); the SDK reads OTEL_SERVICE_NAME
    # and OTEL_RESOURCE_ATTRIBUTES itself, and names the service only when neither does.
    resource = Resource.create({"service.instance.id": f"{socket.gethostname()}-{os.getpid()}"})
    if str(resource.attributes.get(SERVICE_NAME, "")).startswith("unknown_service"):
        resource = resource.merge(Resource({SERVICE_NAME: DEFAULT_SERVICE_NAME}))
    provider = TracerProvider(resource=resource)
    # The exporter reads the endpoint, headers and timeout from the standard variables.
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    _provider = provider
    _current_span = trace.get_current_span
    _tracer = provider.get_tracer("mentorgraph")
    trace_database()
    return True


def shutdown() -> None:
    """Export what is still buffered (at process exit)."""
    if _provider is not None:
        _provider.force_flush()


def span(name: str) -> Any:
    """A context manager around a child of the current span, yielding it; None when off."""
    if _tracer is None:
        return _NO_SPAN
    return _started(name)


@contextlib.contextmanager
def _started(name: str, **options: Any) -> Iterator[Any]:
    """The SDK's span, but an exception leaves only its type: the SDK would record its message
    (and stack), where a database error quotes the row's values (`Key (email)=(...)`)."""
    from opentelemetry.trace import StatusCode

    with _tracer.start_as_current_span(
        name, record_exception=False, set_status_on_exception=False, **options
    ) as current:
        try:
            yield current
        except Exception as exc:
            current.set_status(StatusCode.ERROR)
            current.set_attribute("error.type", type(exc).__qualname__)
            raise


def in_span() -> bool:
    """Whether a span is open in this task (an operation is being traced)."""
    return _tracer is not None and _current_span().is_recording()


def operation_span(name: str, headers: Mapping[str, str] | None = None) -> Any:
    """A server span for one GraphQL operation, continuing the caller's trace when its headers
    carry one (W3C `traceparent`: a proxy or a client that traces); None when off."""
    if _tracer is None:
        return _NO_SPAN
    from opentelemetry.propagate import extract
    from opentelemetry.trace import SpanKind

    parent = extract(headers) if headers is not None else None
    return _started(name, context=parent, kind=SpanKind.SERVER)


def annotate(attributes: Mapping[str, Any]) -> None:
    """Attributes on the current span (the operation's, from deep inside it); nothing when off."""
    if _tracer is None:
        return
    current = _current_span()
    # Not on an ended span: a WebSocket operation runs on after its `subscribe` span ended.
    if current.is_recording():
        current.set_attributes({k: v for k, v in attributes.items() if v is not None})


def rename(name: str) -> None:
    if _tracer is not None and (current := _current_span()).is_recording():
        current.update_name(name)


def mark_error() -> None:
    """The current span's status: a server-side failure (not a client's fault)."""
    if _tracer is None:
        return
    from opentelemetry.trace import StatusCode

    if (current := _current_span()).is_recording():
        current.set_status(StatusCode.ERROR)
