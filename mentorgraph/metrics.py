"""Prometheus metrics: what the server exports at `/metrics`, and the tiny hooks that count.

Business code calls one hook per event (`record_operation`, `event_sent`, ...); everything
Prometheus-shaped lives here. Under `mentorgraph serve` every worker writes to memory-mapped files
(`metrics_dir`) and a scrape of any worker adds all of them up, so the numbers are the server's,
not one process's. Gauges say how they combine across processes (`multiprocess_mode`).

Cardinality is bounded: the operation label is the client's `operationName` when it is a GraphQL
name that ran at least once, at most `METRICS_MAX_OPERATION_NAMES` distinct ones per process
("anonymous" without a name, "other" past the cap or for a name that never ran); the outcome is
"ok" or an error code, and codes are the server's own.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import os
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from tortoise import connections

from mentorgraph.metrics_dir import ENV as MULTIPROC_ENV
from mentorgraph.models import clock

__all__ = [
    "MetricsEndpoint",
    "OperationNames",
    "exported_names",
    "operation_type",
    "process_exiting",
    "record_operation",
    "sample_database_forever",
    "timed_sweep",
]

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
FANOUT_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)

# GraphQL operations: HTTP (`path` "fast", "compiled-payload" or "ordinary") and WebSocket
# ("ws"; the operation's log line says which path read it).
OPERATIONS = Counter(
    "mentorgraph_graphql_operations",
    "GraphQL operations answered, by operation name, type, read path and outcome (ok or code).",
    ["operation", "type", "path", "outcome"],
)
OPERATION_SECONDS = Histogram(
    "mentorgraph_graphql_operation_duration_seconds",
    "Seconds from request to answer of a GraphQL query or mutation.",
    ["operation", "type", "path"],
    buckets=LATENCY_BUCKETS,
)
WEBSOCKETS_OPEN = Gauge(
    "mentorgraph_websockets_open",
    "WebSockets open on /graphql.",
    multiprocess_mode="livesum",
)
SUBSCRIPTIONS_LIVE = Gauge(
    "mentorgraph_subscriptions_live",
    "Subscriptions running on open WebSockets.",
    multiprocess_mode="livesum",
)
EVENTS_DELIVERED = Counter(
    "mentorgraph_events_delivered",
    "Live request events sent to subscriptions.",
)
EVENTS_DIRECT = Counter(
    "mentorgraph_events_sent_directly",
    "Live request events written from the bus's fan-out loop, no subscription task woken"
    " (also counted in mentorgraph_events_delivered).",
)
EVENT_RENDERS = Counter(
    "mentorgraph_event_renders",
    "Live event answers computed: one per event, document, variables and visibility class"
    " (every subscriber of one class shares it).",
)
FANOUT_SECONDS = Histogram(
    "mentorgraph_event_fanout_seconds",
    "Seconds from an event's commit to its frame written to a subscriber's socket (sampled).",
    buckets=FANOUT_BUCKETS,
)
SWEEP_RUNS = Counter(
    "mentorgraph_sweep_runs",
    "Sweeps by outcome: done, skipped (another process held the lock) or failed.",
    ["outcome"],
)
SWEEP_SECONDS = Histogram(
    "mentorgraph_sweep_duration_seconds",
    "Seconds a sweep that ran took.",
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0),
)
SWEEP_ACTIONS = Counter(
    "mentorgraph_sweep_actions",
    "What sweeps did: reminded, expired, set_unavailable, released, returned, scores_changed.",
    ["action"],
)
DB_CONNECTIONS = Gauge(
    "mentorgraph_db_pool_connections",
    "Database connections by state: in_use, max (PostgreSQL pool; SQLite: its one lock).",
    ["state"],
    multiprocess_mode="livesum",
)
DB_WAITING = Gauge(
    "mentorgraph_db_pool_waiting",
    "Tasks waiting for a pool connection (SQLite: for the lock), sampled each second.",
    multiprocess_mode="livesum",
)
LOGIN_THROTTLED = Counter(
    "mentorgraph_login_throttled",
    "logIn and signUp attempts refused by throttling, by code.",
    ["code"],
)

# Computed at scrape time by the scraping process (from the database: the same in every one).
OUTBOX_BACKLOG = "mentorgraph_outbox_backlog"
OUTBOX_OLDEST_AGE = "mentorgraph_outbox_oldest_age_seconds"
OUTBOX_FAILED = "mentorgraph_outbox_failed"
OUTBOX_SCRAPE_OK = "mentorgraph_outbox_scrape_ok"

_OURS = (
    OPERATIONS,
    OPERATION_SECONDS,
    WEBSOCKETS_OPEN,
    SUBSCRIPTIONS_LIVE,
    EVENTS_DELIVERED,
    EVENTS_DIRECT,
    EVENT_RENDERS,
    FANOUT_SECONDS,
    SWEEP_RUNS,
    SWEEP_SECONDS,
    SWEEP_ACTIONS,
    DB_CONNECTIONS,
    DB_WAITING,
    LOGIN_THROTTLED,
)

# Pre-bound children: the per-event hooks only increment.
_DELIVERED = EVENTS_DELIVERED
_IN_USE = DB_CONNECTIONS.labels("in_use")
_MAX = DB_CONNECTIONS.labels("max")

_SUFFIXES = {
    "counter": ("_total",),
    "histogram": ("_bucket", "_sum", "_count"),
    "gauge": ("",),
}


def exported_names() -> set[str]:
    """Every sample name this server exports (for the dashboard's check)."""
    names = {OUTBOX_BACKLOG, OUTBOX_OLDEST_AGE, OUTBOX_FAILED, OUTBOX_SCRAPE_OK}
    for metric in _OURS:
        for family in metric.describe():
            names.update(family.name + suffix for suffix in _SUFFIXES[family.type])
    return names


# Operation names and types.

_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")
_DEFINITION = re.compile(r"\b(query|mutation|subscription)\b\s*([_A-Za-z][_0-9A-Za-z]*)?")


class OperationNames:
    """The bounded set of operation labels of this process."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self._known: set[str] = set()

    def label(self, name: str | None, ran: bool) -> str:
        if not name:
            return "anonymous"
        if name in self._known:
            return name
        # Only names that ran enter the set: made-up names cannot fill it.
        if ran and len(self._known) < self.cap and _NAME.fullmatch(name):
            self._known.add(name)
            return name
        return "other"


def operation_type(document: str, name: str | None) -> str:
    """query, mutation or subscription: of the operation `name` (or the first) in `document`.
    A cheap scan, not a parse: a label, never a decision."""
    if not name and document.lstrip().startswith("{"):
        return "query"
    for match in _DEFINITION.finditer(document):
        if not name or match.group(2) == name:
            return match.group(1)
    return "query"


_names = OperationNames(200)
# The children of each label combination (as bounded as the labels): `labels()` validates its
# arguments on every call, several microseconds on the hot path; a dict lookup does not.
_children: dict[tuple[str, str, str, str], tuple[Any, Any]] = {}


def configure(max_operation_names: int) -> None:
    global _names
    _names = OperationNames(max_operation_names)


def record_operation(
    name: str | None, kind: str, path: str, outcome: str, ran: bool, seconds: float | None
) -> None:
    key = (_names.label(name, ran), kind, path, outcome)
    children = _children.get(key)
    if children is None:
        children = (OPERATIONS.labels(*key), OPERATION_SECONDS.labels(*key[:3]))
        _children[key] = children
    children[0].inc()
    if seconds is not None:
        children[1].observe(seconds)


# Sockets, subscriptions, events.


def socket_opened() -> None:
    WEBSOCKETS_OPEN.inc()


def socket_closed() -> None:
    WEBSOCKETS_OPEN.dec()


def subscription_started() -> None:
    SUBSCRIPTIONS_LIVE.inc()


def subscription_ended() -> None:
    SUBSCRIPTIONS_LIVE.dec()


# The fan-out histogram takes every FANOUT_SAMPLE-th send (the first included): a send to 10,000
# subscribers should not pay 10,000 histogram writes; a uniform sample keeps the quantiles.
FANOUT_SAMPLE = 16
_sends = 0


def event_rendered() -> None:
    EVENT_RENDERS.inc()


# Sends counted since the last write to the counters: a multiprocess counter's `inc` writes
# to its mmap file (~2 us), and one event is thousands of sends in one pass of the fan-out
# loop (`mentorgraph.live_sink`). They are added up and written once, after the pass.
_unwritten = {"delivered": 0, "direct": 0}


def _write_sends() -> None:
    delivered, direct = _unwritten["delivered"], _unwritten["direct"]
    _unwritten["delivered"] = _unwritten["direct"] = 0
    if delivered:
        _DELIVERED.inc(delivered)
    if direct:
        EVENTS_DIRECT.inc(direct)


def _count_send(kind: str) -> None:
    if not any(_unwritten.values()):
        try:
            asyncio.get_running_loop().call_soon(_write_sends)
        except RuntimeError:  # no loop (a script): write at once
            _unwritten[kind] += 1
            _write_sends()
            return
    _unwritten[kind] += 1


def event_sent_directly() -> None:
    """Of the sends, one written by the fan-out loop itself (call after `event_sent`)."""
    _count_send("direct")


def event_sent(occurred_at: datetime) -> None:
    global _sends
    _count_send("delivered")
    if _sends % FANOUT_SAMPLE == 0:
        FANOUT_SECONDS.observe(max(0.0, time.time() - occurred_at.timestamp()))
    _sends += 1


def login_throttled(code: str) -> None:
    LOGIN_THROTTLED.labels(code).inc()


# Sweeps.


def timed_sweep(run: Callable[[], Awaitable[Any]]) -> Callable[[], Awaitable[Any]]:
    """`run` (mentorgraph.models.sweep.sweep), counted: runs, duration and what its report says it
    did."""

    async def sweep() -> Any:
        started = time.perf_counter()
        try:
            report = await run()
        except Exception:
            SWEEP_RUNS.labels("failed").inc()
            raise
        if report.skipped:
            SWEEP_RUNS.labels("skipped").inc()
            return report
        SWEEP_RUNS.labels("done").inc()
        SWEEP_SECONDS.observe(time.perf_counter() - started)
        for action, count in (
            ("reminded", report.ladder.reminded),
            ("expired", report.ladder.expired),
            ("set_unavailable", report.ladder.set_unavailable),
            ("released", report.ladder.released),
            ("returned", report.ladder.returned),
            ("scores_changed", report.scores_changed),
        ):
            if count:
                SWEEP_ACTIONS.labels(action).inc(count)
        return report

    return sweep


# The database pool, sampled.


def _sample_database() -> None:
    client: Any = connections.get("default")
    pool = getattr(client, "_pool", None)
    if pool is not None:  # asyncpg
        queue = pool._queue
        size = pool.get_max_size()
        _MAX.set(size)
        _IN_USE.set(size - (queue.qsize() if queue is not None else size))
        DB_WAITING.set(len(getattr(queue, "_getters", ())))
        return
    lock = getattr(client, "_lock", None)
    if isinstance(lock, asyncio.Lock):  # SQLite: one connection behind one lock
        _MAX.set(1)
        _IN_USE.set(1 if lock.locked() else 0)
        DB_WAITING.set(len(lock._waiters or ()))


async def sample_database_forever(interval: float = 1.0) -> None:
    while True:
        with contextlib.suppress(Exception):  # not connected yet, or closing: next tick
            _sample_database()
        await asyncio.sleep(interval)


# The outbox, read at scrape time.


async def _outbox_families(max_attempts: int, seconds: float) -> list[Metric]:
    from mentorgraph.models.notifications.outbox import OutboxEmail

    async def read() -> tuple[int, int, datetime | None]:
        pending = OutboxEmail.filter(sent_at=None, attempts__lt=max_attempts)
        backlog = await pending.count()
        failed = await OutboxEmail.filter(sent_at=None, attempts__gte=max_attempts).count()
        oldest = await pending.order_by("created_at").first().values_list("created_at", flat=True)
        return backlog, failed, oldest  # type: ignore[return-value]

    ok = GaugeMetricFamily(OUTBOX_SCRAPE_OK, "1 when the outbox figures were read in time.")
    try:
        backlog, failed, oldest = await asyncio.wait_for(read(), seconds)
    except Exception:  # slow or away: the scrape still answers, without these figures
        ok.add_metric([], 0)
        return [ok]
    ok.add_metric([], 1)
    age = 0.0 if oldest is None else max(0.0, (clock.now() - oldest).total_seconds())
    return [
        ok,
        GaugeMetricFamily(OUTBOX_BACKLOG, "Emails waiting to be sent.", value=backlog),
        GaugeMetricFamily(
            OUTBOX_OLDEST_AGE, "Age in seconds of the oldest email waiting.", value=age
        ),
        GaugeMetricFamily(OUTBOX_FAILED, "Emails given up on after every attempt.", value=failed),
    ]


class _Scrape:
    def __init__(self, sources: Iterable[Any], extra: list[Metric]) -> None:
        self.sources = sources
        self.extra = extra

    def collect(self) -> Iterator[Metric]:
        for source in self.sources:
            yield from source.collect()
        yield from self.extra


def _registry() -> Any:
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return registry
    return REGISTRY


def process_exiting() -> None:
    """This worker's live gauges leave the sums (multiprocess mode)."""
    if os.environ.get(MULTIPROC_ENV):
        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


def _networks(text: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part]


class MetricsEndpoint:
    """GET `/metrics`: 404 when disabled, 403 from an address outside `allow_ips`."""

    def __init__(
        self, *, enabled: bool, allow_ips: str, outbox_max_attempts: int, db_timeout: float
    ) -> None:
        self.enabled = enabled
        self.allowed = _networks(allow_ips)
        self.outbox_max_attempts = outbox_max_attempts
        self.db_timeout = db_timeout

    def _allows(self, request: Request) -> bool:
        if not self.allowed:
            return True
        host = request.client.host if request.client else ""
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(address in network for network in self.allowed)

    async def handle(self, request: Request) -> Response:
        if not self.enabled:
            return JSONResponse({"error": "Metrics are disabled."}, 404)
        if not self._allows(request):
            return JSONResponse({"error": "Not allowed from this address."}, 403)
        extra = await _outbox_families(self.outbox_max_attempts, self.db_timeout)
        body = generate_latest(_Scrape([_registry()], extra))
        return Response(body, media_type=CONTENT_TYPE_LATEST)


@contextlib.asynccontextmanager
async def running(enabled: bool) -> AsyncIterator[None]:
    """For the app's lifespan: the database sampler while serving; this process's gauges out
    of the sums at the end."""
    if not enabled:
        yield
        return
    sampler = asyncio.create_task(sample_database_forever(), name="metrics-sampler")
    try:
        yield
    finally:
        sampler.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sampler
        process_exiting()
