"""The demo's story: what a first look should find, whatever the random history drew.

- The demo mentor (`mentor@example.org`) has two mentees waiting (one request viewed), two
  active mentorships with room for one more (the README's walk-through asks them), and three
  completed ones rated by their mentees; two of those mentees went on to mentor others, who
  make the demo mentor's lineage.
- A silent mentor: two requests expired unanswered, so the system set them unavailable (with
  its record, as the sweep does) and released their last waiting request (`MENTOR_INACTIVE`).
- A paused mentor: away since two days before the seed, until ten days after it
  (`unavailableUntil`; the sweep brings them back).

The story owns these mentors' requests (the random ones involving them are left out), so it
holds with any number of mentors; a tiny demo tells what its people allow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from mentorgraph.demo.people import BASE_TIME, DemoPeople, DemoPerson
from mentorgraph.demo.requests import DemoRequest
from mentorgraph.models.requests.requests import DeclineReason, RequestStatus

__all__ = ["PAUSE", "Rating", "Story", "plan_story"]

S = RequestStatus
DAY = timedelta(days=1)
PAUSE = timedelta(days=10)
EXPIRY = timedelta(days=14)


@dataclass(frozen=True)
class Rating:
    request: DemoRequest
    rating: int
    comment: str


@dataclass
class Story:
    requests: list[DemoRequest]  # the whole history, random and story, oldest first
    ratings: list[Rating] = field(default_factory=list)
    silent: DemoPerson | None = None
    silenced_at: datetime | None = None
    paused: DemoPerson | None = None
    paused_until: datetime | None = None


def _asked(mentor: DemoPerson, mentee: DemoPerson, at: datetime) -> DemoRequest:
    # Nobody asks before their account exists.
    return DemoRequest(mentor, mentee, max(at, mentee.created_at + DAY).replace(microsecond=0))


def _mentorship(
    mentor: DemoPerson, mentee: DemoPerson, at: datetime, done: datetime | None
) -> DemoRequest:
    request = _asked(mentor, mentee, at)
    approved = request.created_at + timedelta(hours=20)
    request.steps += [(S.VIEWED, request.created_at + 6 * timedelta(hours=1), "mentor")]
    request.steps += [(S.APPROVED, approved, "mentor")]
    if done is not None:
        request.steps.append((S.COMPLETED, max(done, approved + DAY), "mentee"))
    return request


def _pick(candidates: Sequence[DemoPerson], taken: set[str], count: int) -> list[DemoPerson]:
    chosen = [p for p in candidates if p.email not in taken][:count]
    taken.update(p.email for p in chosen)
    return chosen


def plan_story(people: DemoPeople, planned: list[DemoRequest], now: datetime) -> Story:
    """The story, woven into the planned history (deterministic for the same `now`)."""
    demo_mentor, others = people.mentors[0], people.mentors[1:]
    with_room = [m for m in others if m.available and m.capacity >= 2]
    busy = {r.mentor.email for r in planned if r.status in (S.NEW, S.VIEWED, S.APPROVED)}
    quiet = [m for m in with_room if m.email not in busy]
    # Two former mentees who mentor; then the silent and the paused mentor, from the rest.
    lineage_mentors = with_room[:2]
    rest = [m for m in quiet if m not in lineage_mentors]
    silent = rest[0] if rest else None
    paused = rest[1] if len(rest) > 1 else None
    owned = {demo_mentor.email, *(m.email for m in (silent, paused) if m is not None)}
    story = Story(requests=[r for r in planned if r.mentor.email not in owned])

    # The demo mentee stays free to ask the demo mentor (the README's walk-through).
    taken = {people.mentees[0].email}
    mentees = list(people.mentees[1:])
    early = [m for m in mentees if m.created_at <= BASE_TIME - 40 * DAY]
    comments = (
        (5, "Patient, practical and honest: exactly what I needed."),
        (4, "Helped me plan my first conference talk."),
        (5, "Our calls changed how I review code."),
    )
    former = [*lineage_mentors, *_pick(early, taken, 3 - len(lineage_mentors))]
    for i, (mentee, (stars, comment)) in enumerate(zip(former, comments, strict=False)):
        start = BASE_TIME - (400 - 60 * i) * DAY if mentee.is_mentor else BASE_TIME - 45 * DAY
        request = _mentorship(demo_mentor, mentee, start, start + 40 * DAY)
        story.requests.append(request)
        story.ratings.append(Rating(request, stars, comment))
    # The former mentees' own mentees: the demo mentor's lineage.
    later_mentees = [m for m in others if m not in lineage_mentors and m.email not in owned]
    for i, mentor in enumerate(lineage_mentors):
        if i < len(later_mentees):
            start = BASE_TIME - (300 - 50 * i) * DAY
            story.requests.append(_mentorship(mentor, later_mentees[i], start, start + 60 * DAY))
    for mentee in _pick(mentees, taken, 2):
        story.requests.append(_mentorship(demo_mentor, mentee, BASE_TIME - 20 * DAY, None))
    for i, mentee in enumerate(_pick(mentees, taken, 2)):
        waiting = _asked(demo_mentor, mentee, now - (30 - 25 * i) * timedelta(hours=1))
        if i == 0:
            waiting.steps.append((S.VIEWED, waiting.created_at + timedelta(hours=4), "mentor"))
        story.requests.append(waiting)

    askers = [m for m in people.mentees if m.created_at <= BASE_TIME - 26 * DAY][:3]
    if silent is not None and len(askers) == 3:
        story.silent, story.silenced_at = silent, _silence(story, silent, askers)
    if paused is not None:
        story.paused, story.paused_until = paused, (now + PAUSE).replace(microsecond=0)
    story.requests.sort(key=lambda r: r.created_at)
    return story


def _silence(story: Story, mentor: DemoPerson, mentees: Sequence[DemoPerson]) -> datetime:
    """Two expiries, then the rule sets the mentor unavailable and releases the third request."""
    first = _asked(mentor, mentees[0], BASE_TIME - 32 * DAY)
    second = _asked(mentor, mentees[1], BASE_TIME - 29 * DAY)
    third = _asked(mentor, mentees[2], BASE_TIME - 25 * DAY)
    for request in (first, second):
        request.steps.append((S.EXPIRED, request.created_at + EXPIRY, None))
    silenced = second.created_at + EXPIRY + timedelta(minutes=1)
    third.steps.append((S.DECLINED, silenced, None))
    third.decline_reason = DeclineReason.MENTOR_INACTIVE
    story.requests += [first, second, third]
    return silenced
