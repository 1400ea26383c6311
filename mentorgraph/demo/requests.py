"""The demo's request history: every mentor answers in their own way, so `responsiveness` and
`orderBy: RESPONSIVENESS` mean something.

Written as rows (in bulk, not through the API), with the statuses, timestamps and events the
lifecycle would write. Settled history is fixed in the 60 days before `BASE_TIME`, like the
accounts; requests still waiting are placed in the last three days before the seed runs (`now`),
so the sweep neither reminds nor expires the whole demo at its first start.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

from mentorgraph.demo.people import BASE_TIME, DemoPeople, DemoPerson
from mentorgraph.demo.store import StoredPeople
from mentorgraph.models.directory.response_scores import refresh_scores
from mentorgraph.models.requests.requests import (
    SYSTEM_DECLINE_REASONS,
    DeclineReason,
    MentorshipRequest,
    RequestEvent,
    RequestStatus,
)

__all__ = ["DemoRequest", "plan_requests", "store_requests"]

S = RequestStatus
EXPIRY = timedelta(days=14)
# (chance to answer, typical hours to answer) per kind of mentor, and how many mentors are so.
HABITS: tuple[tuple[float, float, int], ...] = (
    (0.95, 6, 30),  # prompt
    (0.8, 40, 40),  # steady
    (0.5, 120, 20),  # slow
    (0.1, 200, 10),  # silent
)
REASONS = [r for r in DeclineReason if r not in SYSTEM_DECLINE_REASONS]
TEXT = (
    "I would like guidance on growing from where I am now towards the role you have, and on"
    " the habits that helped you most."
)


@dataclass
class DemoRequest:
    mentor: DemoPerson
    mentee: DemoPerson
    created_at: datetime
    # (to status, at, actor: "mentee" | "mentor" | None for the system), after NEW.
    steps: list[tuple[RequestStatus, datetime, str | None]] = field(default_factory=list)
    decline_reason: DeclineReason | None = None

    @property
    def answered_at(self) -> datetime | None:
        """When the mentor answered (a decline by the system is no answer of theirs)."""
        return next(
            (
                at
                for to, at, who in self.steps
                if to in (S.APPROVED, S.DECLINED) and who == "mentor"
            ),
            None,
        )

    @property
    def status(self) -> RequestStatus:
        return self.steps[-1][0] if self.steps else S.NEW

    def at(self, status: RequestStatus) -> datetime | None:
        return next((at for to, at, _ in self.steps if to is status), None)


def plan_requests(people: DemoPeople, rng: random.Random, now: datetime) -> list[DemoRequest]:
    """Deterministic for the same people, `rng` seed and `now` (which places only open ones)."""
    habits = {
        m.email: rng.choices(HABITS, weights=[h[2] for h in HABITS])[0] for m in people.mentors
    }
    active: Counter[str] = Counter()  # APPROVED per mentor
    blocked: set[tuple[str, str]] = set()  # pairs with an open or active request
    planned: list[DemoRequest] = []
    for mentee in people.mentees:
        for _ in range(rng.randint(1, 4)):
            mentor = _pick_mentor(people, mentee, rng)
            start = mentee.created_at + timedelta(days=1)
            latest = BASE_TIME - EXPIRY - timedelta(days=1)
            if (mentor.email, mentee.email) in blocked or start >= latest:
                continue
            created = start + (latest - start) * rng.random()
            request = DemoRequest(mentor, mentee, created.replace(microsecond=0))
            _settle(request, habits[mentor.email], rng, active, blocked)
            planned.append(request)
    planned += _waiting(people, rng, now, active, blocked)
    planned.sort(key=lambda r: r.created_at)
    return planned


def _pick_mentor(people: DemoPeople, mentee: DemoPerson, rng: random.Random) -> DemoPerson:
    sharing = [m for m in people.mentors if set(m.tags) & set(mentee.tags)]
    return rng.choice(sharing or list(people.mentors))


def _settle(
    request: DemoRequest,
    habit: tuple[float, float, int],
    rng: random.Random,
    active: Counter[str],
    blocked: set[tuple[str, str]],
) -> None:
    answer_chance, hours, _ = habit
    created = request.created_at
    mentor = request.mentor
    if rng.random() < answer_chance:
        delay = timedelta(hours=min(rng.expovariate(1 / hours), 24 * 13))
        answered = (created + delay).replace(microsecond=0)
        if rng.random() < 0.6:
            request.steps.append((S.VIEWED, created + delay / 2, "mentor"))
        if rng.random() < 0.6 and active[mentor.email] < mentor.capacity:
            request.steps.append((S.APPROVED, answered, "mentor"))
            done = answered + timedelta(days=rng.randint(10, 50))
            if done < BASE_TIME:
                request.steps.append((S.COMPLETED, done, rng.choice(["mentor", "mentee"])))
            else:
                active[mentor.email] += 1
                blocked.add((mentor.email, request.mentee.email))
        else:
            request.steps.append((S.DECLINED, answered, "mentor"))
            request.decline_reason = rng.choice(REASONS)
    elif rng.random() < 0.2:
        request.steps.append((S.CANCELLED, created + timedelta(days=rng.randint(2, 10)), "mentee"))
    else:
        request.steps.append((S.EXPIRED, created + EXPIRY, None))


def _waiting(
    people: DemoPeople,
    rng: random.Random,
    now: datetime,
    active: Counter[str],
    blocked: set[tuple[str, str]],
) -> list[DemoRequest]:
    """A third of the mentees wait on one or two answers, asked within the last three days."""
    waiting = []
    for mentee in people.mentees:
        if rng.random() > 1 / 3:
            continue
        for _ in range(rng.randint(1, 2)):
            mentor = _pick_mentor(people, mentee, rng)
            pair = (mentor.email, mentee.email)
            if not mentor.available or active[mentor.email] >= mentor.capacity or pair in blocked:
                continue
            blocked.add(pair)
            created = (now - timedelta(hours=rng.uniform(1, 72))).replace(microsecond=0)
            request = DemoRequest(mentor, mentee, created)
            if rng.random() < 0.4:
                request.steps.append((S.VIEWED, created + (now - created) / 2, "mentor"))
            waiting.append(request)
    return waiting


async def store_requests(planned: list[DemoRequest], stored: StoredPeople) -> list[int]:
    """Insert the requests in order, then their events; then score every mentor. Returns the
    requests' ids, in the order of `planned`."""
    rows = []
    for r in planned:
        answered = r.answered_at
        viewed = r.at(S.VIEWED) or answered
        rows.append(
            MentorshipRequest(
                mentor_id=stored.id_of(r.mentor),
                mentee_id=stored.id_of(r.mentee),
                status=r.status,
                message=TEXT,
                background=TEXT,
                expectation=TEXT,
                decline_reason=r.decline_reason,
                created_at=r.created_at,
                updated_at=r.steps[-1][1] if r.steps else r.created_at,
                viewed_at=viewed,
                responded_at=answered,
            )
        )
    await MentorshipRequest.bulk_create(rows, batch_size=500)
    # bulk_create leaves primary keys unset on PostgreSQL: read them back, in insertion order.
    mentee_ids = sorted({stored.id_of(r.mentee) for r in planned})
    ids = await (
        MentorshipRequest.filter(mentee_id__in=mentee_ids)
        .order_by("id")
        .values_list("id", flat=True)
    )
    events = []
    for request_id, r in zip(ids, planned, strict=True):
        actors = {"mentee": stored.id_of(r.mentee), "mentor": stored.id_of(r.mentor), None: None}
        previous = None
        for to, at, actor in [(S.NEW, r.created_at, "mentee"), *r.steps]:
            events.append(
                RequestEvent(
                    request_id=request_id,
                    from_status=previous,
                    to_status=to,
                    actor_id=actors[actor],
                    occurred_at=at,
                    note=None,
                )
            )
            previous = to
    await RequestEvent.bulk_create(events, batch_size=500)
    await refresh_scores()
    return [int(cast("int", pk)) for pk in ids]
