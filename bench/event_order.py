"""What the event-order lock costs: concurrent status changes per second, with and without it.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/<disposable db> \\
        .venv/bin/python -m bench.event_order --writers 1 4 16 --changes 2000

Each writer changes the status of its own requests (no row contention), through the same
transaction the lifecycle uses (`devkit/status.py`). "without" replaces the advisory
lock with nothing, which is unsafe (ids may commit out of order); it is only the baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import mentorgraph.models.requests.events  # noqa: E402
from bench.subscriptions import reset_database  # noqa: E402
from devkit.factories import make_mentor, make_request, make_user  # noqa: E402
from devkit.status import change_status  # noqa: E402
from mentorgraph.db import close_db, init_db  # noqa: E402
from mentorgraph.models.requests.requests import RequestStatus  # noqa: E402


async def _no_lock(_connection: object) -> None:
    return None


async def run(url: str, writers: int, changes: int) -> tuple[float, float, float]:
    mentor = await make_mentor(capacity=1000)
    requests = [await make_request(mentee=mentor, mentor=await make_user()) for _ in range(writers)]
    per_writer = changes // writers
    latencies: list[float] = []

    async def writer(request: object) -> None:
        for i in range(per_writer):
            started = time.perf_counter()
            status = RequestStatus.VIEWED if i % 2 == 0 else RequestStatus.NEW
            await change_status(request, status)  # type: ignore[arg-type]
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(writer(r) for r in requests))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return (
        per_writer * writers / elapsed,
        statistics.median(latencies) * 1000,
        latencies[int(0.99 * len(latencies))] * 1000,
    )


async def main_async(args: argparse.Namespace) -> None:
    original = mentorgraph.models.requests.events._take_order_lock
    for writers in args.writers:
        for label, lock in (("with lock", original), ("without", _no_lock)):
            mentorgraph.models.requests.events._take_order_lock = lock  # type: ignore[assignment]
            await reset_database(args.database_url)
            # The pool must allow every writer its own connection.
            await init_db(args.database_url)
            per_s, p50, p99 = await run(args.database_url, writers, args.changes)
            await close_db()
            print(
                f"writers={writers:>2}  {label:<9}  {per_s:7.0f} changes/s"
                f"  p50={p50:.1f} ms  p99={p99:.1f} ms",
                flush=True,
            )
    mentorgraph.models.requests.events._take_order_lock = original


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--changes", type=int, default=2000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        parser.error("set BENCH_DATABASE_URL to a disposable PostgreSQL database")
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
