"""One benchmark run: every server on the same database, the same load, shape by shape.

Per server: (1) started behind the statement-counting proxy, each shape's first answers are
checked (HTTP 200, no errors, the same data as every other server) and its statements per
operation counted. (2) Then all servers run side by side directly on PostgreSQL and are
measured interleaved: for each shape, each server in turn gets a warm-up and a timed wrk run,
for `rounds` rounds, the order reversed every other round. The machine is shared (other
engineers' test runs come and go): a server measured minutes after another would see a
different machine, so the servers compared on a shape are measured within the same minute, and
the reversed order cancels a steady drift. Only one server is under load at a time; the others
idle. Each process's peak RSS is read at the end.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg

from bench.generate import install_sql
from bench.load import LoadResult, PreparedRequest, run_load
from bench.pgcount import CounterThread
from bench.servers import JWT_SECRET, SERVERS, Running, ServerKind, peak_rss_mb, post, start
from bench.shapes import SHAPES, Sample, Shape

__all__ = ["Options", "ShapeResult", "run"]

CHECKED = 3
COUNTED = 10


@dataclass(frozen=True)
class Options:
    database_url: str
    shapes: tuple[int, ...]
    servers: tuple[str, ...] = tuple(kind.name for kind in SERVERS)
    connections: int = 16
    warmup: float = 3
    seconds: float = 8
    rounds: int = 2
    logs: Path = Path("bench/results/logs")


@dataclass
class ShapeResult:
    shape: int
    server: str
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0
    statements: float = 0.0
    resets: float = 0.0
    peak_rss_mb: float = 0.0
    same_data: bool = True
    load_avg: list[float] = field(default_factory=list)


async def load_sample(url: str, seed: int = 6) -> Sample:
    conn = await asyncpg.connect(url)
    try:
        # The functions PostGraphile and the bare endpoint read through, as this checkout has
        # them (idempotent): a database generated before one was added gets it too.
        await install_sql(conn)
        tags = await conn.fetch(
            "SELECT t.tag FROM user_tags t JOIN users u ON u.id = t.user_id"
            " WHERE u.is_mentor AND u.available GROUP BY t.tag ORDER BY count(*) DESC LIMIT 12"
        )
        mentors = await conn.fetch("SELECT id FROM users WHERE is_mentor AND available ORDER BY id")
        mentees = await conn.fetch(
            "SELECT DISTINCT mentee_id FROM mentorship_requests ORDER BY mentee_id LIMIT 5000"
        )
        admin = await conn.fetchval("SELECT max(id) FROM users WHERE is_admin")
        busy = await conn.fetch(
            "SELECT mentor_id FROM mentorship_requests WHERE status IN ('APPROVED', 'COMPLETED')"
            " GROUP BY mentor_id ORDER BY count(*) DESC, mentor_id LIMIT 20"
        )
        viewed = await conn.fetch(
            "SELECT id, mentor_id FROM mentorship_requests WHERE status = 'VIEWED'"
            " ORDER BY id LIMIT 200"
        )
    finally:
        await conn.close()
    rng = random.Random(seed)
    return Sample(
        tags=[r["tag"] for r in tags],
        mentor_ids=rng.sample([r["id"] for r in mentors], min(200, len(mentors))),
        mentee_ids=rng.sample([r["mentee_id"] for r in mentees], min(100, len(mentees))),
        admin_id=admin,
        busy_mentor_ids=[r["mentor_id"] for r in busy],
        viewed_requests=[(r["id"], r["mentor_id"]) for r in viewed],
    )


def _token(user_id: int) -> str:
    from datetime import UTC, datetime, timedelta

    import jwt

    now = datetime.now(UTC)
    claims = {"sub": str(user_id), "iat": now, "exp": now + timedelta(hours=6)}
    return jwt.encode(claims, JWT_SECRET, algorithm="HS256")


def serves(kind: ServerKind, shape: Shape) -> bool:
    """Whether `kind` has an equivalent of `shape` (PostGraphile and the bare endpoint may not)."""
    if kind.speaks == "postgraphile":
        return shape.postgraphile is not None
    if kind.speaks == "bare":
        return shape.bare_sql is not None
    return True


def prepare(kind: ServerKind, shape: Shape, sample: Sample) -> list[PreparedRequest]:
    if kind.speaks == "mentorgraph":
        operation = shape.ours
        viewers = shape.viewer(sample)
        query, variables_of = operation.query, operation.variables
    elif kind.speaks == "bare" and shape.bare_variables is not None:
        query, variables_of, viewers = "", shape.bare_variables, [None]
    else:
        assert shape.postgraphile is not None, f"{kind.name} has no shape {shape.number}"
        query, variables_of = shape.postgraphile.query, shape.postgraphile.variables
        viewers = [None]
    path = kind.path.format(shape=shape.number)
    prepared = []
    for i, variables in enumerate(variables_of(sample)):
        viewer = viewers[i % len(viewers)]
        headers = {"authorization": f"Bearer {_token(viewer)}"} if viewer else {}
        body: dict[str, Any] = {"variables": variables}
        if kind.speaks != "bare":
            body["query"] = query
        prepared.append(PreparedRequest(path, json.dumps(body).encode(), headers))
    return prepared


# Global ids and cursors are each server's own encoding; everything else must match.
OPAQUE = {"id", "cursor", "endCursor"}


ISO_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


def comparable(value: Any) -> Any:
    """The answer with opaque values left out and times as instants (servers print
    microseconds differently: `.65734` and `.657340` are the same time)."""
    if isinstance(value, str) and ISO_DATETIME.match(value):
        return datetime.fromisoformat(value)
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items() if k not in OPAQUE}
    if isinstance(value, list):
        return [comparable(v) for v in value]
    return value


def check(running: Running, requests: list[PreparedRequest]) -> list[Any]:
    """The data of the first answers; fails loudly on an error, so no run measures errors."""
    answers = []
    for r in requests[:CHECKED]:
        response = post(running, r.path, r.body, r.headers)
        body = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise RuntimeError(f"{running.kind.name}: {response.status_code} {body}")
        # The root field's name is each server's own; compare what is under it.
        answers.append(comparable(list(body["data"].values())))
    return answers


def count_and_check(
    kind: ServerKind, options: Options, requests: dict[int, list[PreparedRequest]]
) -> tuple[dict[int, tuple[float, float]], dict[int, list[Any]]]:
    counts: dict[int, tuple[float, float]] = {}
    answers: dict[int, list[Any]] = {}
    with CounterThread() as counter:
        proxied = options.database_url.replace(":5432/", f":{counter.port}/")
        with start(kind, proxied, options.logs) as running:
            for number, prepared in requests.items():
                answers[number] = check(running, prepared)
                counter.reset()
                for r in prepared[:COUNTED]:
                    post(running, r.path, r.body, r.headers)
                n = min(COUNTED, len(prepared))
                counts[number] = (counter.counts.statements / n, counter.counts.resets / n)
    return counts, answers


def _load_avg() -> list[float]:
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


def combined(rounds: list[LoadResult]) -> LoadResult:
    """One figure from a server's rounds on a shape: throughput over all of them, the mean
    median and the worst 99th percentile."""
    return LoadResult(
        requests=sum(r.requests for r in rounds),
        seconds=sum(r.seconds for r in rounds),
        p50_ms=sum(r.p50_ms for r in rounds) / len(rounds),
        p99_ms=max(r.p99_ms for r in rounds),
        errors=sum(r.errors for r in rounds),
    )


def measure(
    kinds: list[ServerKind],
    options: Options,
    requests: dict[str, dict[int, list[PreparedRequest]]],
) -> tuple[dict[tuple[str, int], LoadResult], dict[str, float], dict[int, list[float]]]:
    """Interleaved load: results by (server, shape), peak RSS by server, load average by shape."""
    rounds: dict[tuple[str, int], list[LoadResult]] = {}
    loads: dict[int, list[float]] = {}
    with ExitStack() as stack:
        running = {
            kind.name: stack.enter_context(start(kind, options.database_url, options.logs))
            for kind in kinds
        }
        for number in options.shapes:
            loads[number] = _load_avg()
            for round_ in range(options.rounds):
                order = kinds if round_ % 2 == 0 else kinds[::-1]
                for kind in order:
                    prepared = requests[kind.name].get(number)
                    if prepared is None:
                        continue
                    url = running[kind.name].url
                    run_load(url, prepared, connections=options.connections, seconds=options.warmup)
                    result = run_load(
                        url, prepared, connections=options.connections, seconds=options.seconds
                    )
                    rounds.setdefault((kind.name, number), []).append(result)
        rss = {name: peak_rss_mb(r.process.pid) for name, r in running.items()}
    return {key: combined(results) for key, results in rounds.items()}, rss, loads


def run(options: Options, log: Any = print) -> list[ShapeResult]:
    sample = asyncio.run(load_sample(options.database_url))
    shapes = [SHAPES[n] for n in options.shapes]
    kinds = [k for k in SERVERS if k.name in options.servers]
    requests: dict[str, dict[int, list[PreparedRequest]]] = {}
    counts: dict[str, dict[int, tuple[float, float]]] = {}
    answers: dict[str, dict[int, list[Any]]] = {}
    for kind in kinds:
        served = [shape for shape in shapes if serves(kind, shape)]
        requests[kind.name] = {shape.number: prepare(kind, shape, sample) for shape in served}
        log(f"{kind.name}: checking answers and counting statements")
        counts[kind.name], answers[kind.name] = count_and_check(kind, options, requests[kind.name])
    log(
        f"all servers side by side: per shape {options.rounds} interleaved rounds of"
        f" {options.warmup:g}s warm-up + {options.seconds:g}s each"
    )
    loads, rss, load_avgs = measure(kinds, options, requests)
    results: list[ShapeResult] = []
    reference: dict[int, list[Any]] = {}
    for kind in kinds:
        for n in requests[kind.name]:
            reference.setdefault(n, answers[kind.name][n])
            load = loads[(kind.name, n)]
            result = ShapeResult(
                shape=n,
                server=kind.name,
                rps=round(load.rps, 1),
                p50_ms=round(load.p50_ms, 2),
                p99_ms=round(load.p99_ms, 2),
                errors=load.errors,
                statements=counts[kind.name][n][0],
                resets=counts[kind.name][n][1],
                peak_rss_mb=round(rss[kind.name], 1),
                same_data=answers[kind.name][n] == reference[n],
                load_avg=load_avgs[n],
            )
            log(f"  {asdict(result)}")
            results.append(result)
    return results
