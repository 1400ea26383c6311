"""OpenTelemetry tracing (`mentorgraph.tracing`): a real server exports its spans over OTLP/HTTP to
a collector in this test, which decodes them with opentelemetry-proto; and with no endpoint
configured the SDK is never imported."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from devkit.factories import PASSWORD, make_mentor, make_user
from devkit.live_server import ROOT, LiveServer
from mentorgraph.resolvers.ids import encode_global_id
from mentorgraph.settings import Settings
from tests.utils import raw_ws


@dataclass
class Span:
    name: str
    span_id: bytes
    parent_id: bytes
    trace_id: bytes
    attributes: dict[str, Any]
    service: str


class Collector:
    """An OTLP/HTTP receiver on loopback: keeps every POST body to /v1/traces."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                if self.path == "/v1/traces":
                    collector.bodies.append(body)
                self.send_response(200 if self.path == "/v1/traces" else 404)
                self.send_header("content-type", "application/x-protobuf")
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def spans(self) -> list[Span]:
        found = []
        for body in list(self.bodies):
            request = ExportTraceServiceRequest.FromString(body)
            for resource_spans in request.resource_spans:
                resource = {a.key: a.value for a in resource_spans.resource.attributes}
                service = resource["service.name"].string_value
                for scope_spans in resource_spans.scope_spans:
                    for span in scope_spans.spans:
                        attributes = {
                            a.key: getattr(a.value, a.value.WhichOneof("value"))
                            for a in span.attributes
                        }
                        found.append(
                            Span(
                                span.name,
                                span.span_id,
                                span.parent_span_id,
                                span.trace_id,
                                attributes,
                                service,
                            )
                        )
        return found

    def wait_for(self, *names: str, timeout: float = 15) -> list[Span]:
        deadline = time.monotonic() + timeout
        while True:
            spans = self.spans()
            # A name given twice must be exported twice (spans arrive in batches).
            if all(sum(s.name == name for s in spans) >= names.count(name) for name in names):
                return spans
            if time.monotonic() > deadline:
                raise AssertionError(f"spans {names} not all exported: {[s.name for s in spans]}")
            time.sleep(0.05)


@pytest.fixture
def collector() -> Iterator[Collector]:
    collector = Collector()
    collector.thread.start()
    yield collector
    collector.server.shutdown()
    collector.server.server_close()


def one(spans: list[Span], name: str) -> Span:
    matching = [s for s in spans if s.name == name]
    assert len(matching) == 1, f"{name}: {[s.name for s in spans]}"
    return matching[0]


def children(spans: list[Span], parent: Span) -> list[Span]:
    return [s for s in spans if s.parent_id == parent.span_id]


def descendants(spans: list[Span], parent: Span) -> list[Span]:
    below = children(spans, parent)
    return below + [d for child in below for d in descendants(spans, child)]


LOG_IN = """mutation LogIn($email: String!) {
  logIn(input: {email: $email, password: "%s"}) { token userErrors { code } }
}"""
CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"
ME = "query Me { viewer { id name } }"
# Declined by the fast path (a `first` the user themself would be refused), answered (null) by the
# ordinary path for anyone else.
DECLINED = (
    "query Declined($id: ID!) { node(id: $id) { ... on User { name"
    " recommendedMentors(first: 0) { score } } } }"
)


async def test_operations_export_their_spans_without_secrets(
    settings: Settings, db: None, collector: Collector
) -> None:
    user = await make_user(email="traced@example.org")
    mentor = await make_mentor()
    server = LiveServer(
        settings,
        OTEL_EXPORTER_OTLP_ENDPOINT=collector.url,
        OTEL_BSP_SCHEDULE_DELAY="100",
    )
    server.start()
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            # The password inline in the document and the email in a variable: neither may leave.
            answer = await http.post(
                "/graphql",
                json={"query": LOG_IN % PASSWORD, "variables": {"email": "traced@example.org"}},
            )
            token = answer.json()["data"]["logIn"]["token"]
            assert token
            auth = {"authorization": f"Bearer {token}"}
            # A caller that traces: the operation joins its trace.
            traceparent = f"00-{CALLER_TRACE}-{CALLER_SPAN}-01"
            me = await http.post(
                "/graphql", json={"query": ME}, headers=auth | {"traceparent": traceparent}
            )
            assert me.json()["data"]["viewer"]["name"] == user.name
            declined = await http.post(
                "/graphql",
                json={"query": DECLINED, "variables": {"id": encode_global_id("User", mentor.id)}},
                headers=auth,
            )
            assert "errors" not in declined.json()
            refused = await http.post("/graphql", json={"query": "query Bad { nope }"})
            assert refused.status_code == 200
        await over_a_socket(server.url, token)
        spans = collector.wait_for(
            "mutation LogIn", "query Me", "query Declined", "graphql", "subscribe", "subscribe"
        )
    finally:
        server.stop()
    system = "sqlite" if settings.is_sqlite else "postgresql"
    assert {s.service for s in spans} == {"mentorgraph"}  # OTEL_SERVICE_NAME's default

    # The mutation: the operation, its root field, and the statements below it.
    log_in = one(spans, "mutation LogIn")
    assert log_in.parent_id == b""
    assert log_in.attributes["graphql.operation.type"] == "mutation"
    assert log_in.attributes["graphql.operation.name"] == "LogIn"
    assert log_in.attributes["mentorgraph.read_path"] == "ordinary"
    assert log_in.attributes["mentorgraph.outcome"] == "ok"
    assert "enduser.id" not in log_in.attributes  # anonymous
    # (On PostgreSQL the fast path looked at it first, and declined.)
    assert all(
        s.attributes["mentorgraph.statement.answered"] is False
        for s in children(spans, log_in)
        if s.name == "fast_reads.compile"
    )
    (resolve,) = [s for s in children(spans, log_in) if s.name.startswith("resolve")]
    assert resolve.name == "resolve Mutation.logIn"
    statements = [s for s in descendants(spans, resolve) if s.name.startswith("db ")]
    assert any(s.name == "db SELECT users" for s in statements), [s.name for s in statements]
    assert all(s.attributes["db.system"] == system for s in statements)

    # The viewer's query: the compiled statement on PostgreSQL, a root field on SQLite.
    me_span = one(spans, "query Me")
    assert (me_span.trace_id.hex(), me_span.parent_id.hex()) == (CALLER_TRACE, CALLER_SPAN)
    assert me_span.attributes["enduser.id"] == user.id
    assert me_span.attributes["mentorgraph.outcome"] == "ok"
    if settings.is_sqlite:
        assert me_span.attributes["mentorgraph.read_path"] == "ordinary"
        # The token's session (live?) and the viewer's row (the token's account) in one
        # statement (`sessions.user_if_live`), then the root field.
        assert [s.name for s in children(spans, me_span)] == [
            "db SELECT sessions",
            "resolve Query.viewer",
        ]
    else:
        assert me_span.attributes["mentorgraph.read_path"] == "fast"
        # The token's session is checked inside the compiled statement: no statement of its own.
        compile_span, execute = sorted(children(spans, me_span), key=lambda s: s.name)
        assert compile_span.name == "fast_reads.compile"
        assert compile_span.attributes["mentorgraph.statement.cache_hit"] is False
        assert execute.name == "fast_reads.execute"
        assert execute.attributes["db.system"] == "postgresql"
        shape = execute.attributes["mentorgraph.statement.shape"]
        assert shape == compile_span.attributes["mentorgraph.statement.shape"]

    # A query the fast path declines: Strawberry's executor, a span for its root field.
    declined_span = one(spans, "query Declined")
    assert declined_span.attributes["mentorgraph.read_path"] == "ordinary"
    assert declined_span.trace_id != me_span.trace_id
    resolved = [s for s in children(spans, declined_span) if s.name.startswith("resolve")]
    assert [s.name for s in resolved] == ["resolve Query.node"]
    assert any(s.name.startswith("db SELECT") for s in descendants(spans, declined_span))

    # Only operations' statements: no root span but the operations'.
    roots = sorted(s.name for s in spans if s.parent_id == b"" or s.name == "query Me")
    assert roots == [
        "graphql",
        "mutation LogIn",
        "query Declined",
        "query Me",
        "subscribe",
        "subscribe",
    ]

    # The socket: a span per `subscribe` (the viewer, the name), and the operation's own spans
    # below it; nothing per event.
    subscribes = [s for s in spans if s.name == "subscribe"]
    assert {s.attributes["graphql.operation.name"] for s in subscribes} == {"Events", "Who"}
    assert all(s.attributes["enduser.id"] == user.id for s in subscribes)
    assert all(s.attributes["mentorgraph.outcome"] == "ok" for s in subscribes)
    (who,) = [s for s in subscribes if s.attributes["graphql.operation.name"] == "Who"]
    assert "resolve Query.viewer" in [s.name for s in children(spans, who)]

    # A client's fault (it did not validate: its type is never known): its code.
    bad = one(spans, "graphql")
    assert bad.attributes["mentorgraph.outcome"] == "error"
    assert bad.attributes["error.type"] == "BAD_USER_INPUT"

    exported = b"".join(collector.bodies)
    for secret in (PASSWORD, token, "traced@example.org", "logIn(input", "Bearer"):
        assert secret.encode() not in exported, secret


async def over_a_socket(url: str, token: str) -> None:
    """A subscription and a query over one WebSocket, the query answered."""
    socket = await raw_ws.open_socket(url)
    try:
        await raw_ws.init(socket, token)
        assert (await raw_ws.receive(socket))["type"] == "connection_ack"
        for number, (name, query) in enumerate(
            [
                ("Events", "subscription Events { mentorshipRequestEvents { cursor } }"),
                ("Who", "query Who { viewer { id } }"),
            ]
        ):
            payload = {"query": query, "operationName": name}
            await raw_ws.send(socket, {"id": str(number), "type": "subscribe", "payload": payload})
        while (await raw_ws.receive(socket)).get("id") != "1":
            pass
    finally:
        await socket.close()


def test_without_an_endpoint_the_sdk_is_never_imported(settings: Settings) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    env |= {"PYTHONPATH": str(ROOT), "DATABASE_URL": settings.resolved_database_url}
    script = (
        "import sys\n"
        "from mentorgraph.app import create_app\n"
        "app = create_app()\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('opentelemetry'))\n"
        "assert not loaded, loaded\n"
        "assert app.state.schema is not None\n"
    )
    subprocess.run([sys.executable, "-c", script], env=env, check=True, cwd=ROOT, timeout=60)


def test_an_endpoint_without_the_packages_serves_untraced(settings: Settings) -> None:
    """The `otel` extra not installed (an image built without it): the app still starts, and
    says why there are no traces."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    env |= {
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": settings.resolved_database_url,
        "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9",
    }
    script = (
        "import sys\n"
        "sys.modules['opentelemetry'] = None  # as if not installed\n"
        "from mentorgraph import tracing\n"
        "from mentorgraph.app import create_app\n"
        "create_app()\n"
        "assert not tracing.enabled()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, timeout=60, capture_output=True
    )
    assert done.returncode == 0, done.stderr
    assert b"pip install 'mentorgraph[otel]'" in done.stderr
