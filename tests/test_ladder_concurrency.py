"""Overlapping sweeps never double a reminder or an expiry (PostgreSQL: truly concurrent
statements on separate pooled connections; SQLite: interleaved on its one connection)."""

from __future__ import annotations

import asyncio
import os
from datetime import timedelta

import pytest

from models import clock
from models.ladder import run_ladder
from models.outbox import OutboxEmail
from models.reminders import RequestReminder
from models.requests import RequestEvent, RequestStatus
from models.sweep import sweep, sweep_lock
from tests.utils.factories import make_mentor, make_request, make_user
from tests.utils.rules import rules

postgres_only = pytest.mark.skipif(
    os.environ.get("TEST_DB", "sqlite") != "postgres",
    reason="the advisory lock exists on PostgreSQL only (SQLite serves one process)",
)


async def _waiting_requests(count: int) -> list[int]:
    mentors = [await make_mentor(capacity=10) for _ in range(count // 5 + 1)]
    ids = []
    for n in range(count):
        mentee = await make_user()
        ids.append((await make_request(mentee, mentors[n % len(mentors)])).id)
    return ids


async def test_overlapping_ladders_send_each_reminder_once(db: None) -> None:
    # The expiry path on its own: the silence rule would release these requests first
    # (`test_overlapping_ladders_release_each_request_once`).
    with rules(silent_signals=1_000):
        await _overlapping_ladders()


async def _overlapping_ladders() -> None:
    await _waiting_requests(30)
    clock.advance(timedelta(days=5, minutes=1))
    # Not through `sweep`: its lock would keep the second out. This is the case the lock cannot
    # cover (SQLite in several processes, a lock lost with its connection): the index decides.
    reports = await asyncio.gather(*(run_ladder() for _ in range(4)))
    assert sum(r.reminded for r in reports) == 30
    assert await RequestReminder.filter(number=1).count() == 30
    assert await OutboxEmail.filter(kind="request_reminder").count() == 30

    clock.advance(timedelta(days=5))
    reports = await asyncio.gather(*(run_ladder() for _ in range(4)))
    assert sum(r.reminded for r in reports) == 30
    assert await RequestReminder.filter(number=2).count() == 30

    clock.advance(timedelta(days=4))
    reports = await asyncio.gather(*(run_ladder() for _ in range(4)))
    assert sum(r.expired for r in reports) == 30
    assert await RequestEvent.filter(to_status=RequestStatus.EXPIRED).count() == 30
    # One email to each mentee and one to each mentor per expiry, none twice.
    assert await OutboxEmail.filter(kind="request_expired_mentee").count() == 30
    assert await OutboxEmail.filter(kind="request_expired_mentor").count() == 30


@postgres_only
async def test_only_one_process_sweeps_at_a_time(db: None) -> None:
    await _waiting_requests(10)
    clock.advance(timedelta(days=5, minutes=1))
    async with sweep_lock() as held:
        assert held
        # Another process (another session) trying now skips its turn.
        assert (await sweep()).skipped
    reports = await asyncio.gather(*(sweep() for _ in range(3)))
    assert sum(not r.skipped for r in reports) >= 1
    assert sum(r.ladder.reminded for r in reports) == 10
    # The lock was released: the next sweep runs (and finds nothing left to do).
    later = await sweep()
    assert not later.skipped and later.ladder.reminded == 0
