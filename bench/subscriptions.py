"""Fan-out benchmark: N subscriptions on ONE server process, commit -> delivery latency.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/<disposable db> \\
        .venv/bin/python -m bench.subscriptions --subscribers 1000 5000

For each N: reset and migrate the database (it must be disposable), start
`mentorgraph serve --workers 1` on a loopback port, open N graphql-transport-ws subscriptions
to `mentorshipRequestEvents` from client processes (every subscriber may see every event:
the mentor, the mentee and admins), then make status changes straight in the database the
way the lifecycle mutations do (one transaction, `record_event`, NOTIFY at commit). The
writer notes the time right after each commit; each client notes when each of its
subscribers receives the event. Reports p50 / p99 / max of (receive - commit) over every
(subscriber, event) pair, missing deliveries, and the server's resident memory.

Bounded: every wait has a deadline, and the whole run stops after --budget seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.fanout_client import run_client  # noqa: E402
from bench.servers import JWT_SECRET, free_port, rss_mb  # noqa: E402

SUBSCRIPTION = """subscription {
  mentorshipRequestEvents {
    id cursor fromStatus toStatus occurredAt note
    request { id status }
    actor { id name }
  }
}"""


@dataclass
class Result:
    server: str
    subscribers: int
    events: int
    latencies: list[float]
    missing: int
    rss_idle_mb: float
    rss_subscribed_mb: float
    rss_peak_mb: float
    subscribe_seconds: float
    # Server CPU (user + system) spent during the measured changes, per delivery: unlike
    # latency, hardly moved by whatever else the machine is running.
    cpu_us_per_delivery: float

    def line(self) -> str:
        lat = sorted(self.latencies)
        if not lat:
            return f"N={self.subscribers}: nothing delivered"

        def p(q: float) -> float:
            return lat[min(len(lat) - 1, int(q * len(lat)))] * 1000

        return (
            f"{self.server}  N={self.subscribers:>5}  events={self.events}  deliveries={len(lat)}"
            f"  missing={self.missing}  p50={p(0.50):.0f} ms  p99={p(0.99):.0f} ms"
            f"  max={lat[-1] * 1000:.0f} ms  mean={statistics.fmean(lat) * 1000:.0f} ms"
            f"  RSS idle={self.rss_idle_mb:.0f} MB  subscribed={self.rss_subscribed_mb:.0f} MB"
            f"  peak={self.rss_peak_mb:.0f} MB"
            f"  server CPU {self.cpu_us_per_delivery:.0f} us/delivery"
            f"  (subscribing took {self.subscribe_seconds:.1f} s)"
        )


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants (uvicorn's workers are children of its supervisor)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            todo += [int(child) for child in task.read_text().split()]
    return found


def tree_cpu_seconds(pid: int) -> float:
    return sum(cpu_seconds(p) for p in process_tree(pid))


def tree_rss_mb(pid: int, field: str = "VmRSS") -> float:
    return sum(rss_mb(p, field) for p in process_tree(pid))


async def reset_database(url: str) -> None:
    from devkit.database import reset_postgres_schema
    from mentorgraph.db import migrate_db

    await reset_postgres_schema(url)
    await migrate_db(url)


async def seed(url: str, admins: int) -> tuple[Any, list[str]]:
    """A mentor, a mentee, `admins` admins and one request; bearer tokens of all but the
    request itself (every one of them may see every event of it)."""
    from datetime import timedelta

    from devkit.factories import make_mentor, make_request, make_user
    from mentorgraph.db import init_db
    from mentorgraph.security import TokenService

    await init_db(url)
    tokens = TokenService(JWT_SECRET, timedelta(hours=2))
    mentor, mentee = await make_mentor(), await make_user()
    users = [mentor, mentee] + [await make_user(admin=True) for _ in range(admins)]
    request = await make_request(mentee=mentor, mentor=mentee)
    return request, [tokens.issue(u) for u in users]


def start_server(
    url: str,
    port: int,
    data_dir: Path,
    env_extra: dict[str, str],
    *,
    traced: bool = False,
    workers: int = 1,
    bare: bool = False,
) -> Any:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": url,
        "DATA_DIR": str(data_dir),
        "JWT_SECRET": JWT_SECRET,
        **env_extra,
    }
    log = open(data_dir / f"server-{port}.log", "wb")  # noqa: SIM115
    command = [
        sys.executable, "-m", "mentorgraph", "serve", "--port", str(port),
        "--workers", str(workers),
    ]  # fmt: skip
    if bare:  # the practical limit (`bench.bare_broadcast`)
        command = [sys.executable, "-m", "bench.bare_broadcast"]
        env["PORT"] = str(port)
    if traced:  # the same server under tracemalloc (`bench.traced_server`)
        command = [sys.executable, "-m", "bench.traced_server", str(port), str(data_dir / "mem")]
    process = subprocess.Popen(
        command,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    # A loaded machine (or tracemalloc) can take long to import everything.
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError((data_dir / f"server-{port}.log").read_text())
        try:
            if bare:  # no HTTP: listening is ready
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return process
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return process
        except (httpx.HTTPError, OSError):
            pass
        time.sleep(0.1)
    process.terminate()
    raise RuntimeError("server did not start")


async def wait_seen(queue: Any, clients: int, event_id: int, patience: float) -> bool:
    """Until every client reports all its subscribers have `event_id` (or the deadline)."""
    done: set[int] = set()
    deadline = time.monotonic() + patience
    while len(done) < clients:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        try:
            kind, client_no, value = await asyncio.to_thread(queue.get, True, min(left, 0.5))
        except Exception:  # queue.Empty: look at the clock again
            continue
        if kind == "seen" and value == event_id:
            done.add(client_no)
        elif kind == "failed":
            raise RuntimeError(f"client {client_no} failed: {value}")
    return True


async def snapshot(server: Any, data_dir: Path, number: int) -> None:
    """Have the traced server dump its tracemalloc snapshot number `number`; wait for it."""
    path = data_dir / f"mem-{number}.snapshot"
    path.unlink(missing_ok=True)
    server.send_signal(signal.SIGUSR1)
    deadline = time.monotonic() + 120
    size = -1
    while time.monotonic() < deadline:  # written once the size stops changing
        await asyncio.sleep(1)
        if path.exists() and path.stat().st_size == size > 0:
            return
        size = path.stat().st_size if path.exists() else -1
    raise RuntimeError("no tracemalloc snapshot")


def memory_report(data_dir: Path, n: int, top: int = 25) -> str:
    """Python memory the N subscriptions added, per subscription, by where it was allocated."""
    import tracemalloc

    before = tracemalloc.Snapshot.load(str(data_dir / "mem-0.snapshot"))
    after = tracemalloc.Snapshot.load(str(data_dir / "mem-1.snapshot"))
    lines = [f"tracemalloc, subscribed - idle, per subscription (N={n}):"]
    total = sum(d.size_diff for d in after.compare_to(before, "filename"))
    count = sum(d.count_diff for d in after.compare_to(before, "filename"))
    lines.append(f"  total {total / n:,.0f} B in {count / n:.1f} blocks")
    for diff in after.compare_to(before, "filename")[:12]:
        frame = diff.traceback[0]
        lines.append(f"  {diff.size_diff / n:8,.0f} B {diff.count_diff / n:6.1f}  {frame.filename}")
    lines.append("  by line:")
    for diff in after.compare_to(before, "lineno")[:top]:
        frame = diff.traceback[0]
        lines.append(
            f"  {diff.size_diff / n:8,.0f} B {diff.count_diff / n:6.1f}"
            f"  {frame.filename}:{frame.lineno}"
        )
    return "\n".join(lines)


async def run_one(
    args: argparse.Namespace, n: int, data_dir: Path, *, bare: bool = False
) -> Result:
    from devkit.status import change_status
    from mentorgraph.db import close_db
    from mentorgraph.models.requests.requests import RequestStatus

    await reset_database(args.database_url)
    request, tokens = await seed(args.database_url, args.admins)
    port = free_port()
    env_extra = {
        "SUBSCRIPTION_QUEUE_SIZE": str(args.queue_size),
        # Every subscriber connects from loopback, many with one account: lift the per-address
        # and per-account socket limits (`mentorgraph.socket_limits`) for the benchmark.
        "WS_MAX_SOCKETS_PER_ADDRESS": str(n + 10),
        "WS_MAX_SOCKETS_PER_USER": str(n + 10),
    }
    # Thousands of sockets sign in at once (and tracemalloc, or a loaded machine, slows the
    # server down): let them wait for a pool connection instead of being refused with 1013.
    env_extra["DB_ACQUIRE_TIMEOUT_SECONDS"] = "120"
    server = start_server(
        args.database_url,
        port,
        data_dir,
        env_extra,
        traced=args.memory and not bare,
        workers=1 if bare else args.workers,
        bare=bare,
    )
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    stop = ctx.Event()
    shares = [n // args.clients + (1 if i < n % args.clients else 0) for i in range(args.clients)]
    clients = []
    try:
        rss_idle = tree_rss_mb(server.pid)
        if args.memory and not bare:
            await snapshot(server, data_dir, 0)
        started = time.monotonic()
        for i, share in enumerate(shares):
            process = ctx.Process(
                target=run_client,
                args=(i, f"ws://127.0.0.1:{port}/graphql", tokens, share, SUBSCRIPTION),
                kwargs={"queue": queue, "stop": stop, "compression": args.compression},
            )
            process.start()
            clients.append(process)
        ready = 0
        # Opening sockets costs the server CPU per socket: on a loaded machine 10,000 take
        # minutes.
        deadline = time.monotonic() + max(300, n * 0.1)
        while ready < len(clients):
            kind, client_no, value = await asyncio.to_thread(
                queue.get, True, max(0.1, deadline - time.monotonic())
            )
            if kind == "ready":
                ready += 1
            elif kind == "failed":
                raise RuntimeError(f"client {client_no} failed: {value}")
        subscribe_seconds = time.monotonic() - started
        # The subscribe messages were sent; the server registers them as it reads them.
        # Warm up until one event reaches every subscriber: from then on all are live.
        statuses = [RequestStatus.VIEWED, RequestStatus.NEW]
        for attempt in range(10):
            event = await change_status(request, statuses[attempt % 2])
            if await wait_seen(queue, len(clients), event.id, 30):
                break
        else:
            raise RuntimeError("subscribers never all became live")
        rss_subscribed = tree_rss_mb(server.pid)
        if args.memory and not bare:
            await snapshot(server, data_dir, 1)
            print(memory_report(data_dir, n), flush=True)
        commits: dict[int, float] = {}
        cpu_before = tree_cpu_seconds(server.pid)
        for i in range(args.events):
            await asyncio.sleep(args.pause)
            event = await change_status(request, statuses[i % 2], note=f"bench {i}")
            commits[event.id] = time.time()
            await wait_seen(queue, len(clients), event.id, args.event_timeout)
        rss_peak = tree_rss_mb(server.pid, "VmHWM")
        cpu_used = tree_cpu_seconds(server.pid) - cpu_before
        stop.set()
        received: dict[int, list[float]] = {}
        collected = 0
        while collected < len(clients):
            kind, client_no, value = await asyncio.to_thread(queue.get, True, 60)
            if kind == "times":
                collected += 1
                for event_id, times in value.items():
                    received.setdefault(int(event_id), []).extend(times)
        latencies = []
        missing = 0
        for event_id, committed_at in commits.items():
            times = received.get(event_id, [])
            missing += n - len(times)
            latencies += [t - committed_at for t in times]
        return Result(
            server="bare" if bare else f"mentorgraph x{args.workers}",
            subscribers=n,
            events=len(commits),
            latencies=latencies,
            missing=missing,
            rss_idle_mb=rss_idle,
            rss_subscribed_mb=rss_subscribed,
            rss_peak_mb=rss_peak,
            subscribe_seconds=subscribe_seconds,
            cpu_us_per_delivery=cpu_used / max(1, len(latencies)) * 1e6,
        )
    finally:
        stop.set()
        for process in clients:
            process.join(timeout=30)
            if process.is_alive():
                process.terminate()
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        await close_db()


async def main_async(args: argparse.Namespace, data_dir: Path) -> list[Result]:
    results = []
    for n in args.subscribers:
        result = await asyncio.wait_for(run_one(args, n, data_dir), args.budget)
        print(result.line(), flush=True)
        results.append(result)
        if args.compare_bare:
            limit = await asyncio.wait_for(run_one(args, n, data_dir, bare=True), args.budget)
            print(limit.line(), flush=True)
            results.append(limit)
            # Deliveries per second of server CPU, as a share of the bare server's.
            ratio = limit.cpu_us_per_delivery / max(result.cpu_us_per_delivery, 1e-9)
            print(
                f"N={n}: mentorgraph's delivery throughput = {ratio:.2f}x the bare server's"
                " (per server CPU second)",
                flush=True,
            )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--events", type=int, default=10, help="measured status changes")
    parser.add_argument("--pause", type=float, default=0.5, help="seconds between changes")
    parser.add_argument("--clients", type=int, default=2, help="client processes")
    parser.add_argument("--admins", type=int, default=98, help="subscribing admins")
    parser.add_argument("--queue-size", type=int, default=256)
    parser.add_argument("--compression", choices=["deflate", "none"], default="deflate")
    parser.add_argument("--event-timeout", type=float, default=30.0)
    parser.add_argument("--budget", type=float, default=600.0, help="seconds per N at most")
    parser.add_argument(
        "--data-dir",
        help="the servers' data, logs and snapshots (default: a new temporary folder per run,"
        " so that two runs never share one)",
    )
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument(
        "--compare-bare",
        action="store_true",
        help="after each N, the same run against the bare broadcast server (bench.bare_broadcast)",
    )
    parser.add_argument(
        "--memory",
        action="store_true",
        help="run the server under tracemalloc and report where subscriptions' memory goes",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", ""),
        help="a DISPOSABLE PostgreSQL database (its schema is dropped); BENCH_DATABASE_URL",
    )
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        parser.error("set BENCH_DATABASE_URL (or --database-url) to a disposable PostgreSQL db")
    if args.data_dir:
        data_dir = Path(args.data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
    else:  # kept afterwards: the servers' logs say what went wrong
        data_dir = Path(tempfile.mkdtemp(prefix="mentorgraph-bench-"))
    print(f"data, logs and snapshots in {data_dir}", flush=True)
    results = asyncio.run(main_async(args, data_dir))
    if args.json:
        Path(args.json).write_text(
            json.dumps([{k: v for k, v in vars(r).items() if k != "latencies"} for r in results])
        )


if __name__ == "__main__":
    main()
