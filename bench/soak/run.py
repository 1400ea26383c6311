"""The soak's timeline: a baseline of ordinary load, then the same load with abuse and faults,
then the checks.

    baseline (30%)   ordinary load only: sign-ups, logins, browsing, requests and answers,
                     subscribers that reconnect and resume
    abuse (70%)      the same, plus WS mutations cancelled at once, HTTP requests aborted,
                     slow readers; at 50% of it PostgreSQL restarts, at 75% a worker is killed
    checks           the load stops; sessions in pg_stat_activity, subscribers caught up,
                     the rules in SQL

What is measured, and why so:
- Latency of ordinary reads: timed by the browsers in a child process with its own event loop
  (`readers.py`), not in the loop that runs the abuse clients, whose callbacks would delay
  the timing of every read queued behind them. All share the machine's CPUs, which the report
  shows per phase (server workers, PostgreSQL, the soak's own clients).
- RSS growth under WebSocket abuse: the median of the workers' RSS (together) over the last
  10 s of the baseline against the same over the last 10 s before PostgreSQL restarts (the
  WebSocket abuse alone, ~35% of the run in). Not a single sample or a peak: logins hash with
  argon2 (64 MiB while a hash runs, in both phases), so single samples swing by hundreds of
  MB with nothing retained. Part of the growth is the warm-up of bounded caches, which a
  control run (`--abuse none`: the same load and faults, no abuse) shows on its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import re
import shutil
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.soak import abuse
from bench.soak.client import call
from bench.soak.invariants import Check, Sessions, check_database, check_sessions, visible_event_ids
from bench.soak.load import Crowd, log_in, mentee, mentor, wrong_logins
from bench.soak.postgres import ThrowawayPostgres
from bench.soak.readers import ReaderProcess, Reads
from bench.soak.server import SoakServer, cpu_seconds
from bench.soak.stats import Stats
from bench.soak.subscribers import Subscriber
from bench.soak.world import PASSWORD, Seeded, seed
from mentorgraph.resolvers.ids import decode_global_id, encode_global_id

__all__ = ["Plan", "Result", "soak"]

JWT_SECRET = "soak-secret-soak-secret-soak-secret"
# The server's defaults (mentorgraph/settings.py, mentorgraph/db.py), for the checks.
MAX_OPEN_REQUESTS = 5
POOL_MAXSIZE = 20
# Per worker: the pool, plus the LISTEN connection of the event bus and one spare.
SESSIONS_PER_WORKER = POOL_MAXSIZE + 2
# The window of RSS samples (one a second) whose median is a phase's memory.
RSS_WINDOW_S = 10.0


ABUSE_KINDS = frozenset({"ws", "http", "slow"})


@dataclass(frozen=True)
class Plan:
    seconds: float
    workers: int = 2
    mentors: int = 20
    # Mentors only in the directory (long profiles: what slow readers ask for is heavy).
    listed_mentors: int = 300
    mentees: int = 10
    browsers: int = 3
    slow_readers: int = 4
    slow_reader_queries: int = 100
    # Which abuse runs in the abuse phase (`--abuse`): "ws" (WS mutations cancelled at once),
    # "http" (HTTP requests aborted), "slow" (slow readers). Control runs leave some out.
    abuse: frozenset[str] = ABUSE_KINDS


@dataclass
class Result:
    plan: Plan
    stats: Stats
    checks: list[Check] = field(default_factory=list)
    sessions: Sessions | None = None
    # The same, just before PostgreSQL restarts: what the cancellations alone left behind.
    sessions_before_restart: Sessions | None = None
    subscribers: list[dict[str, Any]] = field(default_factory=list)
    # What the workers hold (RSS, together): the median of the samples over the last
    # RSS_WINDOW_S seconds of the baseline, and of the WebSocket abuse (just before PostgreSQL
    # restarts). A median, not a single sample or a peak: every login hashes with argon2
    # (64 MiB for the length of a hash, up to four at once per worker, in both phases), so one
    # sample swings by hundreds of MB (a baseline spanned 167 - 385 MB) with nothing retained.
    rss_before_abuse_mb: float = 0.0
    rss_ws_abuse_mb: float = 0.0
    # The peaks of the same windows, for comparison.
    rss_peak_before_abuse_mb: float = 0.0
    rss_peak_ws_abuse_mb: float = 0.0
    worker_back_after_s: float | None = None
    ready_after_pg_restart_s: float | None = None
    stop_seconds: float = 0.0
    # Exceptions the server logged (their last line: class and message), by count.
    server_exceptions: Counter[str] = field(default_factory=Counter)


def _used(before: dict[int, float], now: dict[int, float]) -> float:
    # A process killed and replaced: its successor counts from 0, the dead one not at all.
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in now.items())


async def _rss_sampler(
    server: SoakServer, pg: ThrowawayPostgres, stats: Stats, stop: asyncio.Event
) -> None:
    server_cpu, client_cpu = server.workers_cpu_seconds(), _own_cpu_seconds()
    database_cpu = cpu_seconds(pg.processes())
    sampled = time.monotonic()
    while not stop.is_set():
        stats.rss.append((stats.now(), stats.phase, server.workers_rss_mb()))
        stats.load.append(os.getloadavg()[0])
        now_server, now_client = server.workers_cpu_seconds(), _own_cpu_seconds()
        now_database = cpu_seconds(pg.processes())
        elapsed, sampled = time.monotonic() - sampled, time.monotonic()
        stats.server_cpu.append((stats.phase, elapsed, _used(server_cpu, now_server)))
        stats.client_cpu.append((stats.phase, elapsed, now_client - client_cpu))
        stats.database_cpu.append((stats.phase, elapsed, _used(database_cpu, now_database)))
        server_cpu, client_cpu, database_cpu = now_server, now_client, now_database
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)


def _own_cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


async def _ready_within(url: str, seconds: float) -> float | None:
    """Seconds until /readyz answers 200 (None if not within `seconds`)."""
    started = time.monotonic()
    async with httpx.AsyncClient(base_url=url, timeout=2) as http:
        while time.monotonic() - started < seconds:
            with contextlib.suppress(httpx.HTTPError):
                if (await http.get("/readyz")).status_code == 200:
                    return time.monotonic() - started
            await asyncio.sleep(0.2)
    return None


async def _worker_back_within(server: SoakServer, killed: int, seconds: float) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        pids = server.worker_pids()
        if killed not in pids and len(pids) == server.workers:
            return time.monotonic() - started
        await asyncio.sleep(0.2)
    return None


async def _user_id(http: httpx.AsyncClient, stats: Stats, token: str) -> int | None:
    data = await call(http, stats, "viewer", "{ viewer { id } }", token=token)
    viewer = (data or {}).get("viewer")
    return decode_global_id(viewer["id"])[1] if viewer else None


async def _sleep_until(stats: Stats, at: float) -> None:
    await asyncio.sleep(max(0.0, at - stats.now()))


async def soak(plan: Plan) -> Result:
    stats = Stats()
    result = Result(plan, stats)
    pg = ThrowawayPostgres()
    pg.start()
    data_dir = Path(tempfile.mkdtemp(prefix="mg-soak-"))
    try:
        seeded = await seed(pg.url, plan.mentors, plan.listed_mentors)
        server = SoakServer(pg.url, JWT_SECRET, data_dir, plan.workers)
        server.start()
        try:
            await _run(plan, result, pg, server, seeded)
        finally:
            result.stop_seconds = server.stop()
            result.server_exceptions = _exceptions(server.log_path.read_text(errors="replace"))
    finally:
        pg.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    return result


async def _run(
    plan: Plan,
    result: Result,
    pg: ThrowawayPostgres,
    server: SoakServer,
    seeded: Seeded,
) -> None:
    stats = result.stats
    stats.started = time.monotonic()  # the clock of the report starts with the load
    ws_url = server.url.replace("http://", "ws://") + "/graphql"
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=50)
    async with httpx.AsyncClient(base_url=server.url, timeout=30, limits=limits) as http:
        mentor_emails, admin_email = seeded.mentor_emails, seeded.admin_email
        mentor_ids = [encode_global_id("User", pk) for pk in seeded.mentor_ids]
        stop = asyncio.Event()
        crowd = Crowd(http, stats, stop, mentor_ids, mentor_emails)
        tasks: list[asyncio.Task[None]] = []

        def spawn(work: Awaitable[None]) -> None:
            tasks.append(asyncio.ensure_future(work))

        # Subscribers: the admin (sees everything) and three mentors, then two mentees.
        subscribers = []
        for name, email, is_admin in [("admin", admin_email, True)] + [
            (f"mentor {n}", mentor_emails[n], False) for n in range(3)
        ]:
            token = await log_in(crowd, email, PASSWORD)
            assert token, f"{email} could not log in"
            user_id = await _user_id(http, stats, token)
            assert user_id is not None
            subscribers.append(Subscriber(name, user_id, is_admin, token, ws_url, stats))
        spawn(_rss_sampler(server, pg, stats, stop))
        for _ in range(plan.mentees):
            spawn(mentee(crowd))
        for email in mentor_emails:
            spawn(mentor(crowd, email))
        spawn(wrong_logins(crowd))
        while len(crowd.mentee_tokens) < 2 and stats.now() < 30:  # noqa: ASYNC110 (a list)
            await asyncio.sleep(0.2)
        # The ordinary reads, timed in a process of their own (see bench/soak/readers.py).
        readers = ReaderProcess(server.url, crowd.mentee_tokens[:2], plan.browsers)
        readers.start()
        for n, token in enumerate(crowd.mentee_tokens[:2]):
            user_id = await _user_id(http, stats, token)
            if user_id is not None:
                subscribers.append(Subscriber(f"mentee {n}", user_id, False, token, ws_url, stats))
        subscriber_tasks = [asyncio.ensure_future(s.run()) for s in subscribers]
        # Warm-up: every mentee signed up (argon2 hashing in bulk is not the steady state).
        deadline = time.monotonic() + 60
        while len(crowd.mentee_tokens) < plan.mentees and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.2)
        start = stats.begin("baseline")

        baseline = plan.seconds * 0.3
        abuse_seconds = plan.seconds - baseline
        await _sleep_until(stats, start + baseline)
        stats.begin("abuse")
        result.rss_before_abuse_mb, result.rss_peak_before_abuse_mb = _rss_window(stats, "baseline")
        for _ in range(2):
            if "ws" in plan.abuse:
                spawn(abuse.ws_canceller(crowd, ws_url))
            if "http" in plan.abuse:
                spawn(abuse.http_aborter(crowd, server.url))
        for _ in range(plan.slow_readers if "slow" in plan.abuse else 0):
            spawn(abuse.slow_reader(crowd, server.url, ws_url, plan.slow_reader_queries))

        await _sleep_until(stats, start + baseline + abuse_seconds * 0.5)
        result.rss_ws_abuse_mb, result.rss_peak_ws_abuse_mb = _rss_window(stats, "abuse")
        result.sessions_before_restart = await check_sessions(pg.url)
        stats.fault("PostgreSQL restarted (pg_ctl restart -m fast)")
        await asyncio.to_thread(pg.restart)
        result.ready_after_pg_restart_s = await _ready_within(server.url, 30)

        await _sleep_until(stats, start + baseline + abuse_seconds * 0.75)
        killed = server.kill_one_worker()
        stats.fault(f"SIGKILL to worker {killed}")
        result.worker_back_after_s = await _worker_back_within(server, killed, 30)

        await _sleep_until(stats, start + plan.seconds)
        stats.begin("after")
        stop.set()
        reads = await readers.stop()
        if not reads.latencies:
            stats.notes.append("the reader process timed no read (it failed): no latencies")
        _merge(stats, reads)
        await _finish(tasks, 20, stats)
        await asyncio.sleep(5)  # what a finished request leaves behind must be gone by now
        result.sessions = await check_sessions(pg.url)

        # Subscribers catch up on everything they may see, then stop.
        deadline = time.monotonic() + 30
        expected = {}
        for sub in subscribers:
            expected[sub.name] = await visible_event_ids(pg.url, sub.user_id, sub.is_admin)
        while time.monotonic() < deadline and any(  # noqa: ASYNC110 (polls the subscribers)
            set(expected[s.name]) - set(s.received) for s in subscribers
        ):
            await asyncio.sleep(0.5)
        for sub in subscribers:
            sub.stop.set()
        await _finish(subscriber_tasks, 10, stats)
        for sub in subscribers:
            want, got = expected[sub.name], sub.received
            result.subscribers.append(
                {
                    "name": sub.name,
                    "expected": len(want),
                    "received": len(got),
                    "missing": len(set(want) - set(got)),
                    "duplicates": len(got) - len(set(got)),
                    "out_of_order": sum(1 for a, b in itertools.pairwise(got) if b <= a),
                    "unexpected": len(set(got) - set(want)),
                    "reconnects": dict(sub.reconnects),
                }
            )
        result.checks = await check_database(pg.url, MAX_OPEN_REQUESTS)


def _rss_window(stats: Stats, phase: str) -> tuple[float, float]:
    """The median and the peak of `phase`'s RSS samples over its last RSS_WINDOW_S seconds."""
    now = stats.now()
    recent = [mb for at, p, mb in stats.rss if p == phase and now - at <= RSS_WINDOW_S]
    return (statistics.median(recent), max(recent)) if recent else (0.0, 0.0)


def _merge(stats: Stats, reads: Reads) -> None:
    """The reader process's reads, in the phases they started in."""
    for at, seconds in reads.latencies:
        since = at - stats.started
        stats.latencies.append((since, stats.phase_at(since), seconds))
    for (kind, outcome), n in reads.outcomes.items():
        stats.operations[kind] += n
        stats.outcomes[(kind, outcome)] += n
    for at, outcome in reads.failures:
        since = at - stats.started
        stats.failures.append((since, stats.phase_at(since), outcome))


EXCEPTION_LINE = re.compile(r"^((?:\w+\.)*\w*(?:Error|Exception|Exit)\b.*)$", re.MULTILINE)


def _exceptions(log: str) -> Counter[str]:
    return Counter(line[:160] for line in EXCEPTION_LINE.findall(log))


async def _finish(tasks: list[asyncio.Task[None]], seconds: float, stats: Stats) -> None:
    """Wait for the tasks to end by themselves; cancel what is left after `seconds`. A task
    that failed is a bug of the soak: noted in the report."""
    if not tasks:
        return
    _, pending = await asyncio.wait(tasks, timeout=seconds)
    for task in pending:
        task.cancel()
    for outcome in await asyncio.gather(*tasks, return_exceptions=True):
        if isinstance(outcome, Exception):
            stats.notes.append(f"a client task failed: {outcome!r}"[:300])
