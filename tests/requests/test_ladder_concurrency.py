"""Overlapping sweeps never double a reminder or an expiry (PostgreSQL: truly concurrent
statements on separate pooled connections; SQLite: interleaved on its one connection)."""

from __future__ import annotations

import asyncio
import os
from datetime import timedelta

import pytest

from devkit.factories import TEXT, make_mentor, make_request, make_user
from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User
from mentorgraph.models.directory.availability_changes import AvailabilityChange
from mentorgraph.models.errors import ErrorCode, RuleViolation
from mentorgraph.models.notifications.outbox import OutboxEmail
from mentorgraph.models.requests import lifecycle
from mentorgraph.models.requests.ladder import release_silent_mentor, run_ladder
from mentorgraph.models.requests.reminders import RequestReminder
from mentorgraph.models.requests.request_guards import OPEN_STATUSES
from mentorgraph.models.requests.request_rules import create_request
from mentorgraph.models.requests.requests import MentorshipRequest, RequestEvent, RequestStatus
from mentorgraph.models.sweep import sweep, sweep_lock
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
        ids.append((await make_request(mentee=mentee, mentor=mentors[n % len(mentors)])).id)
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


async def _silent_mentors(count: int) -> list[tuple[int, int]]:
    """`count` mentors, each with one request unread for a week past its first reminder:
    (mentor id, request id) pairs, every mentor silent by the rule's defaults."""
    pairs = []
    for _ in range(count):
        mentor = await make_mentor()
        pairs.append((mentor.id, (await make_request(mentee=await make_user(), mentor=mentor)).id))
    clock.advance(timedelta(days=5, minutes=1))
    with rules(silent_signals=1_000):
        await run_ladder()  # the first reminders, and nobody flagged yet
    clock.advance(timedelta(days=2))
    return pairs


async def test_overlapping_ladders_release_each_request_once(db: None) -> None:
    pairs = await _silent_mentors(12)
    reports = await asyncio.gather(*(run_ladder() for _ in range(4)))
    assert sum(r.set_unavailable for r in reports) == 12
    assert sum(r.released for r in reports) == 12
    assert await AvailabilityChange.filter(available=False).count() == 12
    declined = await RequestEvent.filter(to_status=RequestStatus.DECLINED).count()
    assert declined == 12
    assert await OutboxEmail.filter(kind="request_declined").count() == 12
    assert await OutboxEmail.filter(kind="mentor_unavailable").count() == 12
    assert not await User.filter(id__in=[m for m, _ in pairs], available=True).exists()


async def test_a_release_and_an_approval_never_both_happen(db: None) -> None:
    """The mentor approves while the sweep releases: the row lock on the mentor orders them.
    Approved first: the mentor was active, so not silent, and stays available. Released first:
    the approval finds the request declined."""
    pairs = await _silent_mentors(10)
    outcomes = []
    for mentor_id, request_id in pairs:
        mentor = await User.get(id=mentor_id)
        released, approved = await asyncio.gather(
            release_silent_mentor(mentor_id),
            lifecycle.transition(request_id, RequestStatus.APPROVED, actor=mentor),
            return_exceptions=True,
        )
        row = await MentorshipRequest.get(id=request_id)
        still = (await User.get(id=mentor_id)).available
        if isinstance(approved, BaseException):
            assert isinstance(approved, RuleViolation), approved
            assert approved.code is ErrorCode.INVALID_TRANSITION
            assert (released, row.status, still) == (1, RequestStatus.DECLINED, False)
            outcomes.append("released")
        else:
            assert (released, row.status, still) == (None, RequestStatus.APPROVED, True)
            outcomes.append("approved")
        assert await RequestEvent.filter(request_id=request_id).count() == 1
    assert len(outcomes) == 10


async def test_no_request_is_left_waiting_on_a_released_mentor(db: None) -> None:
    """A mentee asks while the sweep releases the mentor: the mentor's row lock orders them.
    Asked first: the request is released with the others. Released first: MENTOR_UNAVAILABLE."""
    pairs = await _silent_mentors(10)
    for mentor_id, _ in pairs:
        mentee = await make_user()
        released, created = await asyncio.gather(
            release_silent_mentor(mentor_id),
            create_request(
                mentee, mentor_id=mentor_id, message=TEXT, background=TEXT, expectation=TEXT
            ),
            return_exceptions=True,
        )
        assert released in (1, 2), released
        if isinstance(created, BaseException):
            assert isinstance(created, RuleViolation), created
            assert (created.code, released) == (ErrorCode.MENTOR_UNAVAILABLE, 1)
        assert not (await User.get(id=mentor_id)).available
        waiting = MentorshipRequest.filter(mentor_id=mentor_id, status__in=OPEN_STATUSES)
        assert not await waiting.exists()
