"""What simulated mentors do, each step through the real rules (`models/`): learn of a new request
from its email and answer it in their habit's time (or never), answer sooner after a reminder,
fill up, go on holiday, come back after being set unavailable by mistake. Between answers they
come by and open what waits (`visits.py`).
"""

from __future__ import annotations

import contextlib
from functools import partial
from typing import cast

from mentorgraph.models.accounts.users import User
from mentorgraph.models.errors import ErrorCode, RuleViolation
from mentorgraph.models.requests import lifecycle
from mentorgraph.models.requests.feedback import leave_feedback
from mentorgraph.models.requests.request_guards import OPEN_STATUSES
from mentorgraph.models.requests.requests import DeclineReason, MentorshipRequest, RequestStatus
from mentorgraph.simulate import availability
from mentorgraph.simulate.population import Habit, SimMentor
from mentorgraph.simulate.world import World

__all__ = ["answer", "on_flagged", "on_new_request", "on_reminder", "start_holidays"]

S = RequestStatus
# Mean hours to answer a request, by habit (silent mentors never do).
ANSWER_HOURS = {Habit.PROMPT: 6, Habit.STEADY: 36, Habit.SLOW: 24 * 7}
# The chance a reminder makes the mentor answer within hours.
HEEDS_REMINDER = {Habit.PROMPT: 1.0, Habit.STEADY: 0.9, Habit.SLOW: 0.7, Habit.SILENT: 0.0}
APPROVES = 0.75
_REASONS = (
    DeclineReason.NOT_A_GOOD_FIT,
    DeclineReason.OUT_OF_EXPERTISE,
    DeclineReason.NOT_ENOUGH_INFORMATION,
)


async def _open_requests(mentor_id: int) -> list[int]:
    return cast(
        "list[int]",
        await MentorshipRequest.filter(mentor_id=mentor_id, status__in=OPEN_STATUSES)
        .order_by("id")
        .values_list("id", flat=True),
    )


async def _active(mentor_id: int) -> int:
    return await MentorshipRequest.filter(mentor_id=mentor_id, status=S.APPROVED).count()


async def on_new_request(world: World, mentor_id: int) -> None:
    """The new-request email arrived: plan an answer to every request not seen yet."""
    mentor = world.mentors[mentor_id]
    for request_id in await _open_requests(mentor_id):
        if request_id in world.planned:
            continue
        world.planned.add(request_id)
        if mentor.habit is Habit.SILENT:
            continue
        # Opened at their next visit (`visits.py`), answered in their habit's time.
        delay = world.hours(ANSWER_HOURS[mentor.habit])
        world.after(delay, partial(answer, world, mentor_id, request_id))


async def on_reminder(world: World, mentor_id: int) -> None:
    mentor = world.mentors[mentor_id]
    if world.rng.random() >= HEEDS_REMINDER[mentor.habit]:
        return
    for request_id in await _open_requests(mentor_id):
        world.after(world.hours(4), partial(answer, world, mentor_id, request_id))


async def on_flagged(world: World, mentor_id: int) -> None:
    """Set unavailable by the system: a mentor who does answer comes back a day or two later."""
    mentor = world.mentors[mentor_id]
    if mentor.habit is not Habit.SILENT:
        world.after(world.rng.uniform(1, 3) * 86400, lambda: _come_back(world, mentor_id))


async def _come_back(world: World, mentor_id: int) -> None:
    if mentor_id not in world.away:
        await availability.set_available(mentor_id)


async def answer(world: World, mentor_id: int, request_id: int) -> None:
    mentor = world.mentors[mentor_id]
    holiday = mentor.holiday
    if mentor_id in world.away and holiday is not None:
        # Answers what is still waiting once back.
        world.agenda.at(holiday.end + 3630, lambda: answer(world, mentor_id, request_id))
        return
    request = await MentorshipRequest.get(id=request_id)
    if request.status not in OPEN_STATUSES:
        return
    user = await User.get(id=mentor_id)
    room = await _active(mentor_id) < mentor.capacity
    if room and world.rng.random() < APPROVES:
        try:
            await lifecycle.transition(request_id, S.APPROVED, actor=user)
        except RuleViolation as exc:
            if exc.code is not ErrorCode.MENTOR_AT_CAPACITY:
                return
        else:
            await _approved(world, mentor, mentor_id, request_id)
            return
    reason = world.rng.choice(_REASONS) if room else DeclineReason.NO_CAPACITY
    with contextlib.suppress(RuleViolation):
        await lifecycle.transition(request_id, S.DECLINED, actor=user, decline_reason=reason)


async def _approved(world: World, mentor: SimMentor, mentor_id: int, request_id: int) -> None:
    if mentor.closes_when_full and await _active(mentor_id) >= mentor.capacity:
        await availability.set_unavailable(mentor_id, world)
    days = world.rng.uniform(14, 45)
    world.after(days * 86400, lambda: _complete(world, mentor_id, request_id))


async def _complete(world: World, mentor_id: int, request_id: int) -> None:
    request = await MentorshipRequest.get(id=request_id)
    if request.status is not S.APPROVED:
        return
    by_mentor = world.rng.random() < 0.5
    actor = await User.get(id=mentor_id if by_mentor else request.mentee_id)
    await lifecycle.transition(request_id, S.COMPLETED, actor=actor)
    if world.rng.random() < 0.7:
        mentee = await User.get(id=request.mentee_id)
        rating = world.rng.choice((3, 4, 5, 5, 5))
        await leave_feedback(mentee, request_id, rating=rating, comment=None)
    mentor = world.mentors[mentor_id]
    if mentor.closes_when_full and mentor_id not in world.away:
        await availability.reopen_after_full(mentor_id, world)


def start_holidays(world: World) -> None:
    for mentor_id, mentor in world.mentors.items():
        if mentor.holiday is not None:
            world.agenda.at(mentor.holiday.start + 30, partial(_leave, world, mentor_id))


async def _leave(world: World, mentor_id: int) -> None:
    holiday = world.mentors[mentor_id].holiday
    assert holiday is not None
    world.away.add(mentor_id)
    await availability.go_away(mentor_id, until=holiday.end, decline=holiday.declines_waiting)
    world.agenda.at(holiday.end + 30, lambda: _return(world, mentor_id))


async def _return(world: World, mentor_id: int) -> None:
    world.away.discard(mentor_id)
    await availability.come_back(mentor_id)
    # Back at the desk: what still waits is answered within a day or so.
    for request_id in await _open_requests(mentor_id):
        world.after(world.hours(12), partial(answer, world, mentor_id, request_id))
